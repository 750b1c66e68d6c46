import type { Module } from '../server/module.ts';
import { definePurchaseJobs } from './jobs.ts';
import * as tables from './schema.ts';

export const purchasesModule: Module = {
  name: 'purchases',
  purpose: 'the one purchase model: order events → per-contact, per-currency summaries and per-contact, per-day rows (triggers), e-commerce mapping',
  tables,
  jobs: definePurchaseJobs,
};
