// Running the engine soon after a change, in the process that wrote it, and on a schedule for
// everything else (waits that end, what another process or a crash left). Segment updates
// scheduled by the same change run first: the entries they write (segment.entered) are then in
// the queue this pass reads.
import { soon } from '../../jobs/soon.ts';
import type { AppContext } from '../../server/context.ts';
import { segmentUpdatesSettled } from '../../segments/membership.ts';
import { runWorkflows } from './tick.ts';

const passes = soon('workflow pass over workspace');

/** Asks for a pass over the workspace soon (next tick), once however many times it is asked meanwhile. */
export function scheduleWorkflowRun(ctx: AppContext, workspaceId: string): void {
  passes.ask(workspaceId, async () => {
    await segmentUpdatesSettled();
    await runWorkflows(ctx, workspaceId);
  });
}

/** Waits for scheduled passes (tests, benchmarks, shutdown). */
export async function workflowRunsSettled(): Promise<void> {
  await passes.settled();
}

/** Every workspace with an active workflow: for the scheduled job. */
export async function runAllWorkflows(ctx: AppContext): Promise<void> {
  // What was queued while a workflow was being archived, with none left to read it, is dropped.
  await ctx.db.query("delete from workflow_pending p where not exists (select 1 from workflow_dependencies d where d.workspace_id = p.workspace_id)");
  const rows = await ctx.db.query<{ workspace_id: string }>("select distinct workspace_id from workflows where state = 'active'");
  for (const r of rows) await runWorkflows(ctx, r.workspace_id);
}
