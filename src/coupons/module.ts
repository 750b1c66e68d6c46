import type { Module } from '../server/module.ts';

export const couponsModule: Module = {
  name: 'coupons',
  purpose: 'coupon campaigns (being built, issue 19; docs/design/loyalty.md): so far unique codes generated without repeats (codes.ts) and the terms a code is judged by on an order (terms.ts)',
};
