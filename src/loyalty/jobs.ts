// The program's background work: the events a rule reads become points soon after they are
// written (in the process that wrote them) and every minute (what another process or a crash
// left queued); once an hour, what time alone changes (expiry, pending points, tier periods).
import type { JobRunner } from '../jobs/runner.ts';
import { soon } from '../jobs/soon.ts';
import type { AppContext } from '../server/context.ts';
import { notifyDataChanged } from '../server/changes.ts';
import { earnPending } from './earn.ts';
import { maintainAll } from './maintenance.ts';

const passes = soon('loyalty earn pass over workspace');

/** Turns the workspace's queued events into points soon, once however many times it is asked meanwhile. */
export function scheduleEarn(ctx: AppContext, workspaceId: string): void {
  passes.ask(workspaceId, async () => {
    const n = await earnPending(ctx.db, workspaceId, () => ctx.clock.now());
    // The points.* and tier.changed events just written: segments and workflows read them.
    if (n > 0) notifyDataChanged(ctx, workspaceId);
  });
}

/** Waits for scheduled passes (tests, shutdown). */
export async function earnSettled(): Promise<void> {
  await passes.settled();
}

export function defineLoyaltyJobs(runner: JobRunner<AppContext>): void {
  runner.define({
    name: 'loyalty.earn',
    cron: '* * * * *',
    retryLimit: 1,
    expireInSeconds: 30 * 60,
    handler: async (_data, ctx) => {
      const rows = await ctx.db.query<{ workspace_id: string }>('select distinct workspace_id from loyalty_pending');
      for (const r of rows) {
        if ((await earnPending(ctx.db, r.workspace_id, () => ctx.clock.now())) > 0) notifyDataChanged(ctx, r.workspace_id);
      }
    },
  });
  runner.define({
    name: 'loyalty.maintain',
    cron: '7 * * * *',
    retryLimit: 1,
    expireInSeconds: 60 * 60,
    handler: async (_data, ctx) => {
      await maintainAll(ctx.db, ctx.clock.now());
    },
  });
}
