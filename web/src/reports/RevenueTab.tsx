// Revenue retention in one currency: cumulative revenue per customer by cohort (do newer
// customers spend as much as older ones did at the same age?), and net and gross revenue
// retention per month, quarter or year. Currencies are never added up: a picker chooses one.
import { LineChart } from '@mantine/charts';
import { Card, Group, Input, SegmentedControl, Stack, Text } from '@mantine/core';
import { DEFINITIONS } from '../../../src/reports/definitions.ts';
import { CurrencyPicker } from './CurrencyPicker.tsx';
import { count, money, moneyShort, pct, periodLabel, periodName } from './format.ts';
import { csvHref, queryString, type RevenueResult, useRevenueQuery } from './model.ts';
import { seriesColor, seriesKey } from './palette.ts';
import { CsvButton, DataTable, Formula, GrainPicker, NoOrders, QueryBody, ReportCard } from './parts.tsx';
import { soFar, underWay } from './periods.ts';
import { SpanPicker } from './SpanPicker.tsx';
import { SPAN_DEFAULTS, spanParams, useUrlState } from './url.ts';

const DEFAULTS = { ...SPAN_DEFAULTS, currency: '', grain: 'month', retention: 'month' };
const RETENTION = [
  { value: 'month', label: 'Month' },
  { value: 'quarter', label: 'Quarter' },
  { value: 'year', label: 'Year' },
];

export function RevenueTab() {
  const [s, set] = useUrlState(DEFAULTS);
  const span = spanParams(s);
  const qs = queryString({ ...span, currency: s.currency, grain: s.grain, retention: s.retention });
  const query = useRevenueQuery(qs);
  return (
    <Stack gap="lg">
      <Card>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <SpanPicker state={s} set={set} />
          <GrainPicker value={s.grain} onChange={(grain) => set({ grain })} />
          <Input.Wrapper label="Retention per" labelElement="div">
            <SegmentedControl style={{ display: 'flex' }} size="sm" aria-label="Retention per" data={RETENTION} value={s.retention} onChange={(retention) => set({ retention })} />
          </Input.Wrapper>
          {query.data && query.data.currencies.length > 1 && query.data.currency && (
            <Input.Wrapper label="Currency" labelElement="div">
              <CurrencyPicker block size="sm" currencies={query.data.currencies} value={query.data.currency} onChange={(currency) => set({ currency })} />
            </Input.Wrapper>
          )}
        </Group>
      </Card>
      {span === null ? (
        <Text c="dimmed" fz="sm">
          Choose the first and last day of the period.
        </Text>
      ) : (
        <QueryBody query={query} label="Loading revenue retention">
          {(r) =>
            r.currency === null ? (
              <NoOrders what="revenue retention" />
            ) : (
              <>
                <PerCustomer r={r} currency={r.currency} csv={csvHref('revenue', qs)} />
                <Retention r={r} currency={r.currency} />
              </>
            )
          }
        </QueryBody>
      )}
    </Stack>
  );
}

