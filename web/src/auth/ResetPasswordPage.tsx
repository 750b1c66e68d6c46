import { Alert, Anchor, Button, Center, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLinkOff } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api, errorMessage, isApiError } from '../lib/api.ts';
import { applyFormError } from '../lib/notify.tsx';
import { useAcceptSession } from '../lib/session.ts';
import type { SessionInfo } from '../lib/types.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { validNewPassword } from './validation.ts';

// The token travels in the link's fragment (after #): browsers never send it to a server, so
// it stays out of access logs and Referer headers.
export function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const token = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  const [formError, setFormError] = useState<string | null>(null);
  const check = useQuery({
    queryKey: ['password-reset', 'check', token],
    queryFn: () => api.post<{ email: string }>('/password-reset/check', { token }),
    enabled: token.length > 0,
    retry: false,
  });
  const form = useForm({ mode: 'uncontrolled', initialValues: { password: '' }, validate: { password: validNewPassword } });
  const complete = useMutation({
    mutationFn: (body: { password: string }) => api.post<SessionInfo>('/password-reset/complete', { token, ...body }),
    onSuccess: (info) => {
      acceptSession(info);
      navigate('/contacts', { replace: true });
    },
    onError: (err) => setFormError(applyFormError(form, err)),
  });

  if (token && check.isPending) {
    return (
      <AuthLayout title="Choose a new password">
        <Center py="xl">
          <Loader type="dots" aria-label="Loading" />
        </Center>
      </AuthLayout>
    );
  }
  if (!token || check.isError || (complete.isError && isApiError(complete.error, 404))) {
    const error = !token ? null : check.isError ? check.error : complete.error;
    return (
      <AuthLayout title="This link does not work any more">
        <Stack gap="lg">
          <Alert color="orange" icon={<IconLinkOff size={18} />} role="alert">
            {!token || isApiError(error, 404) || isApiError(error, 400)
              ? 'A reset link works once, for one hour, and only the newest one sent. Ask for a new link.'
              : errorMessage(error)}
          </Alert>
          <Button component={Link} to="/forgot-password" size="md">
            Ask for a new link
          </Button>
          <Anchor component={Link} to="/signin" fz="sm" ta="center">
            Back to sign in
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Choose a new password" subtitle="This signs your account out on every device; you stay signed in here.">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          complete.mutate(values);
        })}
      >
        <Stack gap="md">
          {formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label="Email" value={check.data?.email ?? ''} readOnly variant="filled" autoComplete="username" />
          <PasswordInput
            label="New password"
            description="At least 10 characters and not a common password: a few unusual words work well"
            autoComplete="new-password"
            data-autofocus
            {...form.getInputProps('password')}
            key={form.key('password')}
          />
          <Button type="submit" size="md" mt="xs" loading={complete.isPending} fullWidth>
            Set the new password and sign in
          </Button>
          <Text fz="xs" c="dimmed" ta="center">
            The link stops working once the password is set.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
