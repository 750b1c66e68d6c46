// The purchase model's background work: the links of the per-day order rows, kept up to date
// every minute (readers bring them up to date themselves before reading).
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { linkAllOrderDays } from './order-days.ts';

export function definePurchaseJobs(runner: JobRunner<AppContext>): void {
  runner.define({
    name: 'purchases.link',
    cron: '* * * * *',
    retryLimit: 1,
    expireInSeconds: 10 * 60,
    handler: async (_data, ctx) => {
      await linkAllOrderDays(ctx.db);
    },
  });
}
