// One segment or list: its size and how it moved, its definition in words, and its members.
import { ActionBar, Alert, Anchor, Avatar, Box, Button, Card, Center, Checkbox, Group, Loader, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronLeft, IconDownload, IconPencil, IconTrash, IconUserMinus, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader, SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadMore, LoadingBlock } from '../components/QueryState.tsx';
import { displayName } from '../contacts/model.ts';
import { api, errorMessage, isApiError } from '../lib/api.ts';
import { formatDate, formatDateTime, fromNow, initials } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { AddContactsModal } from './AddContactsModal.tsx';
import { type Described, describe } from '../conditions/describe.ts';
import { ListDetailsModal } from './ListDetailsModal.tsx';
import { isCalculating, type Segment, useCatalogQuery, useMembersQuery, useSegmentQuery, useSegmentsQuery } from './model.ts';
import { KindBadge, SizeText } from './SegmentsPage.tsx';
import { SizeChart } from './SizeChart.tsx';
import classes from './segments.module.css';

const n = (x: number) => x.toLocaleString('en');

export function SegmentPage() {
  const { id = '' } = useParams();
  // Set by the editor after a new definition is saved: the members are recomputed from then.
  const recomputeSince = (useLocation().state as { recomputeSince?: string } | null)?.recomputeSince;
  const segment = useSegmentQuery(id, recomputeSince);
  if (segment.isPending) return <LoadingBlock label="Loading the segment" />;
  if (segment.isError) {
    if (isApiError(segment.error, 404) || isApiError(segment.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  return <SegmentView segment={segment.data} calculating={isCalculating(segment.data, recomputeSince)} />;
}

function SegmentView({ segment: s, calculating }: { segment: Segment; calculating: boolean }) {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const all = useSegmentsQuery();
  const catalog = useCatalogQuery();
  const usedBy = (all.data?.items ?? []).filter((x) => x.dependsOn.segments.includes(s.id));
  const uses = (all.data?.items ?? []).filter((x) => s.dependsOn.segments.includes(x.id));
  const [editingList, editList] = useDisclosure(false);
  const [adding, addContacts] = useDisclosure(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const queryClient = useQueryClient();
  const segmentsKey = useWorkspaceKey('segments');
  const navigate = useNavigate();

  const remove = useMutation({
    mutationFn: () => api.delete(`/segments/${s.id}`),
    onSuccess: () => {
      notifySuccess(`“${s.name}” was deleted.`, s.kind === 'list' ? 'List deleted' : 'Segment deleted');
      setConfirmDelete(false);
      queryClient.removeQueries({ queryKey: [...segmentsKey, 'one', s.id] });
      void queryClient.invalidateQueries({ queryKey: segmentsKey });
      navigate('/segments');
    },
  });

  const kindWord = s.kind === 'list' ? 'list' : 'segment';
  // The members in the contacts list, where they can be searched, filtered further and exported.
  const inContacts = `/contacts?${new URLSearchParams({ filters: JSON.stringify([{ field: 'segment', op: 'eq', value: s.id }]) })}`;
  const actions = (
    <>
      <Button component={Link} to={inContacts} variant="default" leftSection={<IconUsers size={16} stroke={1.7} />}>
        Open in Contacts
      </Button>
      <Button component="a" href={`/api/v1/segments/${s.id}/members.csv`} download variant="default" leftSection={<IconDownload size={16} stroke={1.7} />}>
        Download CSV
      </Button>
      {s.kind === 'list' && (
        <Button variant="default" leftSection={<IconUserPlus size={16} stroke={1.7} />} onClick={addContacts.open} disabled={!canWrite}>
          Add contacts
        </Button>
      )}
      {s.kind === 'segment' ? (
        <Button component={Link} to={`/segments/${s.id}/edit`} leftSection={<IconPencil size={16} />} disabled={!canWrite}>
          Edit
        </Button>
      ) : (
        <Button leftSection={<IconPencil size={16} />} onClick={editList.open} disabled={!canWrite}>
          Edit
        </Button>
      )}
      {canWrite && (
        <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirmDelete(true)}>
          Delete
        </Button>
      )}
    </>
  );

  return (
    <>
      <Anchor component={Link} to="/segments" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Segments
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {s.name}
            <KindBadge kind={s.kind} />
          </Group>
        }
        description={s.description || undefined}
        actions={actions}
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Box className={classes.stat}>
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
              Contacts
            </Text>
            <SizeText segment={s} fz="xl" calculating={calculating} />
          </Box>
          <Box className={classes.stat}>
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
              {s.kind === 'segment' ? 'Last computed in full' : 'Last changed'}
            </Text>
            <Text fz="sm" fw={500} mt={4} title={s.evaluatedAt ? formatDateTime(s.evaluatedAt) : undefined}>
              {s.kind === 'list' ? fromNow(s.updatedAt) : s.evaluatedAt && !calculating ? fromNow(s.evaluatedAt) : 'Now, in the background'}
            </Text>
          </Box>
          <Box className={classes.stat}>
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
              Kept current
            </Text>
            <Text fz="sm" fw={500} mt={4}>
              {s.kind === 'list'
                ? 'By hand: contacts added or removed'
                : s.timeRelative
                  ? 'As contacts change, and every 15 minutes (it depends on the date)'
                  : 'As contacts and their events change'}
            </Text>
          </Box>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, md: s.kind === 'segment' ? 2 : 1 }} spacing="lg">
          {s.kind === 'segment' && s.definition && (
            <Card>
              <SectionHeader title="Who is in it" />
              <DescribedTree node={describe(s.definition, catalog.data)} root />
              {(uses.length > 0 || usedBy.length > 0) && (
                <Stack gap={4} mt="md">
                  {uses.length > 0 && <LinkedNames label="Uses" items={uses} />}
                  {usedBy.length > 0 && <LinkedNames label="Used by" items={usedBy} />}
                </Stack>
              )}
            </Card>
          )}
          <Card>
            <SectionHeader title="Size" />
            {calculating ? (
              <Center h={180}>
                <Group gap="xs">
                  <Loader size="sm" />
                  <Text fz="sm" c="dimmed">
                    Counting the members…
                  </Text>
                </Group>
              </Center>
            ) : (
              <SizeChart points={s.sizes} since={s.createdAt} />
            )}
            {s.kind === 'list' && usedBy.length > 0 && (
              <Box mt="sm">
                <LinkedNames label="Used by" items={usedBy} />
              </Box>
            )}
          </Card>
        </SimpleGrid>

        <MembersCard segment={s} calculating={calculating} canWrite={canWrite} onAdd={addContacts.open} />
      </Stack>

      <ConfirmModal
        opened={confirmDelete}
        title={`Delete the ${kindWord} “${s.name}”?`}
        confirmLabel={`Delete ${kindWord}`}
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setConfirmDelete(false);
          remove.reset();
        }}
      >
        <Stack gap="sm">
          <Text fz="sm">The contacts stay; only the {kindWord} and its history of sizes go. This cannot be undone.</Text>
          {remove.isError && (
            <Alert color="red" variant="light" title={`The ${kindWord} was not deleted`} data-testid="delete-error">
              {errorMessage(remove.error)}
            </Alert>
          )}
        </Stack>
      </ConfirmModal>
      {s.kind === 'list' && <ListDetailsModal key={s.updatedAt} opened={editingList} onClose={editList.close} list={s} />}
      {s.kind === 'list' && <AddContactsModal opened={adding} onClose={addContacts.close} list={s} />}
    </>
  );
}

