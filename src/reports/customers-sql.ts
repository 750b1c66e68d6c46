// Customer counts over a period from the per-day purchase rows, in one pass: who is a
// customer, new, active, churned and repeat at the period's start, its end and the end of
// each bucket of its small charts (definitions.ts says what each means).
//
// A contact is active at the start of day t when they ordered on a day in [t − N, t). Each
// order day d makes them active on the boundaries d + 1 … d + N; a contact's order days
// closer than N + 1 apart join into one span [first + 1, last + N]. Spans of one contact
// never overlap, so "active at t" counts the spans that cover t, and "churned between two
// boundaries" counts the spans that end between them with no later span covering the second.
import type { SqlSession } from '../db/client.ts';
import { addDays, daysBetween } from './days.ts';

export interface CustomerCounts {
  /** Customers at the start of the previous period, the current one, and its end. */
  customers: { previous: number; current: number };
  newCustomers: { previous: number; current: number; buckets: number[] };
  /** Active at the end of the previous period (= start of this one), at the end of this one, and at the end of each bucket. */
  active: { previous: number; current: number; buckets: number[] };
  churn: { previous: Ratio; current: Ratio; buckets: Ratio[] };
  repeat: { previous: Ratio; current: Ratio; buckets: Ratio[] };
  customerBuckets: number[];
}

export interface Ratio {
  of: number;
  count: number;
}

interface Input {
  workspaceId: string;
  timezone: string;
  /** First day of the previous period. */
  a0: string;
  /** The first day of each bucket of this period, then the day after its last day. */
  bounds: string[];
  activeDays: number;
}

/** The buckets of a period of fixed length: their first days (the last one possibly shorter), then the day after the period. */
export function boundsOf(a: string, b: string, step: number): string[] {
  const out: string[] = [];
  for (let d = a; daysBetween(d, b) > 0; d = addDays(d, step)) out.push(d);
  return [...out, b];
}

