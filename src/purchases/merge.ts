// What an email template sees of a contact's orders: {{ contact.purchases.total_spent }}.
// Amounts are written as money in the currency most of the contact's orders are in
// ("£19.00"); counts are numbers; dates are days (YYYY-MM-DD). A contact without orders gets
// 0 counts and empty amounts, which template defaults fill ("| default: …").
import type { PurchaseSummary } from './contract.ts';
import { formatMoney } from '../shared/money.ts';

export const PURCHASE_MERGE_FIELDS = {
  orders: 'Number of orders',
  items: 'Items bought',
  refunds: 'Number of refunds',
  total_spent: 'Total spent, as money (£19.00)',
  net_spent: 'Total spent after refunds',
  average_order: 'Average order value',
  first_order_date: 'Day of the first order (YYYY-MM-DD)',
  last_order_date: 'Day of the last order (YYYY-MM-DD)',
  currency: 'Currency of those amounts (GBP)',
} as const;

const day = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString().slice(0, 10));

export function purchaseMergeData(s: PurchaseSummary): Record<keyof typeof PURCHASE_MERGE_FIELDS, string | number | null> {
  const main = s.currencies[0];
  const money = (minor: number | null | undefined) => (main && minor !== null && minor !== undefined ? formatMoney(minor, main.currency, 'en-GB') : null);
  return {
    orders: s.orders,
    items: s.items,
    refunds: s.refunds,
    total_spent: money(main?.spent),
    net_spent: money(main?.net),
    average_order: money(main?.averageOrder),
    first_order_date: day(s.firstOrderAt),
    last_order_date: day(s.lastOrderAt),
    currency: main?.currency ?? null,
  };
}

/** What a template sees of a customer's retention scores: {{ contact.scores.p_alive }}. */
export const SCORE_MERGE_FIELDS = {
  p_alive: 'Chance they are still a customer, as a percentage (82)',
  expected_purchases_90: 'Orders expected in the next 90 days (1.4)',
  expected_order_value: 'Expected value of their next order, as money',
  clv: 'Expected value over the next 12 months, as money',
  health: 'Health score, 0 to 100',
  rfm_recency: 'RFM recency, 1 to 5',
  rfm_frequency: 'RFM frequency, 1 to 5',
  rfm_monetary: 'RFM monetary, 1 to 5',
} as const;

export function scoreMergeData(s: PurchaseSummary): Record<keyof typeof SCORE_MERGE_FIELDS, string | number | null> {
  const c = s.scores;
  const money = (minor: number | null | undefined) => (c?.currency && minor !== null && minor !== undefined ? formatMoney(minor, c.currency, 'en-GB') : null);
  return {
    p_alive: c?.pAlive === null || c?.pAlive === undefined ? null : Math.round(c.pAlive * 100),
    expected_purchases_90: c?.expectedPurchases90 === null || c?.expectedPurchases90 === undefined ? null : Math.round(c.expectedPurchases90 * 10) / 10,
    expected_order_value: money(c?.expectedOrderValue),
    clv: money(c?.clv),
    health: c?.health ?? null,
    rfm_recency: c?.rfm.recency ?? null,
    rfm_frequency: c?.rfm.frequency ?? null,
    rfm_monetary: c?.rfm.monetary ?? null,
  };
}
