// Settings › Email: the SMTP server and sender of the workspace (admins), the limits on
// marketing email (everyone sees them, admins change them), the bounce and complaint webhooks
// (admins), the topics of the preference page, and the suppression list.
import { Alert, Anchor, Button, Card, Grid, Group, NumberInput, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconCheck, IconInbox, IconPlugConnected } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { type EmailSettings as Settings, type EmailSettingsBody, useEmailSettingsQuery } from '../email/model.ts';
import { TopicsCard } from '../email/TopicsCard.tsx';
import { api, errorMessage } from '../lib/api.ts';
import { applyFormError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { AdminOnly } from './AdminOnly.tsx';
import { EmailLimitsCard } from './EmailLimitsCard.tsx';
import { EmailWebhooksCard } from './EmailWebhooksCard.tsx';
import { SuppressionsCard } from './SuppressionsCard.tsx';

const SECURITY = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'none', label: 'None: unencrypted (a server on this machine only)' },
];
const PORTS: Record<Settings['smtpSecurity'], number> = { starttls: 587, tls: 465, none: 25 };

export function EmailSettings() {
  const workspace = useWorkspace();
  const settings = useEmailSettingsQuery();
  const isAdmin = roleAtLeast(workspace.role, 'admin');
  return (
    <Stack gap="lg">
      {!isAdmin ? (
        <AdminOnly role={workspace.role} what="how email is sent" />
      ) : (
        <Card>
          <SectionHeader title="Sending" description="The SMTP server your email goes out through: your provider’s (Postmark, SES, Mailgun, Google Workspace…) or your own." />
          {settings.isPending ? (
            <LoadingBlock />
          ) : settings.isError ? (
            <ErrorBlock error={settings.error} onRetry={() => void settings.refetch()} />
          ) : (
            // Keyed by what is saved: a save starts the form afresh (and empties the password).
            <SmtpForm key={JSON.stringify(settings.data)} settings={settings.data} />
          )}
        </Card>
      )}
      <EmailLimitsCard canEdit={isAdmin} />
      {isAdmin && <EmailWebhooksCard />}
      <TopicsCard />
      <SuppressionsCard />
    </Stack>
  );
}

type TestResult = { ok: true; kind: 'smtp' | 'outbox' } | { ok: false; message: string };

