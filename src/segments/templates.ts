// Starting points a retention marketer expects, as ordinary definitions to edit. The RFM
// groups and "top 10%" use thresholds computed now from the workspace's own purchases
// (quintiles of recency, frequency and spend), written into the definition as numbers a
// person can read and change; their descriptions say how they were found.
import type { AppContext } from '../server/context.ts';
import type { EventCondition, SegmentDefinition } from './definition.ts';

const PURCHASE = 'purchase';
const AMOUNT = 'total';

const and = (...children: SegmentDefinition['children']): SegmentDefinition => ({ kind: 'group', op: 'and', children });
const count = (op: 'gte' | 'lte' | 'eq' | 'lt' | 'gt', value: number, window: EventCondition['window'] = { type: 'ever' }): EventCondition => ({
  kind: 'event',
  event: PURCHASE,
  where: [],
  window,
  measure: { fn: 'count', op, value },
});
const last = (op: 'within_last_days' | 'more_than_days_ago', days: number): EventCondition => ({
  kind: 'event',
  event: PURCHASE,
  where: [],
  window: { type: 'ever' },
  measure: { fn: 'last', op, value: days },
});
const spend = (op: 'gte' | 'lt', value: number, window: EventCondition['window'] = { type: 'ever' }): EventCondition => ({
  kind: 'event',
  event: PURCHASE,
  where: [],
  window,
  measure: { fn: 'sum', property: AMOUNT, op, value },
});

interface Quantiles {
  buyers: number;
  /** Days since the last purchase at the 20th, 40th, 60th, 80th percentiles. */
  recency: number[];
  /** Purchases per buyer at the same percentiles. */
  frequency: number[];
  /** Spend per buyer (minor units) at the same percentiles. */
  monetary: number[];
  /** Spend in the last 365 days at the 90th percentile. */
  top10: number;
}

async function quantiles(ctx: AppContext, workspaceId: string): Promise<Quantiles> {
  const now = ctx.clock.now();
  const [row] = await ctx.db.query<{ buyers: number; recency: number[] | null; frequency: number[] | null; monetary: number[] | null; top10: number | null }>(
    `with buyers as (
       select contact_id,
              extract(epoch from ($2::timestamptz - max(occurred_at))) / 86400 as days_since,
              count(*) as orders,
              sum(case when jsonb_typeof(properties -> 'total') = 'number' then (properties ->> 'total')::float8 else 0 end) as spend,
              sum(case when occurred_at >= $2::timestamptz - interval '365 days' and jsonb_typeof(properties -> 'total') = 'number'
                       then (properties ->> 'total')::float8 else 0 end) as spend_year
       from events where workspace_id = $1 and name = 'purchase' and occurred_at <= $2
       group by contact_id)
     select count(*)::int as buyers,
            percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by days_since) as recency,
            percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by orders) as frequency,
            percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by spend) as monetary,
            percentile_disc(0.9) within group (order by spend_year) as top10
     from buyers`,
    [workspaceId, now],
  );
  return {
    buyers: row?.buyers ?? 0,
    recency: (row?.recency ?? [30, 90, 180, 365]).map((d) => Math.max(1, Math.ceil(Number(d)))),
    frequency: (row?.frequency ?? [1, 1, 2, 4]).map((n) => Math.max(1, Math.round(Number(n)))),
    monetary: (row?.monetary ?? [0, 0, 0, 0]).map((n) => Math.round(Number(n))),
    top10: Math.round(Number(row?.top10 ?? 0)),
  };
}

export async function segmentTemplates(ctx: AppContext, workspaceId: string) {
  const q = await quantiles(ctx, workspaceId);
  const [r20, r40, r60] = q.recency as [number, number, number, number];
  const [, f40, f60] = q.frequency as [number, number, number, number];
  const m60 = q.monetary[2]!;
  const basis = q.buyers > 0
    ? `Thresholds from the purchases of ${q.buyers} customers as of today: last purchase ${r20}/${r40}/${r60} days ago, ${f40}/${f60} orders, spend ${m60} (in minor units, the "${AMOUNT}" of purchase events).`
    : 'No purchases yet: the thresholds are common defaults; open the template again once orders are imported.';
  return [
    {
      key: 'rfm_champions',
      name: 'Champions',
      description: `Bought recently, buy often and spend the most (RFM scores 4–5 on all three). ${basis}`,
      definition: and(last('within_last_days', r40), count('gte', f60), spend('gte', m60)),
    },
    {
      key: 'rfm_loyal',
      name: 'Loyal customers',
      description: `Buy often and not too long ago (frequency 4–5, recency 3–5). ${basis}`,
      definition: and(last('within_last_days', r60), count('gte', f60)),
    },
    {
      key: 'rfm_potential_loyalists',
      name: 'Potential loyalists',
      description: `Recent customers with a few orders: one more purchase makes them loyal. ${basis}`,
      definition: and(last('within_last_days', r40), count('gte', f40 > 1 ? 2 : 1), count('lt', Math.max(f60, 2))),
    },
    {
      key: 'rfm_at_risk',
      name: 'At risk',
      description: `Used to buy often, but not for a while (frequency 3–5, recency 1–2). ${basis}`,
      definition: and(last('more_than_days_ago', r60), count('gte', Math.max(f40, 2))),
    },
    {
      key: 'rfm_hibernating',
      name: 'Hibernating',
      description: `Few orders, long ago (frequency 1–2, recency 2). ${basis}`,
      definition: and(last('more_than_days_ago', r60), count('lt', Math.max(f40, 2)), last('within_last_days', Math.max(q.recency[3]!, r60 + 1))),
    },
    {
      key: 'rfm_lost',
      name: 'Lost',
      description: `The longest since their last order (recency 1). ${basis}`,
      definition: and(last('more_than_days_ago', q.recency[3]!)),
    },
    {
      key: 'lapsed_90',
      name: 'No purchase in 90 days',
      description: 'Customers who have bought before, but not in the last 90 days: the classic win-back audience.',
      definition: and(count('gte', 1), count('eq', 0, { type: 'last_days', days: 90 })),
    },
    {
      key: 'one_and_done',
      name: 'Bought once, never again',
      description: 'Exactly one purchase, more than 30 days ago: a second order is the hardest one to win.',
      definition: and(count('eq', 1), last('more_than_days_ago', 30)),
    },
    {
      key: 'top_10_spend',
      name: 'Top 10% by spend',
      description: `Spent at least ${q.top10} (minor units) in the last 365 days: the top tenth of customers as of today. Open the template again later to recompute the threshold.`,
      definition: and(spend('gte', Math.max(q.top10, 1), { type: 'last_days', days: 365 })),
    },
  ];
}
