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
import { ImportLease, LeaseLost, PROCESS_ID } from './lease.ts';

async function load(ctx: AppContext, id: string): Promise<ImportRecord | undefined> {
  const [row] = await ctx.db.orm.select().from(imports).where(eq(imports.id, id));
  return row;
}

/** Runs a queued import (or resumes a running one after a crash); a failure is recorded on it. */
export async function runImport(ctx: AppContext, importId: string, listener?: ProgressListener): Promise<ImportRecord | undefined> {
  // A job retried while its first run is still going (a long import) must not run it twice
  // (other processes are kept out by the lease).
  const mine = runningIn(ctx);
  if (mine.has(importId)) return load(ctx, importId);
  mine.add(importId);
  try {
    return await run(ctx, importId, listener);
  } finally {
    mine.delete(importId);
  }
}

/** Imports each context (a server, a worker, a test's second start) is running. */
const running = new WeakMap<AppContext, Set<string>>();
function runningIn(ctx: AppContext): Set<string> {
  let set = running.get(ctx);
  if (!set) running.set(ctx, (set = new Set()));
  return set;
}

/** Runs that may start before an import is called a failure: each was cut off by its process stopping. */
export const MAX_RUNS = 3;

const stoppedTooOften = (runs: number) =>
  `The import stopped ${runs} times before it finished, each time because Rapport stopped while it ran (a restart, a crash, or not enough memory for this file). ` +
  'The rows it wrote are kept: undo the import to remove them, or upload the file again to import the rest (rows already imported are updated, not doubled).';

async function run(ctx: AppContext, importId: string, listener?: ProgressListener): Promise<ImportRecord | undefined> {
  const lease = await ImportLease.take(ctx, importId, ['queued', 'running'], { countRun: true });
  // Finished, undone, or held by a process that is alive: nothing to do here.
  if (!lease) return load(ctx, importId);
  let imp = lease.record;
  try {
    if (imp.attempts > MAX_RUNS) {
      await finish(ctx, importId, 'failed', stoppedTooOften(imp.attempts - 1));
      await forgetFile(ctx, importId);
      return load(ctx, importId);
    }
    if (imp.status === 'queued') {
      await ctx.db.orm.update(imports).set({ status: 'running', startedAt: ctx.clock.now(), phase: 'reading' }).where(eq(imports.id, importId));
      imp = (await load(ctx, importId))!;
    }
    try {
      if (imp.kind === 'contacts') await runContactsImport(ctx, imp, lease, listener);
      else await runOrdersImport(ctx, imp, lease, listener);
      const outcome = await decideOutcome(ctx, (await load(ctx, importId))!);
      await ctx.db.query(
        `update imports set status = 'completed', finished_at = $2, total_rows = processed_rows, outcome = $3, outcome_reason = $4, phase = null
         where id = $1 and lease_owner = $5`,
        [importId, ctx.clock.now(), outcome.outcome, outcome.reason, PROCESS_ID],
      );
    } catch (err) {
      // Taken over by another process (this one stalled past its lease): the import is theirs now.
      if (err instanceof LeaseLost || lease.lost) return load(ctx, importId);
      await finish(ctx, importId, 'failed', (err as Error).message.slice(0, 2000));
    }
    await forgetFile(ctx, importId);
    // A large import changes what the planner should know about contacts and events.
    await analyzeChangedTables(ctx.db);
    notifyDataChanged(ctx, imp.workspaceId);
    return load(ctx, importId);
  } finally {
    await lease.release();
  }
}

async function finish(ctx: AppContext, importId: string, status: 'failed', reason: string): Promise<void> {
  await ctx.db.query(
    `update imports set status = $4, finished_at = $2, error = $3, outcome = 'failed', outcome_reason = $3, phase = null
     where id = $1 and lease_owner = $5`,
    [importId, ctx.clock.now(), reason, status, PROCESS_ID],
  );
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
  const lease = await ImportLease.take(ctx, importId, ['undoing']);
  if (!lease) return load(ctx, importId);
  try {
    await undoImport(ctx, lease.record);
  } finally {
    await lease.release();
  }
  return load(ctx, importId);
}
