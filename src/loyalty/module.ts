import type { Module } from '../server/module.ts';

export const loyaltyModule: Module = {
  name: 'loyalty',
  purpose: 'the points program (being built, issue 19; docs/design/loyalty.md): so far the points an order earns and a refund takes back, when lots expire, tiers, and the reference ledger',
};
