import { ActionIcon, Tooltip } from '@mantine/core';
import { IconApi } from '@tabler/icons-react';

/** Quiet links to help, next to the user menu. */
export function HeaderLinks() {
  return (
    <Tooltip label="API reference">
      <ActionIcon
        component="a"
        href="/api/docs"
        target="_blank"
        rel="noreferrer"
        variant="subtle"
        color="gray"
        size="lg"
        aria-label="API reference"
      >
        <IconApi size={20} stroke={1.6} />
      </ActionIcon>
    </Tooltip>
  );
}
