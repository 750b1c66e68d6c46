import { Alert, Button, Group, Modal, Select, type SelectProps, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { validEmail } from '../auth/validation.ts';
import { CopyField } from '../components/CopyField.tsx';
import { api } from '../lib/api.ts';
import { applyFormError, notifyError } from '../lib/notify.tsx';
import { INVITABLE, ROLE_DESCRIPTIONS, ROLE_LABELS } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import type { InvitableRole, InvitationCreated } from '../lib/types.ts';

const ROLE_OPTIONS = INVITABLE.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

const renderRoleOption: SelectProps['renderOption'] = ({ option }) => (
  <Stack gap={0}>
    <Text fz="sm" fw={500}>
      {option.label}
    </Text>
    <Text fz="xs" c="dimmed">
      {ROLE_DESCRIPTIONS[option.value as InvitableRole]}
    </Text>
  </Stack>
);

/** Invites someone by email; until Rapport sends email, shows the link to pass on. */
export function InviteMemberModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const invitationsKey = useWorkspaceKey('invitations');
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', role: 'marketer' as InvitableRole },
    validate: { email: validEmail },
  });
  const invite = useMutation({
    mutationFn: (body: { email: string; role: InvitableRole }) => api.post<InvitationCreated>('/invitations', body),
    onSuccess: (result) => {
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: invitationsKey });
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not create the invitation');
    },
  });
  const close = () => {
    onClose();
    // After the closing animation, so the content does not jump while it fades.
    setTimeout(() => {
      setCreated(null);
      form.reset();
    }, 200);
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      size="lg"
      title={<Text fw={650}>{created ? 'Invitation ready' : `Invite someone to ${workspace.name}`}</Text>}
    >
      {created ? (
        <Stack gap="md">
          <Text fz="sm">
            <b>{created.invitation.email}</b> is invited as {ROLE_LABELS[created.invitation.role].toLowerCase()}.
          </Text>
          <CopyField label="Invitation link" value={created.url} />
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
            Rapport does not send email yet, so pass this link on yourself (chat, email). It works once and expires in 7
            days; you can revoke it under Pending invitations.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={form.onSubmit((v) => invite.mutate({ email: v.email.trim(), role: v.role }))}>
          <Stack gap="md">
            <TextInput
              label="Email"
              placeholder="colleague@example.com"
              type="email"
              data-autofocus
              {...form.getInputProps('email')}
              key={form.key('email')}
            />
            <Select
              label="Role"
              description="You can change it later under Members."
              data={ROLE_OPTIONS}
              renderOption={renderRoleOption}
              {...form.getInputProps('role')}
              key={form.key('role')}
            />
            <Group justify="flex-end" gap="sm" mt="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={invite.isPending}>
                Create invitation
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