function SmtpForm({ settings }: { settings: Settings }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'settings');
  const [error, setError] = useState<string | null>(null);
  const [removePassword, setRemovePassword] = useState(false);
  const [test, setTest] = useState<TestResult | null>(null);
  const form = useForm({
    initialValues: {
      smtpHost: settings.smtpHost ?? '',
      smtpPort: (settings.smtpPort ?? '') as number | string,
      smtpSecurity: settings.smtpSecurity,
      smtpUser: settings.smtpUser ?? '',
      smtpPassword: '',
      fromName: settings.fromName,
      fromEmail: settings.fromEmail ?? '',
      replyTo: settings.replyTo ?? '',
    },
  });

  const bodyOf = (v: typeof form.values): EmailSettingsBody => ({
    smtpHost: v.smtpHost.trim() || null,
    smtpPort: v.smtpPort === '' ? null : Number(v.smtpPort),
    smtpSecurity: v.smtpSecurity,
    smtpUser: v.smtpUser.trim() || null,
    // Left out: the stored password stays. Null removes it.
    ...(v.smtpPassword ? { smtpPassword: v.smtpPassword } : removePassword ? { smtpPassword: null } : {}),
    fromName: v.fromName.trim(),
    fromEmail: v.fromEmail.trim() || null,
    replyTo: v.replyTo.trim() || null,
  });

  const save = useMutation({
    mutationFn: (v: typeof form.values) => api.put<Settings>('/email/settings', bodyOf(v)),
    onSuccess: (saved) => {
      setError(null);
      notifySuccess(saved.smtpHost ? `Email goes out through ${saved.smtpHost}.` : 'With no SMTP server, messages land in the Outbox.', 'Email settings saved');
      queryClient.setQueryData(key, saved);
    },
    onError: (err) => setError(applyFormError(form, err)),
  });
  const testConnection = useMutation({
    mutationFn: async () => {
      // What is tested is what is saved: unsaved changes are saved first.
      if (form.isDirty() || removePassword) await save.mutateAsync(form.getValues());
      return api.post<{ ok: true; kind: 'smtp' | 'outbox' }>('/email/settings/test', {});
    },
    onMutate: () => setTest(null),
    onSuccess: (r) => setTest(r),
    onError: (err) => setTest({ ok: false, message: errorMessage(err) }),
  });

  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Stack gap="md">
        {!settings.smtpHost && (
          <Alert color="blue" variant="light" icon={<IconInbox size={18} />}>
            No SMTP server is set: every message lands in the{' '}
            <Anchor component={Link} to="/email/outbox" fz="sm" fw={600}>
              Outbox
            </Anchor>
            , where you can read it, and nothing is delivered. Fill in your provider’s server to send for real.
          </Alert>
        )}
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <Grid gap="md">
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="SMTP server" placeholder="smtp.example.com" {...form.getInputProps('smtpHost')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Select
              label="Encryption"
              data={SECURITY}
              {...form.getInputProps('smtpSecurity')}
              onChange={(v) => {
                const mode = (v ?? 'starttls') as Settings['smtpSecurity'];
                form.setFieldValue('smtpSecurity', mode);
                if (form.values.smtpPort === '' || Object.values(PORTS).includes(Number(form.values.smtpPort))) form.setFieldValue('smtpPort', PORTS[mode]);
              }}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <NumberInput label="Port" placeholder={String(PORTS[form.values.smtpSecurity])} min={1} max={65535} allowDecimal={false} hideControls {...form.getInputProps('smtpPort')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="User name" autoComplete="off" {...form.getInputProps('smtpUser')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 5 }}>
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              placeholder={settings.passwordSet && !removePassword ? '•••••••• (stored)' : undefined}
              description={
                settings.passwordSet ? (
                  removePassword ? (
                    <>
                      Will be removed when you save.{' '}
                      <Anchor component="button" type="button" fz="xs" onClick={() => setRemovePassword(false)}>
                        Keep it
                      </Anchor>
                    </>
                  ) : (
                    <>
                      Stored (encrypted). Leave empty to keep it.{' '}
                      <Anchor component="button" type="button" fz="xs" onClick={() => setRemovePassword(true)}>
                        Remove it
                      </Anchor>
                    </>
                  )
                ) : (
                  'Stored encrypted, never shown again.'
                )
              }
              {...form.getInputProps('smtpPassword')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="From name" placeholder="Acme Coffee" {...form.getInputProps('fromName')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="From address" type="email" placeholder="hello@example.com" {...form.getInputProps('fromEmail')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Reply-to" type="email" placeholder="Optional" {...form.getInputProps('replyTo')} />
          </Grid.Col>
        </Grid>
        {test && (
          <Alert
            data-testid="smtp-test-result"
            color={!test.ok ? 'red' : test.kind === 'outbox' ? 'blue' : 'teal'}
            variant="light"
            icon={!test.ok ? <IconAlertCircle size={18} /> : test.kind === 'outbox' ? <IconInbox size={18} /> : <IconCheck size={18} />}
            title={!test.ok ? 'The connection failed' : test.kind === 'outbox' ? 'No SMTP server to test' : 'Connected'}
          >
            {!test.ok ? test.message : test.kind === 'outbox' ? 'Messages land in the Outbox until an SMTP server is set.' : 'The server took the connection and the sign-in. Email goes out through it.'}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" leftSection={<IconPlugConnected size={16} />} onClick={() => testConnection.mutate()} loading={testConnection.isPending}>
            Test connection
          </Button>
          <Button type="submit" loading={save.isPending && !testConnection.isPending}>
            Save
          </Button>
        </Group>
        <Text fz="xs" c="dimmed">
          Marketing messages carry a one-click unsubscribe link and header.
        </Text>
      </Stack>
    </form>
  );
}
