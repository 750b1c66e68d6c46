// The retention domain's tables (migration 0028_retention.sql). The per-contact scores it
// writes (`contact_scores`) belong to the purchase model (src/purchases/schema.ts), which the
// layers below read.
import { sql } from 'drizzle-orm';
import { boolean, date, integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const retentionFits = pgTable('retention_fits', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  cause: text('cause').notNull(),
  state: text('state').notNull(),
  until: date('until', { mode: 'string' }).notNull(),
  since: date('since', { mode: 'string' }),
  scored: boolean('scored').notNull().default(sql`false`),
  customers: integer('customers'),
  result: jsonb('result'),
  error: text('error'),
  startedAt: ts('started_at').notNull(),
  finishedAt: ts('finished_at'),
});

export const retentionSettings = pgTable('retention_settings', {
  workspaceId: uuid('workspace_id').primaryKey(),
  windowDays: integer('window_days'),
  holdoutDays: integer('holdout_days'),
  horizonMonths: integer('horizon_months').notNull().default(12),
  discountRate: real('discount_rate').notNull().default(0.1),
  refit: text('refit').notNull().default('nightly'),
  renewalEvent: text('renewal_event'),
  renewalPeriod: text('renewal_period').notNull().default('month'),
});
