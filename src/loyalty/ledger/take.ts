// Spending and removing points, for one change or many at once (a batch of reward redemptions).
// A batch is planned in memory and written set-based: the members' accounts are locked in
// contact-id order, their spendable lots read in one query, each take planned in order against
// what the ones before it left (earliest expiry first; refused whole when there are not
// enough), and the transfers, allocations, lots and balances written in four statements. The
// same as taking one after another, in order: ledger.property.test.ts checks `take` against the
// in-memory reference, and take is a batch of one.
import type { SqlSession } from '../../db/client.ts';
import { type LedgerResult, type Member, type OpenLot, insertTransfers, lockMembers, plan, systemAccount } from './ledger.ts';

export interface TakeInput {
  contactId: string;
  points: number;
  key: string;
  cause: string;
  /** spend: a redemption, to the redeemed account; adjust: an admin's removal, to the adjusted account. */
  kind: 'spend' | 'adjust';
  reason?: string | null;
  createdBy?: string | null;
}

const SPEND_ORDER = 'order by l.expires_at nulls last, l.available_at, l.id';

interface Wallet {
  member: Member;
  /** The spendable lots read, in spending order, with what the planned takes leave of them. */
  lots: OpenLot[];
  /** Spendable points less debt, less what the planned takes spend. */
  spendable: number;
}

/**
 * An open batch of takes: the members locked and their lots read. `plan` decides one take in
 * memory (in the order called); `write` writes all the accepted ones.
 */
export interface TakeBatch {
  plan(t: TakeInput): LedgerResult;
  write(): Promise<void>;
}

/**
 * Opens a batch for these members, reading enough of each one's lots to cover `need` points
 * (the most the batch's takes of that member can ask; planning more is an error, not a partial take).
 * `keys` are the idempotency keys the takes may carry, looked up once.
 */
