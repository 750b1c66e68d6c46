// How many points an order earns by a rule: points per one major unit of the rule's currency,
// with multipliers (basis points: 12,000 = ×1.2) by item category, SKU or product id, and the
// member's tier multiplier. Exact: integer arithmetic in BigInt, one rounding down at the end.
// An order in another currency earns nothing by the rule (amounts in different currencies are
// never mixed). Where items are listed, each item's share of what was paid counts at its best
// multiplier; what the items do not explain (shipping, fees) counts at ×1. When the items add up
// to more than the total (an order-level discount), each item's share is scaled down to the total.
import { currencyExponent } from '../shared/money.ts';

export const BASIS = 10_000;

export interface Multiplier {
  /** Which item property it matches. */
  match: 'category' | 'sku' | 'product_id';
  /** Compared case-insensitively, trimmed. */
  value: string;
  /** 12,000 = ×1.2; 0 = the item earns nothing. */
  bp: number;
}

export interface PurchaseRule {
  /** Points per one major unit (1.00) of `currency`. */
  pointsPerUnit: number;
  currency: string;
  multipliers: Multiplier[];
}

export interface OrderForPoints {
  /** What was paid, in minor units of `currency`. */
  total: number;
  currency: string;
  items?: { category?: string; sku?: string; product_id?: string; total?: number }[] | null;
}

const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : '');

/** The best multiplier an item matches, else ×1. */
function itemBp(item: NonNullable<OrderForPoints['items']>[number], multipliers: Multiplier[]): bigint {
  let best: number | null = null;
  for (const m of multipliers) {
    if (norm(item[m.match]) === norm(m.value) && norm(m.value) !== '') best = best === null ? m.bp : Math.max(best, m.bp);
  }
  return BigInt(best ?? BASIS);
}

/** Points the order earns by the rule (0 for another currency, a refund-sized total or nothing paid). */
export function orderPoints(rule: PurchaseRule, order: OrderForPoints, tierBp: number = BASIS): number {
  if (order.currency !== rule.currency || !(order.total > 0) || !Number.isSafeInteger(order.total)) return 0;
  const exponent = currencyExponent(rule.currency);
  if (exponent === undefined) return 0;
  const total = BigInt(order.total);
  const items = (order.items ?? []).filter((i) => typeof i.total === 'number' && Number.isSafeInteger(i.total) && i.total > 0);
  const itemsSum = items.reduce((s, i) => s + BigInt(i.total!), 0n);
  // Σ (amount in minor units × multiplier in basis points) over what was paid, ÷ `scale`.
  let weighted = total * BigInt(BASIS);
  let scale = 1n;
  if (itemsSum > 0n) {
    const byItems = items.reduce((s, i) => s + BigInt(i.total!) * itemBp(i, rule.multipliers), 0n);
    if (itemsSum > total) {
      // Items worth more than was paid: each item's share scaled to the total.
      weighted = byItems * total;
      scale = itemsSum;
    } else weighted = byItems + (total - itemsSum) * BigInt(BASIS);
  }
  const points = (weighted * BigInt(rule.pointsPerUnit) * BigInt(tierBp)) / (scale * 10n ** BigInt(exponent) * BigInt(BASIS) * BigInt(BASIS));
  return Number(points);
}

/**
 * The points a refund takes back of an order that earned `earned`: the share of the order
 * refunded so far, minus what earlier refunds took back, so that partial refunds add up to
 * exactly `earned` when the whole order is refunded.
 */
export function pointsToReverse(earned: number, orderTotal: number, refundedSoFar: number, reversedBefore: number): number {
  if (earned <= 0 || orderTotal <= 0) return 0;
  const share = Math.min(refundedSoFar, orderTotal);
  // Rounded half up in integers: earned × share / total.
  const target = Number((BigInt(earned) * BigInt(share) * 2n + BigInt(orderTotal)) / (2n * BigInt(orderTotal)));
  return Math.max(0, target - reversedBefore);
}
