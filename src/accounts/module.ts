import type { Module } from '../server/module.ts';
import { deleteExpiredAuthData } from './accounts.ts';
import { accountRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const accountsModule: Module = {
  name: 'accounts',
  purpose: 'users, passwords (scrypt), sessions, sign-in throttling, password reset tokens',
  tables,
  routes: [{ prefix: '/api/v1', plugin: accountRoutes }],
  jobs(runner) {
    runner.define({
      name: 'system.cleanup',
      cron: '17 * * * *',
      retryLimit: 2,
      handler: async (_data, ctx) => {
        await deleteExpiredAuthData(ctx);
      },
    });
  },
};
