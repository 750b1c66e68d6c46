// The messaging domain's tables (created by the SQL migrations in src/db/migrations; the
// migration test checks these declarations against the database column by column).
import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const emailSettings = pgTable('email_settings', {
  workspaceId: uuid('workspace_id').primaryKey(),
  smtpHost: text('smtp_host'),
  smtpPort: integer('smtp_port'),
  smtpSecurity: text('smtp_security').notNull().default(sql`'starttls'::text`),
  smtpUser: text('smtp_user'),
  smtpPasswordEncrypted: text('smtp_password_encrypted'),
  fromName: text('from_name').notNull().default(sql`''::text`),
  fromEmail: text('from_email'),
  replyTo: text('reply_to'),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const emailTemplates = pgTable('email_templates', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  subject: text('subject').notNull(),
  preheader: text('preheader').notNull().default(sql`''::text`),
  body: text('body').notNull(),
  defaults: jsonb('defaults').notNull().default(sql`'{}'::jsonb`),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const emailSnippets = pgTable('email_snippets', {
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  body: text('body').notNull(),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.name] })]);

export const emailTopics = pgTable('email_topics', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(sql`''::text`),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const emailTopicOptouts = pgTable('email_topic_optouts', {
  workspaceId: uuid('workspace_id').notNull(),
  topicId: uuid('topic_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
}, (t) => [primaryKey({ columns: [t.topicId, t.contactId] })]);

export const broadcasts = pgTable('broadcasts', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  templateId: uuid('template_id'),
  segmentId: uuid('segment_id'),
  topicId: uuid('topic_id'),
  state: text('state').notNull().default(sql`'draft'::text`),
  scheduledAt: ts('scheduled_at'),
  ratePerMinute: integer('rate_per_minute'),
  snapshot: jsonb('snapshot'),
  recipients: integer('recipients'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  leaseOwner: uuid('lease_owner'),
  leaseUntil: ts('lease_until'),
  waitingReason: text('waiting_reason'),
  waitingSince: ts('waiting_since'),
});

export const emailMessages = pgTable('email_messages', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  contactId: uuid('contact_id'),
  templateId: uuid('template_id'),
  kind: text('kind').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  toEmail: text('to_email').notNull(),
  subject: text('subject'),
  html: text('html'),
  text: text('text'),
  state: text('state').notNull().default(sql`'queued'::text`),
  transport: text('transport'),
  attempts: integer('attempts').notNull().default(sql`0`),
  lastError: text('last_error'),
  serverMessageId: text('server_message_id'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  sentAt: ts('sent_at'),
  broadcastId: uuid('broadcast_id'),
  retryAt: ts('retry_at'),
  topicId: uuid('topic_id'),
  leftOut: text('left_out'),
});

export const emailEngagement = pgTable('email_engagement', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  messageId: uuid('message_id').notNull(),
  broadcastId: uuid('broadcast_id'),
  contactId: uuid('contact_id'),
  kind: text('kind').notNull(),
  url: text('url'),
  prefetch: boolean('prefetch').notNull().default(sql`false`),
  at: ts('at').notNull(),
});

export const emailFeedback = pgTable('email_feedback', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  kind: text('kind').notNull(),
  bounceType: text('bounce_type'),
  source: text('source').notNull(),
  messageId: uuid('message_id'),
  receivedAt: ts('received_at').notNull(),
});

export const emailWebhookSecrets = pgTable('email_webhook_secrets', {
  workspaceId: uuid('workspace_id').primaryKey(),
  secretEncrypted: text('secret_encrypted').notNull(),
  secretHash: text('secret_hash').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  rotatedAt: ts('rotated_at'),
});
