import type { SqlSession } from '../db/client.ts';
import type { Module } from '../server/module.ts';
import { forfeit } from './ledger/ledger.ts';
import { defineLoyaltyJobs, scheduleEarn } from './jobs.ts';
import { loyaltyMergeData } from './merge.ts';
import { loyaltyRoutes } from './routes.ts';
import * as tables from './schema.ts';

/**
 * Deleted contacts: their points are forfeited (one transfer each, so the outstanding points no
 * longer count them) and their figures go; the ledger keeps their account and transfers, which
 * hold ids only, no personal data.
 */
async function forgetContacts(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<void> {
  const members = await tx.query<{ contact_id: string }>("select contact_id from loyalty_accounts where workspace_id = $1 and kind = 'member' and contact_id = any($2::uuid[]) order by contact_id", [workspaceId, contactIds]);
  const now = new Date();
  for (const m of members) await forfeit(tx, workspaceId, m.contact_id, now);
  await tx.query('delete from loyalty_members where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, contactIds]);
}

export const loyaltyModule: Module = {
  name: 'loyalty',
  purpose: 'the points program: earning rules on events (purchases with multipliers, fixed points), pending periods and limits, an exact double-entry ledger of lots that expire, refunds that claw back exactly, tiers, a rewards catalogue whose coupons come from coupon campaigns',
  tables,
  routes: [{ prefix: '/api/v1', plugin: loyaltyRoutes }],
  jobs: defineLoyaltyJobs,
  dataChanged: scheduleEarn,
  contactsDeleted: { forget: forgetContacts },
  mergeData: { root: 'loyalty', load: loyaltyMergeData },
};
