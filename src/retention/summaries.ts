// The customer summaries the models are fitted on, computed in SQL from the purchase model's
// per-contact order days (one transaction per customer and day, as in the literature):
// - x: repeat purchase days (days with orders after the first), t_x: days from the first to
//   the last order day, T: days from the first order day to the end of the period;
// - per currency, the number and mean value of the repeat purchase days (the spend model).
// Customers with the same (x, t_x, T) are one row with a weight: a million customers become
// some tens of thousands of rows, and the likelihood is summed once per row.
import type { SqlSession } from '../db/client.ts';

/** Which customers and purchases count: order days up to `until`; first orders on or after `since`. */
export interface SummaryScope {
  workspaceId: string;
  until: string;
  since: string | null;
}

/** Identical customers as one row; times in days. */
export interface DayRow {
  x: number;
  tx: number;
  T: number;
  n: number;
}

/** The customers' order days up to `until` (WITH entries `cust`: contact, first day, last day, x). */
export const customersSql = (ws: string, until: string, since: string) => `cust as (
  select o.contact_id, min(o.day) as first_day, max(o.day) as last_day, count(*)::int - 1 as x
  from order_days o
  where o.workspace_id = ${ws} and o.day <= ${until}
  group by o.contact_id
  having ${since}::date is null or min(o.day) >= ${since}::date)`;

/** The customers of a scope, grouped by identical (x, t_x, T) in days. */
export async function frequencyRows(db: SqlSession, s: SummaryScope): Promise<DayRow[]> {
  return db.query<DayRow>(
    `with ${customersSql('$1', '$2::date', '$3')}
     select x, (last_day - first_day) as tx, ($2::date - first_day) as "T", count(*)::int as n
     from cust group by 1, 2, 3`,
    [s.workspaceId, s.until, s.since],
  );
}

/** Identical repeat buyers in one currency: x repeat days worth `sum` minor units in all. */
export interface SpendRow {
  currency: string;
  x: number;
  sum: number;
  n: number;
}

/**
 * The spend of repeat purchase days per currency: a customer's days with orders in that
 * currency after their first order day (in any currency), grouped by their number and total.
 * The first purchase is left out, as the Gamma-Gamma model of Fader, Hardie & Lee is fitted.
 */
export async function spendRows(db: SqlSession, s: SummaryScope): Promise<SpendRow[]> {
  return db.query<SpendRow>(
    `with ${customersSql('$1', '$2::date', '$3')},
     spend as (
       select d.contact_id, d.currency, count(*)::int as x, sum(d.spent)::bigint as sum
       from purchase_days d join cust c on c.contact_id = d.contact_id
       where d.workspace_id = $1 and d.day <= $2::date and d.day > c.first_day and d.orders > 0
       group by 1, 2)
     select currency, x, sum::float8 as sum, count(*)::int as n from spend where sum > 0 group by 1, 2, 3`,
    [s.workspaceId, s.until, s.since],
  );
}

/** A calibration period's customers grouped as above, with their repeat purchase days in the holdout period after it. */
export interface HoldoutRow extends DayRow {
  actual: number;
}

export async function holdoutRows(db: SqlSession, s: SummaryScope & { calibrationEnd: string }): Promise<HoldoutRow[]> {
  return db.query<HoldoutRow>(
    `with cust as (
       select o.contact_id, min(o.day) as first_day, max(o.day) filter (where o.day <= $4::date) as last_day,
              (count(*) filter (where o.day <= $4::date))::int - 1 as x, (count(*) filter (where o.day > $4::date))::int as actual
       from order_days o
       where o.workspace_id = $1 and o.day <= $2::date
       group by o.contact_id
       having min(o.day) <= $4::date and ($3::date is null or min(o.day) >= $3::date))
     select x, (last_day - first_day) as tx, ($4::date - first_day) as "T", count(*)::int as n, sum(actual)::int as actual
     from cust group by 1, 2, 3`,
    [s.workspaceId, s.until, s.since, s.calibrationEnd],
  );
}

/** The calibration customers' repeat purchase days per week (from the first customer's first day), and how many customers started on each day. */
export async function trackingRows(
  db: SqlSession,
  s: SummaryScope & { calibrationEnd: string },
): Promise<{ starts: { offset: number; n: number }[]; repeats: { week: number; n: number }[]; firstDay: string | null }> {
  const [first] = await db.query<{ d: string | null }>(
    `select to_char(min(first_day), 'YYYY-MM-DD') as d from (select min(day) as first_day from order_days where workspace_id = $1 and day <= $2::date group by contact_id
       having min(day) <= $2::date and ($3::date is null or min(day) >= $3::date)) f`,
    [s.workspaceId, s.calibrationEnd, s.since],
  );
  if (!first?.d) return { starts: [], repeats: [], firstDay: null };
  const params = [s.workspaceId, s.until, s.since, s.calibrationEnd, first.d];
  const cust = `cust as (
    select o.contact_id, min(o.day) as first_day from order_days o
    where o.workspace_id = $1 and o.day <= $2::date group by o.contact_id
    having min(o.day) <= $4::date and ($3::date is null or min(o.day) >= $3::date))`;
  const starts = await db.query<{ offset: number; n: number }>(
    `with ${cust} select (first_day - $5::date) as "offset", count(*)::int as n from cust group by 1 order by 1`,
    params,
  );
  const repeats = await db.query<{ week: number; n: number }>(
    `with ${cust}
     select (o.day - $5::date) / 7 as week, count(*)::int as n
     from order_days o join cust c on c.contact_id = o.contact_id
     where o.workspace_id = $1 and o.day <= $2::date and o.day > c.first_day
     group by 1 order by 1`,
    params,
  );
  return { starts, repeats, firstDay: first.d };
}
