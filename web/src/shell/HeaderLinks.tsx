import { ActionIcon, Button } from '@mantine/core';
import { IconBook2 } from '@tabler/icons-react';

/** Quiet links to help, next to the user menu (an icon alone on a phone). */
export function HeaderLinks() {
  return (
    <>
      <Button
        component="a"
        href="/api/docs"
        target="_blank"
        rel="noreferrer"
        variant="subtle"
        color="gray"
        size="sm"
        fw={500}
        leftSection={<IconBook2 size={17} stroke={1.7} />}
        visibleFrom="sm"
      >
        API docs
      </Button>
      <ActionIcon component="a" href="/api/docs" target="_blank" rel="noreferrer" variant="subtle" color="gray" size="lg" aria-label="API docs" hiddenFrom="sm">
        <IconBook2 size={19} stroke={1.7} />
      </ActionIcon>
    </>
  );
}
