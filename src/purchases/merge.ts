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
