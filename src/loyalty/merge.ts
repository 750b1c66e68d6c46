// What a template reads of a member under {{ loyalty.* }}: "You have {{ loyalty.points }}
// points; {{ loyalty.next_expiry_points }} expire on {{ loyalty.next_expiry_date }}". Loaded
// for a batch of contacts by every send (src/server/module.ts mergeData). Without a program
// there is no `loyalty` root; a contact who never earned reads zeros.
import type { SqlSession } from '../db/client.ts';
import { dayIn } from '../shared/days.ts';
import { programOf, tiersOf } from './program.ts';
import { nextTier } from './tiers.ts';

export interface LoyaltyMerge extends Record<string, unknown> {
  program: string;
  points: number;
  pending: number;
  lifetime: number;
  tier: string;
  next_tier: string;
  points_to_next_tier: number | null;
  next_expiry_points: number;
  /** The last day the next expiring points can be used, YYYY-MM-DD in the workspace's time zone ("" when nothing expires). */
  next_expiry_date: string;
}

export async function loyaltyMergeData(db: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const program = await programOf(db, workspaceId);
  if (!program) return out;
  const tiers = await tiersOf(db, workspaceId);
  const rows = await db.query<{ contact_id: string; points: string; pending: string; lifetime: string; qualifying: string; tier_id: string | null; next_expiry_at: Date | null; next_expiry_points: string | null }>(
    'select contact_id, points, pending, lifetime, qualifying, tier_id, next_expiry_at, next_expiry_points from loyalty_members where workspace_id = $1 and contact_id = any($2::uuid[])',
    [workspaceId, contactIds],
  );
  const byId = new Map(rows.map((r) => [r.contact_id, r]));
  for (const id of contactIds) {
    const r = byId.get(id);
    const tier = tiers.find((t) => t.id === r?.tier_id) ?? null;
    const next = nextTier(tiers, tier, Number(r?.qualifying ?? 0));
    const data: LoyaltyMerge = {
      program: program.name,
      points: Number(r?.points ?? 0),
      pending: Number(r?.pending ?? 0),
      lifetime: Number(r?.lifetime ?? 0),
      tier: tier?.name ?? '',
      next_tier: next?.tier.name ?? '',
      points_to_next_tier: next && program.tierBasis === 'points' ? next.missing : null,
      next_expiry_points: Number(r?.next_expiry_points ?? 0),
      // Points that expire at midnight starting 1 January can be used until 31 December.
      next_expiry_date: r?.next_expiry_at ? dayIn(new Date(r.next_expiry_at.getTime() - 1), program.timezone) : '',
    };
    out.set(id, data);
  }
  return out;
}
