import type { Module } from '../server/module.ts';
import { defineRetentionJobs } from './jobs.ts';
import { retentionRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const retentionModule: Module = {
  name: 'retention',
  purpose: 'retention intelligence: BG/NBD, Pareto/NBD, Gamma-Gamma and shifted-beta-geometric models fitted on the purchase model, per-customer scores (P(alive), expected orders, CLV, RFM, health), the holdout check, the at-risk list',
  tables,
  routes: [{ prefix: '/api/v1', plugin: retentionRoutes }],
  jobs: defineRetentionJobs,
};
