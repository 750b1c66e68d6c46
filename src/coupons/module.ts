import type { Module } from '../server/module.ts';

export const couponsModule: Module = {
  name: 'coupons',
  purpose: 'coupon campaigns (being built, issue 19; docs/design/loyalty.md): unique codes generated without repeats so far',
};
