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

/** A contact's orders in every currency; amounts are never summed across currencies. */
export const purchaseSummary = z.object({
  orders: z.number().int(),
  refunds: z.number().int(),
  items: z.number().int(),
  firstOrderAt: dateTime.nullable(),
  lastOrderAt: dateTime.nullable(),
  /** Most orders first. */
  currencies: z.array(currencyTotals),
});
export type PurchaseSummary = z.infer<typeof purchaseSummary>;
