import { Alert, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../lib/api.ts';
import { applyFormError, notifyError } from '../lib/notify.tsx';
import { useAcceptSession } from '../lib/session.ts';
import type { SessionInfo, SetupBody } from '../lib/types.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { required, validEmail, validNewPassword } from './validation.ts';

export function SetupPage() {
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', email: '', password: '', workspaceName: '', demo: false },
    validate: {
      name: required('your name'),
      email: validEmail,
      password: validNewPassword,
      workspaceName: required('a name for the workspace'),
    },
  });

  const setup = useMutation({
    mutationFn: async ({ demo, ...body }: SetupBody & { demo: boolean }) => ({ info: await api.post<SessionInfo>('/setup', body), demo }),
    onSuccess: async ({ info, demo }) => {
      acceptSession(info);
      // The load runs in the background; the Contacts page follows its steps. The workspace
      // exists either way, so a refusal here is reported, not fatal.
      const started = demo
        ? await api.post('/demo', {}).then(
            () => true,
            (err: unknown) => {
              notifyError(err, 'The demo data could not be loaded');
              return false;
            },
          )
        : false;
      navigate('/contacts', { replace: true, state: started ? { demo: true } : null });
    },
    onError: (err) => setFormError(applyFormError(form, err)),
  });

  return (
    <AuthLayout
      title="Set up Rapport"
      subtitle="Create the first account and your workspace. You can invite your team right after."
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          setup.mutate(values);
        })}
        noValidate
      >
        <Stack gap="md">
          {formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title="Setup did not finish">
              {formError}
            </Alert>
          )}
          <TextInput label="Your name" placeholder="Ada Lovelace" autoComplete="name" data-autofocus {...form.getInputProps('name')} key={form.key('name')} />
          <TextInput
            label="Email"
            placeholder="ada@example.com"
            type="email"
            autoComplete="email"
            {...form.getInputProps('email')}
            key={form.key('email')}
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            autoComplete="new-password"
            {...form.getInputProps('password')}
            key={form.key('password')}
          />
          <TextInput
            label="Workspace name"
            description="Usually your company or shop. You can rename it later."
            placeholder="Acme Coffee"
            {...form.getInputProps('workspaceName')}
            key={form.key('workspaceName')}
          />
          <Checkbox
            label="Fill the workspace with demo data (a sample retail shop)"
            description="5,000 contacts with orders, email campaigns and website visits, to try everything out. Leave it off for your real shop."
            {...form.getInputProps('demo', { type: 'checkbox' })}
            key={form.key('demo')}
          />
          <Button type="submit" size="md" mt="xs" loading={setup.isPending} fullWidth>
            Create workspace
          </Button>
          <Text fz="xs" c="dimmed" ta="center">
            This account becomes the owner of the workspace.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
