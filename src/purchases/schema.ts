import { bigint, date, integer, pgTable, primaryKey, real, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from '../db/columns.ts';

/**
 * Per contact and currency: orders, refunds, items and amounts (minor units), first and last
 * order. Kept current from the `purchase` and `refund` events by triggers (migration 0015);
 * never written by application code.
 */
export const contactPurchases = pgTable(
  'contact_purchases',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    currency: text('currency').notNull(),
    orders: integer('orders').notNull().default(0),
    refunds: integer('refunds').notNull().default(0),
    items: bigint('items', { mode: 'number' }).notNull().default(0),
    spent: bigint('spent', { mode: 'number' }).notNull().default(0),
    refunded: bigint('refunded', { mode: 'number' }).notNull().default(0),
    firstOrderAt: ts('first_order_at'),
    lastOrderAt: ts('last_order_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.currency] })],
);

/**
 * Per contact, day (the workspace's calendar day) and currency: orders, refunds and amounts.
 * Kept current from the same events by triggers (migration 0027) and rebuilt for a workspace
 * whose time zone changes; what reports and the retention models read instead of every event.
 */
export const purchaseDays = pgTable(
  'purchase_days',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    orders: integer('orders').notNull().default(0),
    refunds: integer('refunds').notNull().default(0),
    spent: bigint('spent', { mode: 'number' }).notNull().default(0),
    refunded: bigint('refunded', { mode: 'number' }).notNull().default(0),
    firstDay: date('first_day', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.day, t.currency] })],
);

/**
 * Per contact and day with orders (any currency): the contact's first, previous and next order
 * days, set by linkOrderDays (order-days.ts) for the contacts the triggers queue in
 * `order_days_pending`.
 */
export const orderDays = pgTable(
  'order_days',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    orders: integer('orders').notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    prevDay: date('prev_day', { mode: 'string' }),
    nextDay: date('next_day', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.day] })],
);

/** Revenue per contact, currency and month, with the next month's (order-days.ts keeps it). */
export const purchaseMonths = pgTable(
  'purchase_months',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    currency: text('currency').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    revenue: bigint('revenue', { mode: 'number' }).notNull(),
    nextRevenue: bigint('next_revenue', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.currency, t.month] })],
);

export const orderDaysPending = pgTable('order_days_pending', {
  workspaceId: uuid('workspace_id').notNull(),
  contactId: uuid('contact_id').notNull(),
});

/**
 * Per contact who has ordered: what the retention models predict (the probability of still
 * being a customer, orders expected in 90 days, expected order value, lifetime value) and the
 * RFM and health scores. Written by each fit of src/retention/ (migration 0028); read as contact
 * fields ("scores.p_alive") by segments, the contact list, templates and the contact page.
 */
export const contactScores = pgTable(
  'contact_scores',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    scoredAt: ts('scored_at').notNull(),
    pAlive: real('p_alive'),
    pAliveBefore: real('p_alive_before'),
    expectedPurchases90: real('expected_purchases_90'),
    currency: text('currency'),
    expectedOrderValue: bigint('expected_order_value', { mode: 'number' }),
    clv: bigint('clv', { mode: 'number' }),
    rfmRecency: smallint('rfm_recency'),
    rfmFrequency: smallint('rfm_frequency'),
    rfmMonetary: smallint('rfm_monetary'),
    health: smallint('health'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId] })],
);
