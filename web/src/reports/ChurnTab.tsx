// Churn and repeat purchase: per month, the share of active customers who stopped buying and
// the share of buyers who had bought before; how long customers take to order a second time;
// how many orders customers place; and one-time against repeat buyers with their revenue.
import { BarChart, LineChart } from '@mantine/charts';
import { Box, Card, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { bucketLabel, DEFINITIONS, ORDER_COUNT_BUCKETS, SECOND_ORDER_BUCKETS } from '../../../src/reports/definitions.ts';
import { count, dayLabel, fillWindow, money, monthLabel, pct, plural, share } from './format.ts';
import { type ChurnResult, csvHref, queryString, useChurnQuery } from './model.ts';
import { CsvButton, DataTable, Formula, NoOrders, QueryBody, ReportCard } from './parts.tsx';
import { soFar, underWay } from './periods.ts';
import { SpanPicker } from './SpanPicker.tsx';
import { SPAN_DEFAULTS, spanParams, useUrlState } from './url.ts';

const percent = (v: number) => `${v.toLocaleString('en', { maximumFractionDigits: 1 })}%`;
const toPercent = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

export function ChurnTab() {
  const [s, set] = useUrlState(SPAN_DEFAULTS);
  const span = spanParams(s);
  const qs = queryString({ ...span });
  const query = useChurnQuery(qs);
  return (
    <Stack gap="lg">
      <Card>
        <SpanPicker state={s} set={set} />
      </Card>
      {span === null ? (
        <Text c="dimmed" fz="sm">
          Choose the first and last day of the period.
        </Text>
      ) : (
        <QueryBody query={query} label="Loading churn and repeat purchase">
          {(r) =>
            r.oneTime.customers + r.repeat.customers === 0 ? (
              <NoOrders what="churn and repeat purchase" />
            ) : (
              <>
                <Monthly r={r} csv={csvHref('churn', qs)} />
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
                  <SecondOrder r={r} />
                  <OrdersPerCustomer r={r} />
                </SimpleGrid>
                <Buyers r={r} />
              </>
            )
          }
        </QueryBody>
      )}
    </Stack>
  );
}

function Monthly({ r, csv }: { r: ChurnResult; csv: string }) {
  // A month under way is left out of the chart: its churn is only so far.
  const data = r.months
    .filter((m) => !underWay(m.start, 'month', r.to))
    .map((m) => ({ month: monthLabel(m.start), churn: toPercent(share(m.churn.count, m.churn.of)), repeat: toPercent(share(m.repeat.count, m.repeat.of)) }));
  const open = r.months.find((m) => underWay(m.start, 'month', r.to));
  return (
    <ReportCard
      testId="churn-monthly"
      title="Churn and repeat purchase, month by month"
      description={`Churn: of the customers active when the month began (an order in the ${r.activeDays} days before), the share with no order in the ${r.activeDays} days up to its end. Repeat purchase: of the month’s buyers, the share who had ordered before.${open ? ` ${monthLabel(open.start)} is not over: it is in the table, not in the chart.` : ''}`}
      actions={<CsvButton href={csv} />}
    >
      <LineChart
        h={260}
        data={data}
        dataKey="month"
        series={[
          { name: 'churn', label: 'Churn rate', color: 'orange.6' },
          { name: 'repeat', label: 'Repeat purchase rate', color: 'cyan.6' },
        ]}
        curveType="monotone"
        connectNulls={false}
        valueFormatter={percent}
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 40 }}
        yAxisProps={{ width: 48 }}
        gridAxis="y"
      />
      <DataTable
        label="Churn and repeat purchase, month by month"
        minWidth={720}
        maxHeight={360}
        head={['Month', 'Active customers', 'New customers', 'Churned', 'Churn rate', 'Repeat buyers', 'Repeat rate']}
        rows={r.months.map((m) => [
          `${monthLabel(m.start)}${soFar(m.start, 'month', r.to)}`,
          count(m.active),
          count(m.newCustomers),
          `${count(m.churn.count)} of ${count(m.churn.of)}`,
          pct(share(m.churn.count, m.churn.of)),
          `${count(m.repeat.count)} of ${count(m.repeat.of)}`,
          pct(share(m.repeat.count, m.repeat.of)),
        ])}
      />
      <Formula label={DEFINITIONS.churnRate.label}>{fillWindow(DEFINITIONS.churnRate.formula, 'N', r.activeDays)}</Formula>
      <Formula label={DEFINITIONS.repeatRate.label}>{DEFINITIONS.repeatRate.formula}</Formula>
    </ReportCard>
  );
}

function Distribution({ title, testId, description, labels, counts, unit, formula, color }: { title: string; testId: string; description: string; labels: string[]; counts: number[]; unit: string; formula: { label: string; formula: string }; color: string }) {
  const total = counts.reduce((a, b) => a + b, 0);
  const data = labels.map((label, i) => ({ label, customers: counts[i] ?? 0 }));
  return (
    <ReportCard testId={testId} title={title} description={description}>
      <BarChart h={240} data={data} dataKey="label" series={[{ name: 'customers', label: 'Customers', color }]} valueFormatter={(v) => count(v)} yAxisProps={{ width: 48 }} gridAxis="y" xAxisProps={{ interval: 0, fontSize: 11 }} />
      <DataTable label={title} minWidth={300} head={[unit, 'Customers', 'Share']} rows={data.map((d) => [d.label, count(d.customers), pct(share(d.customers, total))])} />
      <Formula label={formula.label}>{formula.formula}</Formula>
    </ReportCard>
  );
}

