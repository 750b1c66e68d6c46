import { and, desc, eq } from 'drizzle-orm';
import { listDefinitions } from '../contacts/properties.ts';
import { CONTACT_FIELDS } from '../contacts/fields.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, type FieldIssue, notFound, tooLarge as fileTooLarge } from '../errors.ts';
import { type FilePreview, type ImportInfo, ORDER_TARGETS, type startImportBody } from './contract.ts';
import type { z } from 'zod';
import { BIRTHDAY_PARTS } from './mapping.ts';
import { buildPreview } from './preview.ts';
import { type ImportKind, imports } from './schema.ts';
import { ImportLease } from './lease.ts';
import { deleteFile, saveFile } from './storage.ts';

/** Who answered the consent question: a person in the web app, an API key, or the command line. */
export interface ConsentStatement {
  emailConsent: EmailConsent;
  /** ISO 8601. */
  statedAt: string;
  via: 'web' | 'api' | 'cli';
  /** As a person reads it: an email address, an API key's name, "rapport import (CLI) as <user>". */
  statedBy: string;
  userId?: string | null;
  apiKeyId?: string;
}

export type EmailConsent = 'subscribed' | 'not_subscribed';

/** What an import remembers between the upload, the start and the job. */
export interface ImportSettings {
  preview?: FilePreview;
  mapping?: string[];
  newProperties?: z.output<typeof startImportBody>['newProperties'];
  options?: { updateExisting: boolean; currency?: string };
  /** The stated consent: the record a regulator asks for. Absent when no email column was mapped. */
  consent?: ConsentStatement;
  /** The last file row whose batch committed: a restarted job goes on after it. */
  lastRow?: number;
}

export type ImportRecord = typeof imports.$inferSelect;

export const MAX_IMPORT_BYTES = Number(process.env.RAPPORT_MAX_IMPORT_BYTES ?? 1024 * 1024 * 1024);

export function toInfo(row: ImportRecord): ImportInfo {
  const settings = row.settings as ImportSettings;
  const consent = settings.consent;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    outcome: row.outcome,
    outcomeReason: row.outcomeReason,
    fileName: row.fileName,
    fileSize: row.fileSize,
    bytesRead: row.bytesRead,
    phase: row.status === 'running' ? row.phase : null,
    totalRows: row.totalRows,
    processedRows: row.processedRows,
    createdCount: row.createdCount,
    updatedCount: row.updatedCount,
    mergedCount: row.mergedCount,
    skippedCount: row.skippedCount,
    valuesLeftOut: row.valuesLeftOut,
    stats: row.stats,
    consent: consent ? { emailConsent: consent.emailConsent, statedAt: new Date(consent.statedAt), via: consent.via, statedBy: consent.statedBy } : null,
    error: row.error,
    preview: settings.preview ?? null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    undoneAt: row.undoneAt,
  };
}

/** Stores an uploaded file and reads its preview; the import waits for its mapping. */
export async function createImport(
  ctx: AppContext,
  workspaceId: string,
  createdBy: string | null,
  kind: ImportKind,
  fileName: string,
  content: AsyncIterable<Buffer | Uint8Array | string>,
): Promise<ImportRecord> {
  // Held by this process while the file arrives: an upload cut off by a crash is failed by
  // whoever finds its lease run out (recover.ts), and can then be deleted.
  const [row] = await ctx.db.orm
    .insert(imports)
    .values({ workspaceId, kind, status: 'uploaded', fileName: fileName.slice(0, 255) || 'upload', createdBy, createdAt: ctx.clock.now(), ...ImportLease.fresh(ctx) })
    .returning();
  const id = row!.id;
  const lease = ImportLease.adopt(ctx, row!);
  try {
    const { size, tooLarge } = await saveFile(ctx, workspaceId, id, content, MAX_IMPORT_BYTES);
    if (tooLarge) throw fileTooLarge(`The file is larger than ${Math.round(MAX_IMPORT_BYTES / 1024 / 1024)} MB.`);
    if (size === 0) throw badRequest('The file is empty.', [{ path: 'file', message: 'is empty' }]);
    const preview = await buildPreview(ctx, workspaceId, id, kind, fileName);
    if (preview.columns.length === 0 || (preview.sampleRows.length === 0 && !preview.hasHeader)) {
      throw badRequest('No rows were found in the file.', [{ path: 'file', message: 'has no rows' }]);
    }
    const [updated] = await ctx.db.orm
      .update(imports)
      .set({ fileSize: size, settings: { preview }, leaseOwner: null, leaseUntil: null })
      .where(eq(imports.id, id))
      .returning();
    return updated!;
  } catch (err) {
    await ctx.db.orm.delete(imports).where(eq(imports.id, id));
    throw err;
  } finally {
    await lease.release();
  }
}

