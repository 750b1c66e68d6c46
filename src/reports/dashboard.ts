// The home dashboard: each tile's figure for the period and the period before, and its small
// chart over the period's buckets. Money per currency (never summed across currencies).
import type { SqlSession } from '../db/client.ts';
import { boundsOf, customerCounts, type Ratio } from './customers-sql.ts';
import { addDays, type Period } from '../shared/days.ts';
import { bucketDays, type DashboardTile } from './definitions.ts';

export interface Tile {
  key: DashboardTile;
  /** The figure for the period; null when there is nothing to compute it from. */
  value: number | null;
  previous: number | null;
  /** Numerator and denominator behind a rate. */
  count?: { current: Ratio; previous: Ratio };
  series: (number | null)[];
}

export interface CurrencyTiles {
  currency: string;
  tiles: Tile[];
}

export interface Dashboard {
  period: Period;
  bucketDays: number;
  /** The first day of each bucket of the small charts. */
  buckets: string[];
  activeDays: number;
  /** Tiles that do not depend on a currency. */
  tiles: Tile[];
  /** Revenue, orders and average order value, per currency (most orders first). */
  currencies: CurrencyTiles[];
  /** Whether the workspace has any order, any NPS answer, any email sent (for the empty states). */
  has: { orders: boolean; nps: boolean; email: boolean };
}

const rate = (r: Ratio): number | null => (r.of > 0 ? r.count / r.of : null);

interface Scope {
  workspaceId: string;
  timezone: string;
  activeDays: number;
}

export async function dashboardOf(db: SqlSession, s: Scope, period: Period): Promise<Dashboard> {
  const step = bucketDays(period.days);
  const a0 = period.previousFrom;
  const a = period.from;
  const b = addDays(period.to, 1);
  const bounds = boundsOf(a, b, step);
  const buckets = bounds.slice(0, -1);
  const [counts, money, nps, email, has] = await Promise.all([
    customerCounts(db, { workspaceId: s.workspaceId, timezone: s.timezone, a0, bounds, activeDays: s.activeDays }),
    moneyOf(db, s.workspaceId, a0, bounds),
    npsOf(db, s, a0, bounds),
    emailOf(db, s, a0, bounds),
    db.query<{ orders: boolean; nps: boolean; email: boolean }>(
      `select exists (select 1 from contact_purchases where workspace_id = $1 and orders > 0) as orders,
              exists (select 1 from survey_responses r join surveys v on v.id = r.survey_id where r.workspace_id = $1 and v.kind = 'nps' and r.score is not null) as nps,
              exists (select 1 from email_messages where workspace_id = $1 and sent_at is not null) as email`,
      [s.workspaceId],
    ),
  ]);
  const ratioTile = (key: DashboardTile, r: { previous: Ratio; current: Ratio; buckets: Ratio[] }): Tile => ({
    key,
    value: rate(r.current),
    previous: rate(r.previous),
    count: { current: r.current, previous: r.previous },
    series: r.buckets.map(rate),
  });
  const tiles: Tile[] = [
    { key: 'customers', value: counts.customers.current, previous: counts.customers.previous, series: counts.customerBuckets },
    { key: 'newCustomers', value: counts.newCustomers.current, previous: counts.newCustomers.previous, series: counts.newCustomers.buckets },
    { key: 'activeCustomers', value: counts.active.current, previous: counts.active.previous, series: counts.active.buckets },
    ratioTile('repeatRate', counts.repeat),
    ratioTile('churnRate', counts.churn),
    { key: 'nps', value: nps.current, previous: nps.previous, series: nps.buckets },
    ratioTile('openRate', email.opens),
    ratioTile('clickRate', email.clicks),
  ];
  const currencies = [...money.entries()]
    .sort((x, y) => y[1].current.orders - x[1].current.orders || y[1].previous.orders - x[1].previous.orders || x[0].localeCompare(y[0]))
    .map(([currency, t]): CurrencyTiles => ({
      currency,
      tiles: [
        { key: 'revenue', value: t.current.spent - t.current.refunded, previous: t.previous.spent - t.previous.refunded, series: t.buckets.map((x) => x.spent - x.refunded) },
        { key: 'orders', value: t.current.orders, previous: t.previous.orders, series: t.buckets.map((x) => x.orders) },
        {
          key: 'averageOrder',
          value: t.current.orders > 0 ? Math.round(t.current.spent / t.current.orders) : null,
          previous: t.previous.orders > 0 ? Math.round(t.previous.spent / t.previous.orders) : null,
          series: t.buckets.map((x) => (x.orders > 0 ? Math.round(x.spent / x.orders) : null)),
        },
      ],
    }));
  return { period, bucketDays: step, buckets, activeDays: s.activeDays, tiles, currencies, has: has[0]! };
}

