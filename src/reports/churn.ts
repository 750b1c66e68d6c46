// Churn and repeat purchase (definitions.ts): per month of a range, active and new customers,
// churn and repeat purchase rates; and as of the range's last day, the time between first and
// second order, orders per customer, and one-time against repeat buyers with their revenue.
import type { SqlSession } from '../db/client.ts';
import { customerCounts, MAX_BUCKETS, type Ratio } from './customers-sql.ts';
import { addDays, addPeriods, periodStart } from '../shared/days.ts';
import { ORDER_COUNT_BUCKETS, SECOND_ORDER_BUCKETS } from './definitions.ts';

export interface ChurnMonth {
  start: string;
  active: number;
  newCustomers: number;
  churn: Ratio;
  repeat: Ratio;
}

export interface BuyerGroup {
  customers: number;
  /** Per currency: orders minus refunds in the range. */
  revenue: { currency: string; amount: number }[];
}

export interface ChurnReport {
  months: ChurnMonth[];
  /** Customers by days from first to second order (SECOND_ORDER_BUCKETS), and the median. */
  secondOrder: { counts: number[]; median: number | null; customers: number };
  /** Customers by orders up to the last day (ORDER_COUNT_BUCKETS). */
  ordersPerCustomer: number[];
  oneTime: BuyerGroup;
  repeat: BuyerGroup;
}

interface Scope {
  workspaceId: string;
  timezone: string;
  activeDays: number;
  from: string;
  to: string;
}

/** The per-month figures, MAX_BUCKETS months at a time (a bucket is a bit of customerCounts' masks). */
async function monthlyCounts(db: SqlSession, s: Scope, bounds: string[]) {
  const out = { active: [] as number[], newCustomers: [] as number[], churn: [] as Ratio[], repeat: [] as Ratio[] };
  for (let i = 0; i < bounds.length - 1; i += MAX_BUCKETS) {
    const part = bounds.slice(i, i + MAX_BUCKETS + 1);
    const c = await customerCounts(db, { workspaceId: s.workspaceId, timezone: s.timezone, a0: addPeriods(part[0]!, -1, 'month'), bounds: part, activeDays: s.activeDays });
    out.active.push(...c.active.buckets);
    out.newCustomers.push(...c.newCustomers.buckets);
    out.churn.push(...c.churn.buckets);
    out.repeat.push(...c.repeat.buckets);
  }
  return out;
}

export async function churnReportOf(db: SqlSession, s: Scope): Promise<ChurnReport> {
  const first = periodStart(s.from, 'month');
  const bounds: string[] = [];
  for (let m = first; m <= s.to; m = addPeriods(m, 1, 'month')) bounds.push(m);
  bounds.push(addDays(s.to, 1));
  const [counts, buyers, revenue] = await Promise.all([
    monthlyCounts(db, s, bounds),
    db.query<{ kind: string; i: number; n: number; median: number | null }>(
      `with buyers as (
         select min(day) filter (where cum >= 2) - min(day) as gap, max(cum)::int as total
         from (select contact_id, day, sum(orders) over (partition by contact_id order by day rows between unbounded preceding and current row) as cum
               from (select contact_id, day, sum(orders) as orders from purchase_days
                     where workspace_id = $1 and day <= $2::date and orders > 0 group by 1, 2) d) r
         group by contact_id
       )
       select 'second' as kind, width_bucket(gap, $3::int[]) - 1 as i, count(*)::int as n, null::float8 as median from buyers where gap is not null group by 2
       union all
       select 'orders', width_bucket(total, $4::int[]) - 1, count(*)::int, null from buyers group by 2
       union all
       select 'median', 0, count(*)::int, percentile_cont(0.5) within group (order by gap) from buyers where gap is not null`,
      [s.workspaceId, s.to, SECOND_ORDER_BUCKETS, ORDER_COUNT_BUCKETS],
    ),
    db.query<{ repeat: boolean; currency: string; amount: string }>(
      `with totals as (
         select contact_id, sum(orders) as orders from purchase_days where workspace_id = $1 and day <= $3::date group by contact_id
       )
       select t.orders >= 2 as repeat, d.currency, sum(d.spent - d.refunded)::text as amount
       from purchase_days d join totals t using (contact_id)
       where d.workspace_id = $1 and d.day >= $2::date and d.day <= $3::date and t.orders >= 1
       group by 1, 2 order by 2`,
      [s.workspaceId, s.from, s.to],
    ),
  ]);
  const months = bounds.slice(0, -1).map((start, j) => ({
    start,
    active: counts.active[j]!,
    newCustomers: counts.newCustomers[j]!,
    churn: counts.churn[j]!,
    repeat: counts.repeat[j]!,
  }));
  const secondCounts = SECOND_ORDER_BUCKETS.map(() => 0);
  const perCustomer = ORDER_COUNT_BUCKETS.map(() => 0);
  let median: number | null = null;
  let withSecond = 0;
  for (const r of buyers) {
    if (r.kind === 'second') secondCounts[r.i]! += r.n;
    else if (r.kind === 'orders') perCustomer[r.i]! += r.n;
    else {
      median = r.median === null ? null : Number(r.median);
      withSecond = r.n;
    }
  }
  const oneTime = perCustomer[0]!;
  const repeaters = perCustomer.slice(1).reduce((x, y) => x + y, 0);
  const group = (repeat: boolean, customers: number): BuyerGroup => ({
    customers,
    revenue: revenue.filter((r) => r.repeat === repeat).map((r) => ({ currency: r.currency, amount: Number(r.amount) })),
  });
  return {
    months,
    secondOrder: { counts: secondCounts, median, customers: withSecond },
    ordersPerCustomer: perCustomer,
    oneTime: group(false, oneTime),
    repeat: group(true, repeaters),
  };
}
