// The Retention area: who is slipping away (the at-risk list), how far the models can be
// trusted (their check on the workspace's own orders), subscription cohorts when a renewal
// event is set, and the settings for admins. One tab per part (routed in App.tsx); the fit
// behind them is stated on top, with "Fit now" and its progress.
import { Alert, Button, Card, EmptyState, Loader, ScrollArea, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconActivityHeartbeat, IconAdjustments, IconAlertCircle, IconChartDots, IconRefresh, IconRepeat, IconUserExclamation } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate, useOutletContext } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { isApiError } from '../lib/api.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { count } from '../reports/format.ts';
import { NoOrders as OrdersMissing } from '../reports/parts.tsx';
import { type FitRecord, isRunning, type RetentionOverview, useFitEnded, useFitMutation, useRetentionQuery } from './model.ts';
import { RetentionSettingsModal } from './RetentionSettingsModal.tsx';

export const RETENTION_TABS = [
  { value: 'at-risk', label: 'At risk', icon: IconUserExclamation },
  { value: 'quality', label: 'Model quality', icon: IconChartDots },
  { value: 'subscriptions', label: 'Subscriptions', icon: IconRepeat },
] as const;

/** What every tab gets: the overview, with the fit whose scores are in use. */
export interface RetentionContext {
  overview: RetentionOverview;
  current: FitRecord & { result: NonNullable<FitRecord['result']> };
}

export const useRetention = () => useOutletContext<RetentionContext>();

export function RetentionPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [settingsOpen, settings] = useDisclosure(false);
  const query = useRetentionQuery();
  const overview = query.data;
  useFitEnded(overview, (fit) => {
    if (fit.state !== 'done') return;
    if (!fit.result?.customers) notifySuccess('There are no orders to learn from yet.', 'The models are fitted');
    else notifySuccess(fit.result.verdictText, fit.result.verdict === 'too_little_data' ? 'Not enough orders yet' : 'The models are fitted');
  });
  const current = overview?.current?.result ? (overview.current as RetentionContext['current']) : null;
  const tabs = RETENTION_TABS.filter((t) => t.value !== 'subscriptions' || current?.result.subscriptions);
  const tab = tabs.find((t) => pathname.startsWith(`/retention/${t.value}`))?.value ?? 'at-risk';
  return (
    <>
      <PageHeader
        title="Retention"
        description="Who is likely to buy again and who is slipping away, predicted from your customers’ orders, and how far those predictions can be trusted."
        actions={
          <>
            {/* Before the first fit, the button is in the page's empty state. */}
            {overview?.current && <FitButton overview={overview} />}
            <Button variant="default" size="xs" leftSection={<IconAdjustments size={14} />} onClick={settings.open}>
              Retention settings
            </Button>
          </>
        }
      />
      {query.isPending ? (
        <LoadingBlock label="Loading retention" />
      ) : query.isError ? (
        <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Stack gap="lg">
          <FitStatus overview={query.data} />
          {current === null ? (
            <NoFit overview={query.data} />
          ) : current.result.customers === 0 ? (
            <NoOrders />
          ) : (
            <Tabs value={tab} onChange={(value) => value && navigate(`/retention/${value}`)} keepMounted={false}>
              <ScrollArea type="auto" scrollbarSize={4} mb="xl">
                <Tabs.List style={{ flexWrap: 'nowrap' }}>
                  {tabs.map((t) => (
                    <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} stroke={1.7} />} fw={500} style={{ whiteSpace: 'nowrap' }}>
                      {t.label}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
              </ScrollArea>
              <Tabs.Panel value={tab}>
                <Outlet context={{ overview: query.data, current } satisfies RetentionContext} />
              </Tabs.Panel>
            </Tabs>
          )}
        </Stack>
      )}
      <RetentionSettingsModal opened={settingsOpen} onClose={settings.close} />
    </>
  );
}

