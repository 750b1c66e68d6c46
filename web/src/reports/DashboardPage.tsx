// The home page: how the shop is doing over a period, against the period before. Sales in one
// currency at a time (a picker when there are several: currencies are never added up), then
// customers, then feedback and email; each tile with its small chart, and the numbers behind
// the charts in a table. Period and currency are in the URL.
import { Accordion, Box, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { DEFINITIONS, type DashboardTile as TileKey } from '../../../src/reports/definitions.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { DemoDataCard } from '../demo/DemoDataCard.tsx';
import { CurrencyPicker } from './CurrencyPicker.tsx';
import { DashboardTile, tileValue } from './DashboardTile.tsx';
import { periodLabel, shortDay, spanLabel } from './format.ts';
import { csvHref, type DashboardResult, type Tile, useDashboardQuery } from './model.ts';
import { AppLink, CsvButton, DataTable, NoOrders, QueryBody } from './parts.tsx';
import { PeriodPicker } from './PeriodPicker.tsx';
import { PERIOD_DEFAULTS, periodQueryString, useUrlState } from './url.ts';

const CUSTOMER_TILES: TileKey[] = ['customers', 'newCustomers', 'activeCustomers', 'repeatRate', 'churnRate'];
const ENGAGEMENT_TILES: TileKey[] = ['nps', 'openRate', 'clickRate'];

export function DashboardPage() {
  const [state, set] = useUrlState({ ...PERIOD_DEFAULTS, currency: '' });
  const qs = periodQueryString(state);
  // A custom period being typed keeps the last report on screen.
  const query = useDashboardQuery(qs ?? 'range=90d');
  const period = query.data?.period;
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          period
            ? `How your shop is doing from ${spanLabel(period.from, period.to)}, against the ${period.days} days before.`
            : 'How your shop is doing, against the period before.'
        }
        actions={
          <>
            {qs && <CsvButton href={csvHref('dashboard', qs)} />}
            <Button component={Link} to="/reports" variant="default" size="xs" leftSection={<IconChartBar size={14} />}>
              All reports
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        <PeriodPicker state={state} set={set} shown={period} />
        <QueryBody query={query} label="Loading the dashboard">
          {(d) => <Dashboard d={d} currency={state.currency} onCurrency={(currency) => set({ currency })} />}
        </QueryBody>
      </Stack>
    </>
  );
}

function Dashboard({ d, currency: wanted, onCurrency }: { d: DashboardResult; currency: string; onCurrency: (c: string) => void }) {
  const sales = d.currencies.find((c) => c.currency === wanted) ?? d.currencies[0];
  const currency = sales?.currency ?? null;
  const tile = (key: TileKey) => d.tiles.find((t) => t.key === key);
  const previousLabel = `${shortDay(d.period.previousFrom)} – ${shortDay(d.period.previousTo)}`;
  const show = (t: Tile | undefined, missing?: ReactNode) =>
    t && <DashboardTile key={t.key} tile={t} currency={currency} missing={missing} previousLabel={previousLabel} activeDays={d.activeDays} />;
  const noEmailInPeriod = (t: Tile | undefined) =>
    !d.has.email ? (
      <>
        No email sent yet. <AppLink to="/email/broadcasts">Send a broadcast</AppLink>
      </>
    ) : t?.value === null ? (
      'No email delivered in this period.'
    ) : undefined;
  const npsMissing = !d.has.nps ? (
    <>
      No NPS answers yet. <AppLink to="/surveys">Send an NPS survey</AppLink>
    </>
  ) : tile('nps')?.value === null ? (
    'No NPS answers in this period.'
  ) : undefined;

  return (
    <>
      {!d.has.orders ? (
        <Stack gap="lg">
          <NoOrders what="revenue, customers and cohorts" />
          <DemoDataCard />
        </Stack>
      ) : (
        <>
          <Section
            title="Sales"
            actions={
              d.currencies.length > 1 && currency ? (
                <CurrencyPicker currencies={d.currencies.map((c) => c.currency)} value={currency} onChange={onCurrency} />
              ) : undefined
            }
          >
            {sales ? sales.tiles.map((t) => show(t)) : <Text c="dimmed">No orders in this period.</Text>}
          </Section>
          <Section title="Customers" wide>{CUSTOMER_TILES.map((k) => show(tile(k)))}</Section>
        </>
      )}
      <Section title="Feedback and email">
        {show(tile('nps'), npsMissing)}
        {show(tile('openRate'), noEmailInPeriod(tile('openRate')))}
        {show(tile('clickRate'), noEmailInPeriod(tile('clickRate')))}
      </Section>
      {(d.has.orders || d.has.nps || d.has.email) && <NumbersBehind d={d} currency={currency} />}
    </>
  );
}

function Section({ title, actions, children, wide = false }: { title: string; actions?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <Box component="section" aria-label={title}>
      <Group justify="space-between" mb="xs" gap="sm">
        <Title order={2} fz="md" c="dark.6">
          {title}
        </Title>
        {actions}
      </Group>
      <SimpleGrid cols={wide ? { base: 2, sm: 3, lg: 5 } : { base: 2, sm: 3 }} spacing="sm" verticalSpacing="sm">
        {children}
      </SimpleGrid>
    </Box>
  );
}

/** The series of every tile, bucket by bucket: what the small charts draw. */
function NumbersBehind({ d, currency }: { d: DashboardResult; currency: string | null }) {
  const sales = d.currencies.find((c) => c.currency === currency)?.tiles ?? [];
  const tiles = [...(d.has.orders ? sales : []), ...d.tiles.filter((t) => d.has.orders || ENGAGEMENT_TILES.includes(t.key))];
  const grain = d.bucketDays === 1 ? 'day' : d.bucketDays === 7 ? 'week' : 'from';
  return (
    <Accordion variant="contained" radius="md" mt="lg" chevronPosition="left">
      <Accordion.Item value="numbers">
        <Accordion.Control>
          <Text fz="sm" fw={500}>
            The numbers behind the small charts
          </Text>
        </Accordion.Control>
        <Accordion.Panel>
          <Text fz="xs" c="dimmed">
            {grain === 'day' ? 'Day by day.' : grain === 'week' ? 'Week by week (each week starts on the day shown).' : 'Month by month (30 days from the day shown).'}
            {currency && d.has.orders ? ` Money in ${currency}.` : ''}
          </Text>
          <DataTable
            label="The numbers behind the small charts"
            minWidth={Math.max(480, 110 * (tiles.length + 1))}
            maxHeight={420}
            head={[grain === 'day' ? 'Day' : 'From', ...tiles.map((t) => DEFINITIONS[t.key].label)]}
            rows={d.buckets.map((b, i) => [periodLabel(b, 'day'), ...tiles.map((t) => tileValue(t.key, t.series[i] ?? null, currency))])}
          />
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
