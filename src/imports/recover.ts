// Imports whose process is gone. On the embedded database only one process can open the data
// directory, so whatever the previous one held is dead the moment the next one starts; on
// PostgreSQL a process is gone when its lease has run out (lease.ts). A run or an undo is
// queued again and goes on where it stopped (a contact import after its last committed batch,
// an order import from the start: its events are keyed by order id, nothing is written
// twice); an upload cut off is failed, and can be deleted.
import type { AppContext } from '../server/context.ts';

export const UPLOAD_STOPPED = 'The upload did not finish: Rapport stopped while the file was being sent. Delete this import and upload the file again.';

/**
 * Embedded database, at start-up, before any worker runs: every lease belongs to a process
 * that is gone. (Done before the workers start, so that no run of this process loses its lease.)
 */
export async function releaseDeadLeases(ctx: AppContext): Promise<void> {
  await ctx.db.query("update imports set lease_owner = null, lease_until = null where lease_owner is not null and status in ('uploaded', 'queued', 'running', 'undoing')");
}

/**
 * Queues again the runs and undos whose process is gone, and fails the uploads it left. At a
 * worker's start (`startup`) it also queues the imports waiting to start (a command-line import
 * stopped before it began has no job), and, on PostgreSQL, a run for when each lease still held
 * runs out (the process holding it may be the one that has just restarted).
 */
export async function recoverImports(ctx: AppContext, options: { startup?: boolean } = {}): Promise<{ resumed: number; failedUploads: number }> {
  const now = ctx.clock.now();
  const failed = await ctx.db.query(
    `update imports set status = 'failed', error = $2, outcome = 'failed', outcome_reason = $2, finished_at = $1, lease_owner = null, lease_until = null
     where status = 'uploaded' and not (settings ? 'preview') and (lease_until is null or lease_until < $1)
     returning id`,
    [now, UPLOAD_STOPPED],
  );
  // What arrived of the file is nobody's any more.
  if (failed.length > 0) await ctx.db.query('delete from import_chunks where import_id = any($1::uuid[])', [failed.map((f) => (f as { id: string }).id)]);
  const rows = await ctx.db.query<{ id: string; status: string; lease_until: Date | null }>(
    `select id, status, lease_until from imports
     where (status in ('running', 'undoing') and ($2 or lease_until is null or lease_until < $1))
        or (status = 'queued' and $2)`,
    [now, options.startup === true],
  );
  for (const r of rows) {
    const until = r.lease_until ? new Date(r.lease_until) : null;
    const startAfter = until && until > now ? new Date(until.getTime() + 1000) : undefined;
    await ctx.jobs.send(r.status === 'undoing' ? 'imports.undo' : 'imports.run', { importId: r.id }, startAfter ? { startAfter } : {});
  }
  return { resumed: rows.length, failedUploads: failed.length };
}
