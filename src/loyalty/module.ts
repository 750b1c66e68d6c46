import type { Module } from '../server/module.ts';
import * as tables from './schema.ts';

export const loyaltyModule: Module = {
  name: 'loyalty',
  tables,
  purpose: 'the points program (being built, issue 19; docs/design/loyalty.md): so far the points ledger (accounts, immutable transfers, lots, allocations, checked balances), the points an order earns and a refund takes back, when lots expire, tiers',
};
