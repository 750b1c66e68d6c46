import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { processAllPending, recomputeSegments, recomputeTimeRelative } from './membership.ts';

export function defineSegmentJobs(runner: JobRunner<AppContext>): void {
  // After a definition is saved: the segment whole, then the segments that use it.
  runner.define<{ workspaceId: string; segmentIds: string[] }>({
    name: 'segments.recompute',
    retryLimit: 3,
    retryDelaySeconds: 10,
    expireInSeconds: 60 * 60,
    handler: async (data, ctx) => {
      await recomputeSegments(ctx, data.workspaceId, data.segmentIds);
    },
  });
  // Changes are worked off right after they are written, in the process that wrote them;
  // this catches what another process or a crash left in the queue.
  runner.define({
    name: 'segments.pending',
    cron: '* * * * *',
    retryLimit: 1,
    handler: async (_data, ctx) => {
      await processAllPending(ctx);
    },
  });
  // "In the last 30 days" moves with the clock: such segments are recomputed every 15 minutes.
  runner.define({
    name: 'segments.time',
    cron: '*/15 * * * *',
    retryLimit: 1,
    expireInSeconds: 60 * 60,
    handler: async (_data, ctx) => {
      await recomputeTimeRelative(ctx);
    },
  });
}
