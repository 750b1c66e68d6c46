// The loyalty domain's tables (migration 0029_loyalty_ledger.sql): the points ledger.
import { bigint, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from '../db/columns.ts';

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
