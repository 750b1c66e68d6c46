// Customer counts over a period from the linked per-day order rows (`order_days`: each row
// knows the contact's first, previous and next order day), in two passes over the days of the
// period: who is a customer, new, active, churned and repeat at the period's start, its end and
// the end of each bucket of its small charts (definitions.ts says what each means).
//
// A contact is active at the start of day t when they ordered on a day in [t − N, t). The
// contact's last order before t is the row with day < t ≤ next day, so each row stands for
// the boundaries t in (day, min(next day, day + N)]: a row's boundaries are a bit mask, a
// contact's mask is the OR of its rows', and counting contacts by mask answers "active at each
// boundary" and "active at one and not at another" (churned) at once. New customers are rows
// on their first day; a buyer of a bucket is their first row in it, a repeat buyer when an
// order came before, or two that day, or another later in the bucket.
import type { SqlSession } from '../db/client.ts';
import { addDays, daysBetween } from '../shared/days.ts';

/** Boundaries of the masks (bits of a bigint): the previous period's start and up to 60 buckets. */
export const MAX_BUCKETS = 60;

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
  if (m > MAX_BUCKETS) throw new Error(`at most ${MAX_BUCKETS} buckets`);
  const all = [p.a0, ...p.bounds];
  const a = p.bounds[0]!;
  const b = p.bounds[m]!;
  // $1 workspace, $2 the boundaries (a0, a, …, b), $3 N, $4 the first day read, $5 b
  const [masks, rows, before] = await Promise.all([
    db.query<{ mask: string; n: number }>(
      `select mask::text, count(*)::int as n from (
         select contact_id, bit_or(mask) as mask from (
           select contact_id, case when lo <= hi then (1::bigint << (hi + 1)) - (1::bigint << lo) else 0 end as mask
           from (select contact_id, width_bucket(day, $2::date[]) as lo,
                        width_bucket(least(coalesce(next_day, 'infinity'::date), day + $3::int), $2::date[]) - 1 as hi
                 from order_days where workspace_id = $1 and day >= $4::date and day < $5::date) r
         ) x where mask <> 0 group by contact_id
       ) y group by mask`,
      [p.workspaceId, all, p.activeDays, addDays(p.a0, -p.activeDays), b],
    ),
    db.query<{ j: number; new: number; buyers: number; repeaters: number; period_buyers: number; period_repeaters: number }>(
      `select j, count(*) filter (where day = first_day)::int as new,
              count(*) filter (where prev_day is null or prev_day < $2[j + 1])::int as buyers,
              count(*) filter (where (prev_day is null or prev_day < $2[j + 1]) and (prev_day is not null or orders >= 2 or next_day < $2[j + 2]))::int as repeaters,
              count(*) filter (where j >= 1 and (prev_day is null or prev_day < $3::date))::int as period_buyers,
              count(*) filter (where j >= 1 and (prev_day is null or prev_day < $3::date) and (prev_day is not null or orders >= 2 or next_day < $4::date))::int as period_repeaters
       from (select *, width_bucket(day, $2::date[]) - 1 as j from order_days where workspace_id = $1 and day >= $5::date and day < $4::date) r
       group by j`,
      [p.workspaceId, all, a, b, p.a0],
    ),
    db.query<{ n: number }>('select count(*)::int as n from order_days where workspace_id = $1 and day = first_day and day < $2::date', [p.workspaceId, p.a0]),
  ]);
  // Contacts by the boundaries they were active at: bit i of a mask is boundary all[i].
  const counted = masks.map((x) => ({ mask: BigInt(x.mask), n: x.n }));
  const has = (mask: bigint, i: number) => ((mask >> BigInt(i)) & 1n) === 1n;
  const activeAt = (i: number) => counted.reduce((s, x) => s + (has(x.mask, i) ? x.n : 0), 0);
  const churn = (i: number, k: number): Ratio => ({
    of: activeAt(i),
    count: counted.reduce((s, x) => s + (has(x.mask, i) && !has(x.mask, k) ? x.n : 0), 0),
  });
  const at = (j: number) => rows.find((r) => r.j === j);
  const newBuckets = Array.from({ length: m }, (_, j) => at(j + 1)?.new ?? 0);
  const newPrevious = at(0)?.new ?? 0;
  const newCurrent = newBuckets.reduce((x, y) => x + y, 0);
  const customersBefore = before[0]?.n ?? 0;
  const customerBuckets: number[] = [];
  let running = customersBefore + newPrevious;
  for (const n of newBuckets) customerBuckets.push((running += n));
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.filter((r) => r.j >= 1).reduce((x, r) => x + f(r), 0);
  return {
    customers: { previous: customersBefore + newPrevious, current: customersBefore + newPrevious + newCurrent },
    newCustomers: { previous: newPrevious, current: newCurrent, buckets: newBuckets },
    active: { previous: activeAt(1), current: activeAt(m + 1), buckets: Array.from({ length: m }, (_, j) => activeAt(j + 2)) },
    churn: { previous: churn(0, 1), current: churn(1, m + 1), buckets: Array.from({ length: m }, (_, j) => churn(j + 1, j + 2)) },
    repeat: {
      previous: { of: at(0)?.buyers ?? 0, count: at(0)?.repeaters ?? 0 },
      current: { of: sum((r) => r.period_buyers), count: sum((r) => r.period_repeaters) },
      buckets: Array.from({ length: m }, (_, j) => ({ of: at(j + 1)?.buyers ?? 0, count: at(j + 1)?.repeaters ?? 0 })),
    },
    customerBuckets,
  };
}
