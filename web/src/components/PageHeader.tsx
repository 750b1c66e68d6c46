import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The title row of every page: what this is, one line about it, and its main actions. */
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    // On a narrow screen the actions go under the title instead of squeezing it.
    <Group justify="space-between" align="flex-start" gap="md" mb="xl" style={{ rowGap: 'var(--mantine-spacing-sm)' }}>
      <Stack gap={6} maw={760} style={{ flex: '1 1 320px', minWidth: 0 }}>
        <Title order={1} fz={26} lts={-0.4} lh={1.2}>
          {title}
        </Title>
        {description && (
          <Text c="dimmed" fz="sm" lh={1.55}>
            {description}
          </Text>
        )}
      </Stack>
      {actions && (
        <Group gap="sm" style={{ maxWidth: '100%' }}>
          {actions}
        </Group>
      )}
    </Group>
  );
}

/** The heading of a section inside a page (a card or a settings panel). */
export function SectionHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" gap="md" mb="md" style={{ rowGap: 'var(--mantine-spacing-xs)' }}>
      <Stack gap={4} style={{ flex: '1 1 280px', minWidth: 0 }}>
        <Title order={2} fz="lg" lh={1.3}>
          {title}
        </Title>
        {description && (
          <Text c="dimmed" fz="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && (
        <Group gap="sm" style={{ maxWidth: '100%' }}>
          {actions}
        </Group>
      )}
    </Group>
  );
}
