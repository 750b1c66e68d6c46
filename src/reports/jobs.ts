// The reports' background work: the weekly digest, looked at every hour (each member gets a
// week's digest once: its idempotency key is the member and the week).
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { sendDueDigests } from './digest.ts';

export function defineReportJobs(runner: JobRunner<AppContext>): void {
  runner.define({
    name: 'reports.digest',
    cron: '11 * * * *',
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async (_data, ctx) => {
      await sendDueDigests(ctx);
    },
  });
}
