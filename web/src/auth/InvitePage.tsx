import { Alert, Badge, Button, Center, Group, Loader, Paper, PasswordInput, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLinkOff, IconMailOpened } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage, isApiError } from '../lib/api.ts';
import { applyFormError } from '../lib/notify.tsx';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../lib/roles.ts';
import { sessionQuery, useAcceptSession, useSignOut } from '../lib/session.ts';
import type { InvitationPreview, SessionInfo } from '../lib/types.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { validNewPassword } from './validation.ts';

export function InvitePage() {
  const { token = '' } = useParams();
  const session = useQuery(sessionQuery);
  const preview = useQuery({
    queryKey: ['invite', token],
    queryFn: () => api.get<InvitationPreview>(`/invites/${encodeURIComponent(token)}`),
  });

  if (preview.isPending || session.isPending) {
    return (
      <AuthLayout title="Your invitation">
        <Center py="xl">
          <Loader type="dots" aria-label="Loading" />
        </Center>
      </AuthLayout>
    );
  }
  if (preview.isError) return <InvalidInvitation error={preview.error} />;

  const invite = preview.data;
  const user = session.data?.user ?? null;
  return (
    <AuthLayout title={`Join ${invite.workspaceName}`} subtitle="You have been invited to a workspace on Rapport.">
      <Stack gap="lg">
        <InvitationSummary invite={invite} />
        {user ? (
          <AcceptAsUser token={token} invite={invite} email={user.email} />
        ) : invite.accountExists ? (
          <SignInFirst token={token} invite={invite} />
        ) : (
          <CreateAccountAndJoin token={token} invite={invite} />
        )}
      </Stack>
    </AuthLayout>
  );
}

function InvitationSummary({ invite }: { invite: InvitationPreview }) {
  return (
    <Paper withBorder p="md" radius="md" bg="gray.0">
      <Group wrap="nowrap" align="flex-start" gap="md">
        <ThemeIcon size={40} radius="md" variant="light">
          <IconMailOpened size={22} />
        </ThemeIcon>
        <Stack gap={4}>
          <Text fz="sm">
            For <b>{invite.email}</b>
          </Text>
          <Group gap={8}>
            <Badge>{ROLE_LABELS[invite.role]}</Badge>
            <Text fz="xs" c="dimmed">
              {ROLE_DESCRIPTIONS[invite.role]}
            </Text>
          </Group>
        </Stack>
      </Group>
    </Paper>
  );
}

function useAccept(token: string) {
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  return useMutation({
    mutationFn: (body: { name?: string; password?: string }) =>
      api.post<SessionInfo>(`/invites/${encodeURIComponent(token)}/accept`, body),
    onSuccess: (info) => {
      acceptSession(info);
      navigate('/contacts', { replace: true });
    },
  });
}

function AcceptAsUser({ token, invite, email }: { token: string; invite: InvitationPreview; email: string }) {
  const accept = useAccept(token);
  const signOut = useSignOut();
  const wrongAccount = email.toLowerCase() !== invite.email.toLowerCase();
  const switchAccount = () =>
    signOut.mutate(`/signin?next=${encodeURIComponent(`/invite/${token}`)}&email=${encodeURIComponent(invite.email)}`);

  if (wrongAccount) {
    return (
      <Stack gap="md">
        <Alert color="orange" icon={<IconAlertCircle size={18} />} title="This invitation is for another account">
          You are signed in as <b>{email}</b>. Sign in as <b>{invite.email}</b> to accept it.
        </Alert>
        <Button size="md" onClick={switchAccount} loading={signOut.isPending}>
          Sign out and switch account
        </Button>
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      {accept.isError && <ErrorAlert error={accept.error} />}
      <Text fz="sm" c="dimmed">
        You are signed in as <b>{email}</b>.
      </Text>
      <Button size="md" onClick={() => accept.mutate({})} loading={accept.isPending}>
        Join {invite.workspaceName}
      </Button>
    </Stack>
  );
}

function SignInFirst({ token, invite }: { token: string; invite: InvitationPreview }) {
  const next = `/invite/${token}`;
  return (
    <Stack gap="md">
      <Text fz="sm">
        <b>{invite.email}</b> already has a Rapport account. Sign in as {invite.email} first, then accept the invitation.
      </Text>
      <Button
        size="md"
        component={Link}
        to={`/signin?next=${encodeURIComponent(next)}&email=${encodeURIComponent(invite.email)}`}
      >
        Sign in as {invite.email}
      </Button>
    </Stack>
  );
}

function CreateAccountAndJoin({ token, invite }: { token: string; invite: InvitationPreview }) {
  const accept = useAccept(token);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', password: '' },
    validate: { name: (v) => (v.trim() ? null : 'Enter your name'), password: validNewPassword },
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        setFormError(null);
        accept.mutate(values, { onError: (err) => setFormError(applyFormError(form, err)) });
      })}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="Email" value={invite.email} readOnly variant="filled" autoComplete="username" />
        <TextInput label="Your name" autoComplete="name" placeholder="Ada Lovelace" {...form.getInputProps('name')} key={form.key('name')} />
        <PasswordInput
          label="Password"
          description="At least 10 characters and not a common password: a few unusual words work well"
          autoComplete="new-password"
          {...form.getInputProps('password')}
          key={form.key('password')}
        />
        <Button type="submit" size="md" mt="xs" loading={accept.isPending}>
          Join {invite.workspaceName}
        </Button>
      </Stack>
    </form>
  );
}

function ErrorAlert({ error }: { error: unknown }) {
  return (
    <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not join" role="alert">
      {errorMessage(error)}
    </Alert>
  );
}

function InvalidInvitation({ error }: { error: unknown }) {
  const gone = isApiError(error, 410);
  const title = isApiError(error, 404)
    ? 'This invitation link is not valid'
    : gone
      ? error.code === 'invitation_used'
        ? 'This invitation was already used'
        : 'This invitation has expired'
      : 'The invitation could not be opened';
  const message = isApiError(error, 404)
    ? 'It may have been revoked, or the link was copied incompletely. Ask the person who invited you for a new link.'
    : errorMessage(error);
  return (
    <AuthLayout title={title}>
      <Stack gap="lg">
        <Group gap="md" wrap="nowrap" align="flex-start">
          <ThemeIcon size={40} radius="md" variant="light" color={gone ? 'orange' : 'red'}>
            <IconLinkOff size={22} />
          </ThemeIcon>
          <Text fz="sm" c="dimmed" role="alert">
            {message}
          </Text>
        </Group>
        <Button component={Link} to="/" variant="default" size="md">
          Go to Rapport
        </Button>
      </Stack>
    </AuthLayout>
  );
}
