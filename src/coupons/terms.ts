// Whether a code can be used on an order, and for how much: the campaign's terms (dates,
// minimum order, limits, who it is for) against the counts of redemptions so far. The
// redemption API reads the counts under the code's and the campaign's row locks and asks this,
// so the answer holds at the moment the redemption is written (docs/design/loyalty.md). A
// refusal has a code the shop's checkout can act on and a sentence it can show as it is.
import { formatMoney } from '../shared/money.ts';

export type Discount = { kind: 'percent'; bp: number } | { kind: 'fixed'; amount: number; currency: string } | { kind: 'free_shipping' };

export interface CampaignTerms {
  state: 'active' | 'paused' | 'ended';
  discount: Discount;
  /** The smallest order (minor units) the code is for, in its currency. */
  minOrder: { amount: number; currency: string } | null;
  startsAt: Date | null;
  endsAt: Date | null;
  /** Redemptions of the whole campaign. */
  maxRedemptions: number | null;
  /** Redemptions per customer, over all the campaign's codes. */
  perContactLimit: number | null;
  /** Redemptions of one code. */
  perCodeLimit: number | null;
}

/** Redemptions that hold a place (reserved or redeemed; not released or rolled back). */
export interface Usage {
  campaign: number;
  code: number;
  /** By this customer in this campaign (0 for an unknown customer). */
  contact: number;
}

export interface OrderAsked {
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** The customer, when the shop says who they are. */
  contactId: string | null;
}

export type Refusal =
  | 'campaign_paused'
  | 'not_started'
  | 'expired'
  | 'used_up'
  | 'code_used_up'
  | 'limit_per_customer'
  | 'not_for_this_customer'
  | 'wrong_currency'
  | 'below_minimum';

export type Verdict =
  | { ok: true; discount: number; currency: string; freeShipping: boolean }
  | { ok: false; reason: Refusal; message: string };

const day = (d: Date) => d.toISOString().slice(0, 10);
const refuse = (reason: Refusal, message: string): Verdict => ({ ok: false, reason, message });

/**
 * The verdict on using a code (assigned to `assignedTo`, or to anyone when null) on an order
 * at `now`, given the redemptions so far. The first reason that applies is given.
 */
export function judge(terms: CampaignTerms, assignedTo: string | null, usage: Usage, order: OrderAsked, now: Date): Verdict {
  if (terms.state !== 'active') return refuse('campaign_paused', terms.state === 'paused' ? 'This offer is paused for now.' : 'This offer has ended.');
  if (terms.startsAt && now < terms.startsAt) return refuse('not_started', `This code can be used from ${day(terms.startsAt)}.`);
  if (terms.endsAt && now >= terms.endsAt) return refuse('expired', `This code expired on ${day(terms.endsAt)}.`);
  if (assignedTo !== null && assignedTo !== order.contactId) return refuse('not_for_this_customer', 'This code belongs to another customer.');
  if (terms.maxRedemptions !== null && usage.campaign >= terms.maxRedemptions) return refuse('used_up', 'This offer has been used as many times as it allows.');
  if (terms.perCodeLimit !== null && usage.code >= terms.perCodeLimit) return refuse('code_used_up', 'This code has already been used.');
  if (terms.perContactLimit !== null && order.contactId !== null && usage.contact >= terms.perContactLimit)
    return refuse('limit_per_customer', terms.perContactLimit === 1 ? 'You have already used this offer.' : `You have already used this offer ${terms.perContactLimit} times, as many as it allows.`);
  const currency = terms.discount.kind === 'fixed' ? terms.discount.currency : (terms.minOrder?.currency ?? order.currency);
  if (order.currency !== currency) return refuse('wrong_currency', `This code is for orders in ${currency}.`);
  if (terms.minOrder && order.amount < terms.minOrder.amount)
    return refuse('below_minimum', `This code is for orders of ${formatMoney(terms.minOrder.amount, terms.minOrder.currency, 'en-GB')} or more; this one is ${formatMoney(order.amount, order.currency, 'en-GB')}.`);
  return { ok: true, discount: discountOn(terms.discount, order.amount), currency: order.currency, freeShipping: terms.discount.kind === 'free_shipping' };
}

/** The discount on an order of `amount` minor units: a percentage rounded half up, or a fixed amount up to the order. */
export function discountOn(discount: Discount, amount: number): number {
  if (amount <= 0) return 0;
  if (discount.kind === 'percent') return Math.min(amount, Number((BigInt(amount) * BigInt(discount.bp) * 2n + 10_000n) / 20_000n));
  if (discount.kind === 'fixed') return Math.min(amount, discount.amount);
  return 0;
}
