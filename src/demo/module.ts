import type { Module } from '../server/module.ts';
import { defineDemoJobs } from './jobs.ts';
import { demoRoutes } from './routes.ts';

export const demoModule: Module = {
  name: 'demo',
  purpose: 'the deterministic retail data set with starting segments and email templates',
  routes: [{ prefix: '/api/v1', plugin: demoRoutes }],
  jobs: defineDemoJobs,
};
