import { Card, EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { ROLE_LABELS } from '../lib/roles.ts';
import type { Role } from '../lib/types.ts';

/** What someone without the rights sees instead of a settings panel. */
export function AdminOnly({ role, what }: { role: Role; what: string }) {
  return (
    <Card py={48}>
      <EmptyState
        variant="light"
        color="gray"
        icon={<IconLock size={28} />}
        title={`Only admins and owners can manage ${what}`}
        description={`Your role in this workspace is ${ROLE_LABELS[role]}. Ask an admin or owner if you need access.`}
      />
    </Card>
  );
}
