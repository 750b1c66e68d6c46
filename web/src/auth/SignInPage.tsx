import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconClockPause } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../lib/api.ts';
import { safeNext } from '../lib/next.ts';
import { applyFormError } from '../lib/notify.tsx';
import { useAcceptSession } from '../lib/session.ts';
import type { SessionInfo } from '../lib/types.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { required, validEmail } from './validation.ts';

export function SignInPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const params = new URLSearchParams(location.search);
  const [formError, setFormError] = useState<{ message: string; limited: boolean } | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: params.get('email') ?? '', password: '' },
    validate: { email: validEmail, password: required('your password') },
  });

  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string }) => api.post<SessionInfo>('/session', body),
    onSuccess: (info) => {
      acceptSession(info);
      navigate(safeNext(location.search), { replace: true });
    },
    onError: (err) => {
      const message = applyFormError(form, err);
      setFormError(message ? { message, limited: err instanceof ApiError && err.status === 429 } : null);
    },
  });

  const invited = safeNext(location.search).startsWith('/invite/');

  return (
    <AuthLayout
      title="Sign in to Rapport"
      subtitle={invited ? 'Sign in to accept your invitation.' : 'Welcome back. Enter your email and password.'}
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          signIn.mutate(values);
        })}
        noValidate
      >
        <Stack gap="md">
          {formError && (
            <Alert
              color={formError.limited ? 'orange' : 'red'}
              icon={formError.limited ? <IconClockPause size={18} /> : <IconAlertCircle size={18} />}
              title={formError.limited ? 'Too many attempts' : 'Sign-in failed'}
              role="alert"
            >
              {formError.message}
            </Alert>
          )}
          <TextInput
            label="Email"
            placeholder="you@example.com"
            type="email"
            autoComplete="username"
            {...form.getInputProps('email')}
            key={form.key('email')}
          />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} key={form.key('password')} />
          <Anchor
            component={Link}
            to="/forgot-password"
            fz="sm"
            ta="right"
            mt={-8}
            onClick={(e) => {
              // Carry over the address typed so far.
              const email = form.getValues().email.trim();
              if (!email) return;
              e.preventDefault();
              navigate(`/forgot-password?email=${encodeURIComponent(email)}`);
            }}
          >
            Forgot your password?
          </Anchor>
          <Button type="submit" size="md" mt="xs" loading={signIn.isPending} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
