import type { Module } from '../server/module.ts';
import { defineReportJobs } from './jobs.ts';
import { reportRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const reportsModule: Module = {
  name: 'reports',
  purpose: 'the dashboard and reports (cohorts, revenue retention, churn and repeat purchase, email performance, lift, segments over time), SQL over the purchase model and the events',
  tables,
  routes: [{ prefix: '/api/v1', plugin: reportRoutes }],
  jobs: defineReportJobs,
};
