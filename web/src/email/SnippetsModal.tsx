// Snippets: pieces of MJML shared by templates ({% render 'footer' %}), edited in a modal from
// the template editor.
import { Alert, Button, Code, Grid, Group, Modal, NavLink, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconPuzzle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, errorMessage } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import { CodeEditor, type EditorIssue } from './CodeEditor.tsx';
import { type Snippet, useSnippetsQuery } from './model.ts';

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export function SnippetsModal({ opened, onClose, canWrite }: { opened: boolean; onClose: () => void; canWrite: boolean }) {
  const snippets = useSnippetsQuery();
  const [selected, setSelected] = useState<string | null>(null);
  const list = snippets.data ?? [];
  const current = selected === '' ? null : (list.find((s) => s.name === selected) ?? list[0] ?? null);
  const creating = selected === '' || (list.length === 0 && selected === null);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Snippets</Text>} size={960}>
      {snippets.isPending ? (
        <LoadingBlock />
      ) : snippets.isError ? (
        <ErrorBlock error={snippets.error} onRetry={() => void snippets.refetch()} />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={3}>
            <Stack gap={4}>
              <ScrollArea.Autosize mah={380}>
                {list.map((s) => (
                  <NavLink
                    key={s.name}
                    label={s.name}
                    leftSection={<IconPuzzle size={15} stroke={1.7} />}
                    active={!creating && current?.name === s.name}
                    onClick={() => setSelected(s.name)}
                    styles={{ label: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
                  />
                ))}
              </ScrollArea.Autosize>
              {canWrite && (
                <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setSelected('')} justify="flex-start">
                  New snippet
                </Button>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={9}>
            <SnippetForm
              key={creating ? '' : (current?.name ?? '')}
              snippet={creating ? null : current}
              canWrite={canWrite}
              onSaved={(name) => setSelected(name)}
              onDeleted={() => setSelected(null)}
            />
          </Grid.Col>
        </Grid>
      )}
    </Modal>
  );
}

/** "line 3, column 7: …" in a snippet's 400 gives the position to mark. */
function issueOf(message: string): EditorIssue[] {
  const m = /line (\d+), column (\d+): (.*)$/.exec(message);
  return m ? [{ line: Number(m[1]), column: Number(m[2]), message: m[3]! }] : [];
}

function SnippetForm({ snippet, canWrite, onSaved, onDeleted }: { snippet: Snippet | null; canWrite: boolean; onSaved: (name: string) => void; onDeleted: () => void }) {
  const [name, setName] = useState(snippet?.name ?? '');
  const [body, setBody] = useState(snippet?.body ?? '<mj-text>\n  \n</mj-text>');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'snippets');
  const previewKey = useWorkspaceKey('email', 'preview');
  const nameError = name && !NAME.test(name) ? 'Lower-case letters, digits, - and _, starting with a letter' : undefined;

  const save = useMutation({
    mutationFn: () => api.put<Snippet>(`/email/snippets/${encodeURIComponent(name)}`, { body }),
    onSuccess: (s) => {
      setError(null);
      notifySuccess(`Templates can use it with {% render '${s.name}' %}.`, 'Snippet saved');
      void queryClient.invalidateQueries({ queryKey: key });
      // Templates that render it look different now.
      void queryClient.invalidateQueries({ queryKey: previewKey });
      onSaved(s.name);
    },
    onError: (err) => setError(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/email/snippets/${encodeURIComponent(name)}`),
    onSuccess: () => {
      setConfirming(false);
      notifySuccess(`${name} was deleted.`, 'Snippet deleted');
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: previewKey });
      onDeleted();
    },
    onError: (err) => notifyError(err, 'Could not delete the snippet'),
  });

  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        description={snippet ? undefined : 'How templates use it: {% render \'name\' %}'}
        placeholder="footer"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        readOnly={Boolean(snippet) || !canWrite}
        error={nameError}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      {snippet && (
        <Text fz="xs" c="dimmed">
          Use it in a template with <Code>{`{% render '${snippet.name}' %}`}</Code>. Changes apply to every template that uses it, from their next send.
        </Text>
      )}
      {error && (
        <Alert color="red" variant="light" py="xs">
          {error}
        </Alert>
      )}
      <div style={{ height: 300, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, overflow: 'hidden' }}>
        <CodeEditor value={body} onChange={setBody} issues={error ? issueOf(error) : []} label="Snippet body" readOnly={!canWrite} />
      </div>
      {canWrite && (
        <Group justify="space-between">
          {snippet ? (
            <Button variant="subtle" color="red" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          ) : (
            <span />
          )}
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!name || Boolean(nameError)}>
            Save snippet
          </Button>
        </Group>
      )}
      <ConfirmModal
        opened={confirming}
        title={`Delete ${name}?`}
        confirmLabel="Delete snippet"
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      >
        Templates that render it will fail to send until it exists again or they stop using it.
      </ConfirmModal>
    </Stack>
  );
}
