// The Social area: the stream of what people say about the shop, the calendar of its own posts,
// and the connected accounts, one tab each (routed in App.tsx). Before any account is
// connected, the area opens on the accounts, which say what connecting does.
import { Button, ScrollArea, Stack, Tabs } from '@mantine/core';
import { IconCalendarEvent, IconMessages, IconPencilPlus, IconPlugConnected } from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { AccountsTab } from './AccountsTab.tsx';
import { type Account, useAccountsQuery } from './model.ts';
import { StreamTab } from './StreamTab.tsx';

export const SOCIAL_TABS = [
  { value: 'stream', label: 'Stream', icon: IconMessages },
  { value: 'calendar', label: 'Calendar', icon: IconCalendarEvent },
  { value: 'accounts', label: 'Accounts', icon: IconPlugConnected },
] as const;

export interface SocialContext {
  accounts: Account[];
  /** Marketers and up connect accounts, write posts and reply. */
  canWrite: boolean;
}

export const useSocial = () => useOutletContext<SocialContext>();

export function SocialPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const query = useAccountsQuery();
  const accounts = query.data?.accounts ?? [];
  const tab = SOCIAL_TABS.find((t) => pathname.startsWith(`/social/${t.value}`))?.value ?? (accounts.length ? 'stream' : 'accounts');
  return (
    <>
      <PageHeader
        title="Social"
        description="Hear what people say about your shop on Bluesky and Mastodon, answer them, and plan your own posts, with a coupon code that shows what each post brought in."
        actions={
          canWrite && accounts.length > 0 ? (
            <Button component={Link} to="/social/compose" leftSection={<IconPencilPlus size={16} />} data-testid="new-post">
              New post
            </Button>
          ) : undefined
        }
      />
      {query.isPending ? (
        <LoadingBlock label="Loading the social accounts" />
      ) : query.isError ? (
        <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Stack gap="lg">
          <Tabs value={tab} onChange={(value) => value && navigate(`/social/${value}`)} keepMounted={false}>
            <ScrollArea type="auto" scrollbarSize={4} mb="xl">
              <Tabs.List style={{ flexWrap: 'nowrap' }}>
                {SOCIAL_TABS.map((t) => (
                  <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} stroke={1.7} />} fw={500} style={{ whiteSpace: 'nowrap' }}>
                    {t.label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </ScrollArea>
            <Tabs.Panel value={tab}>
              <Outlet context={{ accounts, canWrite } satisfies SocialContext} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </>
  );
}

/** /social itself: the stream once an account is connected, the accounts before. */
export function SocialHome() {
  const { accounts } = useSocial();
  return accounts.length > 0 ? <StreamTab /> : <AccountsTab />;
}
