// Spending points on rewards. Redemptions that arrive together are redeemed together (group
// commit): each process keeps a queue per workspace, and while one batch's transaction runs the
// requests that arrive wait for the next, which takes all of them (up to MAX_BATCH). A batch is
// one transaction: the rewards with a stock locked (their count), the members locked and their
// lots read once (ledger/take.ts), each request decided in arrival order against what the ones
// before it left, then the transfers, coupons, redemptions, events and members' figures written
// set-based. A lone request is a batch of one. If a batch fails (a coupon that cannot be issued,
// a lost connection), its requests are redeemed again one by one, so each gets its own answer
// and nothing is spent for the one that failed.
import type { Database, SqlSession } from '../db/client.ts';
import { uuidv7 } from '../db/ids.ts';
import { issueCode } from '../coupons/issue.ts';
import { notFound } from '../errors.ts';
import { recordEvents } from '../events/record.ts';
import type { LedgerResult } from './ledger/ledger.ts';
import { type TakeBatch, openTakes } from './ledger/take.ts';
import { refreshMembers } from './members.ts';
import { programOf, tiersOf } from './program.ts';

export interface RedeemRequest {
  rewardId: string;
  contactId: string;
  key: string;
  userId: string | null;
}

export type RedeemRewardResult =
  | { ok: true; redemptionId: string; points: number; code: string | null; duplicate: boolean }
  | { ok: false; reason: 'inactive' | 'out_of_stock' | 'limit_per_customer' | 'insufficient_points' | 'no_program'; message: string };

type Outcome = RedeemRewardResult | { error: Error };

const MAX_BATCH = 500;

interface Waiting {
  request: RedeemRequest;
  now: Date;
  settle: (o: Outcome) => void;
}

interface Queue {
  waiting: Waiting[];
  running: boolean;
}

const queues = new WeakMap<Database, Map<string, Queue>>();

/** Spends a member's points on a reward, once per `key`. */
export function redeemReward(db: Database, workspaceId: string, request: RedeemRequest, now: Date): Promise<RedeemRewardResult> {
  let byWorkspace = queues.get(db);
  if (!byWorkspace) queues.set(db, (byWorkspace = new Map()));
  let queue = byWorkspace.get(workspaceId);
  if (!queue) byWorkspace.set(workspaceId, (queue = { waiting: [], running: false }));
  const result = new Promise<RedeemRewardResult>((resolve, reject) => {
    queue.waiting.push({ request, now, settle: (o) => ('error' in o ? reject(o.error) : resolve(o)) });
  });
  if (!queue.running) void drain(db, workspaceId, queue, byWorkspace);
  return result;
}

