import { Badge, Button, Card, EmptyState, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconArrowRight, IconHourglassHigh } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import type { Area } from './areas.ts';
import classes from './AreaPage.module.css';

/**
 * The page of an area that is not built yet: it says so first, then what the area will hold
 * (planned, not promised as there), and what to do meanwhile where something exists already.
 */
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
            <Badge color="gray" variant="light" size="md" tt="none" fw={600}>
              Soon
            </Badge>
          </Group>
        }
        description={area.summary}
      />
      <Card py={{ base: 28, sm: 44 }} px={{ base: 'md', sm: 'xl' }}>
        <EmptyState
          variant="light"
          color={area.color}
          icon={<Icon size={30} stroke={1.6} />}
          title={`${area.label} is not built yet`}
          description="Rapport cannot do this yet. It is planned, and this page is where it will be. What is planned:"
          maw={720}
          mx="auto"
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm" mt="lg" ta="left" component="ul" className={classes.planned} aria-label="Planned">
            {area.features.map((feature) => (
              <Group key={feature} gap="sm" wrap="nowrap" align="flex-start" component="li">
                {/* An hourglass, not a tick: none of this works yet. */}
                <ThemeIcon size={22} radius="xl" variant="light" color="gray" mt={1} aria-hidden>
                  <IconHourglassHigh size={13} stroke={2} />
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
