import { deleteExpiredAuthData } from '../accounts/accounts.ts';
import { analyzeChangedTables } from '../db/analyze.ts';
import type { AppContext } from '../server/context.ts';
import type { JobRunner } from './runner.ts';
import { defineDemoJobs } from '../demo/jobs.ts';
import { defineImportJobs } from '../imports/jobs.ts';
import { defineSegmentJobs } from '../segments/jobs.ts';
import { defineMessagingJobs } from '../messaging/jobs.ts';

/** Every kind of background job Rapport has. Each domain adds its own here. */
export function defineJobs(runner: JobRunner<AppContext>): JobRunner<AppContext> {
  runner.define({
    name: 'system.cleanup',
    cron: '17 * * * *',
    retryLimit: 2,
    handler: async (_data, ctx) => {
      await deleteExpiredAuthData(ctx);
    },
  });
  runner.define({
    name: 'system.analyze',
    cron: '41 * * * *',
    retryLimit: 1,
    handler: async (_data, ctx) => {
      await analyzeChangedTables(ctx.db);
    },
  });
  defineImportJobs(runner);
  defineSegmentJobs(runner);
  defineMessagingJobs(runner);
  defineDemoJobs(runner);
  return runner;
}
