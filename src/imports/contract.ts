// Request and response shapes of the import API, shared by the server and the web app.
import { z } from 'zod';
import { PROPERTY_TYPES } from '../contacts/fields.ts';
import { dateTime } from '../shared/schemas.ts';

export const IMPORT_KINDS = ['contacts', 'orders'] as const;
export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'completed', 'failed', 'undoing', 'undone'] as const;

/**
 * Where a column goes. Contacts: a built-in field ('email', 'external_id', 'phone',
 * 'first_name', 'last_name', 'lifecycle_stage', 'email_status'), an existing property
 * ('properties.<key>'), a new property (listed in `newProperties`), or 'ignore'.
 * Orders: 'order_id', 'customer_email', 'customer_id', 'ordered_at', 'quantity',
 * 'unit_price', 'line_total', 'order_total', 'currency', 'sku', 'product_name',
 * 'customer_country' (kept as the contact property `country`), or 'ignore'. Contacts may
 * also use 'name' (a full name, split into first and last name where those are not given).
 */
export const columnTarget = z.string().min(1).max(100);

export const ORDER_TARGETS = [
  'order_id',
  'customer_email',
  'customer_id',
  'ordered_at',
  'quantity',
  'unit_price',
  'line_total',
  'order_total',
  'currency',
  'sku',
  'product_name',
  'customer_country',
  'ignore',
] as const;

export const filePreview = z.object({
  format: z.enum(['csv', 'xlsx']),
  /** Detected text encoding (CSV only), e.g. "UTF-8", "UTF-16LE", "windows-1252", "Shift_JIS". */
  encoding: z.string().nullable(),
  /** Detected delimiter (CSV only): ",", ";", "\t" or "|". */
  delimiter: z.string().nullable(),
  /** Whether the first row looks like column names. */
  hasHeader: z.boolean(),
  /** Column names (or "Column 1", "Column 2"… without a header row). */
  columns: z.array(z.string()),
  /** The first rows as text, for the mapping screen. */
  sampleRows: z.array(z.array(z.string())),
  /** The mapping suggested from the column names and sample values: column index → target. */
  suggestedMapping: z.array(columnTarget),
  /** For columns suggested as new properties: key, label and inferred type. */
  suggestedProperties: z.array(
    z.object({ column: z.number().int(), key: z.string(), label: z.string(), type: z.enum(PROPERTY_TYPES) }),
  ),
});
export type FilePreview = z.infer<typeof filePreview>;

export const newProperty = z.object({
  /** The column it comes from. */
  column: z.number().int().min(0),
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and underscores, starting with a letter'),
  label: z.string().trim().min(1).max(100),
  type: z.enum(PROPERTY_TYPES),
  /** Enum options; when empty, the distinct values found in the file become the options. */
  options: z.array(z.string()).default([]),
});

export const startImportBody = z.object({
  /** One target per column, in column order (see `columnTarget`). */
  mapping: z.array(columnTarget),
  newProperties: z.array(newProperty).default([]),
  /** Override what was detected. */
  hasHeader: z.boolean().optional(),
  delimiter: z.string().max(1).optional(),
  encoding: z.string().max(40).optional(),
  /**
   * Did the people in the file agree to receive marketing email? Required when a column is
   * mapped to the email (contacts) or the customer email (orders): 'subscribed' makes the
   * contacts it creates with an address subscribed, and subscribes existing contacts of the
   * file who were not subscribed (never those who unsubscribed, bounced or complained);
   * 'not_subscribed' leaves consent as it is and creates contacts not subscribed. Contacts
   * without an email address are never subscribed. Kept with the import, with who said it and when.
   */
  emailConsent: z.enum(['subscribed', 'not_subscribed']).optional(),
  /** Contacts: whether rows matching an existing contact update it (default true) or are skipped. */
  updateExisting: z.boolean().default(true),
  /** Orders: currency when the file has no currency column (ISO 4217, e.g. "GBP"). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code like GBP')
    .optional(),
});
export type StartImportBody = z.input<typeof startImportBody>;

export const IMPORT_OUTCOMES = ['imported', 'imported_with_problems', 'nothing_imported', 'failed'] as const;

export const importInfo = z.object({
  id: z.uuid(),
  kind: z.enum(IMPORT_KINDS),
  status: z.enum(IMPORT_STATUSES),
  /**
   * What it achieved, once finished: 'imported'; 'imported_with_problems' (rows skipped or
   * values left out); 'nothing_imported' (no contact or order written: every row skipped, an
   * empty file…), a failure even though the job ran to its end; 'failed' (the job stopped).
   * Null while it runs. `outcomeReason` says why, in a sentence.
   */
  outcome: z.enum(IMPORT_OUTCOMES).nullable(),
  outcomeReason: z.string().nullable(),
  fileName: z.string(),
  fileSize: z.number(),
  /** Progress: bytes of the stored file (compressed, for a .gz) read by the current pass. */
  bytesRead: z.number(),
  /** The pass a running import is in: reading the file, checking its dates, writing customers, writing orders. */
  phase: z.enum(['reading', 'dates', 'customers', 'orders']).nullable(),
  totalRows: z.number().nullable(),
  processedRows: z.number(),
  createdCount: z.number(),
  updatedCount: z.number(),
  /** Rows that named a contact already named by an earlier row of the same file. */
  mergedCount: z.number(),
  /** Rows not imported at all (see the errors, kind 'skipped'). */
  skippedCount: z.number(),
  /** Values that did not fit their field, left out of rows that were imported (kind 'left_out'). */
  valuesLeftOut: z.number(),
  /**
   * Orders: lineItems, orders (found in the file), customers, purchases, refunds,
   * rowsWithoutCustomer, ordersAlreadyImported; written as the import runs.
   */
  stats: z.record(z.string(), z.number()),
  /** The answer to the consent question, and who gave it when (absent when no email column was mapped). */
  consent: z
    .object({
      emailConsent: z.enum(['subscribed', 'not_subscribed']),
      statedAt: dateTime,
      via: z.enum(['web', 'api', 'cli']),
      statedBy: z.string(),
    })
    .nullable(),
  error: z.string().nullable(),
  preview: filePreview.nullable(),
  createdAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  undoneAt: dateTime.nullable(),
});
export type ImportInfo = z.infer<typeof importInfo>;

export const importError = z.object({
  rowNumber: z.number(),
  /** 'skipped': the row was not imported; 'left_out': the row was, without the value of `column`. */
  kind: z.enum(['skipped', 'left_out']),
  /** The column of a value left out, as the file names it. */
  column: z.string().nullable(),
  reason: z.string(),
  raw: z.string().nullable(),
});
