// The social module's background work: listening (every minute, the streams that are due),
// publishing (every minute, and at once when a post is published now) and the published posts'
// figures (every ten minutes, for those whose time has come).
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { fetchDueStreams } from './listen.ts';
import { publishDue, refreshMetrics } from './publish.ts';

export const PUBLISH_JOB = 'social.publish';

export function defineSocialJobs(runner: JobRunner<AppContext>): void {
  runner.define({
    name: PUBLISH_JOB,
    cron: '* * * * *',
    retryLimit: 1,
    expireInSeconds: 10 * 60,
    handler: async (_data, ctx) => {
      // Until nothing is left due: a burst of posts is not spread over minutes.
      for (let round = 0; round < 50; round++) {
        const t = await publishDue(ctx);
        if (t.published + t.reconciled + t.failed + t.retrying === 0) break;
      }
    },
  });
  runner.define({
    name: 'social.listen',
    cron: '* * * * *',
    retryLimit: 0,
    expireInSeconds: 10 * 60,
    handler: async (_data, ctx) => fetchDueStreams(ctx),
  });
  runner.define({
    name: 'social.metrics',
    cron: '*/10 * * * *',
    retryLimit: 0,
    expireInSeconds: 10 * 60,
    handler: async (_data, ctx) => refreshMetrics(ctx),
  });
}