function SecondOrder({ r }: { r: ChurnResult }) {
  const labels = SECOND_ORDER_BUCKETS.map((_, i) => bucketLabel(SECOND_ORDER_BUCKETS, i, 'days'));
  const median = r.secondOrder.median;
  return (
    <Distribution
      testId="second-order"
      title="Time to second order"
      description={`${plural(r.secondOrder.customers, 'customer')} ordered a second time by ${dayLabel(r.to)}${median === null ? '' : `; half of them within ${plural(median, 'day')}`}.`}
      labels={labels.map((l) => l.replace(' days', ''))}
      counts={r.secondOrder.counts}
      unit="Days after the first"
      formula={DEFINITIONS.timeToSecondOrder}
      color="cyan.6"
    />
  );
}

function OrdersPerCustomer({ r }: { r: ChurnResult }) {
  const labels = ORDER_COUNT_BUCKETS.map((_, i) => bucketLabel(ORDER_COUNT_BUCKETS, i, 'orders'));
  return (
    <Distribution
      testId="orders-per-customer"
      title="Orders per customer"
      description={`How many orders each of your ${count(r.ordersPerCustomer.reduce((a, b) => a + b, 0))} customers had placed by ${dayLabel(r.to)}.`}
      labels={labels.map((l) => l.replace(/ orders$/, ''))}
      counts={r.ordersPerCustomer}
      unit="Orders"
      formula={DEFINITIONS.ordersPerCustomer}
      color="violet.6"
    />
  );
}

function Buyers({ r }: { r: ChurnResult }) {
  const customers = r.oneTime.customers + r.repeat.customers;
  const currencies = [...new Set([...r.oneTime.revenue, ...r.repeat.revenue].map((x) => x.currency))];
  const amount = (group: ChurnResult['oneTime'], currency: string) => group.revenue.find((x) => x.currency === currency)?.amount ?? 0;
  return (
    <ReportCard testId="buyers" title="One-time and repeat buyers" description={`Customers by ${dayLabel(r.to)}, and their share of the revenue from ${dayLabel(r.from)} to ${dayLabel(r.to)}, per currency.`}>
      <Group gap="lg" mb="sm" aria-hidden>
        <Legend color="var(--mantine-color-gray-4)" label="One-time buyers" />
        <Legend color="var(--mantine-color-cyan-6)" label="Repeat buyers" />
      </Group>
      <Stack gap="md">
        <Bar label="Customers" left={r.oneTime.customers} right={r.repeat.customers} text={(x) => count(x)} />
        {currencies.map((c) => (
          <Bar key={c} label={`Revenue in ${c}`} left={amount(r.oneTime, c)} right={amount(r.repeat, c)} text={(x) => money(x, c)} />
        ))}
      </Stack>
      <DataTable
        label="One-time and repeat buyers"
        minWidth={520}
        head={['', 'Customers', 'Share', ...currencies.flatMap((c) => [`Revenue ${c}`, 'Share'])]}
        rows={[
          ['One-time buyers', r.oneTime],
          ['Repeat buyers', r.repeat],
        ].map(([name, g]) => {
          const group = g as ChurnResult['oneTime'];
          return [name as string, count(group.customers), pct(share(group.customers, customers)), ...currencies.flatMap((c) => [money(amount(group, c), c), pct(share(amount(group, c), amount(r.oneTime, c) + amount(r.repeat, c)))])];
        })}
      />
      <Formula label={DEFINITIONS.oneTimeVsRepeat.label}>{DEFINITIONS.oneTimeVsRepeat.formula}</Formula>
    </ReportCard>
  );
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={12} h={12} style={{ borderRadius: 3, background: color }} />
      <Text fz="xs">{label}</Text>
    </Group>
  );
}

/** One-time (left) against repeat (right) as one bar split in two. */
function Bar({ label, left, right, text }: { label: string; left: number; right: number; text: (x: number) => string }) {
  const total = Math.max(0, left) + Math.max(0, right);
  const l = total > 0 ? (Math.max(0, left) / total) * 100 : 0;
  return (
    <Box>
      <Group justify="space-between" gap="xs" mb={4} wrap="wrap">
        <Text fz="sm" fw={500}>
          {label}
        </Text>
        <Text fz="xs" c="dimmed">
          one-time {text(left)} · repeat {text(right)}
        </Text>
      </Group>
      <Progress.Root size={22} radius="md" aria-label={`${label}: one-time ${text(left)}, repeat ${text(right)}`}>
        <Progress.Section value={l} color="gray.4">
          <Progress.Label c="dark.7">{l >= 12 ? pct(l / 100, 0) : ''}</Progress.Label>
        </Progress.Section>
        <Progress.Section value={100 - l} color="cyan.6">
          <Progress.Label>{100 - l >= 12 ? pct(1 - l / 100, 0) : ''}</Progress.Label>
        </Progress.Section>
      </Progress.Root>
    </Box>
  );
}
