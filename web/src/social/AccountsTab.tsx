// The connected accounts: on the first visit, what connecting does; the forms that connect a
// Bluesky account (handle and app password) or a Mastodon account (allowed on the server's own
// page, or with an access token); and each account with its state, its rate-limit window, what
// listening can do on its network, and the hashtags and keywords it listens for.
import {
  ActionIcon,
  Alert,
  Anchor,
  Avatar,
  Badge,
  Button,
  Card,
  Collapse,
  Divider,
  Group,
  List,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconChevronDown, IconExternalLink, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { errorMessage } from '../lib/api.ts';
import { fromNow } from '../lib/format.ts';
import { applyFieldErrors, notifyError, notifySuccess } from '../lib/notify.tsx';
import { plural } from '../reports/format.ts';
import { type Account, type Authorize, type Network, type Stream, useAddStream, useAuthorizeMastodon, useConnect, useDisconnect, useFinishMastodon, useRemoveStream } from './model.ts';
import { NETWORK_ICONS } from './icons.ts';
import { useSocial } from './SocialPage.tsx';
import { at, limitsSentence, NETWORK_COLORS, NETWORK_LABELS, rateSentence, streamName } from './words.ts';

export function AccountsTab() {
  const { accounts, canWrite } = useSocial();
  return (
    <Stack gap="xl">
      {accounts.length === 0 ? (
        <Intro />
      ) : (
        <Stack gap="md">
          {accounts.map((a) => (
            <AccountCard key={a.id} account={a} canWrite={canWrite} />
          ))}
        </Stack>
      )}
      {canWrite ? (
        <div>
          <SectionHeader
            title={accounts.length === 0 ? 'Connect an account' : 'Connect another account'}
            description="Your shop’s own account: Rapport reads and posts as it. You can disconnect it at any time."
          />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <BlueskyForm />
            <MastodonForm />
          </SimpleGrid>
        </div>
      ) : (
        accounts.length === 0 && (
          <Text fz="sm" c="dimmed">
            Marketers, admins and owners connect accounts.
          </Text>
        )
      )}
    </Stack>
  );
}

function Intro() {
  return (
    <Card p={{ base: 'md', sm: 'xl' }} data-testid="social-intro">
      <Group gap="md" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color="pink" size={44} radius="xl" style={{ flexShrink: 0 }} visibleFrom="xs">
          <IconPlugConnected size={24} stroke={1.6} />
        </ThemeIcon>
        <Stack gap="xs">
          <Title order={2} fz="xl">
            Connect your shop’s Bluesky or Mastodon account
          </Title>
          <Text fz="sm" c="dimmed">
            Once an account is connected, Rapport:
          </Text>
          <List fz="sm" spacing={6}>
            <List.Item>finds the posts that mention your shop or reply to it, every minute, and any hashtag or word you ask it to listen for;</List.Item>
            <List.Item>reads whether each one is positive, neutral or negative, and recognizes your customers by their handle, so it lands on their timeline;</List.Item>
            <List.Item>lets you answer from here, and publishes the posts you write at the time you choose, shown on a calendar;</List.Item>
            <List.Item>gives a post a coupon code of its own, so you see what each post brought in.</List.Item>
          </List>
        </Stack>
      </Group>
    </Card>
  );
}

function NetworkTitle({ network, children }: { network: Network; children: ReactNode }) {
  const Icon = NETWORK_ICONS[network];
  return (
    <Group gap="sm" wrap="nowrap" mb="md">
      <ThemeIcon variant="light" color={NETWORK_COLORS[network]} size={36} radius="xl">
        <Icon size={20} stroke={1.7} />
      </ThemeIcon>
      <Title order={3} fz="md">
        {children}
      </Title>
    </Group>
  );
}

function Advanced({ label, children }: { label: string; children: ReactNode }) {
  const [open, { toggle }] = useDisclosure(false);
  return (
    <div>
      <UnstyledButton onClick={toggle} aria-expanded={open} fz="sm" c="dimmed">
        <Group gap={4}>
          <IconChevronDown size={14} style={{ transform: open ? 'rotate(180deg)' : undefined, transition: 'transform 150ms' }} />
          {label}
        </Group>
      </UnstyledButton>
      <Collapse expanded={open}>
        <Stack gap="sm" pt="sm">
          {children}
        </Stack>
      </Collapse>
    </div>
  );
}

/** After a connection: the accounts tab, where the new account shows (/social itself turns into the stream). */
function useConnected(): (a: Account, network: string) => void {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (a, network) => {
    notifySuccess(`Rapport now listens for mentions of ${at(a.handle)} and can post as it.`, `${network} account connected`);
    if (pathname !== '/social/accounts') navigate('/social/accounts');
  };
}

function BlueskyForm() {
  const connect = useConnect();
  const connected = useConnected();
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm({ initialValues: { identifier: '', secret: '', serverUrl: 'https://bsky.social' } });
  const submit = form.onSubmit((v) => {
    setProblem(null);
    connect.mutate(
      { network: 'bluesky', identifier: v.identifier, secret: v.secret, serverUrl: v.serverUrl },
      {
        onSuccess: (a) => {
          form.reset();
          connected(a, 'Bluesky');
        },
        onError: (err) => setProblem(applyFieldErrors(form, err)),
      },
    );
  });
  return (
    <Card component="form" onSubmit={submit} data-testid="connect-bluesky">
      <NetworkTitle network="bluesky">Bluesky</NetworkTitle>
      <Stack gap="sm">
        <TextInput label="Handle" placeholder="yourshop.bsky.social" autoComplete="off" required {...form.getInputProps('identifier')} />
        <PasswordInput
          label="App password"
          description="Not your Bluesky password: make an app password for Rapport in Bluesky, under Settings → Privacy and security → App passwords."
          autoComplete="new-password"
          required
          {...form.getInputProps('secret')}
        />
        <Advanced label="Advanced">
          <TextInput label="Server" description="Where the account lives: leave bsky.social unless your account is on a server of its own." {...form.getInputProps('serverUrl')} />
        </Advanced>
        {problem && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
            {problem}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={connect.isPending}>
            Connect Bluesky
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** "mastodon.social" from what was typed: an address, a handle, a server name. */
function serverName(raw: string): string {
  const s = raw.trim();
  const acct = /^@?[\w.-]+@([\w.-]+\.\w+)$/.exec(s);
  if (acct) return acct[1]!;
  try {
    return new URL(/^https?:\/\//i.test(s) ? s : `https://${s}`).host;
  } catch {
    return s;
  }
}

function MastodonForm() {
  const authorize = useAuthorizeMastodon();
  const finish = useFinishMastodon();
  const connect = useConnect();
  const connected = useConnected();
  const [started, setStarted] = useState<Authorize | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [withToken, token] = useDisclosure(false);
  const form = useForm({ initialValues: { serverUrl: '', code: '', secret: '' } });
  const server = serverName(form.getValues().serverUrl);
  const done = (a: Account) => {
    form.reset();
    setStarted(null);
    connected(a, 'Mastodon');
  };
  const allow = () => {
    setProblem(null);
    const serverUrl = form.getValues().serverUrl;
    if (!serverUrl.trim()) {
      form.setFieldError('serverUrl', 'Give your server first, such as mastodon.social');
      return;
    }
    authorize.mutate(serverUrl, {
      onSuccess: (r) => {
        setStarted(r);
        window.open(r.authorizeUrl, '_blank', 'noopener');
      },
      onError: (err) => setProblem(applyFieldErrors(form, err)),
    });
  };
  const submitCode = () => {
    if (!started) return;
    setProblem(null);
    finish.mutate({ serverUrl: started.serverUrl, code: form.getValues().code, redirectUri: started.redirectUri }, { onSuccess: done, onError: (err) => setProblem(applyFieldErrors(form, err)) });
  };
  const submitToken = () => {
    setProblem(null);
    const v = form.getValues();
    connect.mutate({ network: 'mastodon', serverUrl: v.serverUrl, secret: v.secret }, { onSuccess: done, onError: (err) => setProblem(applyFieldErrors(form, err)) });
  };
  return (
    <Card data-testid="connect-mastodon">
      <NetworkTitle network="mastodon">Mastodon</NetworkTitle>
      <Stack gap="sm">
        <TextInput
          label="Your server"
          placeholder="mastodon.social"
          description="The server your shop’s account is on: the part after the second @ of its handle."
          {...form.getInputProps('serverUrl')}
          onChange={(e) => {
            form.getInputProps('serverUrl').onChange(e);
            setStarted(null);
          }}
        />
        <Group>
          <Button variant={started ? 'default' : 'filled'} onClick={allow} loading={authorize.isPending} rightSection={<IconExternalLink size={15} />}>
            {server ? `Allow Rapport on ${server}` : 'Allow Rapport on your server'}
          </Button>
        </Group>
        {started && (
          <Stack gap="sm">
            <Text fz="sm">
              {new URL(started.serverUrl).host} opened in a new tab: sign in there if asked, choose <b>Authorize</b>, then copy the code it shows.{' '}
              <Anchor href={started.authorizeUrl} target="_blank" rel="noopener">
                No tab opened?
              </Anchor>
            </Text>
            <TextInput label="The code it showed" autoComplete="off" {...form.getInputProps('code')} />
            <Group>
              <Button onClick={submitCode} loading={finish.isPending} disabled={!form.getValues().code.trim()}>
                Connect Mastodon
              </Button>
            </Group>
          </Stack>
        )}
        <Divider label="or" labelPosition="center" />
        <UnstyledButton onClick={token.toggle} aria-expanded={withToken} fz="sm" c="dimmed">
          <Group gap={4}>
            <IconChevronDown size={14} style={{ transform: withToken ? 'rotate(180deg)' : undefined, transition: 'transform 150ms' }} />
            Paste an access token instead
          </Group>
        </UnstyledButton>
        <Collapse expanded={withToken}>
          <Stack gap="sm">
            <PasswordInput
              label="Access token"
              description="Made on your server under Preferences → Development → New application, with the read and write scopes."
              autoComplete="new-password"
              {...form.getInputProps('secret')}
            />
            <Group>
              <Button variant="default" onClick={submitToken} loading={connect.isPending} disabled={!form.getValues().secret.trim()}>
                Connect with the token
              </Button>
            </Group>
          </Stack>
        </Collapse>
        {problem && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
            {problem}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function AccountCard({ account: a, canWrite }: { account: Account; canWrite: boolean }) {
  const Icon = NETWORK_ICONS[a.network];
  const disconnect = useDisconnect();
  const [confirming, confirm] = useDisclosure(false);
  const failed = a.state === 'failed';
  return (
    <Card data-testid="account-card">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Avatar color={NETWORK_COLORS[a.network]} radius="xl" size={44}>
            <Icon size={24} stroke={1.6} />
          </Avatar>
          <div style={{ minWidth: 0 }}>
            <Text fw={650} truncate>
              {a.displayName || at(a.handle)}
            </Text>
            <Text fz="sm" c="dimmed" truncate>
              {at(a.handle)} · {NETWORK_LABELS[a.network]}
            </Text>
          </div>
        </Group>
        <Badge color={failed ? 'red' : 'teal'} variant="light" style={{ flexShrink: 0 }} data-testid="account-state">
          {failed ? 'Not working' : 'Connected'}
        </Badge>
      </Group>
      {failed && a.lastError && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} mt="md" title={`${NETWORK_LABELS[a.network]} refused Rapport`}>
          {a.lastError} Connect the account again below (a new app password or token) to start again.
        </Alert>
      )}
      <Stack gap={6} mt="md">
        <Text fz="sm" data-testid="rate-window">
          {rateSentence(a)}.
        </Text>
        <Text fz="sm" c="dimmed">
          {limitsSentence(a)}
        </Text>
        <Text fz="sm" c="dimmed">
          {a.listening}
        </Text>
      </Stack>
      <Divider my="md" />
      <Text fw={600} fz="sm" mb="xs">
        Listening for
      </Text>
      <Stack gap="xs">
        {a.streams.map((s) => (
          <StreamRow key={s.id} stream={s} canWrite={canWrite} />
        ))}
      </Stack>
      {canWrite && <AddStream account={a} />}
      {canWrite && (
        <Group justify="flex-end" mt="md">
          <Button variant="subtle" color="red" size="xs" onClick={confirm.open}>
            Disconnect
          </Button>
        </Group>
      )}
      <ConfirmModal
        opened={confirming}
        title={`Disconnect ${at(a.handle)}?`}
        confirmLabel="Disconnect"
        loading={disconnect.isPending}
        onClose={confirm.close}
        onConfirm={() =>
          disconnect.mutate(a.id, {
            onSuccess: () => {
              confirm.close();
              notifySuccess(`${at(a.handle)} is disconnected. The mentions it found stay in the stream.`);
            },
            onError: (err) => notifyError(err),
          })
        }
      >
        Rapport stops listening and posting as this account, and the posts waiting to go out from it are dropped. The mentions it found stay in the stream, and your posts already
        published stay on {NETWORK_LABELS[a.network]}.
      </ConfirmModal>
    </Card>
  );
}

function StreamRow({ stream: s, canWrite }: { stream: Stream; canWrite: boolean }) {
  const remove = useRemoveStream();
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm" data-testid="stream-row">
      <div style={{ minWidth: 0 }}>
        <Text fz="sm" fw={500}>
          {streamName(s)}
        </Text>
        <Text fz="xs" c="dimmed">
          {s.lastFetchedAt
            ? `Looked ${fromNow(s.lastFetchedAt)}${s.lastFound !== null ? `: ${s.lastFound === 0 ? 'nothing new' : `${plural(s.lastFound, 'new post')}`}` : ''}`
            : 'Not looked at yet: within a minute'}
        </Text>
        {s.lastError && (
          <Text fz="xs" c="red" data-testid="stream-error">
            {s.lastError}
          </Text>
        )}
      </div>
      {canWrite && s.kind !== 'mentions' && (
        <Tooltip label={`Stop listening for ${streamName(s)}`}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Stop listening for ${streamName(s)}`}
            loading={remove.isPending}
            onClick={() => remove.mutate(s.id, { onError: (err) => notifyError(err) })}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

function AddStream({ account }: { account: Account }) {
  const add = useAddStream();
  const [kind, setKind] = useState<'hashtag' | 'keyword'>('hashtag');
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    add.mutate(
      { accountId: account.id, kind, query },
      {
        onSuccess: () => setQuery(''),
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };
  return (
    <form onSubmit={submit}>
      <Group gap="xs" mt="md" align="flex-start" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={kind}
          onChange={(v) => setKind(v as 'hashtag' | 'keyword')}
          data={[
            { value: 'hashtag', label: 'Hashtag' },
            { value: 'keyword', label: 'Keyword' },
          ]}
          aria-label="Listen for"
        />
        <TextInput
          size="xs"
          aria-label={kind === 'hashtag' ? 'Hashtag' : 'Keyword'}
          placeholder={kind === 'hashtag' ? '#cupcakes' : 'lemon drizzle'}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          error={error}
          style={{ flex: '1 1 160px' }}
        />
        <Button size="xs" type="submit" variant="light" loading={add.isPending} disabled={!query.trim()}>
          Listen
        </Button>
      </Group>
    </form>
  );
}
