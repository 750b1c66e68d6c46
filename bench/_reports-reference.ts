// The hand-written references of the reports benchmark: the same figures as src/reports, each
// written the obvious way as SQL over the events (no per-day rows, no rollup), returning the
// same shapes so that the benchmark can check both agree before timing them.
import type { SqlSession } from '../src/db/client.ts';
import { boundsOf } from '../src/reports/customers-sql.ts';
import { addDays, addPeriods, type Period, periodsBetween, periodStart } from '../src/shared/days.ts';
import { bucketDays } from '../src/reports/definitions.ts';

const ORDERS = `select contact_id, name, (occurred_at at time zone $2)::date as day, (properties ->> 'total')::bigint as total, properties ->> 'currency' as currency
                from events where workspace_id = $1 and name in ('purchase', 'refund') and rapport_is_order_event(name, properties)`;

export async function dashboardReference(db: SqlSession, s: { workspaceId: string; timezone: string; activeDays: number; period: Period }) {
  const a0 = s.period.previousFrom;
  const a = s.period.from;
  const b = addDays(s.period.to, 1);
  const bounds = boundsOf(a, b, bucketDays(s.period.days));
  const [r] = await db.query<Record<string, any>>(
    `with p as materialized (${ORDERS}),
     buys as materialized (select * from p where name = 'purchase'),
     firsts as (select contact_id, min(day) as first from buys group by contact_id),
     per_contact as (
       select contact_id,
              bool_or(day >= $3::date - $6::int and day < $3::date) as at_a0,
              bool_or(day >= $4::date - $6::int and day < $4::date) as at_a,
              bool_or(day >= $5::date - $6::int and day < $5::date) as at_b,
              bool_or(day >= $3::date and day < $4::date) as bought_previous,
              bool_or(day >= $4::date and day < $5::date) as bought_current,
              count(*) filter (where day < $4::date) as orders_to_a,
              count(*) filter (where day < $5::date) as orders_to_b
       from buys group by contact_id
     )
     select
       (select count(*) from firsts where first < $4::date)::int as customers_previous,
       (select count(*) from firsts where first < $5::date)::int as customers_current,
       (select count(*) from firsts where first >= $3::date and first < $4::date)::int as new_previous,
       (select count(*) from firsts where first >= $4::date and first < $5::date)::int as new_current,
       (select array_agg((select count(distinct contact_id) from buys where day >= t - $6::int and day < t)::int order by t) from unnest($7::date[]) t) as active,
       (select json_build_object('of', count(*) filter (where at_a0), 'count', count(*) filter (where at_a0 and not at_a)) from per_contact) as churn_previous,
       (select json_build_object('of', count(*) filter (where at_a), 'count', count(*) filter (where at_a and not at_b)) from per_contact) as churn_current,
       (select json_build_object('of', count(*) filter (where bought_previous), 'count', count(*) filter (where bought_previous and orders_to_a >= 2)) from per_contact) as repeat_previous,
       (select json_build_object('of', count(*) filter (where bought_current), 'count', count(*) filter (where bought_current and orders_to_b >= 2)) from per_contact) as repeat_current,
       (select array_agg(coalesce((select sum(case when name = 'purchase' then total else -total end) from p where currency = 'GBP' and day >= x.f and day < x.t), 0)::bigint order by x.i)
          from unnest($8::date[], $9::date[]) with ordinality as x(f, t, i)) as revenue,
       (select count(*) from buys where currency = 'GBP' and day >= $3::date and day < $4::date)::int as orders_previous,
       (select count(*) from buys where currency = 'GBP' and day >= $4::date and day < $5::date)::int as orders_current`,
    [s.workspaceId, s.timezone, a0, a, b, s.activeDays, [a, ...bounds.slice(1)], [a0, a, ...bounds.slice(0, -1)], [a, b, ...bounds.slice(1)]],
  );
  const revenue = (r!.revenue as string[]).map(Number);
  return {
    customers: [r!.customers_previous, r!.customers_current],
    newCustomers: [r!.new_previous, r!.new_current],
    active: [(r!.active as number[])[0], (r!.active as number[]).at(-1), ...(r!.active as number[]).slice(1)],
    churn: [r!.churn_previous, r!.churn_current],
    repeat: [r!.repeat_previous, r!.repeat_current],
    revenue,
    orders: [r!.orders_previous, r!.orders_current],
  };
}

