import { Alert, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { DemoStatusBody } from '../../../src/demo/contract.ts';
import { startFollowingDemo, stopFollowingDemo } from '../demo/follow.ts';
import { api } from '../lib/api.ts';
import { applyFormError, notifyError } from '../lib/notify.tsx';
import { useAcceptSession } from '../lib/session.ts';
import type { SessionInfo, SetupBody } from '../lib/types.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { required, validEmail, validNewPassword } from './validation.ts';

export function SetupPage() {
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const queryClient = useQueryClient();
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
      // The load runs in the background; the Contacts page follows its steps. Accepting the
      // session already shows the app (setup is no longer needed), so the flag is set in the
      // same tick, before the page reads it. The workspace exists either way, so a refusal
      // of the load is reported, not fatal.
      const workspaceId = info.workspace?.id;
      if (demo && workspaceId) {
        startFollowingDemo(workspaceId);
        await api.post<DemoStatusBody>('/demo', {}).then(
          // A Contacts page already shown may have asked for the status before the load
          // existed; the answer to the start is the status to follow.
          (status) => queryClient.setQueryData(['ws', workspaceId, 'demo'], status),
          (err: unknown) => {
            stopFollowingDemo(workspaceId);
            notifyError(err, 'The demo data could not be loaded');
          },
        );
      }
      navigate('/contacts', { replace: true });
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
            description="At least 10 characters and not a common password: a few unusual words work well"
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
