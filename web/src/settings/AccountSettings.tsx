import { Avatar, Button, Card, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { validNewPassword } from '../auth/validation.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { api } from '../lib/api.ts';
import { initials } from '../lib/format.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { sessionQuery, useSession } from '../lib/session.ts';

export function AccountSettings() {
  const { user } = useSession();
  return (
    <Stack gap="lg">
      <Card>
        <SectionHeader title="Profile" description="How your team sees you." />
        <Group gap="md" mb="lg">
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
        <ProfileForm key={user.name} name={user.name} />
      </Card>
      <Card>
        <SectionHeader title="Password" description="Use at least 10 characters. A passphrase of a few words is easy to remember and hard to guess." />
        <ChangePasswordForm />
      </Card>
    </Stack>
  );
}

function ProfileForm({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name } });
  const save = useMutation({
    mutationFn: (body: { name: string }) => api.patch('/session/profile', body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      notifySuccess('Your team sees the new name.', 'Name saved');
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not save your name');
    },
  });
  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate({ name: v.name.trim() }))}>
      <Group align="flex-start" gap="sm">
        <TextInput label="Your name" w={420} {...form.getInputProps('name')} />
        <Button type="submit" mt={25} loading={save.isPending} disabled={!form.isDirty()}>
          Save
        </Button>
      </Group>
    </form>
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
