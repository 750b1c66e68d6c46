// Starting points a retention marketer expects, as ordinary definitions to edit. The RFM
// groups and "top 10%" use thresholds computed now from the workspace's own orders
// (quintiles of recency, frequency and spend in its main currency, from the purchase
// summary), written into the definition as numbers a person can read and change; their
// descriptions say them in words ("spent at least £64.50") and how they were found.
import { formatMoney } from '../shared/money.ts';
import type { AppContext } from '../server/context.ts';
import type { EventCondition, FieldCondition, PurchaseCondition, SegmentDefinition } from './definition.ts';

const and = (...children: SegmentDefinition['children']): SegmentDefinition => ({ kind: 'group', op: 'and', children });
const orders = (op: PurchaseCondition['op'], value: number, currency?: string): PurchaseCondition => ({
  kind: 'purchases',
  metric: 'orders',
  ...(currency ? { currency } : {}),
  op,
  value,
});
const lastOrder = (op: 'within_last_days' | 'more_than_days_ago', days: number, currency?: string): PurchaseCondition => ({
  kind: 'purchases',
  metric: 'last_order',
  ...(currency ? { currency } : {}),
  op,
  value: days,
});
const score = (field: string, op: 'gte' | 'lt', value: number): FieldCondition => ({ kind: 'field', field, op, value });
const spent = (op: 'gte' | 'lt', value: number, currency: string): PurchaseCondition => ({ kind: 'purchases', metric: 'spent', currency, op, value });
/** Purchases in a window of time are events (the summary is of all time). */
const recentOrders = (op: 'eq' | 'gte', value: number, days: number): EventCondition => ({
  kind: 'event',
  event: 'purchase',
  where: [],
  window: { type: 'last_days', days },
  measure: { fn: 'count', op, value },
});
const recentSpend = (value: number, days: number, currency: string): EventCondition => ({
  kind: 'event',
  event: 'purchase',
  where: [{ property: 'currency', type: 'string', op: 'eq', value: currency }],
  window: { type: 'last_days', days },
  measure: { fn: 'sum', property: 'total', op: 'gte', value },
});

interface Quantiles {
  currency: string;
  buyers: number;
  /** Days since the last order at the 20th, 40th, 60th, 80th percentiles. */
  recency: number[];
  /** Orders per buyer at the same percentiles. */
  frequency: number[];
  /** Spend per buyer (minor units) at the same percentiles. */
  monetary: number[];
  /** Spend in the last 365 days at the 90th percentile. */
  top10: number;
}

async function quantiles(ctx: AppContext, workspaceId: string): Promise<Quantiles> {
  const now = ctx.clock.now();
  // The currency most orders are in: RFM compares customers' spend, which only one currency can.
  const [main] = await ctx.db.query<{ currency: string }>(
    `select currency from contact_purchases where workspace_id = $1 group by currency order by sum(orders) desc, currency limit 1`,
    [workspaceId],
  );
  const [ws] = await ctx.db.query<{ currency: string | null }>('select default_currency as currency from workspaces where id = $1', [workspaceId]);
  const currency = main?.currency ?? ws?.currency ?? 'USD';
  const [row] = await ctx.db.query<{ buyers: number; recency: number[] | null; frequency: number[] | null; monetary: number[] | null; top10: number | null }>(
    `with buyers as (
       select contact_id, extract(epoch from ($3::timestamptz - last_order_at)) / 86400 as days_since, orders, spent
       from contact_purchases where workspace_id = $1 and currency = $2 and orders > 0
     ), year as (
       select contact_id, sum((properties ->> 'total')::float8) as spend
       from events
       where workspace_id = $1 and name = 'purchase' and occurred_at > $3::timestamptz - interval '365 days' and occurred_at <= $3
         and properties ->> 'currency' = $2 and jsonb_typeof(properties -> 'total') = 'number'
       group by contact_id
     )
     select (select count(*)::int from buyers) as buyers,
            (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by days_since) from buyers) as recency,
            (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by orders) from buyers) as frequency,
            (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by spent) from buyers) as monetary,
            (select percentile_disc(0.9) within group (order by spend) from year) as top10`,
    [workspaceId, currency, now],
  );
  return {
    currency,
    buyers: row?.buyers ?? 0,
    recency: (row?.recency ?? [30, 90, 180, 365]).map((d) => Math.max(1, Math.ceil(Number(d)))),
    frequency: (row?.frequency ?? [1, 1, 2, 4]).map((n) => Math.max(1, Math.round(Number(n)))),
    monetary: (row?.monetary ?? [0, 0, 0, 0]).map((n) => Math.round(Number(n))),
    top10: Math.round(Number(row?.top10 ?? 0)),
  };
}

