// A list's name and description: to create a list, or to rename one.
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../lib/api.ts';
import { applyFormError, notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import type { Segment } from './model.ts';

export function ListDetailsModal({ opened, onClose, list }: { opened: boolean; onClose: () => void; list?: Segment }) {
  const form = useForm({
    initialValues: { name: list?.name ?? '', description: list?.description ?? '' },
    validate: { name: (v) => (v.trim() ? null : 'Give the list a name') },
  });
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('segments');
  const navigate = useNavigate();
  const close = () => {
    form.reset();
    setError(null);
    onClose();
  };
  const save = useMutation({
    mutationFn: (values: { name: string; description: string }) =>
      list ? api.patch<Segment>(`/segments/${list.id}`, values) : api.post<Segment>('/segments', { ...values, kind: 'list' }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: key });
      notifySuccess(list ? 'The list is saved.' : `“${saved.name}” is ready for contacts.`, list ? 'List saved' : 'List created');
      close();
      if (!list) navigate(`/segments/${saved.id}`);
    },
    onError: (err) => setError(applyFormError(form, err)),
  });

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>{list ? 'Edit list' : 'New list'}</Text>} size="lg">
      <form onSubmit={form.onSubmit((values) => save.mutate({ name: values.name.trim(), description: values.description.trim() }))} noValidate>
        <Stack gap="md">
          {!list && (
            <Text fz="sm" c="dimmed">
              A list holds the contacts you put in it, by hand, from the contacts table, from an import or as a copy of a segment. A segment, by contrast, follows its conditions.
            </Text>
          )}
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          <TextInput label="Name" placeholder="VIP customers" data-autofocus {...form.getInputProps('name')} />
          <Textarea label="Description" placeholder="What the list is for" autosize minRows={2} maxRows={5} {...form.getInputProps('description')} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {list ? 'Save' : 'Create list'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
