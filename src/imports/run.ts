import { notifyDataChanged } from '../server/changes.ts';
import { eq } from 'drizzle-orm';
import { analyzeChangedTables } from '../db/analyze.ts';
import type { AppContext } from '../server/context.ts';
import { runContactsImport } from './contacts-job.ts';
import type { ImportRecord } from './imports.ts';
import { runOrdersImport } from './orders-job.ts';
import { imports } from './schema.ts';
import { decideOutcome } from './outcome.ts';
import type { ProgressListener } from './progress.ts';
import { undoImport } from './undo.ts';

async function load(ctx: AppContext, id: string): Promise<ImportRecord | undefined> {
  const [row] = await ctx.db.orm.select().from(imports).where(eq(imports.id, id));
  return row;
}

/** Runs a queued import (or resumes a running one after a crash); a failure is recorded on it. */
export async function runImport(ctx: AppContext, importId: string, listener?: ProgressListener): Promise<ImportRecord | undefined> {
  // A job retried while its first run is still going (a long import) must not run it twice.
  if (running.has(importId)) return load(ctx, importId);
  running.add(importId);
  try {
    return await run(ctx, importId, listener);
  } finally {
    running.delete(importId);
  }
}

const running = new Set<string>();

async function run(ctx: AppContext, importId: string, listener?: ProgressListener): Promise<ImportRecord | undefined> {
  let imp = await load(ctx, importId);
  if (!imp || (imp.status !== 'queued' && imp.status !== 'running')) return imp;
  if (imp.status === 'queued') {
    await ctx.db.orm.update(imports).set({ status: 'running', startedAt: ctx.clock.now(), phase: 'reading' }).where(eq(imports.id, importId));
    imp = (await load(ctx, importId))!;
  }
  try {
    if (imp.kind === 'contacts') await runContactsImport(ctx, imp, listener);
    else await runOrdersImport(ctx, imp, listener);
    const outcome = await decideOutcome(ctx, (await load(ctx, importId))!);
    await ctx.db.query(
      "update imports set status = 'completed', finished_at = $2, total_rows = processed_rows, outcome = $3, outcome_reason = $4, phase = null where id = $1",
      [importId, ctx.clock.now(), outcome.outcome, outcome.reason],
    );
  } catch (err) {
    const message = (err as Error).message.slice(0, 2000);
    await ctx.db.query(
      "update imports set status = 'failed', finished_at = $2, error = $3, outcome = 'failed', outcome_reason = $3, phase = null where id = $1",
      [importId, ctx.clock.now(), message],
    );
  }
  await forgetFile(ctx, importId);
  // A large import changes what the planner should know about contacts and events.
  await analyzeChangedTables(ctx.db);
  notifyDataChanged(ctx, imp.workspaceId);
  return load(ctx, importId);
}

/**
 * Once an import has run, its file is no longer needed (undo works from the change
 * history): the file and the sample rows of the preview go, so that personal data does not
 * linger there after the contacts themselves are erased.
 */
async function forgetFile(ctx: AppContext, importId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.query('delete from import_chunks where import_id = $1', [importId]);
    await tx.query(
      `update imports set settings = jsonb_set(settings, '{preview,sampleRows}', '[]'::jsonb)
       where id = $1 and settings ? 'preview'`,
      [importId],
    );
  });
}

export async function runUndo(ctx: AppContext, importId: string): Promise<ImportRecord | undefined> {
  const imp = await load(ctx, importId);
  if (!imp || imp.status !== 'undoing') return imp;
  await undoImport(ctx, imp);
  return load(ctx, importId);
}
