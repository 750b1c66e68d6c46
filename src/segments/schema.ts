// The segments domain's tables (created by the SQL migrations in src/db/migrations; the
// migration test checks these declarations against the database column by column).
// Membership is written by set-based SQL in membership.ts and lists.ts, not through the ORM.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const segments = pgTable('segments', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(sql`''::text`),
  definition: jsonb('definition'),
  dependsOnEvents: text('depends_on_events').array().notNull().default(sql`'{}'::text[]`),
  dependsOnFields: text('depends_on_fields').array().notNull().default(sql`'{}'::text[]`),
  dependsOnSegments: uuid('depends_on_segments').array().notNull().default(sql`'{}'::uuid[]`),
  timeRelative: boolean('time_relative').notNull().default(sql`false`),
  memberCount: integer('member_count').notNull().default(sql`0`),
  evaluatedAt: ts('evaluated_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const segmentMembers = pgTable('segment_members', {
  workspaceId: uuid('workspace_id').notNull(),
  segmentId: uuid('segment_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  enteredAt: ts('entered_at').notNull(),
  exitedAt: ts('exited_at'),
});

export const segmentSizes = pgTable('segment_sizes', {
  segmentId: uuid('segment_id').notNull(),
  day: date('day').notNull(),
  size: integer('size').notNull(),
}, (t) => [primaryKey({ columns: [t.segmentId, t.day] })]);

export const segmentPending = pgTable('segment_pending', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  reason: text('reason').notNull(),
});
