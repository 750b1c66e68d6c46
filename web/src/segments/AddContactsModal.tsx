// Puts contacts in a list: chosen by name or email, pasted as a column of email addresses, or
// copied from the current members of a segment or another list.
import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type ContactFilter, type ContactPage, displayName } from '../contacts/model.ts';
import { api, errorMessage } from '../lib/api.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import { type Segment, useSegmentsQuery } from './model.ts';

const n = (x: number) => x.toLocaleString('en');
const EMAIL = /[^\s,;<>"']+@[^\s,;<>"']+\.[^\s,;<>"']+/g;
// The contacts API takes at most 500 values in one "is any of" filter.
const EMAILS_PER_LOOKUP = 500;

type Source = { contactIds: string[] } | { segmentId: string };

/** Adds contacts to a list; answers how many were not in it yet. */
export function useAddToList() {
  const queryClient = useQueryClient();
  const segmentsKey = useWorkspaceKey('segments');
  const contactsKey = useWorkspaceKey('contacts');
  return useMutation({
    mutationFn: ({ listId, source }: { listId: string; source: Source }) => api.post<{ added?: number }>(`/segments/${listId}/members`, source),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: segmentsKey });
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
  });
}

async function contactIdsByEmail(emails: string[]): Promise<{ ids: string[]; found: Set<string> }> {
  const ids: string[] = [];
  const found = new Set<string>();
  for (let i = 0; i < emails.length; i += EMAILS_PER_LOOKUP) {
    const chunk = emails.slice(i, i + EMAILS_PER_LOOKUP);
    const filters: ContactFilter[] = [{ field: 'email', op: 'in', value: chunk }];
    const page = await api.get<ContactPage>(`/contacts?${new URLSearchParams({ filters: JSON.stringify(filters), limit: '500' })}`);
    for (const c of page.items) {
      ids.push(c.id);
      if (c.email) found.add(c.email.toLowerCase());
    }
  }
  return { ids, found };
}

export function AddContactsModal({ opened, onClose, list }: { opened: boolean; onClose: () => void; list: Segment }) {
  const [tab, setTab] = useState<string | null>('choose');
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [pasted, setPasted] = useState('');
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState<string[]>([]);
  const [resolving, setResolving] = useState(false);
  const add = useAddToList();
  const segments = useSegmentsQuery();
  const others = (segments.data?.items ?? []).filter((s) => s.id !== list.id);

  const results = useQuery({
    queryKey: [...useWorkspaceKey('contacts', 'list', 'pick'), q],
    queryFn: () => api.get<ContactPage>(`/contacts?${new URLSearchParams({ q, limit: '20' })}`),
    enabled: opened && tab === 'choose',
  });
  const options = new Map(chosen);
  for (const c of results.data?.items ?? []) options.set(c.id, c.email && displayName(c) !== c.email ? `${displayName(c)} <${c.email}>` : displayName(c));
  const emails = [...new Set((pasted.match(EMAIL) ?? []).map((e) => e.toLowerCase()))];

  const close = () => {
    setChosen(new Map());
    setSearch('');
    setPasted('');
    setSegmentId(null);
    setError(null);
    setNotFound([]);
    add.reset();
    onClose();
  };
  const done = (added: number, extra = '') => {
    notifySuccess(`${n(added)} ${added === 1 ? 'contact was' : 'contacts were'} added to “${list.name}”.${extra}`, 'Added to the list');
  };

  const submit = async () => {
    setError(null);
    try {
      if (tab === 'choose') {
        const { added = 0 } = await add.mutateAsync({ listId: list.id, source: { contactIds: [...chosen.keys()] } });
        done(added);
        close();
      } else if (tab === 'paste') {
        setResolving(true);
        const { ids, found } = await contactIdsByEmail(emails).finally(() => setResolving(false));
        const missing = emails.filter((e) => !found.has(e));
        if (ids.length === 0) {
          setNotFound(missing);
          setError('None of these addresses belongs to a contact.');
          return;
        }
        const { added = 0 } = await add.mutateAsync({ listId: list.id, source: { contactIds: ids } });
        done(added, missing.length ? ` ${n(missing.length)} ${missing.length === 1 ? 'address was' : 'addresses were'} not found.` : '');
        if (missing.length) {
          setNotFound(missing);
          setPasted(missing.join('\n'));
        } else close();
      } else if (segmentId) {
        const { added = 0 } = await add.mutateAsync({ listId: list.id, source: { segmentId } });
        done(added);
        close();
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const ready = tab === 'choose' ? chosen.size > 0 : tab === 'paste' ? emails.length > 0 : segmentId !== null;
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Add contacts to “{list.name}”</Text>} size="lg">
      <Stack gap="md">
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List>
            <Tabs.Tab value="choose">Choose contacts</Tabs.Tab>
            <Tabs.Tab value="paste">Paste emails</Tabs.Tab>
            <Tabs.Tab value="copy">Copy a segment</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="choose" pt="md">
            <MultiSelect
              label="Contacts"
              description="Search by name or email; pick as many as you like"
              placeholder={chosen.size ? '' : 'Type a name or email'}
              data={[...options].map(([value, label]) => ({ value, label }))}
              value={[...chosen.keys()]}
              onChange={(ids) => setChosen(new Map(ids.map((id) => [id, options.get(id) ?? id])))}
              searchable
              searchValue={search}
              onSearchChange={setSearch}
              filter={({ options: all }) => all}
              nothingFoundMessage={results.isFetching ? 'Searching…' : 'No contact found'}
              maxDropdownHeight={260}
              data-autofocus
            />
          </Tabs.Panel>
          <Tabs.Panel value="paste" pt="md">
            <Textarea
              label="Email addresses"
              description="One per line, or separated by commas; contacts are found by their email"
              placeholder={'ada@example.com\ngrace@example.com'}
              autosize
              minRows={5}
              maxRows={12}
              value={pasted}
              onChange={(e) => {
                setPasted(e.currentTarget.value);
                setNotFound([]);
              }}
            />
            <Text fz="xs" c="dimmed" mt={4}>
              {n(emails.length)} {emails.length === 1 ? 'address' : 'addresses'}
            </Text>
          </Tabs.Panel>
          <Tabs.Panel value="copy" pt="md">
            <Select
              label="Segment or list"
              description="Its current members are added once; the list does not follow the segment afterwards"
              placeholder="Choose one"
              data={[
                { group: 'Segments', items: others.filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: `${s.name} (${n(s.memberCount)})` })) },
                { group: 'Lists', items: others.filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: `${s.name} (${n(s.memberCount)})` })) },
              ].filter((g) => g.items.length > 0)}
              value={segmentId}
              onChange={setSegmentId}
              searchable
            />
          </Tabs.Panel>
        </Tabs>
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        {notFound.length > 0 && (
          <Alert color="yellow" variant="light" title="Not found">
            No contact has {notFound.length === 1 ? 'this address' : 'these addresses'}: {notFound.slice(0, 10).join(', ')}
            {notFound.length > 10 ? ` and ${n(notFound.length - 10)} more` : ''}.
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={add.isPending || resolving} disabled={!ready}>
            Add to list
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