async function drain(db: Database, workspaceId: string, queue: Queue, byWorkspace: Map<string, Queue>): Promise<void> {
  queue.running = true;
  try {
    // Requests that arrive in the same turn of the event loop (a burst) go in the first batch together.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      // The batch's moment is its latest request's: they arrived within one transaction's time.
      const now = new Date(Math.max(...batch.map((w) => w.now.getTime())));
      try {
        const outcomes = await redeemBatch(db, workspaceId, batch.map((w) => w.request), now);
        batch.forEach((w, i) => w.settle(outcomes[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.settle({ error: error as Error });
        else
          for (const w of batch) {
            try {
              w.settle((await redeemBatch(db, workspaceId, [w.request], w.now))[0]!);
            } catch (e) {
              w.settle({ error: e as Error });
            }
          }
      }
    }
  } finally {
    queue.running = false;
    if (queue.waiting.length === 0) byWorkspace.delete(workspaceId);
    else void drain(db, workspaceId, queue, byWorkspace);
  }
}

interface Accepted {
  i: number;
  id: string;
  reward: RewardRow;
  request: RedeemRequest;
  /** The ledger's result: its transfer id is filled in when the batch is written. */
  spent: LedgerResult;
}

interface RewardRow {
  id: string;
  name: string;
  kind: 'coupon' | 'gift';
  campaign_id: string | null;
  points_cost: string;
  stock: number | null;
  redeemed: number;
  per_contact_limit: number | null;
  active: boolean;
}

/** Redeems the requests in one transaction, in order; an outcome per request. */
async function redeemBatch(db: Database, workspaceId: string, requests: RedeemRequest[], now: Date): Promise<Outcome[]> {
  const program = await programOf(db, workspaceId);
  if (!program) return requests.map(() => ({ ok: false, reason: 'no_program', message: 'Set up the points program first.' }));
  const tiers = await tiersOf(db, workspaceId);
  return db.transaction(async (tx) => {
    const rewards = await lockRewards(tx, workspaceId, requests.map((r) => r.rewardId));
    const keys = requests.map((r) => `reward:${r.key}`);
    const need = new Map<string, number>();
    for (const r of requests) need.set(r.contactId, (need.get(r.contactId) ?? 0) + Number(rewards.get(r.rewardId)?.points_cost ?? 0));
    // The members' locks come before their per-customer counts are read.
    const ledger = await openTakes(tx, workspaceId, need, [], now);
    const prior = new Map(
      (
        await tx.query<{ id: string; points: string; code: string | null; idempotency_key: string }>(
          'select id, points, code, idempotency_key from loyalty_reward_redemptions where workspace_id = $1 and idempotency_key = any($2::text[])',
          [workspaceId, keys],
        )
      ).map((p) => [p.idempotency_key, { ok: true as const, redemptionId: p.id, points: Number(p.points), code: p.code, duplicate: true }]),
    );
    const limited = [...rewards.values()].filter((r) => r.per_contact_limit !== null).map((r) => r.id);
    const used = new Map<string, number>();
    if (limited.length)
      for (const u of await tx.query<{ reward_id: string; contact_id: string; n: number }>(
        'select reward_id, contact_id, count(*)::int as n from loyalty_reward_redemptions where reward_id = any($1::uuid[]) and contact_id = any($2::uuid[]) group by 1, 2',
        [limited, [...need.keys()]],
      ))
        used.set(`${u.reward_id}:${u.contact_id}`, u.n);

    const outcomes: Outcome[] = [];
    const accepted: Accepted[] = [];
    const first = new Map<string, number>();
    for (const [i, request] of requests.entries()) {
      const key = keys[i]!;
      const reward = rewards.get(request.rewardId);
      const earlier = prior.get(key);
      if (earlier) outcomes.push(earlier);
      else if (first.has(key)) outcomes.push(outcomes[first.get(key)!]!); // the same key twice in a batch: settled below
      else if (!reward) outcomes.push({ error: notFound('The reward') });
      else outcomes.push(decide(reward, request, used, ledger, accepted, i));
      if (!first.has(key)) first.set(key, i);
    }

    const codes = new Map<number, { codeId: string; code: string }>();
    for (const a of accepted)
      if (a.reward.kind === 'coupon') codes.set(a.i, await issueCode(tx, workspaceId, a.reward.campaign_id!, a.request.contactId, `reward:${a.id}`, now));
    await ledger.write();
    if (accepted.length > 0) await writeRedemptions(tx, workspaceId, accepted, keys, codes, now);
    for (const a of accepted) outcomes[a.i] = { ok: true, redemptionId: a.id, points: Number(a.reward.points_cost), code: codes.get(a.i)?.code ?? null, duplicate: false };
    // A key given twice in one batch: the second is a retry of the first.
    for (const [i] of requests.entries()) {
      const j = first.get(keys[i]!)!;
      if (j !== i) {
        const o = outcomes[j]!;
        outcomes[i] = 'ok' in o && o.ok ? { ...o, duplicate: true } : o;
      }
    }
    if (accepted.length > 0) await refreshMembers(tx, workspaceId, program, tiers, [...new Set(accepted.map((a) => a.request.contactId))], now);
    return outcomes;
  });
}

/** The batch's rewards; those with a stock locked (in id order), so their counts are current. */
async function lockRewards(tx: SqlSession, workspaceId: string, ids: string[]): Promise<Map<string, RewardRow>> {
  const wanted = [...new Set(ids)].sort();
  const cols = 'id, name, kind, campaign_id, points_cost, stock, redeemed, per_contact_limit, active';
  const rows = await tx.query<RewardRow>(`select ${cols} from loyalty_rewards where workspace_id = $1 and id = any($2::uuid[])`, [workspaceId, wanted.filter((id) => /^[0-9a-f-]{36}$/i.test(id))]);
  const stocked = rows.filter((r) => r.stock !== null).map((r) => r.id);
  // A reward without a stock is not locked: redemptions of different members do not queue behind it.
  const locked = stocked.length ? await tx.query<RewardRow>(`select ${cols} from loyalty_rewards where id = any($1::uuid[]) order by id for update`, [stocked]) : [];
  return new Map([...rows, ...locked].map((r) => [r.id, r]));
}

/** One request against what the batch's earlier requests left: refused with its reason, or accepted and its points planned. */
function decide(reward: RewardRow, request: RedeemRequest, used: Map<string, number>, ledger: TakeBatch, accepted: Accepted[], i: number): Outcome {
  if (!reward.active) return { ok: false, reason: 'inactive', message: `“${reward.name}” cannot be redeemed at the moment.` };
  if (reward.stock !== null && reward.redeemed >= reward.stock) return { ok: false, reason: 'out_of_stock', message: `“${reward.name}” is out of stock.` };
  const mine = `${reward.id}:${request.contactId}`;
  if (reward.per_contact_limit !== null && (used.get(mine) ?? 0) >= reward.per_contact_limit)
    return { ok: false, reason: 'limit_per_customer', message: `“${reward.name}” can be redeemed ${reward.per_contact_limit === 1 ? 'once' : `${reward.per_contact_limit} times`} per customer, and this customer has.` };
  const id = uuidv7();
  const cost = Number(reward.points_cost);
  const spent = ledger.plan({ contactId: request.contactId, points: cost, key: `spend:${id}`, cause: `reward:${id}`, kind: 'spend', createdBy: request.userId });
  if (!spent.ok) return { ok: false, reason: 'insufficient_points', message: `“${reward.name}” costs ${cost.toLocaleString('en')} points; ${Math.max(0, spent.spendable ?? 0).toLocaleString('en')} can be spent now.` };
  reward.redeemed++;
  used.set(mine, (used.get(mine) ?? 0) + 1);
  accepted.push({ i, id, reward, request, spent });
  return { ok: true, redemptionId: id, points: cost, code: null, duplicate: false };
}

async function writeRedemptions(
  tx: SqlSession,
  workspaceId: string,
  accepted: Accepted[],
  keys: string[],
  codes: Map<number, { codeId: string; code: string }>,
  now: Date,
): Promise<void> {
  await tx.query(
    `insert into loyalty_reward_redemptions (id, workspace_id, reward_id, contact_id, points, transfer_id, code_id, code, idempotency_key, created_by, created_at)
     select r.id, $1, r.reward, r.contact, r.points, r.transfer, r.code_id, r.code, r.key, r.by, $2
     from unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::int8[], $7::int8[], $8::int8[], $9::text[], $10::text[], $11::uuid[]) as r(id, reward, contact, points, transfer, code_id, code, key, by)`,
    [
      workspaceId,
      now,
      accepted.map((a) => a.id),
      accepted.map((a) => a.reward.id),
      accepted.map((a) => a.request.contactId),
      accepted.map((a) => Number(a.reward.points_cost)),
      accepted.map((a) => (a.spent.ok ? a.spent.transferId : null)),
      accepted.map((a) => codes.get(a.i)?.codeId ?? null),
      accepted.map((a) => codes.get(a.i)?.code ?? null),
      accepted.map((a) => keys[a.i]!),
      accepted.map((a) => a.request.userId),
    ],
  );
  const stocked = new Map<string, number>();
  for (const a of accepted) if (a.reward.stock !== null) stocked.set(a.reward.id, (stocked.get(a.reward.id) ?? 0) + 1);
  if (stocked.size) await tx.query('update loyalty_rewards r set redeemed = r.redeemed + x.n from unnest($1::uuid[], $2::int[]) as x(id, n) where r.id = x.id', [[...stocked.keys()], [...stocked.values()]]);
  await recordEvents(
    tx,
    workspaceId,
    'loyalty',
    accepted.map((a) => ({
      name: 'points.spent' as const,
      contactId: a.request.contactId,
      occurredAt: now,
      messageId: `points.spent:${a.id}`,
      properties: { points: Number(a.reward.points_cost), reward_id: a.reward.id, reward_name: a.reward.name, redemption_id: a.id },
    })),
  );
}