interface Money {
  orders: number;
  spent: number;
  refunded: number;
}
const noMoney = (): Money => ({ orders: 0, spent: 0, refunded: 0 });

/** Orders, order totals and refunds per currency: the previous period, this one, and each bucket. */
async function moneyOf(db: SqlSession, workspaceId: string, a0: string, bounds: string[]) {
  const m = bounds.length - 1;
  const rows = await db.query<{ currency: string; j: number; orders: string; spent: string; refunded: string }>(
    `select currency, width_bucket(day, $3::date[]) - 1 as j, sum(orders) as orders, sum(spent) as spent, sum(refunded) as refunded
     from purchase_days where workspace_id = $1 and day >= $2::date and day < $4::date
     group by 1, 2`,
    [workspaceId, a0, bounds, bounds[m]],
  );
  const out = new Map<string, { previous: Money; current: Money; buckets: Money[] }>();
  for (const r of rows) {
    let t = out.get(r.currency);
    if (!t) out.set(r.currency, (t = { previous: noMoney(), current: noMoney(), buckets: Array.from({ length: m }, noMoney) }));
    const add = (x: Money) => {
      x.orders += Number(r.orders);
      x.spent += Number(r.spent);
      x.refunded += Number(r.refunded);
    };
    if (r.j < 0) add(t.previous);
    else {
      add(t.current);
      if (r.j < m) add(t.buckets[r.j]!);
    }
  }
  return out;
}


/** NPS from the answers to NPS surveys in each period and bucket. */
async function npsOf(db: SqlSession, s: Scope, a0: string, bounds: string[]) {
  const m = bounds.length - 1;
  const rows = await db.query<{ j: number; promoters: number; detractors: number; n: number }>(
    `select width_bucket(d.day, $3::date[]) - 1 as j,
            count(*) filter (where r.score >= 9)::int as promoters, count(*) filter (where r.score <= 6)::int as detractors, count(*)::int as n
     from survey_responses r join surveys v on v.id = r.survey_id
     cross join lateral (select (r.started_at at time zone $5)::date as day) d
     where r.workspace_id = $1 and v.kind = 'nps' and r.score is not null and r.recorded_at is not null
       and r.started_at >= ($2::date::timestamp at time zone $5) and r.started_at < ($4::date::timestamp at time zone $5)
     group by 1`,
    [s.workspaceId, a0, bounds, bounds[m], s.timezone],
  );
  const score = (p: number, d: number, n: number) => (n > 0 ? Math.round(((p - d) / n) * 1000) / 10 : null);
  const sums = { previous: [0, 0, 0], current: [0, 0, 0] };
  const buckets: (number | null)[] = Array.from({ length: m }, () => null);
  for (const r of rows) {
    const target = r.j < 0 ? sums.previous : sums.current;
    target[0]! += r.promoters;
    target[1]! += r.detractors;
    target[2]! += r.n;
    if (r.j >= 0 && r.j < m) buckets[r.j] = score(r.promoters, r.detractors, r.n);
  }
  return { previous: score(sums.previous[0]!, sums.previous[1]!, sums.previous[2]!), current: score(sums.current[0]!, sums.current[1]!, sums.current[2]!), buckets };
}

/** Human opens and clicks of the messages sent in each period and bucket, over those delivered. */
async function emailOf(db: SqlSession, s: Scope, a0: string, bounds: string[]) {
  const m = bounds.length - 1;
  const rows = await db.query<{ j: number; delivered: number; opened: number; clicked: number }>(
    `select width_bucket((m.sent_at at time zone $5)::date, $3::date[]) - 1 as j,
            count(*)::int as delivered,
            count(*) filter (where exists (select 1 from email_engagement g where g.message_id = m.id and not g.prefetch))::int as opened,
            count(*) filter (where exists (select 1 from email_engagement g where g.message_id = m.id and g.kind = 'click' and not g.prefetch))::int as clicked
     from email_messages m
     where m.workspace_id = $1 and m.state = 'sent' and m.kind <> 'test'
       and m.sent_at >= ($2::date::timestamp at time zone $5) and m.sent_at < ($4::date::timestamp at time zone $5)
     group by 1`,
    [s.workspaceId, a0, bounds, bounds[m], s.timezone],
  );
  const empty = (): Ratio => ({ of: 0, count: 0 });
  const opens = { previous: empty(), current: empty(), buckets: Array.from({ length: m }, empty) };
  const clicks = { previous: empty(), current: empty(), buckets: Array.from({ length: m }, empty) };
  for (const r of rows) {
    for (const [acc, n] of [[opens, r.opened], [clicks, r.clicked]] as const) {
      const whole = r.j < 0 ? acc.previous : acc.current;
      whole.of += r.delivered;
      whole.count += n;
      if (r.j >= 0 && r.j < m) acc.buckets[r.j] = { of: r.delivered, count: n };
    }
  }
  return { opens, clicks };
}
