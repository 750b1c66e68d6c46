// The purchase summary as the API returns it (shared with the web app: zod only).
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';

/** One currency's figures. Amounts are integer minor units of `currency` (1900 GBP is £19.00). */
export const currencyTotals = z.object({
  currency: z.string(),
  orders: z.number().int(),
  refunds: z.number().int(),
  items: z.number().int(),
  /** What the orders came to. */
  spent: z.number().int(),
  /** What refunds gave back. */
  refunded: z.number().int(),
  /** spent − refunded. */
  net: z.number().int(),
  /** spent ÷ orders, rounded to the minor unit; null without orders. */
  averageOrder: z.number().int().nullable(),
  firstOrderAt: dateTime.nullable(),
  lastOrderAt: dateTime.nullable(),
});
export type CurrencyTotals = z.infer<typeof currencyTotals>;

/**
 * What the retention models predict of a customer (written by each fit, see src/retention/);
 * null for a contact who never ordered or before the first fit.
 */
export const contactScores = z.object({
  scoredAt: dateTime,
  /** The probability (0..1) that they still buy from you; null when the history was too thin to trust a model. */
  pAlive: z.number().nullable(),
  /** The same at the fit before. */
  pAliveBefore: z.number().nullable(),
  /** Days with orders expected in the next 90 days. */
  expectedPurchases90: z.number().nullable(),
  /** The currency of the two amounts: the one most of their orders are in. */
  currency: z.string().nullable(),
  /** Expected value of an order, minor units. */
  expectedOrderValue: z.number().int().nullable(),
  /** Expected value over the horizon (12 months unless set otherwise), discounted, minor units. */
  clv: z.number().int().nullable(),
  /** Quintiles 1..5 among the workspace's customers. */
  rfm: z.object({ recency: z.number().int().nullable(), frequency: z.number().int().nullable(), monetary: z.number().int().nullable() }),
  /** 0..100. */
  health: z.number().int().nullable(),
});
export type ContactScores = z.infer<typeof contactScores>;

/** A contact's orders in every currency; amounts are never summed across currencies. */
export const purchaseSummary = z.object({
  orders: z.number().int(),
  refunds: z.number().int(),
  items: z.number().int(),
  firstOrderAt: dateTime.nullable(),
  lastOrderAt: dateTime.nullable(),
  /** Most orders first. */
  currencies: z.array(currencyTotals),
  scores: contactScores.nullable(),
});
export type PurchaseSummary = z.infer<typeof purchaseSummary>;
