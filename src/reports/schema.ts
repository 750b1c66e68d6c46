// The reports domain's table (migration 0027_reports.sql). The rows reports read per contact
// and day (`purchase_days`) belong to the purchase model (src/purchases/schema.ts).
import { sql } from 'drizzle-orm';
import { integer, pgTable, uuid } from 'drizzle-orm/pg-core';

export const reportSettings = pgTable('report_settings', {
  workspaceId: uuid('workspace_id').primaryKey(),
  activeDays: integer('active_days').notNull().default(90),
  attributionDays: integer('attribution_days').notNull().default(5),
  digestUserIds: uuid('digest_user_ids').array().notNull().default(sql`'{}'::uuid[]`),
});
