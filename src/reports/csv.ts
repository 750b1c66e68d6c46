// Every report as a CSV table: the numbers under its charts, money in major units of its
// currency (with the currency beside it), rates as proportions with four decimals.
import { csvText } from '../shared/csv-writer.ts';
import { toMajorUnits } from '../shared/money.ts';
import type { ChurnResult, CohortResult, DashboardResult, EmailResult, LiftResult, RevenueResult, SegmentsResult } from './contract.ts';
import { bucketLabel, DEFINITIONS, ORDER_COUNT_BUCKETS, SECOND_ORDER_BUCKETS } from './definitions.ts';

type Cell = string | number | null;
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const money = (minor: number | null, currency: string) => (minor === null ? null : toMajorUnits(Math.round(minor), currency));

export function dashboardCsv(d: DashboardResult): string {
  const rows: Cell[][] = [];
  const period = `${d.period.from} to ${d.period.to}`;
  const previous = `${d.period.previousFrom} to ${d.period.previousTo}`;
  for (const t of d.tiles) rows.push([DEFINITIONS[t.key].label, '', period, r4(t.value), previous, r4(t.previous)]);
  for (const c of d.currencies)
    for (const t of c.tiles) {
      const value = t.key === 'orders' ? t.value : money(t.value, c.currency);
      const before = t.key === 'orders' ? t.previous : money(t.previous, c.currency);
      rows.push([DEFINITIONS[t.key].label, c.currency, period, value, previous, before]);
    }
  return csvText({ columns: ['metric', 'currency', 'period', 'value', 'previous period', 'previous value'] }, rows);
}

export function cohortsCsv(c: CohortResult): string {
  const rows: Cell[][] = [];
  for (const row of c.rows)
    row.exact.forEach((n, k) => rows.push([row.start, row.group, row.size, k, n, r4(n / row.size), row.orLater[k]!, r4(row.orLater[k]! / row.size)]));
  return csvText({ columns: ['cohort', 'group', 'customers', `${c.grain}s after`, 'ordered in that period', 'share', 'ordered then or later', 'share then or later'] }, rows);
}

export function revenueCsv(r: RevenueResult): string {
  const cur = r.currency ?? '';
  const rows: Cell[][] = [];
  for (const c of r.cohorts)
    c.revenue.forEach((x, k) => rows.push(['cohort', c.start, k, c.size, money(x, cur), money(c.perCustomer[k]!, cur), cur, null, null]));
  for (const p of r.retention) rows.push(['retention', p.start, null, p.customers, money(p.revenue, cur), money(p.previousRevenue, cur), cur, r4(p.nrr), r4(p.grr)]);
  return csvText({ columns: ['table', 'period', `${r.grain}s after`, 'customers', 'revenue', 'revenue per customer (cohort) / previous revenue (retention)', 'currency', 'NRR', 'GRR'] }, rows);
}

export function churnCsv(c: ChurnResult): string {
  const rows: Cell[][] = [];
  for (const m of c.months)
    rows.push(['month', m.start, m.active, m.newCustomers, m.churn.count, m.churn.of, r4(m.churn.of ? m.churn.count / m.churn.of : null), m.repeat.count, m.repeat.of, r4(m.repeat.of ? m.repeat.count / m.repeat.of : null)]);
  c.secondOrder.counts.forEach((n, i) => rows.push(['time to second order', bucketLabel(SECOND_ORDER_BUCKETS, i, 'days'), n, null, null, null, null, null, null, null]));
  c.ordersPerCustomer.forEach((n, i) => rows.push(['orders per customer', bucketLabel(ORDER_COUNT_BUCKETS, i, 'orders'), n, null, null, null, null, null, null, null]));
  return csvText(
    { columns: ['table', 'period or bucket', 'active customers / customers', 'new customers', 'churned', 'active at start', 'churn rate', 'repeat buyers', 'buyers', 'repeat purchase rate'] },
    rows,
  );
}

export function emailCsv(e: EmailResult): string {
  const rows: Cell[][] = [];
  for (const r of [e.total, ...e.campaigns, ...e.templates]) {
    const base = [r.kind, r.name, r.sent, r.delivered, r.bounced, r.humanOpens, r.machineOpens, r.clicks, r.unsubscribes, r.complaints, r4(r.openRate), r4(r.clickRate), r4(r.clickToOpenRate)];
    if (r.revenue.length === 0) rows.push([...base, null, null, null]);
    for (const m of r.revenue) rows.push([...base, m.currency, m.orders, money(m.amount, m.currency)]);
  }
  return csvText(
    {
      columns: ['kind', 'name', 'sent', 'delivered', 'bounced', 'opened by people', 'opened only by machines', 'clicked', 'unsubscribes', 'complaints', 'open rate', 'click rate', 'click-to-open rate', 'currency', `orders within ${e.attributionDays} days`, 'revenue attributed'],
    },
    rows,
  );
}

export function liftCsv(l: LiftResult): string {
  const rows: Cell[][] = l.items.map((i) => [
    i.kind, i.name, i.goal, i.treated.contacts, i.treated.converted, r4(i.treated.rate), i.holdout.contacts, i.holdout.converted, r4(i.holdout.rate),
    r4(i.absoluteLift), r4(i.interval?.low ?? null), r4(i.interval?.high ?? null), i.pValue, i.significant ? 'yes' : 'no',
  ]);
  return csvText(
    { columns: ['kind', 'name', 'goal', 'treated', 'treated converted', 'treated rate', 'held out', 'held out converted', 'held out rate', 'lift', 'lift 95% low', 'lift 95% high', 'p-value', 'significant'] },
    rows,
  );
}

export function segmentsCsv(s: SegmentsResult): string {
  const rows: Cell[][] = s.segments.flatMap((x) => x.sizes.map((p) => [x.name, p.day, p.size]));
  return csvText({ columns: ['segment', 'day', 'members'] }, rows);
}
