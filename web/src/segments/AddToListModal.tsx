// "Add to list" for contacts picked in the contacts table: into an existing list or a new one.
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, errorMessage } from '../lib/api.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { useAddToList } from './AddContactsModal.tsx';
import { type Segment, useSegmentsQuery } from './model.ts';

const n = (x: number) => x.toLocaleString('en');
/** The API takes up to this many contact ids in one call. */
export const MAX_LIST_ADD = 10_000;

interface Props {
  opened: boolean;
  onClose: () => void;
  /** How many contacts are picked. */
  count: number;
  /** Their ids (fetched when every contact of a filter is picked). */
  contactIds: () => Promise<string[]>;
  onDone: () => void;
}

export function AddToListModal({ opened, onClose, count, contactIds, onDone }: Props) {
  const segments = useSegmentsQuery();
  const lists = (segments.data?.items ?? []).filter((s) => s.kind === 'list');
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const [listId, setListId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const add = useAddToList();
  const creating = mode === 'new' || lists.length === 0;

  const close = () => {
    setListId(null);
    setName('');
    setError(null);
    setMode('existing');
    onClose();
  };

  const submit = async () => {
    setError(null);
    setBusy(true);
    try {
      const ids = await contactIds();
      if (ids.length > MAX_LIST_ADD) throw new Error(`Add up to ${n(MAX_LIST_ADD)} contacts at a time.`);
      const list = creating ? await api.post<Segment>('/segments', { name: name.trim(), kind: 'list' }) : lists.find((l) => l.id === listId)!;
      const { added = 0 } = await add.mutateAsync({ listId: list.id, source: { contactIds: ids } });
      const already = ids.length - added;
      notifySuccess(`${n(added)} ${added === 1 ? 'contact was' : 'contacts were'} added to “${list.name}”${already > 0 ? ` (${n(already)} already in it)` : ''}.`, 'Added to the list');
      close();
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const ready = creating ? name.trim() !== '' : listId !== null;
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Add {n(count)} {count === 1 ? 'contact' : 'contacts'} to a list</Text>} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void submit();
        }}
      >
        <Stack gap="md">
          {lists.length > 0 && (
            <SegmentedControl
              fullWidth
              data={[
                { value: 'existing', label: 'A list' },
                { value: 'new', label: 'A new list' },
              ]}
              value={mode}
              onChange={(v) => setMode(v as 'existing' | 'new')}
            />
          )}
          {creating ? (
            <TextInput label="Name of the new list" placeholder="VIP customers" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          ) : (
            <Select
              label="List"
              placeholder="Choose a list"
              data={lists.map((l) => ({ value: l.id, label: `${l.name} (${n(l.memberCount)})` }))}
              value={listId}
              onChange={setListId}
              searchable
              data-autofocus
            />
          )}
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!ready}>
              Add to list
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