export async function customerCounts(db: SqlSession, p: Input): Promise<CustomerCounts> {
  const m = p.bounds.length - 1;
  const lo = addDays(p.a0, -p.activeDays);
  // $1 workspace, $2 lo, $3 a0, $4 a, $5 b, $6 the boundaries, $7 M (buckets), $8 N
  // width_bucket(x, bounds) is how many boundaries are at or before x.
  const rows = await db.query<{ kind: string; j: number; n: number; of: number }>(
    `with days as (
       select contact_id, day, sum(orders)::int as orders
       from purchase_days
       where workspace_id = $1 and day >= $2::date and day < $5::date and orders > 0
       group by contact_id, day
     ), marked as (
       select contact_id, day, lag(day) over w as prev_day, sum(orders) over (w rows between unbounded preceding and current row) as cum
       from days
       window w as (partition by contact_id order by day)
     ), buyers as (
       select b.contact_id, b.first_day,
              exists (select 1 from purchase_days x where x.workspace_id = $1 and x.contact_id = b.contact_id and x.day < $2::date and x.orders > 0) as before
       from (select contact_id, min(day) as first_day from days group by contact_id) b
     ), spans as (
       select contact_id, min(day) + 1 as s, max(day) + $8::int as e
       from (select contact_id, day, sum(case when prev_day is null or day > prev_day + $8::int then 1 else 0 end) over (partition by contact_id order by day) as span
             from marked) n
       group by contact_id, span
     ), placed as (
       select contact_id, s, e,
              width_bucket(s - 1, $6::date[]) as lo, width_bucket(e, $6::date[]) - 1 as hi
       from spans
     ), covering as (
       select lo, hi, lead(lo) over (partition by contact_id order by s) as next_lo from placed where lo <= hi
     ), per_contact as (
       select bool_or(s <= $3::date and e >= $3::date) as at_a0, bool_or(s <= $4::date and e >= $4::date) as at_a, bool_or(s <= $5::date and e >= $5::date) as at_b
       from placed group by contact_id
     ), repeats as (
       select m.contact_id, width_bucket(m.day, $6::date[]) - 1 as j, bool_or(b.before or m.cum >= 2) as repeat
       from marked m join buyers b using (contact_id) where m.day >= $3::date group by 1, 2
     )
     select 'active_from' as kind, lo as j, count(*)::int as n, 0 as of from covering group by lo
     union all
     select 'active_until', hi, count(*)::int, 0 from covering group by hi
     union all
     select 'churned', hi, count(*)::int, 0 from covering where hi < $7::int and (next_lo is null or next_lo <> hi + 1) group by hi
     union all
     select 'new', width_bucket(first_day, $6::date[]) - 1, count(*)::int, 0
       from buyers where not before and first_day >= $3::date group by 2
     union all
     select 'churn_previous', 0, count(*) filter (where not at_a)::int, count(*)::int from per_contact where at_a0
     union all
     select 'churn_current', 0, count(*) filter (where not at_b)::int, count(*)::int from per_contact where at_a
     union all
     select 'repeat', j, count(*) filter (where repeat)::int, count(*)::int from repeats group by j
     union all
     select 'repeat_period', case when current then 0 else -1 end, count(*) filter (where r)::int, count(*)::int
       from (select j >= 0 as current, bool_or(repeat) as r from repeats group by contact_id, j >= 0) x group by current
     union all
     select 'customers_before', 0, count(*)::int, 0 from (
       select contact_id from contact_purchases where workspace_id = $1 and orders > 0
       group by contact_id having min(first_order_at) < ($3::date::timestamp at time zone $9)
     ) c`,
    [p.workspaceId, lo, p.a0, p.bounds[0], p.bounds[m], p.bounds, m, p.activeDays, p.timezone],
  );
  const zeros = () => Array.from({ length: m }, () => 0);
  const active = Array.from({ length: m + 1 }, () => 0);
  const churned = zeros();
  const newBuckets = zeros();
  const repeatBuckets: Ratio[] = Array.from({ length: m }, () => ({ of: 0, count: 0 }));
  let newPrevious = 0;
  let customersBefore = 0;
  let churnPrevious: Ratio = { of: 0, count: 0 };
  let churnCurrent: Ratio = { of: 0, count: 0 };
  let repeatPrevious: Ratio = { of: 0, count: 0 };
  let repeatCurrent: Ratio = { of: 0, count: 0 };
  const from = Array.from({ length: m + 2 }, () => 0);
  const until = Array.from({ length: m + 2 }, () => 0);
  for (const r of rows) {
    if (r.kind === 'active_from' && r.j >= 0 && r.j <= m) from[r.j] = r.n;
    else if (r.kind === 'active_until' && r.j >= 0 && r.j <= m) until[r.j] = r.n;
    else if (r.kind === 'churned' && r.j >= 0 && r.j < m) churned[r.j] = r.n;
    else if (r.kind === 'new') {
      if (r.j < 0) newPrevious = r.n;
      else if (r.j < m) newBuckets[r.j] = r.n;
    } else if (r.kind === 'churn_previous') churnPrevious = { of: r.of, count: r.n };
    else if (r.kind === 'churn_current') churnCurrent = { of: r.of, count: r.n };
    else if (r.kind === 'repeat' && r.j >= 0 && r.j < m) repeatBuckets[r.j] = { of: r.of, count: r.n };
    else if (r.kind === 'repeat_period') {
      if (r.j < 0) repeatPrevious = { of: r.of, count: r.n };
      else repeatCurrent = { of: r.of, count: r.n };
    } else if (r.kind === 'customers_before') customersBefore = r.n;
  }
  // Spans covering boundary j: those starting at or before it minus those that ended before it.
  for (let j = 0, started = 0, ended = 0; j <= m; j++) {
    started += from[j]!;
    active[j] = started - ended;
    ended += until[j]!;
  }
  const newCurrent = newBuckets.reduce((s, n) => s + n, 0);
  const customerBuckets: number[] = [];
  let running = customersBefore + newPrevious;
  for (const n of newBuckets) customerBuckets.push((running += n));
  return {
    customers: { previous: customersBefore + newPrevious, current: customersBefore + newPrevious + newCurrent },
    newCustomers: { previous: newPrevious, current: newCurrent, buckets: newBuckets },
    active: { previous: active[0]!, current: active[m]!, buckets: active.slice(1) },
    churn: { previous: churnPrevious, current: churnCurrent, buckets: churned.map((count, j) => ({ of: active[j]!, count })) },
    repeat: { previous: repeatPrevious, current: repeatCurrent, buckets: repeatBuckets },
    customerBuckets,
  };
}
