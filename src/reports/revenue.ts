// Revenue retention in one currency (definitions.ts): per cohort of first order in that
// currency, the cumulative revenue per customer after each period (the revenue LTV curve); and
// gross and net revenue retention period over period, over the customers who had revenue in
// the previous period (new customers left out; GRR counts each at most their previous revenue).
import type { SqlSession } from '../db/client.ts';
import { addPeriods, type Grain, periodsBetween, periodStart } from '../shared/days.ts';

export interface RevenueCohort {
  start: string;
  size: number;
  /** Revenue (minor units) in period k after the cohort's first, net of refunds. */
  revenue: number[];
  /** Cumulative revenue per customer through period k (minor units, not rounded). */
  perCustomer: number[];
}

export type RetentionGrain = 'month' | 'quarter' | 'year';

const STEP: Record<RetentionGrain, string> = { month: '1 month', quarter: '3 months', year: '1 year' };

export interface RetentionPoint {
  /** The first day of the period. */
  start: string;
  /** Starting customers: revenue in the period before. */
  customers: number;
  /** Their revenue in the period before, in this period, and this period's capped at the one before, summed. */
  previousRevenue: number;
  revenue: number;
  keptRevenue: number;
  nrr: number | null;
  grr: number | null;
}

interface Scope {
  workspaceId: string;
  currency: string;
  from: string;
  to: string;
}

export async function revenueCohortsOf(db: SqlSession, s: Scope, grain: Grain): Promise<RevenueCohort[]> {
  const first = periodStart(s.from, grain);
  // One pass over the days of the span in this currency (each row knows the contact's first
  // order day in it), grouped by the two period starts as in migration 0027's statistics.
  const rows = await db.query<{ cohort: string; period: string; revenue: string; size: number }>(
    `select cohort::date::text as cohort, period::date::text as period, revenue, size from (
       select date_trunc('${grain}', first_day::timestamp) as cohort, date_trunc('${grain}', day::timestamp) as period,
              sum(spent - refunded)::text as revenue, count(*) filter (where day = first_day)::int as size
       from purchase_days
       where workspace_id = $1 and currency = $2 and day >= $3::date and day <= $4::date and first_day >= $3::date
       group by 1, 2
     ) g where period >= cohort`,
    [s.workspaceId, s.currency, first, s.to],
  ).then((found) => found.map((r) => ({ cohort: r.cohort, k: periodsBetween(r.cohort, r.period, grain), revenue: r.revenue, size: r.size })));
  const last = periodStart(s.to, grain);
  const byStart = new Map<string, RevenueCohort>();
  for (const r of rows) {
    let c = byStart.get(r.cohort);
    if (!c) {
      const reached = periodsBetween(r.cohort, last, grain) + 1;
      byStart.set(r.cohort, (c = { start: r.cohort, size: 0, revenue: Array.from({ length: reached }, () => 0), perCustomer: [] }));
    }
    c.size += r.size;
    if (r.k < c.revenue.length) c.revenue[r.k]! += Number(r.revenue);
  }
  const out = [...byStart.values()].sort((x, y) => x.start.localeCompare(y.start));
  for (const c of out) {
    let sum = 0;
    c.perCustomer = c.revenue.map((x) => (sum += x) / c.size);
  }
  return out;
}

/** NRR and GRR for each period from the one containing `from` to the one containing `to`. */
export async function revenueRetentionOf(db: SqlSession, s: Scope, grain: RetentionGrain): Promise<RetentionPoint[]> {
  const first = truncate(s.from, grain);
  const before = shift(first, -1, grain);
  // Month over month from the monthly rollup (one pass over a month's rows), unless days after
  // `to` exist in its month (a span ending in the past, mid-month): then from the days.
  const monthly = grain === 'month' && !(await daysAfter(db, s.workspaceId, s.to));
  const rows = monthly
    ? await db.query<{ start: string; customers: number; previous: string; revenue: string; kept: string }>(
        `select (month + interval '1 month')::date::text as start, count(*)::int as customers, sum(revenue)::text as previous,
                sum(next_revenue)::text as revenue, sum(greatest(0, least(next_revenue, revenue)))::text as kept
         from purchase_months
         where workspace_id = $1 and currency = $2 and month >= $3::date and month < date_trunc('month', $4::date)::date and revenue > 0
         group by month`,
        [s.workspaceId, s.currency, before, s.to],
      )
    : await db.query<{ start: string; customers: number; previous: string; revenue: string; kept: string }>(
    `with per_period as (
       select contact_id, date_trunc('${grain}', day)::date as p, sum(spent - refunded) as revenue
       from purchase_days
       where workspace_id = $1 and currency = $2 and day >= $3::date and day <= $4::date
       group by 1, 2
     )
     select (a.p + interval '${STEP[grain]}')::date::text as start, count(*)::int as customers,
            sum(a.revenue)::text as previous, coalesce(sum(b.revenue), 0)::text as revenue,
            coalesce(sum(greatest(0, least(coalesce(b.revenue, 0), a.revenue))), 0)::text as kept
     from per_period a
     left join per_period b on b.contact_id = a.contact_id and b.p = (a.p + interval '${STEP[grain]}')::date
     where a.revenue > 0 and a.p < date_trunc('${grain}', $4::date)::date
     group by a.p order by a.p`,
    [s.workspaceId, s.currency, before, s.to],
  );
  const found = new Map(rows.map((r) => [r.start, r]));
  const out: RetentionPoint[] = [];
  for (let p = first; p <= s.to; p = shift(p, 1, grain)) {
    const r = found.get(p);
    const previousRevenue = Number(r?.previous ?? 0);
    const revenue = Number(r?.revenue ?? 0);
    const keptRevenue = Number(r?.kept ?? 0);
    out.push({
      start: p,
      customers: r?.customers ?? 0,
      previousRevenue,
      revenue,
      keptRevenue,
      nrr: previousRevenue > 0 ? revenue / previousRevenue : null,
      grr: previousRevenue > 0 ? keptRevenue / previousRevenue : null,
    });
  }
  return out;
}

/** Whether the workspace has order days after a day (a span that does not reach the end of the data). */
async function daysAfter(db: SqlSession, workspaceId: string, day: string): Promise<boolean> {
  const [r] = await db.query<{ later: boolean }>('select exists (select 1 from purchase_days where workspace_id = $1 and day > $2::date) as later', [workspaceId, day]);
  return r?.later ?? false;
}

function truncate(day: string, grain: RetentionGrain): string {
  if (grain === 'year') return `${day.slice(0, 4)}-01-01`;
  const month = periodStart(day, 'month');
  if (grain === 'month') return month;
  const m = Number(month.slice(5, 7));
  return addPeriods(`${month.slice(0, 5)}01-01`, m - 1 - ((m - 1) % 3), 'month');
}

function shift(start: string, n: number, grain: RetentionGrain): string {
  return addPeriods(start, grain === 'month' ? n : grain === 'quarter' ? 3 * n : 12 * n, 'month');
}
