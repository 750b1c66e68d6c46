// Running the engine soon after a change, in the process that wrote it, and on a schedule for
// everything else (waits that end, what another process or a crash left). Segment updates
// scheduled by the same change run first: the entries they write (segment.entered) are then in
// the queue this pass reads.
import type { AppContext } from '../../server/context.ts';
import { segmentUpdatesSettled } from '../../segments/membership.ts';
import { runWorkflows } from './tick.ts';

const scheduled = new Map<string, Promise<void>>();
const again = new Set<string>();

/** Asks for a pass over the workspace soon (next tick), once however many times it is asked meanwhile. */
export function scheduleWorkflowRun(ctx: AppContext, workspaceId: string): void {
  if (scheduled.has(workspaceId)) {
    again.add(workspaceId);
    return;
  }
  const run = (async () => {
    await new Promise((r) => setImmediate(r));
    do {
      again.delete(workspaceId);
      try {
        await segmentUpdatesSettled();
        await runWorkflows(ctx, workspaceId);
      } catch (err) {
        // Left as it was: the scheduled job takes it up again.
        console.error(`workflow pass over workspace ${workspaceId} failed: ${(err as Error).message}`);
        break;
      }
    } while (again.has(workspaceId));
  })().finally(() => scheduled.delete(workspaceId));
  scheduled.set(workspaceId, run);
}

/** Waits for scheduled passes (tests, benchmarks, shutdown). */
export async function workflowRunsSettled(): Promise<void> {
  while (scheduled.size > 0) await Promise.all(scheduled.values());
}

/** Every workspace with an active workflow: for the scheduled job. */
export async function runAllWorkflows(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.query<{ workspace_id: string }>("select distinct workspace_id from workflows where state = 'active'");
  for (const r of rows) await runWorkflows(ctx, r.workspace_id);
}