/** "Fit now": starts a fit (marketers and above), shows "Fitting…" while one runs. */
function FitButton({ overview, size = 'xs' }: { overview: RetentionOverview | undefined; size?: 'xs' | 'sm' }) {
  const canFit = roleAtLeast(useWorkspace().role, 'marketer');
  const fit = useFitMutation();
  const running = isRunning(overview) || fit.isPending;
  const start = () =>
    fit.mutate(undefined, {
      onError: (err) => {
        // Someone (or the nightly refit) started one already: it is followed like ours.
        if (isApiError(err, 409)) notifySuccess('The models are being fitted already; this page follows it and updates when it is done.', 'A fit is under way');
        else notifyError(err, 'The models could not be fitted');
      },
    });
  const button = (
    <Button size={size} leftSection={running ? <Loader size={12} color="gray" /> : <IconRefresh size={14} />} onClick={start} disabled={!canFit || running} data-testid="fit-now">
      {running ? 'Fitting…' : 'Fit now'}
    </Button>
  );
  return canFit ? button : <Tooltip label="Fitting the models takes a marketer, an admin or the owner">{button}</Tooltip>;
}

/** Which fit the figures come from, one running, or why the last one failed. */
function FitStatus({ overview }: { overview: RetentionOverview }) {
  const { current, latest, settings } = overview;
  const nightly = settings.refit === 'nightly' ? ' Rapport fits them again every night.' : ' They are fitted again only when you ask (see the settings).';
  if (latest?.state !== 'running' && latest?.state !== 'failed' && !current?.result?.customers) return null;
  return (
    <Stack gap="sm">
      {latest?.state === 'running' && (
        <Alert variant="light" color="blue" icon={<Loader size={16} />} title="Fitting the models on your orders…" data-testid="fit-running">
          This takes from a few seconds to a few minutes with many customers. The page updates when it is done{current ? '; meanwhile it shows the last fit' : ''}.
        </Alert>
      )}
      {latest?.state === 'failed' && (
        <Alert variant="light" color="red" icon={<IconAlertCircle size={18} />} title="The last fit failed" data-testid="fit-failed">
          {latest.error ?? 'No reason was given.'} {current ? `The figures below are from the fit of ${formatDateTime(current.finishedAt ?? current.startedAt)}.` : ''}
        </Alert>
      )}
      {current?.result && current.result.customers > 0 && (
        <Text fz="sm" c="dimmed" data-testid="fit-status">
          <Tooltip label={formatDateTime(current.finishedAt ?? current.startedAt)}>
            <span>Fitted {fromNow(current.finishedAt ?? current.startedAt)}</span>
          </Tooltip>{' '}
          on the orders of {count(current.result.customers)} customers up to {current.until}.{nightly}
        </Text>
      )}
    </Stack>
  );
}

function NoFit({ overview }: { overview: RetentionOverview }) {
  const running = isRunning(overview);
  return (
    <Card py={{ base: 28, sm: 44 }} data-testid="no-fit">
      <EmptyState
        variant="light"
        color="red"
        icon={running ? <Loader size={24} /> : <IconActivityHeartbeat size={28} stroke={1.6} />}
        title={running ? 'The models are being fitted for the first time' : 'The models have not been fitted yet'}
        description={
          running
            ? 'They learn from your customers’ orders how often each one buys and when they stop. The at-risk list appears here when they are done.'
            : 'Rapport fits the models every night on your customers’ orders; or fit them now. Then this page lists the customers slipping away and says how well the models predict your shop.'
        }
        maw={640}
        mx="auto"
      >
        {!running && (
          <EmptyState.Actions>
            <FitButton overview={overview} size="sm" />
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Card>
  );
}

/** Fitted on a shop without orders: what to do. */
function NoOrders() {
  return (
    <OrdersMissing
      what="who is slipping away"
      description="The predictions are learnt from your customers’ orders: how often each one buys, and how long since they last did. Import them from a spreadsheet (one row per order or order line), or send them from your shop with the tracking API."
    />
  );
}
