// Segment's e-commerce events (spec v2, and the v1 names) onto the one purchase model: an
// order is a `purchase` event keyed `purchase:<order id>`, a refund a `refund` event, both
// with `total` in integer minor units of their `currency` and the products as `items`, the
// same shape the order import writes. Pure: no database, no clock.
//
// Segment sends money in major units (total: 19.0 is £19.00) and products with a unit
// `price` and a `quantity`. Tracked events named `purchase` and `refund` follow the same
// rule, so the spine never holds two readings of one name.
import { isCurrency, toMinorUnits } from '../shared/money.ts';

export const PURCHASE_EVENT = 'purchase';
export const REFUND_EVENT = 'refund';

const PURCHASE_NAMES = new Set(['Order Completed', 'Completed Order', PURCHASE_EVENT]);
const REFUND_NAMES = new Set(['Order Refunded', 'Refunded Order', REFUND_EVENT]);
/** Money fields of Segment's order events, converted to minor units where present. */
const MONEY_FIELDS = ['total', 'revenue', 'subtotal', 'shipping', 'tax', 'discount', 'value'] as const;

export function isOrderEventName(name: string): boolean {
  return PURCHASE_NAMES.has(name) || REFUND_NAMES.has(name);
}

export interface OrderItem {
  sku?: string;
  product_id?: string;
  name?: string;
  category?: string;
  brand?: string;
  variant?: string;
  quantity: number;
  /** Minor units. */
  unit_price?: number;
  /** Minor units: unit price × quantity. */
  total?: number;
}

export interface OrderEvent {
  name: typeof PURCHASE_EVENT | typeof REFUND_EVENT;
  /** The spine's idempotency key: the same order from any source is stored once. */
  messageId: string;
  properties: Record<string, unknown>;
  /** A refund that names no amount: the whole order, or what is left of it (looked up by the caller). */
  fullRefundOf?: string;
  warnings: string[];
}

/**
 * The order event a tracked event stands for, undefined when it is not one. `error` when it
 * cannot be read (an unknown currency, an amount that is not a number): the caller refuses it.
 */
export function orderEvent(
  eventName: string,
  properties: Record<string, unknown>,
  messageId: string,
  defaultCurrency: string,
): OrderEvent | { error: string } | undefined {
  const refund = REFUND_NAMES.has(eventName);
  if (!refund && !PURCHASE_NAMES.has(eventName)) return undefined;
  const warnings: string[] = [];
  const given = properties.currency;
  if (given !== undefined && given !== null && typeof given !== 'string') return { error: 'properties.currency must be a currency code like "GBP"' };
  const currency = (typeof given === 'string' && given.trim() !== '' ? given.trim() : defaultCurrency).toUpperCase();
  if (!isCurrency(currency)) return { error: `properties.currency "${currency.slice(0, 20)}" is not an ISO 4217 currency code (like GBP, EUR, USD, JPY)` };

  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'products' || key === 'orderId' || (MONEY_FIELDS as readonly string[]).includes(key)) continue;
    out[key] = value;
  }
  if (eventName !== PURCHASE_EVENT && eventName !== REFUND_EVENT) out.source_event = eventName;
  out.currency = currency;

  const orderId = idOf(properties.order_id ?? properties.orderId);
  if (orderId !== undefined) out.order_id = orderId;

  for (const key of MONEY_FIELDS) {
    const v = properties[key];
    if (v === undefined || v === null || v === '') continue;
    const m = toMinorUnits(v, currency);
    if (!m.ok) return { error: `properties.${key} ${m.reason}` };
    out[key] = m.value;
  }

  let items: OrderItem[] | undefined;
  if (properties.products !== undefined && properties.products !== null) {
    if (!Array.isArray(properties.products)) return { error: 'properties.products must be a list of products' };
    items = [];
    for (const [i, raw] of properties.products.entries()) {
      const item = orderItem(raw, currency, `properties.products.${i}`);
      if ('error' in item) return item;
      items.push(item);
    }
    out.items = items;
    out.item_count = items.reduce((s, it) => s + it.quantity, 0);
  } else if (properties.price !== undefined && properties.price !== null && properties.price !== '') {
    // One product described at the top level (price, quantity, sku), as some shops send it.
    const item = orderItem(properties, currency, 'properties');
    if ('error' in item) return item;
    items = [item];
    out.items = items;
    out.item_count = item.quantity;
    for (const key of ['price', 'quantity', 'sku', 'product_id', 'productId', 'name', 'category', 'brand', 'variant']) delete out[key];
  }
  // What was paid (or given back): the total, else the revenue, else the products' sum.
  const itemsTotal = items && items.length > 0 && items.every((it) => it.total !== undefined) ? items.reduce((s, it) => s + it.total!, 0) : undefined;
  const total = (out.total as number | undefined) ?? (out.revenue as number | undefined) ?? itemsTotal ?? (out.value as number | undefined);
  if (total !== undefined && total < 0 && !refund) return { error: 'properties.total must not be negative: send "Order Refunded" for money given back' };
  // Refunds are stored as the positive amount given back, whichever sign the shop used.
  if (total !== undefined) out.total = Math.abs(total);
  else delete out.total;

  if (!refund) {
    if (total === undefined) return { error: 'properties.total is required for an order (or revenue, or products with price and quantity)' };
    if (orderId === undefined) warnings.push('properties.order_id is missing: the order cannot be matched with the same order from another source or with its refunds');
    return { name: PURCHASE_EVENT, messageId: orderId !== undefined ? `purchase:${orderId}` : `purchase:message:${messageId}`, properties: out, warnings };
  }
  if (total === undefined) {
    if (orderId === undefined) return { error: 'a refund needs properties.order_id (the whole order is refunded) or an amount (total, or products with price and quantity)' };
    // A full refund: one per order, whatever the number of retries or sources.
    return { name: REFUND_EVENT, messageId: `refund:${orderId}`, properties: out, fullRefundOf: orderId, warnings };
  }
  // A partial refund: one per message (a shop may refund an order in several steps).
  const key = orderId !== undefined ? `refund:${orderId}:${messageId}` : `refund:message:${messageId}`;
  return { name: REFUND_EVENT, messageId: key, properties: out, warnings };
}

function orderItem(raw: unknown, currency: string, at: string): OrderItem | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: `${at} must be an object` };
  const p = raw as Record<string, unknown>;
  const item: OrderItem = { quantity: 1 };
  for (const key of ['sku', 'product_id', 'name', 'category', 'brand', 'variant'] as const) {
    const v = idOf(key === 'product_id' ? (p.product_id ?? p.productId ?? p.id) : p[key]);
    if (v !== undefined) item[key] = v;
  }
  if (p.quantity !== undefined && p.quantity !== null) {
    const q = typeof p.quantity === 'string' ? Number(p.quantity) : p.quantity;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 0) return { error: `${at}.quantity must be a whole number` };
    item.quantity = q;
  }
  if (p.price !== undefined && p.price !== null && p.price !== '') {
    const m = toMinorUnits(p.price, currency);
    if (!m.ok) return { error: `${at}.price ${m.reason}` };
    item.unit_price = m.value;
    item.total = m.value * item.quantity;
  }
  return item;
}

function idOf(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s.slice(0, 200);
}
