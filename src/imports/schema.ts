import { bigint, customType, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export type ImportKind = 'contacts' | 'orders';
export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'completed' | 'failed' | 'undoing' | 'undone';
export type ImportOutcome = 'imported' | 'imported_with_problems' | 'nothing_imported' | 'failed';
/** The pass a running import is in: reading the file, checking its dates, writing customers, writing orders. */
export type ImportPhase = 'reading' | 'dates' | 'customers' | 'orders';

export const imports = pgTable('imports', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  kind: text('kind').$type<ImportKind>().notNull(),
  status: text('status').$type<ImportStatus>().notNull(),
  fileName: text('file_name').notNull(),
  fileSize: bigint('file_size', { mode: 'number' }).notNull().default(0),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  totalRows: integer('total_rows'),
  processedRows: integer('processed_rows').notNull().default(0),
  createdCount: integer('created_count').notNull().default(0),
  updatedCount: integer('updated_count').notNull().default(0),
  mergedCount: integer('merged_count').notNull().default(0),
  skippedCount: integer('skipped_count').notNull().default(0),
  /** Values that did not fit their field, left out of rows that were imported. */
  valuesLeftOut: integer('values_left_out').notNull().default(0),
  stats: jsonb('stats').$type<Record<string, number>>().notNull().default({}),
  error: text('error'),
  outcome: text('outcome').$type<ImportOutcome>(),
  outcomeReason: text('outcome_reason'),
  /** Progress: bytes of the stored (possibly compressed) file read by the current pass. */
  bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
  phase: text('phase').$type<ImportPhase>(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  undoneAt: ts('undone_at'),
  /** Who asked for the undo (recorded with the deletion when it runs). */
  undoUserId: uuid('undo_user_id'),
  undoApiKeyId: uuid('undo_api_key_id'),
  /** The process working on it (upload, run, undo) and until when, renewed while it works: see lease.ts. */
  leaseOwner: text('lease_owner'),
  leaseUntil: ts('lease_until'),
  /** Runs that started: a file that stops its process every time fails after a few. */
  attempts: integer('attempts').notNull().default(0),
});

export const importChunks = pgTable(
  'import_chunks',
  {
    importId: uuid('import_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

export const importErrors = pgTable(
  'import_errors',
  {
    importId: uuid('import_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    reason: text('reason').notNull(),
    raw: text('raw'),
    /** 'skipped': the row was not imported; 'left_out': the row was, without this value. */
    kind: text('kind').$type<'skipped' | 'left_out'>().notNull().default('skipped'),
    /** The column of a value left out, as the file names it. */
    columnName: text('column_name'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber, t.reason] })],
);

/** An order-history import's lines, staged before they become purchase and refund events (unlogged: rebuilt from the file if lost). */
export const importOrderLines = pgTable(
  'import_order_lines',
  {
    importId: uuid('import_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    orderId: text('order_id').notNull(),
    /** The external id, or else the email: who bought. */
    customerKey: text('customer_key'),
    customerId: text('customer_id'),
    customerEmail: text('customer_email'),
    customerCountry: text('customer_country'),
    contactId: uuid('contact_id'),
    orderedAt: ts('ordered_at').notNull(),
    quantity: numeric('quantity'),
    /** Money in minor units of `currency`; a unit price may have fractions of one. */
    unitPriceMinor: numeric('unit_price_minor'),
    lineTotalMinor: numeric('line_total_minor'),
    orderTotalMinor: numeric('order_total_minor'),
    currency: text('currency').notNull(),
    sku: text('sku'),
    productName: text('product_name'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber] })],
);
