// Reading the per-contact purchase summary (kept by the database from the purchase and refund
// events, migration 0015), and checking it against the events it comes from.
import type { SqlSession } from '../db/client.ts';
import type { ContactScores, CurrencyTotals, PurchaseSummary } from './contract.ts';

/** One currency's row of the summary, as stored. */
export interface SummaryRow {
  currency: string;
  orders: number;
  refunds: number;
  items: string | number;
  spent: string | number;
  refunded: string | number;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
}

interface Row extends SummaryRow {
  contact_id: string;
}

const EMPTY: PurchaseSummary = { orders: 0, refunds: 0, items: 0, firstOrderAt: null, lastOrderAt: null, currencies: [], scores: null };

/** The summaries of some contacts (contacts without orders get an empty one). */
export async function purchaseSummaries(db: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, PurchaseSummary>> {
  const out = new Map<string, PurchaseSummary>();
  if (contactIds.length === 0) return out;
  const rows = await db.query<Row>(
    `select contact_id, currency, orders, refunds, items, spent, refunded, first_order_at, last_order_at
     from contact_purchases where workspace_id = $1 and contact_id = any($2::uuid[])
     order by contact_id, orders desc, spent desc, currency`,
    [workspaceId, contactIds],
  );
  const byContact = new Map<string, Row[]>();
  for (const r of rows) byContact.set(r.contact_id, [...(byContact.get(r.contact_id) ?? []), r]);
  const scores = await db.query<ScoreRow & { contact_id: string }>(
    `select contact_id, ${SCORE_COLUMNS} from contact_scores where workspace_id = $1 and contact_id = any($2::uuid[])`,
    [workspaceId, contactIds],
  );
  const scoresBy = new Map(scores.map((r) => [r.contact_id, r]));
  for (const id of contactIds) out.set(id, summarize(byContact.get(id) ?? [], scoresBy.get(id)));
  return out;
}

/** A contact_scores row as stored (or as JSON: `to_jsonb` of the row, in the bulk senders). */
export interface ScoreRow {
  scored_at: Date | string;
  p_alive: number | null;
  p_alive_before: number | null;
  expected_purchases_90: number | null;
  currency: string | null;
  expected_order_value: string | number | null;
  clv: string | number | null;
  rfm_recency: number | null;
  rfm_frequency: number | null;
  rfm_monetary: number | null;
  health: number | null;
}

export const SCORE_COLUMNS = 'scored_at, p_alive, p_alive_before, expected_purchases_90, currency, expected_order_value, clv, rfm_recency, rfm_frequency, rfm_monetary, health';

/** A stored scores row as the API's scores. */
export function scoresOfRow(r: ScoreRow): ContactScores {
  const num = (v: string | number | null) => (v === null ? null : Number(v));
  return {
    scoredAt: new Date(r.scored_at),
    pAlive: r.p_alive,
    pAliveBefore: r.p_alive_before,
    expectedPurchases90: r.expected_purchases_90,
    currency: r.currency,
    expectedOrderValue: num(r.expected_order_value),
    clv: num(r.clv),
    rfm: { recency: r.rfm_recency, frequency: r.rfm_frequency, monetary: r.rfm_monetary },
    health: r.health,
  };
}

export async function purchaseSummary(db: SqlSession, workspaceId: string, contactId: string): Promise<PurchaseSummary> {
  return (await purchaseSummaries(db, workspaceId, [contactId])).get(contactId) ?? EMPTY;
}

/** Summary rows (one per currency, most orders first) as the API's summary. */
export function summarize(rows: SummaryRow[], scores?: ScoreRow | null): PurchaseSummary {
  if (rows.length === 0) return EMPTY;
  const currencies: CurrencyTotals[] = rows.map((r) => {
    const spent = Number(r.spent);
    const refunded = Number(r.refunded);
    return {
      currency: r.currency,
      orders: r.orders,
      refunds: r.refunds,
      items: Number(r.items),
      spent,
      refunded,
      net: spent - refunded,
      averageOrder: r.orders > 0 ? Math.round(spent / r.orders) : null,
      firstOrderAt: r.first_order_at === null ? null : new Date(r.first_order_at),
      lastOrderAt: r.last_order_at === null ? null : new Date(r.last_order_at),
    };
  });
  const times = (f: (c: CurrencyTotals) => Date | null) => currencies.map(f).filter((d): d is Date => d !== null).map((d) => d.getTime());
  const first = times((c) => c.firstOrderAt);
  const last = times((c) => c.lastOrderAt);
  return {
    orders: currencies.reduce((s, c) => s + c.orders, 0),
    refunds: currencies.reduce((s, c) => s + c.refunds, 0),
    items: currencies.reduce((s, c) => s + c.items, 0),
    firstOrderAt: first.length ? new Date(Math.min(...first)) : null,
    lastOrderAt: last.length ? new Date(Math.max(...last)) : null,
    currencies,
    scores: scores ? scoresOfRow(scores) : null,
  };
}

/**
 * Rows of the stored summary that differ from a recomputation from the events (none when
 * the triggers kept it right). For tests and for `rapport doctor`-style checks.
 */
export async function summaryDrift(db: SqlSession, workspaceId: string): Promise<unknown[]> {
  return db.query(
    `with fresh as (
       select e.contact_id, e.properties ->> 'currency' as currency,
              count(*) filter (where e.name = 'purchase')::int as orders,
              count(*) filter (where e.name = 'refund')::int as refunds,
              coalesce(sum(case when jsonb_typeof(e.properties -> 'item_count') = 'number' then (e.properties ->> 'item_count')::numeric end)
                         filter (where e.name = 'purchase'), 0)::bigint as items,
              coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'purchase'), 0) as spent,
              coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'refund'), 0) as refunded,
              min(e.occurred_at) filter (where e.name = 'purchase') as first_order_at,
              max(e.occurred_at) filter (where e.name = 'purchase') as last_order_at
       from events e
       where e.workspace_id = $1 and e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
       group by 1, 2
     ), stored as (
       select contact_id, currency, orders, refunds, items, spent, refunded, first_order_at, last_order_at
       from contact_purchases where workspace_id = $1
     )
     (select 'missing' as problem, * from fresh except select 'missing', * from stored)
     union all
     (select 'extra' as problem, * from stored except select 'extra', * from fresh)`,
    [workspaceId],
  );
}
