// The coupons' background work: generating a batch of unique codes, and letting reservations
// that were never confirmed go (they stop holding a place at their time anyway; this marks them).
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { generateBatch } from './issue.ts';
import { releaseLapsed } from './redeem.ts';

export const GENERATE_JOB = 'coupons.generate';

export function defineCouponJobs(runner: JobRunner<AppContext>): void {
  runner.define<{ workspaceId: string; batchId: string }>({
    name: GENERATE_JOB,
    retryLimit: 3,
    expireInSeconds: 60 * 60,
    handler: async (data, ctx) => {
      await generateBatch(ctx.db, data.workspaceId, data.batchId, () => ctx.clock.now());
    },
  });
  runner.define({
    name: 'coupons.release',
    cron: '*/5 * * * *',
    retryLimit: 1,
    expireInSeconds: 10 * 60,
    handler: async (_data, ctx) => {
      await releaseLapsed(ctx.db, ctx.clock.now());
    },
  });
}
