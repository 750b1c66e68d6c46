// The Loyalty area: before the program exists, the form that sets it up; after, one tab per part
// (routed in App.tsx): the overview and report, the earning rules, the tiers, the rewards, the
// members, and the settings (the same form as the first run).
import { Alert, Card, ScrollArea, Stack, Tabs, Text, ThemeIcon, Title, Group } from '@mantine/core';
import { IconAdjustments, IconChartBar, IconCoins, IconGift, IconPlayerPause, IconStairsUp, IconUsers } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate, useOutletContext } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { useDefaultCurrency } from '../components/CurrencySelect.tsx';
import { type LoyaltyOverview, type Program, useLoyaltyQuery } from './model.ts';
import { ProgramForm } from './ProgramForm.tsx';

export const LOYALTY_TABS = [
  { value: 'overview', label: 'Overview', icon: IconChartBar },
  { value: 'rules', label: 'Earning rules', icon: IconCoins },
  { value: 'tiers', label: 'Tiers', icon: IconStairsUp },
  { value: 'rewards', label: 'Rewards', icon: IconGift },
  { value: 'members', label: 'Members', icon: IconUsers },
  { value: 'settings', label: 'Settings', icon: IconAdjustments },
] as const;

/** What every tab gets: the program (set up), its rules, tiers and rewards, the workspace's currency and whether one may change them. */
export interface LoyaltyContext {
  overview: LoyaltyOverview & { program: Program };
  /** The currency offered first (the workspace's default, else USD). */
  currency: string;
  canEdit: boolean;
}

export const useLoyalty = () => useOutletContext<LoyaltyContext>();

export function LoyaltyPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const canEdit = roleAtLeast(useWorkspace().role, 'admin');
  const currency = useDefaultCurrency();
  const query = useLoyaltyQuery();
  const tab = LOYALTY_TABS.find((t) => pathname.startsWith(`/loyalty/${t.value}`))?.value ?? 'overview';
  const program = query.data?.program ?? null;
  return (
    <>
      <PageHeader
        title={program ? program.name : 'Loyalty'}
        description="Points for orders and other actions, tiers and rewards. Every point earned, spent, taken back or expired is kept with its cause, so each balance can be checked."
      />
      {query.isPending ? (
        <LoadingBlock label="Loading the points program" />
      ) : query.isError ? (
        <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />
      ) : program === null ? (
        <FirstRun
          canEdit={canEdit}
          currency={currency}
          onSaved={() => {
            notifySuccess('Now say how customers earn points: add an earning rule.', 'The points program is set up');
            navigate('/loyalty/rules');
          }}
        />
      ) : (
        <Stack gap="lg">
          {program.state === 'paused' && (
            <Alert color="orange" variant="light" icon={<IconPlayerPause size={18} />} data-testid="program-paused">
              The program is paused: no points are earned until it runs again (Settings).
            </Alert>
          )}
          <Tabs value={tab} onChange={(value) => value && navigate(`/loyalty/${value}`)} keepMounted={false}>
            <ScrollArea type="auto" scrollbarSize={4} mb="xl">
              <Tabs.List style={{ flexWrap: 'nowrap' }}>
                {LOYALTY_TABS.map((t) => (
                  <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} stroke={1.7} />} fw={500} style={{ whiteSpace: 'nowrap' }}>
                    {t.label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </ScrollArea>
            <Tabs.Panel value={tab}>
              <Outlet context={{ overview: { ...query.data, program }, currency, canEdit } satisfies LoyaltyContext} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </>
  );
}

function FirstRun({ canEdit, currency, onSaved }: { canEdit: boolean; currency: string; onSaved: () => void }) {
  return (
    <Card p={{ base: 'md', sm: 'xl' }} maw={880} data-testid="first-run">
      <Group gap="md" wrap="nowrap" align="flex-start" mb="lg">
        <ThemeIcon variant="light" color="grape" size={44} radius="xl" style={{ flexShrink: 0 }}>
          <IconGift size={24} stroke={1.6} />
        </ThemeIcon>
        <div>
          <Title order={2} fz="xl">
            Set up your points program
          </Title>
          <Text fz="sm" c="dimmed" mt={4}>
            Choose how the program treats refunds, expiry and tiers. Then add earning rules (how many points an order or an action gives), tiers and the rewards
            customers spend their points on. Everything can be changed later.
          </Text>
        </div>
      </Group>
      {canEdit ? (
        <ProgramForm key={currency} program={null} currency={currency} canEdit onSaved={onSaved} />
      ) : (
        <Text fz="sm" c="dimmed">
          An admin or the owner of the workspace sets up the program.
        </Text>
      )}
    </Card>
  );
}

export function SettingsTab() {
  const { overview, currency, canEdit } = useLoyalty();
  return (
    <Card p={{ base: 'md', sm: 'xl' }} maw={880}>
      <ProgramForm
        key={JSON.stringify(overview.program)}
        program={overview.program}
        currency={currency}
        canEdit={canEdit}
        onSaved={() => notifySuccess('The new settings count from now on.', 'Program saved')}
      />
    </Card>
  );
}
