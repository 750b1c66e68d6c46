// Topics: what contacts can opt out of one by one on their preference page ("Newsletter",
// "Offers"), with how many left each.
import { Alert, Button, Card, EmptyState, Group, Modal, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil, IconPlus, IconTags, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, isApiError } from '../lib/api.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { type Topic, useTopicsQuery } from './model.ts';

const n = (x: number) => x.toLocaleString('en');

export function TopicsCard() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const topics = useTopicsQuery();
  const [editing, setEditing] = useState<Topic | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Topic | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'topics');
  const remove = useMutation({
    mutationFn: (t: Topic) => api.delete(`/email/topics/${t.id}`),
    onSuccess: (_r, t) => {
      notifySuccess(`${t.name} was deleted. Broadcasts that used it now go to everyone in their audience.`, 'Topic deleted');
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => notifyError(err, 'Could not delete the topic'),
  });

  return (
    <Card>
      <SectionHeader
        title="Topics"
        description="What contacts can opt out of one at a time on their preference page, instead of unsubscribing from everything. A broadcast with a topic leaves out those who left it."
        actions={
          canWrite && (
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New topic
            </Button>
          )
        }
      />
      {topics.isPending ? (
        <LoadingBlock />
      ) : topics.isError ? (
        isApiError(topics.error, 404) ? (
          <Text fz="sm" c="dimmed">
            Topics are not available on this server yet.
          </Text>
        ) : (
          <ErrorBlock error={topics.error} onRetry={() => void topics.refetch()} />
        )
      ) : topics.data.length === 0 ? (
        <Card withBorder={false} bg="gray.0" radius="md" py={32}>
          <EmptyState
            variant="light"
            icon={<IconTags size={26} />}
            title="No topics yet"
            description="Add the kinds of email you send, like “Newsletter” and “Offers”, so that people can keep one and leave the other."
          />
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={420} type="native">
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Topics">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th w={140} ta="right">
                  Opted out
                </Table.Th>
                {canWrite && <Table.Th w={130} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {topics.data.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Text fz="sm" fw={600}>
                      {t.name}
                    </Text>
                    {t.description && (
                      <Text fz="xs" c="dimmed" lineClamp={1}>
                        {t.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text fz="sm">{n(t.optedOut)}</Text>
                  </Table.Td>
                  {canWrite && (
                    <Table.Td ta="right">
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button variant="subtle" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(t)} aria-label={`Rename ${t.name}`}>
                          Rename
                        </Button>
                        <Button variant="subtle" color="red" size="xs" onClick={() => setDeleting(t)} aria-label={`Delete ${t.name}`}>
                          <IconTrash size={14} />
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={650}>{editing === 'new' ? 'New topic' : 'Rename topic'}</Text>}>
        {editing !== null && <TopicForm key={editing === 'new' ? 'new' : editing.id} existing={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'topic'}?`}
        confirmLabel="Delete topic"
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        The {deleting ? n(deleting.optedOut) : 0} contacts who left it are no longer told apart, and broadcasts that used it go to their whole audience. This cannot be undone.
      </ConfirmModal>
    </Card>
  );
}

function TopicForm({ existing, onClose }: { existing: Topic | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'topics');
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: existing?.name ?? '', description: existing?.description ?? '' },
    validate: { name: (v) => (v.trim() ? null : 'Name the topic, like “Newsletter”') },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => (existing ? api.patch<Topic>(`/email/topics/${existing.id}`, v) : api.post<Topic>('/email/topics', v)),
    onSuccess: (t) => {
      notifySuccess(existing ? `The topic is now called ${t.name}.` : `Contacts can now opt out of ${t.name} alone.`, existing ? 'Topic renamed' : 'Topic added');
      void queryClient.invalidateQueries({ queryKey: key });
      onClose();
    },
    onError: (err) => setError(applyFormError(form, err)),
  });
  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate({ name: v.name.trim(), description: v.description.trim() }))}>
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <TextInput label="Name" placeholder="Newsletter" data-autofocus {...form.getInputProps('name')} />
        <Textarea label="Description" description="Shown on the preference page." placeholder="News and stories, once a month" autosize minRows={2} {...form.getInputProps('description')} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {existing ? 'Save' : 'Add topic'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
