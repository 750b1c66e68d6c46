import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../lib/api.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { useSwitchWorkspace } from '../lib/session.ts';
import type { WorkspaceSummary } from '../lib/types.ts';

/** Creates a workspace owned by the signed-in person, then switches to it. */
export function NewWorkspaceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const switchWorkspace = useSwitchWorkspace();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name for the workspace') },
  });
  const create = useMutation({
    mutationFn: async (name: string) => {
      const ws = await api.post<WorkspaceSummary>('/workspaces', { name });
      await switchWorkspace.mutateAsync(ws.id);
      return ws;
    },
    onSuccess: (ws) => {
      close();
      navigate('/contacts');
      notifySuccess(`${ws.name} is ready. Invite your team from Settings › Members.`, 'Workspace created');
    },
    onError: (err) => {
      const message = applyFormError(form, err);
      if (message) notifyError(err, 'Could not create the workspace');
    },
  });
  const close = () => {
    form.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New workspace</Text>} size="md">
      <form noValidate onSubmit={form.onSubmit((v) => create.mutate(v.name.trim()))}>
        <Stack gap="md">
          <Text fz="sm" c="dimmed">
            A workspace holds its own contacts, campaigns and team. Use one per brand or shop; nothing is shared between
            workspaces.
          </Text>
          <TextInput
            label="Workspace name"
            placeholder="Acme Europe"
            data-autofocus
            {...form.getInputProps('name')}
            key={form.key('name')}
          />
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