export async function openTakes(tx: SqlSession, workspaceId: string, need: Map<string, number>, keys: string[], now: Date): Promise<TakeBatch> {
  const members = await lockMembers(tx, workspaceId, [...need.keys()]);
  const accounts = [...members.values()];
  const needs = [...members].map(([contact, m]) => need.get(contact)! + m.debt);
  const rows = await tx.query<{ account_id: string; id: string; remaining: string; total: string }>(
    `select x.account_id, x.id, x.remaining, x.total from (
       select l.account_id, l.id, l.remaining, l.expires_at, l.available_at,
              sum(l.remaining) over (partition by l.account_id ${SPEND_ORDER} rows unbounded preceding) - l.remaining as before,
              sum(l.remaining) over (partition by l.account_id) as total
       from loyalty_lots l
       where l.account_id = any($1::int8[]) and l.remaining > 0 and l.available_at <= $2 and (l.expires_at is null or l.expires_at > $2)) x
     join unnest($1::int8[], $3::int8[]) as n(account, need) on n.account = x.account_id
     where x.before < n.need
     order by x.account_id, x.expires_at nulls last, x.available_at, x.id`,
    [accounts.map((m) => m.id), now, needs],
  );
  const wallets = new Map<number, Wallet>(accounts.map((m) => [m.id, { member: m, lots: [], spendable: -m.debt }]));
  const totals = new Set<number>();
  for (const r of rows) {
    const w = wallets.get(Number(r.account_id))!;
    w.lots.push({ id: Number(r.id), remaining: Number(r.remaining) });
    if (!totals.has(w.member.id)) {
      totals.add(w.member.id);
      w.spendable += Number(r.total);
    }
  }
  const prior = keys.length
    ? await tx.query<{ idempotency_key: string; id: string; amount: string }>('select idempotency_key, id, amount from loyalty_transfers where workspace_id = $1 and idempotency_key = any($2::text[])', [
        workspaceId,
        keys,
      ])
    : [];
  const done = new Map<string, LedgerResult>(prior.map((p) => [p.idempotency_key, { ok: true, transferId: Number(p.id), amount: Number(p.amount), duplicate: true }]));
  const accepted: { t: TakeInput; from: number; takes: { lot: number; points: number }[] }[] = [];
  // Results handed out before write(), filled in with their transfer's id by it.
  const handedOut = new Map<string, { transferId: number | null }[]>();

  return {
    plan(t) {
      if (!Number.isSafeInteger(t.points) || t.points <= 0) throw new Error(`points to take must be a positive whole number, not ${t.points}`);
      const earlier = done.get(t.key);
      if (earlier) {
        if (!earlier.ok || earlier.transferId !== null) return earlier.ok ? { ...earlier, duplicate: true } : earlier;
        const copy = { ...earlier, duplicate: true };
        handedOut.get(t.key)!.push(copy);
        return copy;
      }
      const m = members.get(t.contactId);
      if (!m) throw new Error(`take for a member the batch was not opened for: ${t.contactId}`);
      const w = wallets.get(m.id)!;
      if (w.spendable < t.points) return { ok: false, reason: 'insufficient', spendable: w.spendable };
      const { takes, missing } = plan(w.lots, t.points);
      if (missing > 0) throw new Error(`a take of ${t.points} points goes beyond the lots the batch read: open it with the member's whole need`);
      for (const x of takes) w.lots.find((l) => l.id === x.lot)!.remaining -= x.points;
      w.lots = w.lots.filter((l) => l.remaining > 0);
      w.spendable -= t.points;
      accepted.push({ t, from: m.id, takes });
      const result: LedgerResult = { ok: true, transferId: null, amount: t.points, duplicate: false };
      done.set(t.key, result);
      handedOut.set(t.key, [result]);
      return result;
    },
    async write() {
      if (accepted.length === 0) return;
      const to = {
        spend: accepted.some((a) => a.t.kind === 'spend') ? await systemAccount(tx, workspaceId, 'redeemed') : 0,
        adjust: accepted.some((a) => a.t.kind === 'adjust') ? await systemAccount(tx, workspaceId, 'adjusted') : 0,
      };
      const transferOf = await insertTransfers(
        tx,
        workspaceId,
        accepted.map((a) => ({ from: a.from, to: to[a.t.kind], amount: a.t.points, kind: a.t.kind, cause: a.t.cause, key: a.t.key, reason: a.t.reason, createdBy: a.t.createdBy })),
        now,
      );
      for (const a of accepted) for (const r of handedOut.get(a.t.key)!) r.transferId = transferOf.get(a.t.key)!;
      const allocations = accepted.flatMap((a) => a.takes.map((x) => ({ transfer: transferOf.get(a.t.key)!, ...x })));
      const byLot = new Map<number, number>();
      for (const x of allocations) byLot.set(x.lot, (byLot.get(x.lot) ?? 0) + x.points);
      await tx.query('update loyalty_lots l set remaining = l.remaining - t.points from unnest($1::int8[], $2::int8[]) as t(lot, points) where l.id = t.lot', [[...byLot.keys()], [...byLot.values()]]);
      await tx.query('insert into loyalty_allocations (transfer_id, lot_id, points) select * from unnest($1::int8[], $2::int8[], $3::int8[])', [
        allocations.map((x) => x.transfer),
        allocations.map((x) => x.lot),
        allocations.map((x) => x.points),
      ]);
      // Only the member's side keeps a balance (ledger.ts).
      const byMember = new Map<number, number>();
      for (const a of accepted) byMember.set(a.from, (byMember.get(a.from) ?? 0) + a.t.points);
      await tx.query('update loyalty_accounts a set balance = a.balance - x.p from unnest($1::int8[], $2::int8[]) as x(id, p) where a.id = x.id', [[...byMember.keys()], [...byMember.values()]]);
      accepted.length = 0;
    },
  };
}

/** Takes many, in order, set-based; each as `take` would one after another. */
export async function takeMany(tx: SqlSession, workspaceId: string, takes: TakeInput[], now: Date): Promise<LedgerResult[]> {
  if (takes.length === 0) return [];
  const need = new Map<string, number>();
  for (const t of takes) need.set(t.contactId, (need.get(t.contactId) ?? 0) + Math.max(0, t.points));
  const batch = await openTakes(tx, workspaceId, need, takes.map((t) => t.key), now);
  const results = takes.map((t) => batch.plan(t));
  await batch.write();
  return results;
}

/** Spends available points, earliest expiry first; refused whole when there are not enough. */
export async function take(tx: SqlSession, workspaceId: string, s: TakeInput, now: Date): Promise<LedgerResult> {
  return (await takeMany(tx, workspaceId, [s], now))[0]!;
}