const days = (n: number) => (n === 1 ? '1 day' : `${n.toLocaleString('en')} days`);
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n.toLocaleString('en')} times`);

export async function segmentTemplates(ctx: AppContext, workspaceId: string) {
  const q = await quantiles(ctx, workspaceId);
  const cur = q.currency;
  const money = (minor: number) => formatMoney(minor, cur, 'en-GB');
  const [, r40, r60, r80] = q.recency as [number, number, number, number];
  const [, f40, f60] = q.frequency as [number, number, number, number];
  const m60 = q.monetary[2]!;
  const often = Math.max(f60, 2);
  const some = Math.max(f40, 2);
  const basis =
    q.buyers > 0
      ? `Thresholds from the orders of your ${q.buyers.toLocaleString('en')} customers in ${cur} as of today; open the template again later to recompute them.`
      : 'No orders yet: the thresholds are common defaults; open the template again once orders are imported.';
  return [
    {
      key: 'rfm_champions',
      name: 'Champions',
      description: `Bought in the last ${days(r40)}, at least ${times(often)}, and spent at least ${money(m60)} in all: your best customers on all three counts (RFM 4–5). ${basis}`,
      definition: and(lastOrder('within_last_days', r40, cur), orders('gte', often, cur), spent('gte', m60, cur)),
    },
    {
      key: 'rfm_loyal',
      name: 'Loyal customers',
      description: `Bought at least ${times(often)}, the last time within ${days(r60)} (RFM frequency 4–5). ${basis}`,
      definition: and(lastOrder('within_last_days', r60, cur), orders('gte', often, cur)),
    },
    {
      key: 'rfm_potential_loyalists',
      name: 'Potential loyalists',
      description: `Bought in the last ${days(r40)}, ${f40 > 1 ? 'twice' : 'once'} to ${times(often - 1)}: one more order makes them loyal. ${basis}`,
      definition: and(lastOrder('within_last_days', r40, cur), orders('gte', f40 > 1 ? 2 : 1, cur), orders('lt', often, cur)),
    },
    {
      key: 'rfm_at_risk',
      name: 'At risk',
      description: `Bought at least ${times(some)}, but not in the last ${days(r60)}: they used to be regulars. ${basis}`,
      definition: and(lastOrder('more_than_days_ago', r60, cur), orders('gte', some, cur)),
    },
    {
      key: 'rfm_hibernating',
      name: 'Hibernating',
      description: `Bought fewer than ${times(some)}, the last time between ${days(r60)} and ${days(Math.max(r80, r60 + 1))} ago. ${basis}`,
      definition: and(lastOrder('more_than_days_ago', r60, cur), orders('gte', 1, cur), orders('lt', some, cur), lastOrder('within_last_days', Math.max(r80, r60 + 1), cur)),
    },
    {
      key: 'rfm_lost',
      name: 'Lost',
      description: `No order in the last ${days(r80)}: the longest gone fifth of your customers. ${basis}`,
      definition: and(lastOrder('more_than_days_ago', r80, cur)),
    },
    {
      key: 'lapsed_90',
      name: 'No purchase in 90 days',
      description: 'Bought before, but not in the last 90 days: the classic win-back audience.',
      definition: and(orders('gte', 1), recentOrders('eq', 0, 90)),
    },
    {
      key: 'one_and_done',
      name: 'Bought once, never again',
      description: 'Exactly one order, more than 30 days ago: a second order is the hardest one to win.',
      definition: and(orders('eq', 1), lastOrder('more_than_days_ago', 30)),
    },
    {
      key: 'valuable_slipping_away',
      name: 'Valuable and slipping away',
      description:
        'Customers who ordered at least twice and spent in the top 40% (RFM monetary 4–5), whose chance of still being a customer has fallen to between 20% and 70%: the ones most worth a win-back. The chance comes from the retention models, refitted every night; customers enter as it falls.',
      definition: and(score('scores.p_alive', 'gte', 0.2), score('scores.p_alive', 'lt', 0.7), score('scores.rfm_monetary', 'gte', 4), orders('gte', 2)),
    },
    {
      key: 'probably_lost',
      name: 'Probably lost',
      description: 'Customers whose chance of still being a customer, by the retention models, is below 20%: gone unless something brings them back.',
      definition: and(score('scores.p_alive', 'lt', 0.2)),
    },
    {
      key: 'points_expiring_soon',
      name: 'Points expiring soon',
      description: 'Loyalty members with points that expire within the next 14 days: remind them while they can still spend them.',
      definition: and(
        { kind: 'field', field: 'loyalty.next_expiry_at', op: 'within_next_days', value: 14 },
        { kind: 'field', field: 'loyalty.next_expiry_points', op: 'gt', value: 0 },
      ),
    },
    {
      key: 'top_10_spend',
      name: 'Top 10% by spend',
      description: `Spent at least ${money(Math.max(q.top10, 1))} in the last year: the top tenth of customers as of today. Open the template again later to recompute the threshold.`,
      definition: and(recentSpend(Math.max(q.top10, 1), 365, cur)),
    },
  ];
}
