// The retention models' background work: a fit asked for in the app or the API, and the
// nightly refit (looked at every hour: each workspace's fit runs once a day, from 02:00 its time).
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { dueWorkspaces, fitById, fitRetention, runFit } from './retention.ts';

export const FIT_JOB = 'retention.fit';

export function defineRetentionJobs(runner: JobRunner<AppContext>): void {
  runner.define<{ workspaceId: string; fitId: string }>({
    name: FIT_JOB,
    retryLimit: 1,
    expireInSeconds: 60 * 60,
    handler: async (data, ctx) => {
      const fit = await fitById(ctx, data.workspaceId, data.fitId);
      // Done already (a retry after the outcome was written) or given up as interrupted.
      if (!fit || fit.state !== 'running') return;
      await runFit(ctx, fit);
    },
  });
  runner.define({
    name: 'retention.nightly',
    cron: '23 * * * *',
    retryLimit: 1,
    expireInSeconds: 2 * 60 * 60,
    handler: async (_data, ctx) => {
      for (const workspaceId of await dueWorkspaces(ctx)) {
        try {
          await fitRetention(ctx, workspaceId, { cause: 'schedule' });
        } catch {
          // Recorded on the fit (state failed, with its message, shown in the app); the other workspaces go on.
        }
      }
    },
  });
}
