import { idColumn, ts } from '../db/columns.ts';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: idColumn(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  id: idColumn(),
  tokenHash: text('token_hash').notNull(),
  userId: uuid('user_id').notNull(),
  workspaceId: uuid('workspace_id'),
  userAgent: text('user_agent'),
  ip: text('ip'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
});

export const authAttempts = pgTable('auth_attempts', {
  key: text('key').notNull(),
  attemptedAt: ts('attempted_at').notNull(),
  attemptId: uuid('attempt_id'),
});

export const passwordResets = pgTable('password_resets', {
  id: idColumn(),
  userId: uuid('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
});