export async function getImport(ctx: AppContext, workspaceId: string, id: string): Promise<ImportRecord> {
  const [row] = await ctx.db.orm.select().from(imports).where(and(eq(imports.id, id), eq(imports.workspaceId, workspaceId)));
  if (!row) throw notFound('The import');
  return row;
}

export async function listImports(ctx: AppContext, workspaceId: string, limit = 50): Promise<ImportRecord[]> {
  return ctx.db.orm.select().from(imports).where(eq(imports.workspaceId, workspaceId)).orderBy(desc(imports.createdAt)).limit(limit);
}

/**
 * Checks the mapping against the file and the workspace's properties, and that the import can
 * tell who each row is and whether they agreed to marketing email; then queues the job.
 * `statedBy` is who starts it: their answer to the consent question is recorded with it.
 */
export async function startImport(
  ctx: AppContext,
  workspaceId: string,
  id: string,
  body: z.output<typeof startImportBody>,
  statedBy: Omit<ConsentStatement, 'emailConsent' | 'statedAt'>,
  /** `enqueue: false`: the caller runs it itself (the CLI), no worker may take it meanwhile. */
  options: { enqueue?: boolean } = {},
): Promise<ImportRecord> {
  const row = await getImport(ctx, workspaceId, id);
  if (row.status !== 'uploaded') throw conflict(`This import is ${row.status}; it can be started once.`);
  let settings = row.settings as ImportSettings;
  if (!settings.preview) throw conflict(UPLOAD_CUT_OFF);
  if (body.delimiter !== undefined || body.encoding !== undefined || body.hasHeader !== undefined) {
    const preview = await buildPreview(ctx, workspaceId, id, row.kind, row.fileName, {
      delimiter: body.delimiter,
      encoding: body.encoding,
      hasHeader: body.hasHeader,
    });
    settings = { ...settings, preview };
  }
  const preview = settings.preview!;
  const issues = await checkMapping(ctx, workspaceId, row.kind, preview, body);
  if (issues.length > 0) throw badRequest(mappingProblem(issues), issues);
  const emailMapped = body.mapping.includes(row.kind === 'contacts' ? 'email' : 'customer_email');
  if (emailMapped && body.emailConsent === undefined) {
    throw badRequest(
      'Say whether the people in this file agreed to receive marketing email: send emailConsent "subscribed" (they did) or "not_subscribed" (they did not, or you do not know).',
      [{ path: 'emailConsent', message: 'is required when a column is mapped to the email: "subscribed" or "not_subscribed"' }],
    );
  }
  const next: ImportSettings = {
    preview,
    mapping: body.mapping,
    newProperties: body.newProperties,
    options: { updateExisting: body.updateExisting, currency: body.currency },
    ...(emailMapped ? { consent: { ...statedBy, emailConsent: body.emailConsent!, statedAt: ctx.clock.now().toISOString() } } : {}),
  };
  const [updated] = await ctx.db.orm
    .update(imports)
    .set({ status: 'queued', settings: next as Record<string, unknown> })
    .where(and(eq(imports.id, id), eq(imports.status, 'uploaded')))
    .returning();
  if (!updated) throw conflict('This import has already been started.');
  if (options.enqueue !== false) await ctx.jobs.send('imports.run', { importId: id });
  return updated;
}

/** The headline of a 400: a missing column (the identity above all) is what people must fix first. */
function mappingProblem(issues: FieldIssue[]): string {
  const missing = issues.find((i) => i.path === 'mapping' && i.message.startsWith('needs a column'));
  return missing ? `The mapping ${missing.message}.` : 'The mapping does not fit the file.';
}

