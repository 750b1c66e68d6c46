// The tracking API's side of the purchase model: tracked order events become `purchase` and
// `refund` events (see src/purchases/ecommerce.ts), with the workspace's default currency, and a refund that
// names no amount gives back what is left of its order.
import type { SqlSession } from '../db/client.ts';
import type { TrackingIssue } from './contract.ts';
import type { TrackedMessage } from './messages.ts';
import { isOrderEventName, type OrderEvent, orderEvent } from '../purchases/ecommerce.ts';

/** Segment's spec: an order event without a currency is in US dollars. */
export const FALLBACK_CURRENCY = 'USD';

const issue = (m: TrackedMessage, message: string): TrackingIssue => ({ index: m.index, messageId: m.messageId, message });

export function hasOrderEvents(messages: TrackedMessage[]): boolean {
  return messages.some((m) => m.type === 'track' && isOrderEventName(m.name));
}

/**
 * Rewrites the order events of a request onto the purchase model. Messages that cannot be
 * read become errors (not stored); what was understood differently than sent, warnings.
 */
export async function applyOrderModel(
  db: SqlSession,
  workspaceId: string,
  messages: TrackedMessage[],
): Promise<{ messages: TrackedMessage[]; errors: TrackingIssue[]; warnings: TrackingIssue[] }> {
  const errors: TrackingIssue[] = [];
  const warnings: TrackingIssue[] = [];
  const [ws] = await db.query<{ currency: string | null }>('select default_currency as currency from workspaces where id = $1', [workspaceId]);
  const currency = ws?.currency ?? FALLBACK_CURRENCY;
  const mapped = new Map<TrackedMessage, OrderEvent>();
  const out: TrackedMessage[] = [];
  for (const m of messages) {
    if (m.type !== 'track' || !isOrderEventName(m.name)) {
      out.push(m);
      continue;
    }
    const o = orderEvent(m.name, m.properties, m.messageId, currency);
    if (!o) {
      out.push(m);
    } else if ('error' in o) {
      errors.push(issue(m, o.error));
    } else {
      for (const w of o.warnings) warnings.push(issue(m, w));
      mapped.set(m, o);
      out.push(m);
    }
  }
  const fullRefunds = [...mapped.values()].filter((o) => o.fullRefundOf !== undefined).map((o) => o.fullRefundOf!);
  const orders = fullRefunds.length > 0 ? await ordersLeft(db, workspaceId, fullRefunds) : new Map<string, OrderLeft>();
  const kept: TrackedMessage[] = [];
  for (const m of out) {
    const o = mapped.get(m);
    if (!o) {
      kept.push(m);
      continue;
    }
    const properties = { ...o.properties };
    if (o.fullRefundOf !== undefined) {
      const order = orders.get(o.fullRefundOf);
      if (!order) {
        warnings.push(issue(m, `order ${o.fullRefundOf} is not known, and the refund names no amount: it is recorded without one and changes no totals`));
      } else if (order.left <= 0) {
        warnings.push(issue(m, `order ${o.fullRefundOf} was already refunded in full: nothing more was recorded`));
        continue;
      } else {
        properties.total = order.left;
        properties.currency = order.currency;
        if (order.itemCount !== null && order.refunded === 0) properties.item_count = order.itemCount;
      }
    }
    kept.push({ ...m, name: o.name, messageId: o.messageId, properties });
  }
  return { messages: kept, errors, warnings };
}

interface OrderLeft {
  currency: string;
  total: number;
  refunded: number;
  /** What is left to give back. */
  left: number;
  itemCount: number | null;
}

/** Each order's total and what its refunds gave back already (read from its buyer's events). */
async function ordersLeft(db: SqlSession, workspaceId: string, orderIds: string[]): Promise<Map<string, OrderLeft>> {
  const rows = await db.query<{ order_id: string; currency: string; total: string; refunded: string; item_count: number | null }>(
    `select o.order_id, p.properties ->> 'currency' as currency, (p.properties ->> 'total')::bigint as total,
            case when jsonb_typeof(p.properties -> 'item_count') = 'number' then (p.properties ->> 'item_count')::int end as item_count,
            (select coalesce(sum((r.properties ->> 'total')::bigint), 0) from events r
             where r.workspace_id = $1 and r.contact_id = p.contact_id and r.name = 'refund'
               and r.properties ->> 'order_id' = o.order_id and rapport_is_order_event(r.name, r.properties)) as refunded
     from unnest($2::text[]) as o(order_id)
     join events p on p.workspace_id = $1 and p.message_id = 'purchase:' || o.order_id
     where rapport_is_order_event(p.name, p.properties)`,
    [workspaceId, [...new Set(orderIds)]],
  );
  return new Map(
    rows.map((r) => {
      const total = Number(r.total);
      const refunded = Number(r.refunded);
      return [r.order_id, { currency: r.currency, total, refunded, left: total - refunded, itemCount: r.item_count }];
    }),
  );
}
