// The surveys domain's tables (created by migration 0026_surveys.sql; the migration test checks
// these declarations against the database column by column).
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

export const surveys = pgTable('surveys', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  state: text('state').notNull().default(sql`'draft'::text`),
  kind: text('kind').notNull(),
  content: jsonb('content').notNull(),
  settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
  emailTemplateId: uuid('email_template_id'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const surveyWorkspaceSettings = pgTable('survey_workspace_settings', {
  workspaceId: uuid('workspace_id').primaryKey(),
  minDaysBetween: integer('min_days_between'),
});

export const surveySends = pgTable('survey_sends', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  surveyId: uuid('survey_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  sendKey: text('send_key').notNull(),
  templateId: uuid('template_id').notNull(),
  state: text('state').notNull(),
  skipReason: text('skip_reason'),
  reminders: integer('reminders').notNull().default(sql`0`),
  remindedAt: ts('reminded_at'),
  createdAt: ts('created_at').notNull(),
});

export const surveyResponses = pgTable('survey_responses', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  surveyId: uuid('survey_id').notNull(),
  contactId: uuid('contact_id'),
  respondentKey: text('respondent_key').notNull(),
  channel: text('channel').notNull(),
  sendId: uuid('send_id'),
  messageId: uuid('message_id'),
  answers: jsonb('answers').notNull().default(sql`'{}'::jsonb`),
  step: text('step'),
  state: text('state').notNull(),
  score: integer('score'),
  band: text('band'),
  sentiment: text('sentiment'),
  sentimentScore: real('sentiment_score'),
  textLanguage: text('text_language'),
  startedAt: ts('started_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  completedAt: ts('completed_at'),
  recordedAt: ts('recorded_at'),
});
