import { Alert, Anchor, Button, Center, Code, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconMailForward, IconTool } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { z } from 'zod';
import type { passwordResetStatus } from '../../../src/accounts/contract.ts';
import { api } from '../lib/api.ts';
import { applyFormError } from '../lib/notify.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { validEmail } from './validation.ts';

/** What an administrator runs on the server when no reset mail can be sent. */
export function AdminResetHint({ email }: { email?: string }) {
  return (
    <Text fz="sm" c="dimmed">
      The person who runs Rapport can set a new password for you on the server:{' '}
      <Code>rapport user password --email {email || 'you@example.com'} --password …</Code>
    </Text>
  );
}

export function ForgotPasswordPage() {
  const location = useLocation();
  const status = useQuery({
    queryKey: ['password-reset'],
    queryFn: () => api.get<z.input<typeof passwordResetStatus>>('/password-reset'),
  });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: new URLSearchParams(location.search).get('email') ?? '' },
    validate: { email: validEmail },
  });
  const ask = useMutation({
    mutationFn: (body: { email: string }) => api.post('/password-reset', body),
    onSuccess: (_res, body) => setSentTo(body.email.trim()),
    onError: (err) => setFormError(applyFormError(form, err)),
  });
  const back = (
    <Anchor component={Link} to="/signin" fz="sm" ta="center">
      Back to sign in
    </Anchor>
  );

  if (status.isPending) {
    return (
      <AuthLayout title="Forgot your password?">
        <Center py="xl">
          <Loader type="dots" aria-label="Loading" />
        </Center>
      </AuthLayout>
    );
  }

  if (status.data?.byEmail === false) {
    return (
      <AuthLayout title="Forgot your password?">
        <Stack gap="lg">
          <Alert color="orange" icon={<IconTool size={18} />} title="Resets by email are not set up here">
            This Rapport has no email server to send a reset link from.
          </Alert>
          <AdminResetHint />
          {back}
        </Stack>
      </AuthLayout>
    );
  }

  if (sentTo) {
    return (
      <AuthLayout title="Check your inbox">
        <Stack gap="lg">
          <Alert color="teal" icon={<IconMailForward size={18} />} role="status">
            If <b>{sentTo}</b> has a Rapport account, a link to choose a new password is on its way. It works once, for one hour.
          </Alert>
          <Text fz="sm" c="dimmed">
            Nothing after a few minutes? Look in your spam folder, check the address, or ask for a new link.
          </Text>
          <AdminResetHint email={sentTo} />
          <Button variant="default" onClick={() => setSentTo(null)}>
            Send another link
          </Button>
          {back}
        </Stack>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Forgot your password?" subtitle="Enter the email address you sign in with and we will send you a link to choose a new password.">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          ask.mutate(values);
        })}
      >
        <Stack gap="md">
          {(formError || status.isError) && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {formError ?? 'Rapport could not be reached. Try again in a moment.'}
            </Alert>
          )}
          <TextInput label="Email" placeholder="you@example.com" type="email" autoComplete="username" data-autofocus {...form.getInputProps('email')} key={form.key('email')} />
          <Button type="submit" size="md" mt="xs" loading={ask.isPending} fullWidth>
            Send the link
          </Button>
          {back}
        </Stack>
      </form>
    </AuthLayout>
  );
}
