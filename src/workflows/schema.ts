// The workflows domain's tables (created by migration 0025_workflows.sql; the migration test
// checks these declarations against the database column by column). Enrollments are moved by
// set-based SQL in engine/, not through the ORM.
import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const workflows = pgTable('workflows', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(sql`''::text`),
  state: text('state').notNull().default(sql`'draft'::text`),
  draft: jsonb('draft'),
  liveVersionId: uuid('live_version_id'),
  holdoutBp: integer('holdout_bp').notNull().default(sql`0`),
  settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
  webhookSecret: text('webhook_secret').notNull(),
  dateCheckedAt: ts('date_checked_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const workflowVersions = pgTable('workflow_versions', {
  id: idColumn(),
  workflowId: uuid('workflow_id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  number: integer('number').notNull(),
  graph: jsonb('graph').notNull(),
  publishedAt: ts('published_at').notNull(),
  publishedBy: uuid('published_by'),
});

export const workflowEnrollments = pgTable('workflow_enrollments', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  workflowId: uuid('workflow_id').notNull(),
  versionId: uuid('version_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  entryKey: text('entry_key').notNull(),
  step: text('step'),
  state: text('state').notNull(),
  outcome: text('outcome'),
  outcomeDetail: text('outcome_detail'),
  holdout: boolean('holdout').notNull().default(sql`false`),
  wakeAt: ts('wake_at'),
  waitingFor: text('waiting_for'),
  path: text('path').array().notNull().default(sql`'{}'::text[]`),
  triggerEventId: uuid('trigger_event_id'),
  enteredAt: ts('entered_at').notNull(),
  stepEnteredAt: ts('step_entered_at').notNull(),
  leftAt: ts('left_at'),
});

export const workflowStepCounts = pgTable(
  'workflow_step_counts',
  {
    versionId: uuid('version_id').notNull(),
    step: text('step').notNull(),
    passed: bigint('passed', { mode: 'number' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.step] })],
);

export const workflowDependencies = pgTable(
  'workflow_dependencies',
  {
    workspaceId: uuid('workspace_id').notNull(),
    workflowId: uuid('workflow_id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.kind, t.name] })],
);

export const workflowPending = pgTable('workflow_pending', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  reason: text('reason').notNull(),
  eventId: uuid('event_id'),
});

export const workflowWebhookCalls = pgTable('workflow_webhook_calls', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  workflowId: uuid('workflow_id').notNull(),
  enrollmentId: uuid('enrollment_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  step: text('step').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  url: text('url').notNull(),
  body: jsonb('body').notNull(),
  state: text('state').notNull().default(sql`'queued'::text`),
  attempts: integer('attempts').notNull().default(sql`0`),
  nextAttemptAt: ts('next_attempt_at').notNull(),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  responseExcerpt: text('response_excerpt'),
  createdAt: ts('created_at').notNull(),
  deliveredAt: ts('delivered_at'),
});
