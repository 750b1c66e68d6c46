// The rewards catalogue (redeem.ts spends points on it), and manual adjustments by admins, with
// their reason and who made them.
import type { Database, SqlSession } from '../db/client.ts';
import { type FieldIssue, invalid, notFound } from '../errors.ts';
import { recordEvents } from '../events/record.ts';
import { grant } from './ledger/ledger.ts';
import { take } from './ledger/take.ts';
import { refreshMembers } from './members.ts';
import { programOf, tiersOf } from './program.ts';

export interface Reward {
  id: string;
  name: string;
  description: string | null;
  kind: 'coupon' | 'gift';
  campaignId: string | null;
  pointsCost: number;
  stock: number | null;
  redeemed: number;
  perContactLimit: number | null;
  active: boolean;
  createdAt: Date;
}

export type RewardInput = Omit<Reward, 'id' | 'redeemed' | 'createdAt'>;

// A reward without a stock keeps no count of its own (no row every redemption would queue on):
// its redemptions are counted.
const COLUMNS = `id, name, description, kind, campaign_id as "campaignId", points_cost::float8 as "pointsCost", stock,
  case when stock is null then (select count(*)::int from loyalty_reward_redemptions x where x.reward_id = loyalty_rewards.id) else redeemed end as redeemed, per_contact_limit as "perContactLimit", active, created_at as "createdAt"`;

export async function rewardsOf(db: SqlSession, workspaceId: string): Promise<Reward[]> {
  return db.query<Reward>(`select ${COLUMNS} from loyalty_rewards where workspace_id = $1 order by points_cost, created_at`, [workspaceId]);
}

async function checkReward(db: SqlSession, workspaceId: string, r: RewardInput): Promise<void> {
  const problems: FieldIssue[] = [];
  if (!r.name.trim()) problems.push({ path: 'name', message: 'is required' });
  if (!(Number.isSafeInteger(r.pointsCost) && r.pointsCost >= 1)) problems.push({ path: 'pointsCost', message: 'must be a whole number of points, 1 or more' });
  if (r.stock !== null && !(Number.isInteger(r.stock) && r.stock >= 0)) problems.push({ path: 'stock', message: 'must be 0 or more, or empty for unlimited' });
  if (r.perContactLimit !== null && !(Number.isInteger(r.perContactLimit) && r.perContactLimit >= 1)) problems.push({ path: 'perContactLimit', message: 'must be 1 or more, or empty' });
  if (r.kind === 'coupon') {
    const [c] = r.campaignId ? await db.query('select 1 from coupon_campaigns where workspace_id = $1 and id = $2', [workspaceId, r.campaignId]) : [];
    if (!c) problems.push({ path: 'campaignId', message: 'must be a coupon campaign of this workspace: the reward gives one of its codes' });
  }
  if (problems.length) throw invalid('invalid_reward', `The reward cannot be saved: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}.`, problems);
}

export async function createReward(db: SqlSession, workspaceId: string, r: RewardInput): Promise<Reward> {
  await checkReward(db, workspaceId, r);
  const [row] = await db.query<Reward>(
    `insert into loyalty_rewards (workspace_id, name, description, kind, campaign_id, points_cost, stock, per_contact_limit, active)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [workspaceId, r.name.trim(), r.description?.trim() || null, r.kind, r.kind === 'coupon' ? r.campaignId : null, r.pointsCost, r.stock, r.perContactLimit, r.active],
  );
  return row!;
}

export async function updateReward(db: SqlSession, workspaceId: string, id: string, r: RewardInput): Promise<Reward> {
  await checkReward(db, workspaceId, r);
  const [current] = await db.query<{ redeemed: number }>('select (select count(*)::int from loyalty_reward_redemptions x where x.reward_id = r.id) as redeemed from loyalty_rewards r where workspace_id = $1 and id = $2', [workspaceId, id]);
  if (!current) throw notFound('The reward');
  if (r.stock !== null && r.stock < current.redeemed)
    throw invalid('invalid_reward', `${current.redeemed} were already redeemed: the stock cannot be less.`, [{ path: 'stock', message: `must be at least ${current.redeemed}, the number already redeemed` }]);
  const [row] = await db.query<Reward>(
    `update loyalty_rewards set name = $3, description = $4, kind = $5, campaign_id = $6, points_cost = $7, stock = $8, per_contact_limit = $9, active = $10,
       redeemed = (select count(*) from loyalty_reward_redemptions x where x.reward_id = $2)
     where workspace_id = $1 and id = $2 returning ${COLUMNS}`,
    [workspaceId, id, r.name.trim(), r.description?.trim() || null, r.kind, r.kind === 'coupon' ? r.campaignId : null, r.pointsCost, r.stock, r.perContactLimit, r.active],
  );
  return row!;
}

/** An admin adds or removes points by hand, with a reason; once per key. Removing more than can be spent is refused. */
export async function adjustPoints(db: Database, workspaceId: string, input: { contactId: string; points: number; reason: string; key: string; userId: string | null }, now: Date): Promise<{ ok: boolean; message?: string }> {
  if (!Number.isSafeInteger(input.points) || input.points === 0) throw invalid('invalid_adjustment', 'Say how many points to add (positive) or remove (negative).', [{ path: 'points', message: 'must be a whole number other than 0' }]);
  if (!input.reason.trim()) throw invalid('invalid_adjustment', 'Say why: the reason is kept on the statement.', [{ path: 'reason', message: 'is required' }]);
  const program = await programOf(db, workspaceId);
  if (!program) throw invalid('no_program', 'Set up the points program first.');
  const tiers = await tiersOf(db, workspaceId);
  return db.transaction(async (tx) => {
    const [contact] = await tx.query('select 1 from contacts where workspace_id = $1 and id = $2', [workspaceId, input.contactId]);
    if (!contact) throw notFound('The contact');
    const common = { contactId: input.contactId, key: `adjust:${input.key}`, cause: `adjust:${input.key}`, kind: 'adjust' as const, reason: input.reason.trim(), createdBy: input.userId };
    const r =
      input.points > 0
        ? await grant(tx, workspaceId, { ...common, points: input.points, availableAt: now, expiresAt: null }, now)
        : await take(tx, workspaceId, { ...common, points: -input.points }, now);
    if (!r.ok) return { ok: false, message: `Only ${Math.max(0, r.spendable ?? 0).toLocaleString('en')} points can be removed now.` };
    if (!r.duplicate) {
      await recordEvents(tx, workspaceId, 'loyalty', [
        { name: 'points.adjusted', contactId: input.contactId, occurredAt: now, messageId: `points.adjusted:${input.key}`, properties: { points: input.points, reason: input.reason.trim() } },
      ]);
      await refreshMembers(tx, workspaceId, program, tiers, [input.contactId], now);
    }
    return { ok: true };
  });
}
