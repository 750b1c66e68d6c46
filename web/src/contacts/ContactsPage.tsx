import { ActionBar, Box, Button, Card, EmptyState, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { IconAddressBook, IconDownload, IconFileImport, IconListDetails, IconPlus, IconSearch, IconTrash, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { DemoDataCard } from '../demo/DemoDataCard.tsx';
import { useFollowDemo } from '../demo/follow.ts';
import { api, download } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { AddToListModal, MAX_LIST_ADD } from '../segments/AddToListModal.tsx';
import { useSegmentsQuery } from '../segments/model.ts';
import { BulkDeleteModal, type DeleteSelection } from './BulkDeleteModal.tsx';
import { ColumnChooser, useColumns } from './ColumnChooser.tsx';
import { ContactsTable } from './ContactsTable.tsx';
import { AddFilterButton, FilterPills } from './FilterBuilder.tsx';
import { allFields, membershipField, type ContactFilter, type ContactPage, type ListState, listParams, useContactsQuery, usePropertiesQuery } from './model.ts';
import { NewContactModal } from './NewContactModal.tsx';
import classes from './contacts.module.css';

const n = (x: number) => x.toLocaleString('en');
// Picked contacts travel in the export's URL; beyond this many, export the whole filter.
const MAX_PICKED_EXPORT = 200;

/** The list's search, filters and sort live in the URL, so a view can be shared and reloaded. */
function useListState(): [ListState, (patch: Partial<ListState>) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo<ListState>(() => {
    let filters: ContactFilter[] = [];
    try {
      const parsed = JSON.parse(params.get('filters') ?? '[]') as unknown;
      if (Array.isArray(parsed)) filters = parsed as ContactFilter[];
    } catch {
      filters = [];
    }
    return { q: params.get('q') ?? '', filters, sort: params.get('sort') ?? 'created_at', order: params.get('order') === 'asc' ? 'asc' : 'desc' };
  }, [params]);
  const update = (patch: Partial<ListState>) => {
    const next = { ...state, ...patch };
    const out = new URLSearchParams();
    if (next.q) out.set('q', next.q);
    if (next.filters.length > 0) out.set('filters', JSON.stringify(next.filters));
    if (next.sort !== 'created_at' || next.order !== 'desc') {
      out.set('sort', next.sort);
      out.set('order', next.order);
    }
    setParams(out, { replace: true });
  };
  return [state, update];
}

export function ContactsPage() {
  const workspace = useWorkspace();
  const canWrite = roleAtLeast(workspace.role, 'marketer');
  // Deleting contacts takes an admin, as on the server (src/contacts/routes.ts).
  const canDelete = roleAtLeast(workspace.role, 'admin');
  const [state, setState] = useListState();
  const [search, setSearch] = useState(state.q);
  // The address changed the search (back button, the Contacts link): the box follows.
  const [searchOf, setSearchOf] = useState(state.q);
  if (searchOf !== state.q) {
    setSearchOf(state.q);
    setSearch(state.q);
  }
  const applySearch = useDebouncedCallback((q: string) => setState({ q }), 250);
  const properties = usePropertiesQuery();
  const fields = useMemo(() => allFields(properties.data), [properties.data]);
  const segments = useSegmentsQuery();
  // Filters also take membership of a segment or list; columns do not.
  const filterFields = useMemo(() => [...fields, membershipField(segments.data?.items)], [fields, segments.data]);
  const [columnIds, setColumnIds] = useColumns();
  const columns = fields.filter((f) => columnIds.includes(f.id));
  // Scores come with the rows only when a score column is shown.
  const list = useContactsQuery(state, columns.some((c) => c.score !== undefined));
  const [creating, create] = useDisclosure(false);
  // A demo load started here or at setup is followed on top of the page until dismissed, even
  // once contacts arrive (the card in the empty state would vanish with the emptiness).
  const [followDemo, setFollowDemo] = useFollowDemo(workspace.id);

  // Selection: contacts picked by hand, or every contact the list matches.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [selectionOf, setSelectionOf] = useState(() => JSON.stringify(state));
  if (selectionOf !== JSON.stringify(state)) {
    // A new search or filter starts a new selection.
    setSelectionOf(JSON.stringify(state));
    setSelected(new Set());
    setAllMatching(false);
  }
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const first = list.data?.pages[0];
  const total = first?.total ?? rows.length;
  const totalText = first ? `${first.totalExact === false ? 'About ' : ''}${n(total)} ${total === 1 ? 'contact' : 'contacts'}` : '';
  const filtered = state.q.trim() !== '' || state.filters.length > 0;
  const selectedCount = allMatching ? total : selected.size;

  const queryClient = useQueryClient();
  const listKey = useWorkspaceKey('contacts');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [addingToList, setAddingToList] = useState(false);
  // Every contact the list matches, page by page, when all of them are picked.
  const selectedIds = async (): Promise<string[]> => {
    if (!allMatching) return [...selected];
    const ids: string[] = [];
    let after = '';
    do {
      const page = await api.get<ContactPage>(`/contacts?${listParams(state, { limit: '500', ...(after ? { after } : {}) })}`);
      ids.push(...page.items.map((c) => c.id));
      after = page.nextCursor ?? '';
    } while (after && ids.length <= MAX_LIST_ADD);
    return ids;
  };
  const deleteSelection = (): DeleteSelection =>
    allMatching ? { filter: { q: state.q || undefined, filters: state.filters } } : { ids: [...selected] };
  const deleted = (count: number) => {
    notifySuccess(`${n(count)} ${count === 1 ? 'contact was' : 'contacts were'} deleted with their activity.`, 'Contacts deleted');
    setConfirmDelete(false);
    clearSelection();
    void queryClient.invalidateQueries({ queryKey: listKey });
  };

  const exportCsv = (picked?: string[]) => {
    const filters: ContactFilter[] = picked ? [...state.filters, { field: 'id', op: 'in', value: picked }] : state.filters;
    download(`/contacts/export.csv?${listParams({ ...state, filters })}`);
  };

  const actions = (
    <>
      <Button component={Link} to="/contacts/import" variant="default" leftSection={<IconFileImport size={16} stroke={1.7} />} disabled={!canWrite}>
        Import
      </Button>
      <Button leftSection={<IconPlus size={16} />} onClick={create.open} disabled={!canWrite}>
        New contact
      </Button>
    </>
  );

  const empty = first && rows.length === 0 && !filtered;
  return (
    <>
      <PageHeader title="Contacts" description="Everyone you know: customers, subscribers and leads, with their properties and activity." actions={actions} />
      {followDemo && (
        <Box mb="lg">
          <DemoDataCard showContactsLink={false} onDismiss={() => setFollowDemo(false)} />
        </Box>
      )}
      {list.isPending ? (
        <Card>
          <LoadingBlock label="Loading contacts" />
        </Card>
      ) : list.isError && !list.data ? (
        <ErrorBlock error={list.error} onRetry={() => void list.refetch()} />
      ) : empty && followDemo ? null : empty ? (
        <Stack gap="lg">
          <Card py={48}>
            <EmptyState
              variant="light"
              icon={<IconAddressBook size={30} stroke={1.6} />}
              title="Your contact list is empty"
              description="Bring in the customers you already have: import a spreadsheet (CSV or Excel) or your order history, add someone by hand, or send contacts from your shop with the tracking API."
              maw={620}
              mx="auto"
            >
              <EmptyState.Actions>
                <Button component={Link} to="/contacts/import" leftSection={<IconFileImport size={16} />} disabled={!canWrite}>
                  Import a file
                </Button>
                <Button variant="default" leftSection={<IconPlus size={16} />} onClick={create.open} disabled={!canWrite}>
                  Add a contact
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Card>
          {!followDemo && <DemoDataCard onStarted={() => setFollowDemo(true)} />}
        </Stack>
      ) : (
        <Card p={0}>
          <Box className={classes.toolbar}>
            {/* On a narrow screen the search takes the line, the buttons and the count wrap under it. */}
            <Group justify="space-between" gap="sm">
              <Group gap="sm" flex="1 1 400px" miw={0}>
                <TextInput
                  aria-label="Search contacts"
                  placeholder="Search by name or email"
                  leftSection={<IconSearch size={16} stroke={1.7} />}
                  value={search}
                  onChange={(e) => {
                    setSearch(e.currentTarget.value);
                    applySearch(e.currentTarget.value);
                  }}
                  rightSection={
                    search ? (
                      <IconX
                        size={14}
                        style={{ cursor: 'pointer' }}
                        aria-label="Clear search"
                        onClick={() => {
                          setSearch('');
                          setState({ q: '' });
                        }}
                      />
                    ) : undefined
                  }
                  w={{ base: '100%', sm: 320 }}
                />
                <AddFilterButton fields={filterFields} count={state.filters.length} onAdd={(f) => setState({ filters: [...state.filters, f] })} />
                <ColumnChooser fields={fields} columns={columnIds} onChange={setColumnIds} />
              </Group>
              <Group gap="md" wrap="nowrap">
                <Text fz="sm" c="dimmed" aria-live="polite" data-testid="contacts-total">
                  {totalText}
                </Text>
                <Tooltip label="Download the contacts this search and these filters select, as CSV">
                  <Button variant="default" leftSection={<IconDownload size={16} stroke={1.7} />} onClick={() => exportCsv()} disabled={total === 0}>
                    Export
                  </Button>
                </Tooltip>
              </Group>
            </Group>
            <FilterPills filters={state.filters} fields={filterFields} onChange={(filters) => setState({ filters })} />
          </Box>
          {rows.length === 0 ? (
            <EmptyState
              py={56}
              variant="light"
              color="gray"
              icon={<IconSearch size={26} />}
              title="No contacts match"
              description="Try another search, or remove a filter."
            >
              <EmptyState.Actions>
                <Button
                  variant="default"
                  onClick={() => {
                    setSearch('');
                    setState({ q: '', filters: [] });
                  }}
                >
                  Clear search and filters
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            <ContactsTable
              rows={rows}
              columns={columns}
              sort={state}
              onSort={(sort, order) => setState({ sort, order })}
              selected={selected}
              allMatching={allMatching}
              onSelect={(ids, on) => {
                setAllMatching(false);
                const next = new Set(allMatching ? rows.map((r) => r.id) : selected);
                for (const id of ids) {
                  if (on) next.add(id);
                  else next.delete(id);
                }
                setSelected(next);
              }}
              hasMore={list.hasNextPage}
              loadingMore={list.isFetchingNextPage}
              onLoadMore={() => void list.fetchNextPage()}
              dimmed={list.isPlaceholderData}
            />
          )}
        </Card>
      )}

      <ActionBar opened={selectedCount > 0} onClose={clearSelection} aria-label="Selected contacts" position={{ bottom: 24, left: 0, right: 0 }}>
        <Text fz="sm" fw={600} px="xs">
          {n(selectedCount)} selected
        </Text>
        {!allMatching && list.hasNextPage && rows.every((r) => selected.has(r.id)) && (
          <Button variant="subtle" size="xs" onClick={() => setAllMatching(true)}>
            Select all {totalText.toLowerCase()}
          </Button>
        )}
        <ActionBar.Divider />
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconDownload size={14} />}
          onClick={() => {
            if (allMatching) exportCsv();
            else if (selected.size <= MAX_PICKED_EXPORT) exportCsv([...selected]);
            else notifyError(new Error(`Pick up to ${MAX_PICKED_EXPORT} contacts to export, or select all that match and export them.`), 'Too many picked');
          }}
        >
          Export
        </Button>
        {canWrite && (
          <Button variant="subtle" size="xs" leftSection={<IconListDetails size={14} />} onClick={() => setAddingToList(true)}>
            Add to list
          </Button>
        )}
        {canDelete && (
          <Button variant="subtle" color="red" size="xs" leftSection={<IconTrash size={14} />} onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        )}
        <ActionBar.CloseButton aria-label="Clear selection" />
      </ActionBar>

      <BulkDeleteModal
        opened={confirmDelete}
        shownCount={selectedCount}
        shownExact={!allMatching || first?.totalExact !== false}
        selection={deleteSelection}
        note={allMatching && filtered ? 'Every contact that matches the current search and filters is included, not only those on screen.' : undefined}
        onDeleted={deleted}
        onClose={() => setConfirmDelete(false)}
      />
      <NewContactModal opened={creating} onClose={create.close} />
      <AddToListModal opened={addingToList} onClose={() => setAddingToList(false)} count={selectedCount} contactIds={selectedIds} onDone={clearSelection} />
    </>
  );
}
