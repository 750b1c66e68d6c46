import { analyzeChangedTables } from '../db/analyze.ts';
import type { Module } from '../server/module.ts';

/** What belongs to no domain: keeping the planner's statistics current. */
export const systemModule: Module = {
  name: 'system',
  purpose: 'housekeeping of the database itself (statistics of tables that changed)',
  jobs(runner) {
    runner.define({
      name: 'system.analyze',
      cron: '41 * * * *',
      retryLimit: 1,
      handler: async (_data, ctx) => {
        await analyzeChangedTables(ctx.db);
      },
    });
  },
};
