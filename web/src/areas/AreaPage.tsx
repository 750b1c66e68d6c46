import { Badge, Button, Card, EmptyState, Group, SimpleGrid, Text, ThemeIcon } from '@mantine/core';
import { IconArrowRight, IconCheck } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import type { Area } from './areas.ts';

/** The page of an area that is not built yet: what it will hold, and what to do meanwhile. */
export function AreaPage({ area }: { area: Area }) {
  const Icon = area.icon;
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
      <Card py={56} px="xl">
        <EmptyState
          variant="light"
          color={area.color}
          size="lg"
          icon={<Icon size={34} stroke={1.6} />}
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
          {area.meanwhile && (
            <EmptyState.Actions mt="xl">
              <Button component={Link} to={area.meanwhile.to} rightSection={<IconArrowRight size={16} />}>
                {area.meanwhile.label}
              </Button>
            </EmptyState.Actions>
          )}
          {area.meanwhile && (
            <Text fz="xs" c="dimmed" mt="xs">
              {area.meanwhile.text}
            </Text>
          )}
        </EmptyState>
      </Card>
    </>
  );
}
