import type { Module } from '../server/module.ts';
import { defineCouponJobs } from './jobs.ts';
import { couponMergeData } from './merge.ts';
import { couponRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const couponsModule: Module = {
  name: 'coupons',
  purpose: 'coupon campaigns: shared and unique codes (generated in bulk without repeats, or issued to a customer once per cause), discounts and limits, the channel each code was shared through, and the checkout API (validate, redeem exactly once or reserve, roll back)',
  tables,
  routes: [{ prefix: '/api/v1', plugin: couponRoutes }],
  jobs: defineCouponJobs,
  mergeData: { root: 'coupon', load: couponMergeData },
};
