// Settings › Workspace › Deleted contacts: every deletion of contacts (one, many, an erasure,
// an undone import), who did it and when. Admins and owners only, as deleting is.
import { Anchor, Badge, Card, EmptyState, Table, Text } from '@mantine/core';
import { IconTrashOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { z } from 'zod';
import type { contactDeletion, contactDeletionsPage } from '../../../src/contacts/contract.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { useWorkspaceKey } from '../lib/session.ts';

type Deletion = z.input<typeof contactDeletion>;
type DeletionsPage = z.input<typeof contactDeletionsPage>;

const KINDS: Record<Deletion['kind'], { label: string; color: string }> = {
  one: { label: 'One contact', color: 'gray' },
  many: { label: 'Many at once', color: 'orange' },
  erase: { label: 'Erased (GDPR)', color: 'dark' },
  'import-undo': { label: 'Import undone', color: 'blue' },
};

const n = (x: number) => x.toLocaleString('en');

/** What was selected, in words. */
function What({ d }: { d: Deletion }) {
  const s = (d.selection ?? null) as { ids?: string[]; filter?: { q?: string; filters?: unknown[] }; importId?: string } | null;
  if (d.kind === 'erase' || s === null) return <Text fz="sm" c="dimmed">Nothing that names the person is kept</Text>;
  if (s.importId) {
    return (
      <Anchor component={Link} to={`/contacts/import/${s.importId}`} fz="sm">
        The contacts the import had created
      </Anchor>
    );
  }
  if (s.ids) return <Text fz="sm">{s.ids.length === 1 ? 'Chosen by hand' : `${n(s.ids.length)} chosen by hand`}</Text>;
  const parts = [s.filter?.q ? `the search “${s.filter.q}”` : null, s.filter?.filters?.length ? `${s.filter.filters.length} filter${s.filter.filters.length === 1 ? '' : 's'}` : null].filter(Boolean);
  return <Text fz="sm">{parts.length ? `Everyone matching ${parts.join(' and ')}` : 'Every contact'}</Text>;
}

export function DeletionsCard() {
  const key = useWorkspaceKey('contacts', 'deletions');
  const list = useQuery({ queryKey: key, queryFn: () => api.get<DeletionsPage>('/contacts/deletions') });
  return (
    <Card data-testid="deletions">
      <SectionHeader title="Deleted contacts" description="Every time contacts were deleted, erased or removed by undoing an import: who did it, when and how many. The latest 200." />
      {list.isPending ? (
        <LoadingBlock />
      ) : list.isError ? (
        <ErrorBlock error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Card withBorder={false} bg="gray.0" radius="md" py={32}>
          <EmptyState variant="light" icon={<IconTrashOff size={26} />} title="No contacts deleted yet" description="Deletions are listed here as they happen." />
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={820} type="native">
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Deletions of contacts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={190}>When</Table.Th>
                <Table.Th w={170}>What</Table.Th>
                <Table.Th w={110} ta="right">
                  Contacts
                </Table.Th>
                <Table.Th>Which</Table.Th>
                <Table.Th>By</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((d) => (
                <Table.Tr key={d.id} data-testid="deletion-row">
                  <Table.Td>
                    <Text fz="sm">{formatDateTime(d.deletedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={KINDS[d.kind].color}>
                      {KINDS[d.kind].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text fz="sm" fw={600}>
                      {n(d.deleted)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <What d={d} />
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c={d.userEmail ? undefined : 'dimmed'}>
                      {d.userEmail ?? (d.apiKeyId ? 'An API key' : 'A person no longer in the workspace')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
