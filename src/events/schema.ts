import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

/** The event spine: everything that happens to a contact. Append-only. */
export const events = pgTable('events', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  contactId: uuid('contact_id').notNull(),
  name: text('name').notNull(),
  properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
  occurredAt: ts('occurred_at').notNull(),
  receivedAt: ts('received_at').notNull(),
  source: text('source').notNull(),
  messageId: text('message_id').notNull(),
  importId: uuid('import_id'),
});
