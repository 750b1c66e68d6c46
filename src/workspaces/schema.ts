import { idColumn, ts } from '../db/columns.ts';
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';

import type { ApiKeyScope, Role } from './roles.ts';

export type { ApiKeyScope, Role } from './roles.ts';

export const workspaces = pgTable('workspaces', {
  id: idColumn(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** ISO 3166 country assumed for phone numbers without an international prefix. */
  defaultCountry: text('default_country'),
  /** The sender's postal address, which marketing email must carry. */
  postalAddress: text('postal_address').notNull().default(''),
  /** ISO 4217 currency assumed for e-commerce events that name none (unset: USD, as Segment's spec says). */
  defaultCurrency: text('default_currency'),
  /** IANA time zone for times of day (a contact's own `timezone` property wins). */
  timezone: text('timezone').notNull().default(sql`'UTC'::text`),
  /** The workspace-wide control group, in basis points of contacts (never enrolled, never sent marketing). */
  controlBp: integer('control_bp').notNull().default(sql`0`),
  /** Frequency cap and quiet hours for marketing email. */
  emailLimits: jsonb('email_limits').notNull().default(sql`'{}'::jsonb`),
});

export const workspaceMembers = pgTable(
  'workspace_members',
  {
    workspaceId: uuid('workspace_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<Role>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);

export const invitations = pgTable('invitations', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  email: text('email').notNull(),
  role: text('role').$type<Exclude<Role, 'owner'>>().notNull(),
  tokenHash: text('token_hash').notNull(),
  invitedBy: uuid('invited_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  acceptedAt: ts('accepted_at'),
  acceptedBy: uuid('accepted_by'),
  revokedAt: ts('revoked_at'),
});

export const apiKeys = pgTable('api_keys', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  scope: text('scope').$type<ApiKeyScope>().notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});