function PerCustomer({ r, currency, csv }: { r: RevenueResult; currency: string; csv: string }) {
  const periods = Math.max(0, ...r.cohorts.map((c) => c.perCustomer.length));
  const data = Array.from({ length: periods }, (_, k) => {
    const point: Record<string, string | number | null> = { period: periodName(r.grain, k) };
    r.cohorts.forEach((c, i) => (point[seriesKey('c', i)] = c.perCustomer[k] === undefined ? null : Math.round(c.perCustomer[k]!)));
    return point;
  });
  return (
    <ReportCard
      testId="revenue-per-customer"
      title="Revenue per customer, by cohort"
      description={`What each cohort’s customers had spent on average, in ${currency}, ${r.grain === 'week' ? 'week' : 'month'} after ${r.grain === 'week' ? 'week' : 'month'} since their first order. Higher and steeper lines are cohorts worth more.`}
      actions={<CsvButton href={csv} />}
    >
      {r.cohorts.length === 0 ? (
        <Text c="dimmed" fz="sm">
          No customer placed a first order in {currency} in this period.
        </Text>
      ) : (
        <>
          <LineChart
            h={300}
            data={data}
            dataKey="period"
            series={r.cohorts.map((c, i) => ({ name: seriesKey('c', i), label: periodLabel(c.start, r.grain).replace('Week of ', ''), color: seriesColor(i) }))}
            curveType="monotone"
            withDots={false}
            connectNulls={false}
            valueFormatter={(v) => money(v, currency)}
            yAxisProps={{ width: 64, tickFormatter: (v: number) => moneyShort(v, currency) }}
            withLegend={r.cohorts.length <= 14}
            legendProps={{ verticalAlign: 'bottom', height: 50 }}
            gridAxis="y"
          />
          <DataTable
            label="Revenue per customer, by cohort"
            minWidth={180 + 90 * periods}
            maxHeight={360}
            head={['Cohort', 'Customers', ...Array.from({ length: periods }, (_, k) => periodName(r.grain, k))]}
            rows={r.cohorts.map((c) => [periodLabel(c.start, r.grain), count(c.size), ...Array.from({ length: periods }, (_, k) => (c.perCustomer[k] === undefined ? '' : money(c.perCustomer[k]!, currency)))])}
          />
        </>
      )}
      <Formula label={DEFINITIONS.revenuePerCustomer.label}>{DEFINITIONS.revenuePerCustomer.formula}</Formula>
    </ReportCard>
  );
}

function Retention({ r, currency }: { r: RevenueResult; currency: string }) {
  const label = (start: string) => periodLabel(start, r.retentionGrain);
  const points = r.retention.filter((p) => p.nrr !== null || p.grr !== null);
  // A period under way is left out of the chart: its revenue is only so far.
  const open = r.retention.find((p) => underWay(p.start, r.retentionGrain, r.to));
  const data = points.filter((p) => p !== open).map((p) => ({ start: label(p.start), nrr: p.nrr === null ? null : Math.round(p.nrr * 1000) / 10, grr: p.grr === null ? null : Math.round(p.grr * 1000) / 10 }));
  return (
    <ReportCard
      testId="revenue-retention"
      title="Net and gross revenue retention"
      description={`Of the customers who bought in ${currency} in the ${r.retentionGrain} before, how much of their spending came back this ${r.retentionGrain}. Above 100% NRR: returning customers spent more than before.${open ? ` ${label(open.start)} is not over: it is in the table, not in the chart.` : ''}`}
    >
      {points.length === 0 ? (
        <Text c="dimmed" fz="sm">
          Not enough history yet: retention needs two {r.retentionGrain}s with orders.
        </Text>
      ) : (
        <>
          <LineChart
            h={260}
            data={data}
            dataKey="start"
            series={[
              { name: 'nrr', label: 'Net revenue retention (NRR)', color: 'cyan.6' },
              { name: 'grr', label: 'Gross revenue retention (GRR)', color: 'violet.6' },
            ]}
            curveType="monotone"
            connectNulls={false}
            valueFormatter={(v) => `${v.toLocaleString('en', { maximumFractionDigits: 1 })}%`}
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: 40 }}
            referenceLines={[{ y: 100, color: 'gray.5', label: '100%' }]}
            yAxisProps={{ width: 48 }}
            gridAxis="y"
          />
          <DataTable
            label="Net and gross revenue retention"
            minWidth={760}
            maxHeight={360}
            head={[r.retentionGrain === 'year' ? 'Year' : r.retentionGrain === 'quarter' ? 'Quarter' : 'Month', 'Starting customers', 'Revenue before', 'Revenue now', 'Kept', 'NRR', 'GRR']}
            rows={r.retention.map((p) => [`${label(p.start)}${soFar(p.start, r.retentionGrain, r.to)}`, count(p.customers), money(p.previousRevenue, currency), money(p.revenue, currency), money(p.keptRevenue, currency), pct(p.nrr), pct(p.grr)])}
          />
        </>
      )}
      <Formula label={DEFINITIONS.netRevenueRetention.label}>{DEFINITIONS.netRevenueRetention.formula}</Formula>
      <Formula label={DEFINITIONS.grossRevenueRetention.label}>{DEFINITIONS.grossRevenueRetention.formula}</Formula>
    </ReportCard>
  );
}
