import { Avatar, Button, Card, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { validNewPassword } from '../auth/validation.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { api } from '../lib/api.ts';
import { initials } from '../lib/format.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { useSession } from '../lib/session.ts';

export function AccountSettings() {
  const { user } = useSession();
  return (
    <Stack gap="lg">
      <Card>
        <SectionHeader title="Profile" description="How your team sees you." />
        <Group gap="md">
          <Avatar size={48} radius="xl" color="brand" fw={700}>
            {initials(user.name, user.email)}
          </Avatar>
          <Stack gap={2}>
            <Text fw={600}>{user.name || 'No name yet'}</Text>
            <Text fz="sm" c="dimmed">
              {user.email}
            </Text>
          </Stack>
        </Group>
      </Card>
      <Card>
        <SectionHeader title="Password" description="Use at least 10 characters. A passphrase of a few words is easy to remember and hard to guess." />
        <ChangePasswordForm />
      </Card>
    </Stack>
  );
}

function ChangePasswordForm() {
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: validNewPassword,
      confirmPassword: (v, values) => (v === values.newPassword ? null : 'The two new passwords are not the same'),
    },
  });
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.put('/session/password', body),
    onSuccess: () => {
      form.reset();
      notifySuccess('Use the new password the next time you sign in.', 'Password changed');
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not change the password');
    },
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword }))}
    >
      <Stack gap="md" maw={420}>
        <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps('currentPassword')} key={form.key('currentPassword')} />
        <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('newPassword')} key={form.key('newPassword')} />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          {...form.getInputProps('confirmPassword')}
          key={form.key('confirmPassword')}
        />
        <Group>
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