async function checkMapping(
  ctx: AppContext,
  workspaceId: string,
  kind: ImportKind,
  preview: FilePreview,
  body: z.output<typeof startImportBody>,
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  if (body.mapping.length !== preview.columns.length) {
    issues.push({ path: 'mapping', message: `must have one target per column: the file has ${preview.columns.length} columns` });
    return issues;
  }
  const seen = new Map<string, number>();
  if (kind === 'contacts') {
    const defs = new Set((await listDefinitions(ctx, workspaceId)).map((d) => d.key));
    const created = new Set(body.newProperties.map((p) => p.key));
    body.newProperties.forEach((p, i) => {
      if (defs.has(p.key)) issues.push({ path: `newProperties.${i}.key`, message: `"${p.key}" exists already; map the column to it instead` });
      if (p.key in CONTACT_FIELDS) issues.push({ path: `newProperties.${i}.key`, message: `"${p.key}" is a built-in field` });
      if (p.column >= preview.columns.length) issues.push({ path: `newProperties.${i}.column`, message: 'is not a column of the file' });
    });
    body.mapping.forEach((target, i) => {
      const builtIn = target in CONTACT_FIELDS || target === 'name' || (BIRTHDAY_PARTS as readonly string[]).includes(target);
      const property = target.startsWith('properties.') && (defs.has(target.slice(11)) || created.has(target.slice(11)));
      if (target !== 'ignore' && !builtIn && !property) {
        issues.push({ path: `mapping.${i}`, message: `"${target}" is not a field or property; define the property or list it in newProperties` });
      }
      if (target !== 'ignore' && seen.has(target)) issues.push({ path: `mapping.${i}`, message: `"${target}" is already the target of column ${seen.get(target)! + 1}` });
      seen.set(target, i);
    });
    if (!body.mapping.includes('email') && !body.mapping.includes('external_id')) {
      issues.push({
        path: 'mapping',
        message:
          'needs a column for the email or the external ID: without one, every row becomes a new contact, and importing the file again would add everyone a second time',
      });
    }
    const parts = BIRTHDAY_PARTS.filter((p) => body.mapping.includes(p));
    if (parts.length > 0 && !(parts.includes('birthday.month') && parts.includes('birthday.day'))) {
      issues.push({ path: 'mapping', message: 'a birthday needs a column for its month and one for its day (birthday.month, birthday.day)' });
    }
  } else {
    body.mapping.forEach((target, i) => {
      if (!(ORDER_TARGETS as readonly string[]).includes(target)) issues.push({ path: `mapping.${i}`, message: `"${target}" is not an order field (${ORDER_TARGETS.join(', ')})` });
      else if (target !== 'ignore' && seen.has(target)) issues.push({ path: `mapping.${i}`, message: `"${target}" is already the target of column ${seen.get(target)! + 1}` });
      seen.set(target, i);
    });
    const has = (t: string) => body.mapping.includes(t);
    if (!has('order_id')) issues.push({ path: 'mapping', message: 'needs a column for order_id' });
    if (!has('customer_email') && !has('customer_id')) {
      issues.push({ path: 'mapping', message: 'needs a column for customer_email or customer_id: without one, no order can be given to a customer' });
    }
    if (!has('ordered_at')) issues.push({ path: 'mapping', message: 'needs a column for ordered_at (the order date)' });
    if (!has('order_total') && !has('line_total') && !has('unit_price')) {
      issues.push({ path: 'mapping', message: 'needs a column for the amount: order_total, line_total, or unit_price (with quantity)' });
    }
    if (!has('currency') && !body.currency) issues.push({ path: 'currency', message: 'is required when the file has no currency column' });
  }
  return issues;
}

/** What an import whose upload never finished says (it is failed when its lease runs out). */
export const UPLOAD_CUT_OFF =
  'The upload of this file has not finished: wait for it, or, if Rapport stopped while the file was being sent, delete this import and upload the file again.';

/** Discards an upload that was not started (also one cut off, or that failed before it started: nothing was imported). */
export async function discardImport(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const row = await getImport(ctx, workspaceId, id);
  const neverStarted = row.status === 'failed' && row.startedAt === null;
  if (row.status !== 'uploaded' && !neverStarted) throw conflict(`This import is ${row.status}; undo it instead of deleting it.`);
  await deleteFile(ctx, id);
  await ctx.db.orm.delete(imports).where(eq(imports.id, id));
}

/** Queues the undo of a finished import. */
export async function requestUndo(ctx: AppContext, workspaceId: string, id: string, by: { userId: string | null; apiKeyId: string | null }): Promise<ImportRecord> {
  const row = await getImport(ctx, workspaceId, id);
  if (row.status !== 'completed' && row.status !== 'failed') {
    throw conflict(row.status === 'undone' || row.status === 'undoing' ? 'This import has already been undone.' : `This import is ${row.status}; wait until it finishes.`);
  }
  const [updated] = await ctx.db.orm
    .update(imports)
    .set({ status: 'undoing', undoUserId: by.userId, undoApiKeyId: by.apiKeyId })
    .where(and(eq(imports.id, id), eq(imports.status, row.status)))
    .returning();
  if (!updated) throw conflict('This import changed meanwhile; reload it.');
  await ctx.jobs.send('imports.undo', { importId: id });
  return updated;
}
