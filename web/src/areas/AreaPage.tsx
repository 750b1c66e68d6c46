import { Badge, Button, Card, EmptyState, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconArrowRight, IconCheck } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import type { Area } from './areas.ts';
import classes from './AreaPage.module.css';

/** The page of an area that is not built yet: what it will hold, and what to do meanwhile. */
export function AreaPage({ area }: { area: Area }) {
  const Icon = area.icon;
  const { role } = useWorkspace();
  const meanwhile = area.meanwhile && roleAtLeast(role, area.meanwhile.minRole) ? area.meanwhile : undefined;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {area.label}
            <Badge color="gray" variant="light" size="md" tt="none" fw={500}>
              Coming soon
            </Badge>
          </Group>
        }
        description={area.summary}
      />
      <Card py={44} px="xl">
        <EmptyState
          variant="light"
          color={area.color}
          icon={<Icon size={30} stroke={1.6} />}
          title={`${area.label} is not built yet`}
          description={`This is where ${area.label.toLowerCase()} will live. Here is what it will do:`}
          maw={720}
          mx="auto"
        >
          <SimpleGrid cols={2} spacing="md" verticalSpacing="sm" mt="lg" ta="left">
            {area.features.map((feature) => (
              <Group key={feature} gap="sm" wrap="nowrap" align="flex-start">
                <ThemeIcon size={22} radius="xl" variant="light" color={area.color} mt={1}>
                  <IconCheck size={14} stroke={2.5} />
                </ThemeIcon>
                <Text fz="sm" lh={1.5}>
                  {feature}
                </Text>
              </Group>
            ))}
          </SimpleGrid>
          {meanwhile && (
            <Stack gap="sm" align="center" mt={36} pt="lg" className={classes.meanwhile}>
              <Text fz="sm" c="dimmed">
                {meanwhile.text}
              </Text>
              <Button component={Link} to={meanwhile.to} variant="light" rightSection={<IconArrowRight size={16} />}>
                {meanwhile.label}
              </Button>
            </Stack>
          )}
        </EmptyState>
      </Card>
    </>
  );
}