function LinkedNames({ label, items }: { label: string; items: Segment[] }) {
  return (
    <Text fz="sm" c="dimmed">
      {label}:{' '}
      {items.map((x, i) => (
        <span key={x.id}>
          {i > 0 && ', '}
          <Anchor component={Link} to={`/segments/${x.id}`} fz="sm">
            {x.name}
          </Anchor>
        </span>
      ))}
    </Text>
  );
}

function DescribedTree({ node, root }: { node: Described; root?: boolean }) {
  if (!node.children) return root ? <Text fz="sm">{node.text}</Text> : <li>{node.text}</li>;
  const list = (
    <ul className={classes.summary}>
      {node.children.map((c, i) => (
        <DescribedTree key={i} node={c} />
      ))}
    </ul>
  );
  if (root) {
    return (
      <Box fz="sm" data-testid="definition-summary">
        <Text fz="sm" fw={600} mb={4}>
          {node.text}
        </Text>
        {list}
      </Box>
    );
  }
  return (
    <li>
      <Text span fz="sm" fw={600}>
        {node.text}
      </Text>
      {list}
    </li>
  );
}

function MembersCard({ segment: s, calculating, canWrite, onAdd }: { segment: Segment; calculating: boolean; canWrite: boolean; onAdd: () => void }) {
  const members = useMembersQuery(s.id, `${calculating}:${s.evaluatedAt ?? ''}:${s.memberCount}:${s.updatedAt}`);
  const rows = useMemo(() => members.data?.pages.flatMap((p) => p.items) ?? [], [members.data]);
  const total = members.data?.pages[0]?.total ?? s.memberCount;
  const isList = s.kind === 'list';
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const queryClient = useQueryClient();
  const segmentsKey = useWorkspaceKey('segments');
  const contactsKey = useWorkspaceKey('contacts');
  const remove = useMutation({
    mutationFn: (contactIds: string[]) => api.post<{ removed?: number }>(`/segments/${s.id}/members/remove`, { contactIds }),
    onSuccess: ({ removed = 0 }) => {
      notifySuccess(`${n(removed)} ${removed === 1 ? 'contact was' : 'contacts were'} removed from the list.`, 'Removed');
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: segmentsKey });
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
    onError: (err) => notifyError(err, 'Could not remove the contacts'),
  });
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelected(next);
  };

  return (
    <Card p={0}>
      <Box px="lg" pt="lg">
        <SectionHeader
          title="Members"
          description={members.data ? `${n(total)} ${total === 1 ? 'contact' : 'contacts'}${rows.length < total ? `, ${n(rows.length)} shown` : ''}` : undefined}
        />
      </Box>
      {members.isPending ? (
        <LoadingBlock label="Loading members" />
      ) : members.isError ? (
        <Box p="lg">
          <ErrorBlock error={members.error} onRetry={() => void members.refetch()} />
        </Box>
      ) : rows.length === 0 ? (
        <Stack align="center" gap="sm" py={40}>
          <IconUsers size={28} color="var(--mantine-color-gray-5)" />
          <Text fz="sm" c="dimmed" ta="center" maw={420}>
            {isList
              ? 'No one is in this list yet. Add contacts here, or pick them in the contacts table and choose “Add to list”.'
              : calculating
                ? 'The members are being counted.'
                : 'No contact matches this segment right now.'}
          </Text>
          {isList && canWrite && (
            <Button variant="light" leftSection={<IconUserPlus size={16} />} onClick={onAdd}>
              Add contacts
            </Button>
          )}
        </Stack>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640} type="native">
            <Table verticalSpacing={10} horizontalSpacing="lg" highlightOnHover aria-label="Members">
              <Table.Thead>
                <Table.Tr>
                  {isList && canWrite && (
                    <Table.Th w={44}>
                      <Checkbox
                        aria-label="Select all shown members"
                        checked={allSelected}
                        indeterminate={!allSelected && rows.some((r) => selected.has(r.id))}
                        onChange={() => toggle(rows.map((r) => r.id), !allSelected)}
                      />
                    </Table.Th>
                  )}
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th w={160}>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={c.id} bg={selected.has(c.id) ? 'var(--mantine-color-brand-0)' : undefined}>
                    {isList && canWrite && (
                      <Table.Td>
                        <Checkbox aria-label={`Select ${displayName(c)}`} checked={selected.has(c.id)} onChange={(e) => toggle([c.id], e.currentTarget.checked)} />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Avatar size={30} radius="xl" color="initials" name={displayName(c)}>
                          {initials(displayName(c), c.email ?? '')}
                        </Avatar>
                        <Anchor component={Link} to={`/contacts/${c.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                          {displayName(c)}
                        </Anchor>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c={c.email ? undefined : 'gray.4'}>
                        {c.email ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {formatDate(c.createdAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore query={members} />
        </>
      )}
      {isList && (
        <ActionBar opened={selected.size > 0} onClose={() => setSelected(new Set())} aria-label="Selected members" position={{ bottom: 24, left: 0, right: 0 }}>
          <Text fz="sm" fw={600} px="xs">
            {n(selected.size)} selected
          </Text>
          <ActionBar.Divider />
          <Button variant="subtle" color="red" size="xs" leftSection={<IconUserMinus size={14} />} loading={remove.isPending} onClick={() => remove.mutate([...selected])}>
            Remove from list
          </Button>
          <ActionBar.CloseButton aria-label="Clear selection" />
        </ActionBar>
      )}
    </Card>
  );
}