export async function cohortReference(db: SqlSession, s: { workspaceId: string; timezone: string; from: string; to: string }) {
  const rows = await db.query<{ cohort: string; k: number; exact: number; last: number; size: number }>(
    `with monthly as (
       select contact_id, date_trunc('month', day)::date as m, min(day) as first_in_month
       from (${ORDERS}) o where name = 'purchase' and day <= $4::date group by 1, 2
     ), w as (
       select contact_id, m, min(m) over (partition by contact_id) as cohort, min(first_in_month) over (partition by contact_id) as first from monthly
     ), offsets as (
       select contact_id, cohort, (extract(year from m)::int * 12 + extract(month from m)::int) - (extract(year from cohort)::int * 12 + extract(month from cohort)::int) as k
       from w where first >= $3::date and m >= $3::date
     )
     select cohort::text, k, count(*)::int as exact, 0 as last, 0 as size from offsets group by 1, 2
     union all
     select cohort::text, k, 0, count(*)::int, 0 from (select contact_id, cohort, max(k) as k from offsets group by 1, 2) x group by 1, 2
     union all
     select cohort::text, 0, 0, 0, count(*)::int from offsets where k = 0 group by 1`,
    [s.workspaceId, s.timezone, periodStart(s.from, 'month'), s.to],
  );
  const last = periodStart(s.to, 'month');
  const starts = [...new Set(rows.map((r) => r.cohort))].sort();
  return starts.map((start) => {
    const n = periodsBetween(start, last, 'month') + 1;
    const mine = rows.filter((r) => r.cohort === start);
    const exact = Array.from({ length: n }, (_, k) => mine.filter((r) => r.k === k).reduce((x, r) => x + r.exact, 0));
    const lastAt = Array.from({ length: n }, (_, k) => mine.filter((r) => r.k === k).reduce((x, r) => x + r.last, 0));
    const orLater = lastAt.map((_, k) => lastAt.slice(k).reduce((x, y) => x + y, 0));
    return { start, size: mine.reduce((x, r) => x + r.size, 0), exact, orLater };
  });
}

export async function revenueReference(db: SqlSession, s: { workspaceId: string; timezone: string; currency: string; from: string; to: string }) {
  const first = periodStart(s.from, 'month');
  const [cohortRows, retentionRows] = await Promise.all([
    db.query<{ cohort: string; k: number; revenue: string; size: number }>(
      `with monthly as (
         select contact_id, date_trunc('month', day)::date as m, sum(case when name = 'purchase' then total else -total end) as revenue,
                min(day) filter (where name = 'purchase') as first_in_month
         from (${ORDERS}) o where currency = $5 and day <= $4::date group by 1, 2
       ), w as (
         select contact_id, m, revenue, min(m) filter (where first_in_month is not null) over (partition by contact_id) as cohort,
                min(first_in_month) over (partition by contact_id) as first
         from monthly
       )
       select cohort::text, (extract(year from m)::int * 12 + extract(month from m)::int) - (extract(year from cohort)::int * 12 + extract(month from cohort)::int) as k,
              sum(revenue)::text as revenue, 0 as size
       from w where first >= $3::date and m >= cohort group by 1, 2
       union all select cohort::text, 0, '0', count(distinct contact_id)::int from w where first >= $3::date group by 1`,
      [s.workspaceId, s.timezone, first, s.to, s.currency],
    ),
    db.query<{ start: string; customers: number; previous: string; revenue: string; kept: string }>(
      `with monthly as (
         select contact_id, date_trunc('month', day)::date as m, sum(case when name = 'purchase' then total else -total end) as revenue
         from (${ORDERS}) o where currency = $5 and day >= $3::date and day <= $4::date group by 1, 2
       ), pairs as (
         select m, revenue, case when lead(m) over w = (m + interval '1 month')::date then lead(revenue) over w else 0 end as next
         from monthly window w as (partition by contact_id order by m)
       )
       select (m + interval '1 month')::date::text as start, count(*)::int as customers, sum(revenue)::text as previous,
              sum(next)::text as revenue, sum(greatest(0, least(next, revenue)))::text as kept
       from pairs where revenue > 0 and m < date_trunc('month', $4::date)::date group by m`,
      [s.workspaceId, s.timezone, addPeriods(first, -1, 'month'), s.to, s.currency],
    ),
  ]);
  const last = periodStart(s.to, 'month');
  const starts = [...new Set(cohortRows.map((r) => r.cohort))].sort();
  const cohorts = starts.map((start) => {
    const mine = cohortRows.filter((r) => r.cohort === start);
    const revenue = Array.from({ length: periodsBetween(start, last, 'month') + 1 }, (_, k) => mine.filter((r) => r.k === k).reduce((x, r) => x + Number(r.revenue), 0));
    return { start, size: mine.reduce((x, r) => x + r.size, 0), revenue };
  });
  const retention: (string | number)[][] = [];
  for (let m = first; m <= s.to; m = addPeriods(m, 1, 'month')) {
    const r = retentionRows.find((x) => x.start === m);
    retention.push([m, r?.customers ?? 0, Number(r?.previous ?? 0), Number(r?.revenue ?? 0), Number(r?.kept ?? 0)]);
  }
  return { cohorts, retention };
}
