// The loyalty domain's tables: the points ledger (migration 0029_loyalty_ledger.sql) and the
// program around it (0031_loyalty_program.sql).
import { bigint, boolean, date, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();

export const loyaltyAccounts = pgTable('loyalty_accounts', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull(),
  kind: text('kind').notNull(),
  contactId: uuid('contact_id'),
  balance: bigint('balance', { mode: 'number' }).notNull().default(0),
  debt: bigint('debt', { mode: 'number' }).notNull().default(0),
});

export const loyaltyTransfers = pgTable('loyalty_transfers', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull(),
  fromAccount: bigint('from_account', { mode: 'number' }).notNull(),
  toAccount: bigint('to_account', { mode: 'number' }).notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  cause: text('cause').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  reason: text('reason'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
});

export const loyaltyLots = pgTable('loyalty_lots', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull(),
  accountId: bigint('account_id', { mode: 'number' }).notNull(),
  transferId: bigint('transfer_id', { mode: 'number' }).notNull(),
  points: bigint('points', { mode: 'number' }).notNull(),
  debtPaid: bigint('debt_paid', { mode: 'number' }).notNull().default(0),
  remaining: bigint('remaining', { mode: 'number' }).notNull(),
  availableAt: ts('available_at').notNull(),
  expiresAt: ts('expires_at'),
  ruleId: uuid('rule_id'),
  sourceEventId: uuid('source_event_id'),
  earnedAt: ts('earned_at'),
  reversed: bigint('reversed', { mode: 'number' }).notNull().default(0),
});

export const loyaltyAllocations = pgTable(
  'loyalty_allocations',
  {
    transferId: bigint('transfer_id', { mode: 'number' }).notNull(),
    lotId: bigint('lot_id', { mode: 'number' }).notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.transferId, t.lotId] })],
);

export const loyaltyPrograms = pgTable('loyalty_programs', {
  workspaceId: uuid('workspace_id').primaryKey(),
  state: text('state').notNull().default('active'),
  name: text('name').notNull().default('Rewards'),
  refundPolicy: text('refund_policy').notNull().default('negative'),
  inactivityDays: integer('inactivity_days'),
  tierBasis: text('tier_basis').notNull().default('points'),
  tierCurrency: text('tier_currency'),
  tierWindow: text('tier_window').notNull().default('lifetime'),
  downgrade: text('downgrade').notNull().default('period_end'),
  pointValueMinor: numeric('point_value_minor'),
  pointValueCurrency: text('point_value_currency'),
  earnFrom: ts('earn_from').notNull().defaultNow(),
  tiersReviewedFor: text('tiers_reviewed_for'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const loyaltyRules = pgTable('loyalty_rules', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  eventName: text('event_name').notNull(),
  currency: text('currency'),
  pointsPerUnit: integer('points_per_unit'),
  multipliers: jsonb('multipliers').notNull().default([]),
  points: integer('points'),
  pendingDays: integer('pending_days').notNull().default(0),
  limitCount: integer('limit_count'),
  limitPeriod: text('limit_period'),
  expiry: jsonb('expiry').notNull().default({ kind: 'never' }),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const loyaltyTiers = pgTable('loyalty_tiers', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  threshold: bigint('threshold', { mode: 'number' }).notNull(),
  multiplierBp: integer('multiplier_bp').notNull().default(10000),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const loyaltyRewards = pgTable('loyalty_rewards', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  kind: text('kind').notNull(),
  campaignId: uuid('campaign_id'),
  pointsCost: bigint('points_cost', { mode: 'number' }).notNull(),
  stock: integer('stock'),
  redeemed: integer('redeemed').notNull().default(0),
  perContactLimit: integer('per_contact_limit'),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const loyaltyRewardRedemptions = pgTable('loyalty_reward_redemptions', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  rewardId: uuid('reward_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  points: bigint('points', { mode: 'number' }).notNull(),
  transferId: bigint('transfer_id', { mode: 'number' }).notNull(),
  codeId: bigint('code_id', { mode: 'number' }),
  code: text('code'),
  idempotencyKey: text('idempotency_key').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
});

export const loyaltyMembers = pgTable(
  'loyalty_members',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    points: bigint('points', { mode: 'number' }).notNull().default(0),
    pending: bigint('pending', { mode: 'number' }).notNull().default(0),
    lifetime: bigint('lifetime', { mode: 'number' }).notNull().default(0),
    debt: bigint('debt', { mode: 'number' }).notNull().default(0),
    tierId: uuid('tier_id'),
    tierName: text('tier_name'),
    tierSince: ts('tier_since'),
    qualifying: bigint('qualifying', { mode: 'number' }).notNull().default(0),
    nextExpiryAt: ts('next_expiry_at'),
    nextExpiryPoints: bigint('next_expiry_points', { mode: 'number' }),
    lastActivityAt: ts('last_activity_at'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId] })],
);

export const loyaltyPending = pgTable('loyalty_pending', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: uuid('workspace_id').notNull(),
  eventId: uuid('event_id').notNull(),
});

export const loyaltyTierSizes = pgTable(
  'loyalty_tier_sizes',
  {
    workspaceId: uuid('workspace_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    tierId: uuid('tier_id'),
    tierName: text('tier_name').notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.tierName] })],
);
