// The coupons domain's tables (migration 0030_coupons.sql): campaigns, codes, generation
// batches and redemptions.
import { bigint, boolean, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const couponCampaigns = pgTable('coupon_campaigns', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  codeKind: text('code_kind').notNull(),
  codeSpec: jsonb('code_spec'),
  discountKind: text('discount_kind').notNull(),
  percentBp: integer('percent_bp'),
  amountMinor: bigint('amount_minor', { mode: 'number' }),
  currency: text('currency'),
  minOrderMinor: bigint('min_order_minor', { mode: 'number' }),
  startsAt: ts('starts_at'),
  endsAt: ts('ends_at'),
  maxRedemptions: integer('max_redemptions'),
  perContactLimit: integer('per_contact_limit'),
  perCodeLimit: integer('per_code_limit'),
  channel: text('channel').notNull(),
  channelDetail: text('channel_detail'),
  state: text('state').notNull().default('active'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const couponCodes = pgTable('coupon_codes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: uuid('workspace_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  code: text('code').notNull(),
  contactId: uuid('contact_id'),
  channel: text('channel'),
  channelDetail: text('channel_detail'),
  batchId: uuid('batch_id'),
  issueKey: text('issue_key'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const couponBatches = pgTable('coupon_batches', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  requested: integer('requested').notNull(),
  generated: integer('generated').notNull().default(0),
  state: text('state').notNull().default('running'),
  error: text('error'),
  channel: text('channel'),
  channelDetail: text('channel_detail'),
  createdAt: ts('created_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
});

export const couponRedemptions = pgTable('coupon_redemptions', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  codeId: bigint('code_id', { mode: 'number' }).notNull(),
  contactId: uuid('contact_id'),
  orderId: text('order_id'),
  orderMinor: bigint('order_minor', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
  freeShipping: boolean('free_shipping').notNull().default(false),
  state: text('state').notNull(),
  reservedUntil: ts('reserved_until'),
  idempotencyKey: text('idempotency_key').notNull(),
  channel: text('channel').notNull(),
  channelDetail: text('channel_detail'),
  createdAt: ts('created_at').notNull(),
  redeemedAt: ts('redeemed_at'),
  endedAt: ts('ended_at'),
});
