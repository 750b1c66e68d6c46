// The points ledger's operations, each in the caller's transaction (docs/design/loyalty.md).
// Every operation on a member first locks the member's account row, so two changes of one
// member's points queue up; it then looks its idempotency key up (a retry returns the first
// transfer), plans which lots to take from in TypeScript, and writes the transfer, the
// allocations, the lots and the member's balance. System accounts (issued, redeemed, expired,
// adjusted) keep no balance of their own: every earn of the workspace would write that one row
// and queue behind the others (the benchmark showed it); check.ts derives them from the transfers.
// Spends and removals, one or a batch, are in take.ts. reference.ts states the same rules in
// memory; ledger.property.test.ts holds the two together.
import type { SqlSession } from '../../db/client.ts';
import type { RefundPolicy, SystemAccount, TransferKind } from './reference.ts';

export type LedgerResult =
  | { ok: true; transferId: number | null; amount: number; duplicate: boolean }
  | { ok: false; reason: 'insufficient' | 'unknown_earn'; spendable?: number };

export interface Member {
  id: number;
  debt: number;
}

export interface OpenLot {
  id: number;
  remaining: number;
}

/** The workspace's system accounts, created on first use. */
export async function systemAccount(tx: SqlSession, workspaceId: string, kind: SystemAccount): Promise<number> {
  const [found] = await tx.query<{ id: number }>("select id::int8 as id from loyalty_accounts where workspace_id = $1 and kind = $2 and kind <> 'member'", [workspaceId, kind]);
  if (found) return Number(found.id);
  await tx.query('insert into loyalty_accounts (workspace_id, kind) values ($1, $2) on conflict (workspace_id, kind) where kind <> \'member\' do nothing', [workspaceId, kind]);
  const [row] = await tx.query<{ id: number }>("select id::int8 as id from loyalty_accounts where workspace_id = $1 and kind = $2 and kind <> 'member'", [workspaceId, kind]);
  return Number(row!.id);
}

/** The member's account, created on first use and locked for the rest of the transaction. */
export async function lockMember(tx: SqlSession, workspaceId: string, contactId: string): Promise<Member> {
  await tx.query("insert into loyalty_accounts (workspace_id, kind, contact_id) values ($1, 'member', $2) on conflict (workspace_id, contact_id) where kind = 'member' do nothing", [
    workspaceId,
    contactId,
  ]);
  const [row] = await tx.query<{ id: string; debt: string }>(
    "select id, debt from loyalty_accounts where workspace_id = $1 and contact_id = $2 and kind = 'member' for update",
    [workspaceId, contactId],
  );
  return { id: Number(row!.id), debt: Number(row!.debt) };
}

/** Many members' accounts, created on first use and locked in contact-id order (so two batches never wait on each other in a circle). */
export async function lockMembers(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, Member>> {
  const contacts = [...new Set(contactIds)].sort();
  await tx.query(
    "insert into loyalty_accounts (workspace_id, kind, contact_id) select $1, 'member', c from unnest($2::uuid[]) as c on conflict (workspace_id, contact_id) where kind = 'member' do nothing",
    [workspaceId, contacts],
  );
  const members = await tx.query<{ id: string; contact_id: string; debt: string }>(
    "select id, contact_id, debt from loyalty_accounts where workspace_id = $1 and contact_id = any($2::uuid[]) and kind = 'member' order by contact_id for update",
    [workspaceId, contacts],
  );
  return new Map(members.map((m) => [m.contact_id, { id: Number(m.id), debt: Number(m.debt) }]));
}

async function existing(tx: SqlSession, workspaceId: string, key: string): Promise<LedgerResult | null> {
  const [row] = await tx.query<{ id: string; amount: string }>('select id, amount from loyalty_transfers where workspace_id = $1 and idempotency_key = $2', [workspaceId, key]);
  return row ? { ok: true, transferId: Number(row.id), amount: Number(row.amount), duplicate: true } : null;
}

/**
 * What every change of a member's points starts with: a positive whole number of points, the
 * member's account locked, and the idempotency key looked up. Returns the member, or the
 * result of the earlier change with the same key (a retry).
 */
async function begin(tx: SqlSession, workspaceId: string, contactId: string, key: string, points: number, what: string): Promise<Member | LedgerResult> {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`points to ${what} must be a positive whole number, not ${points}`);
  const member = await lockMember(tx, workspaceId, contactId);
  return (await existing(tx, workspaceId, key)) ?? member;
}

const isMember = (m: Member | LedgerResult): m is Member => 'debt' in m;

interface TransferRow {
  /** Which side is the member's account (the other is a system account). */
  memberSide: 'from' | 'to';
  from: number;
  to: number;
  amount: number;
  kind: TransferKind;
  cause: string;
  key: string;
  reason?: string | null;
  createdBy?: string | null;
}

/** Writes transfers set-based, in the order given; each one's id by its idempotency key. Balances are the caller's. */
export async function insertTransfers(tx: SqlSession, workspaceId: string, rows: Omit<TransferRow, 'memberSide'>[], now: Date): Promise<Map<string, number>> {
  const ids = await tx.query<{ id: string; idempotency_key: string }>(
    `insert into loyalty_transfers (workspace_id, from_account, to_account, amount, kind, cause, idempotency_key, reason, created_by, created_at)
     select $1, t.f, t.t, t.a, t.k, t.c, t.key, t.r, t.u, $2
     from unnest($3::int8[], $4::int8[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[]) with ordinality as t(f, t, a, k, c, key, r, u, n)
     order by t.n returning id, idempotency_key`,
    [
      workspaceId,
      now,
      rows.map((r) => r.from),
      rows.map((r) => r.to),
      rows.map((r) => r.amount),
      rows.map((r) => r.kind),
      rows.map((r) => r.cause),
      rows.map((r) => r.key),
      rows.map((r) => r.reason ?? null),
      rows.map((r) => r.createdBy ?? null),
    ],
  );
  return new Map(ids.map((r) => [r.idempotency_key, Number(r.id)]));
}

async function insertTransfer(tx: SqlSession, workspaceId: string, t: TransferRow, now: Date): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `insert into loyalty_transfers (workspace_id, from_account, to_account, amount, kind, cause, idempotency_key, reason, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [workspaceId, t.from, t.to, t.amount, t.kind, t.cause, t.key, t.reason ?? null, t.createdBy ?? null, now],
  );
  // Only the member's side keeps a balance: the system accounts' are derived from the transfers
  // in the check, so that no row is written by every earn and spend of the workspace.
  if (t.memberSide === 'from') await tx.query('update loyalty_accounts set balance = balance - $2 where id = $1', [t.from, t.amount]);
  else await tx.query('update loyalty_accounts set balance = balance + $2 where id = $1', [t.to, t.amount]);
  return Number(row!.id);
}

/** Takes up to `points` from the lots in order: what each gives, and what could not be taken. */
export function plan(lots: OpenLot[], points: number): { takes: { lot: number; points: number }[]; missing: number } {
  const takes: { lot: number; points: number }[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const t = Math.min(lot.remaining, left);
    if (t > 0) takes.push({ lot: lot.id, points: t });
    left -= t;
  }
  return { takes, missing: left };
}

async function applyTakes(tx: SqlSession, transferId: number, takes: { lot: number; points: number }[]): Promise<void> {
  if (takes.length === 0) return;
  const lots = takes.map((t) => t.lot);
  const points = takes.map((t) => t.points);
  await tx.query(
    `update loyalty_lots l set remaining = l.remaining - t.points from unnest($1::int8[], $2::int8[]) as t(lot, points) where l.id = t.lot`,
    [lots, points],
  );
  await tx.query(`insert into loyalty_allocations (transfer_id, lot_id, points) select $1, t.lot, t.points from unnest($2::int8[], $3::int8[]) as t(lot, points)`, [
    transferId,
    lots,
    points,
  ]);
}

export interface GrantInput {
  contactId: string;
  points: number;
  availableAt: Date;
  expiresAt: Date | null;
  key: string;
  cause: string;
  /** earn: from the issued account; adjust: an admin's addition, from the adjusted account. */
  kind: 'earn' | 'adjust';
  reason?: string | null;
  createdBy?: string | null;
  /** Where an earned lot came from: its rule, its event, and when the event happened. */
  ruleId?: string | null;
  sourceEventId?: string | null;
  earnedAt?: Date | null;
}

/** Gives a member points as a lot; new points pay the member's debt first. */
export async function grant(tx: SqlSession, workspaceId: string, g: GrantInput, now: Date): Promise<LedgerResult> {
  return (await grantMany(tx, workspaceId, [g], now))[0]!;
}

/**
 * Gives many grants at once (an earn batch), set-based: the members' accounts are locked in
 * contact-id order, the keys looked up, and the transfers, lots and balances written in a few
 * statements. The same as `grant` one after another, in order.
 */
export async function grantMany(tx: SqlSession, workspaceId: string, grants: GrantInput[], now: Date): Promise<LedgerResult[]> {
  for (const g of grants) if (!Number.isSafeInteger(g.points) || g.points <= 0) throw new Error(`points to grant must be a positive whole number, not ${g.points}`);
  if (grants.length === 0) return [];
  const member = await lockMembers(tx, workspaceId, grants.map((g) => g.contactId));
  const prior = await tx.query<{ idempotency_key: string; id: string; amount: string }>('select idempotency_key, id, amount from loyalty_transfers where workspace_id = $1 and idempotency_key = any($2::text[])', [
    workspaceId,
    grants.map((g) => g.key),
  ]);
  const done = new Map<string, LedgerResult>(prior.map((p) => [p.idempotency_key, { ok: true, transferId: Number(p.id), amount: Number(p.amount), duplicate: true }]));
  const fresh: GrantInput[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    if (done.has(g.key) || seen.has(g.key)) continue;
    seen.add(g.key);
    fresh.push(g);
  }
  if (fresh.length > 0) {
    const system = { earn: await systemAccount(tx, workspaceId, 'issued'), adjust: await systemAccount(tx, workspaceId, 'adjusted') };
    const ids = await insertTransfers(
      tx,
      workspaceId,
      fresh.map((g) => ({ from: system[g.kind], to: member.get(g.contactId)!.id, amount: g.points, kind: g.kind, cause: g.cause, key: g.key, reason: g.reason, createdBy: g.createdBy })),
      now,
    );
    // Debt is paid in the order of the grants.
    const debt = new Map([...member].map(([c, m]) => [c, m.debt]));
    const paid = fresh.map((g) => {
      const p = Math.min(debt.get(g.contactId)!, g.points);
      debt.set(g.contactId, debt.get(g.contactId)! - p);
      return p;
    });
    await tx.query(
      `insert into loyalty_lots (workspace_id, account_id, transfer_id, points, debt_paid, remaining, available_at, expires_at, rule_id, source_event_id, earned_at)
       select $1, t.acc, t.tr, t.p, t.paid, t.p - t.paid, t.av, t.ex, t.rule, t.ev, t.at
       from unnest($2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::timestamptz[], $7::timestamptz[], $8::uuid[], $9::uuid[], $10::timestamptz[]) as t(acc, tr, p, paid, av, ex, rule, ev, at)`,
      [
        workspaceId,
        fresh.map((g) => member.get(g.contactId)!.id),
        fresh.map((g) => ids.get(g.key)!),
        fresh.map((g) => g.points),
        paid,
        fresh.map((g) => g.availableAt),
        fresh.map((g) => g.expiresAt),
        fresh.map((g) => g.ruleId ?? null),
        fresh.map((g) => g.sourceEventId ?? null),
        fresh.map((g) => g.earnedAt ?? null),
      ],
    );
    // Balances: each member's total in one update (system accounts keep none: see insertTransfer).
    const byMember = new Map<number, { points: number; paid: number }>();
    fresh.forEach((g, i) => {
      const m = member.get(g.contactId)!.id;
      const cur = byMember.get(m) ?? { points: 0, paid: 0 };
      byMember.set(m, { points: cur.points + g.points, paid: cur.paid + paid[i]! });
    });
    await tx.query(
      'update loyalty_accounts a set balance = a.balance + x.p, debt = a.debt - x.paid from unnest($1::int8[], $2::int8[], $3::int8[]) as x(id, p, paid) where a.id = x.id',
      [[...byMember.keys()], [...byMember.values()].map((v) => v.points), [...byMember.values()].map((v) => v.paid)],
    );
    for (const g of fresh) done.set(g.key, { ok: true, transferId: ids.get(g.key)!, amount: g.points, duplicate: false });
  }
  // A key given twice in one call: the second is a retry of the first.
  const first = new Set<string>();
  return grants.map((g) => {
    const r = done.get(g.key)!;
    if (r.ok && !r.duplicate && first.has(g.key)) return { ...r, duplicate: true };
    first.add(g.key);
    return r;
  });
}

export interface ReverseInput {
  contactId: string;
  /** The idempotency key of the earn being taken back. */
  earnKey: string;
  points: number;
  key: string;
  cause: string;
}

/**
 * Takes back points of an earn (a refund): from the earn's own lots, then the member's other
 * lots in spending order (pending ones too); what is still missing becomes debt under the
 * "negative" policy and is not taken under "cap".
 */
export async function reverse(tx: SqlSession, workspaceId: string, r: ReverseInput, policy: RefundPolicy, now: Date): Promise<LedgerResult> {
  const member = await begin(tx, workspaceId, r.contactId, r.key, r.points, 'take back');
  if (!isMember(member)) return member;
  const rows = await tx.query<{ id: string; remaining: string; own: boolean }>(
    `select l.id, l.remaining, (t.idempotency_key = $2) as own
     from loyalty_lots l join loyalty_transfers t on t.id = l.transfer_id
     where l.account_id = $1 and (l.remaining > 0 or t.idempotency_key = $2)
     order by (t.idempotency_key = $2) desc, l.expires_at nulls last, l.available_at, l.id
     for update of l`,
    [member.id, r.earnKey],
  );
  if (!rows.some((row) => row.own)) return { ok: false, reason: 'unknown_earn' };
  const { takes, missing } = plan(
    rows.map((row) => ({ id: Number(row.id), remaining: Number(row.remaining) })),
    r.points,
  );
  const debt = policy === 'negative' ? missing : 0;
  const amount = r.points - missing + debt;
  if (amount === 0) return { ok: true, transferId: null, amount: 0, duplicate: false };
  const to = await systemAccount(tx, workspaceId, 'issued');
  const transferId = await insertTransfer(tx, workspaceId, { memberSide: 'from', from: member.id, to, amount, kind: 'reverse', cause: r.cause, key: r.key }, now);
  await applyTakes(tx, transferId, takes);
  if (debt > 0) await tx.query('update loyalty_accounts set debt = debt + $2 where id = $1', [member.id, debt]);
  // What the earn lost to refunds, for the points that qualify for a tier.
  await tx.query('update loyalty_lots l set reversed = l.reversed + $3 from loyalty_transfers t where t.workspace_id = $1 and t.idempotency_key = $2 and l.transfer_id = t.id', [workspaceId, r.earnKey, amount]);
  return { ok: true, transferId, amount, duplicate: false };
}

/**
 * Expires what is left of the workspace's lots whose date has passed, those of up to `limit`
 * members at a time: a transfer per lot to the expired account, keyed by the lot. Returns how
 * many lots expired (call again until 0).
 */
export async function expireDue(tx: SqlSession, workspaceId: string, now: Date, limit = 1_000): Promise<number> {
  // Candidates first, without locks; each member's lock is taken before their lots', as everywhere.
  const due = await tx.query<{ contact_id: string }>(
    `select distinct a.contact_id from loyalty_lots l join loyalty_accounts a on a.id = l.account_id
     where l.workspace_id = $1 and l.remaining > 0 and l.expires_at <= $2 order by 1 limit $3`,
    [workspaceId, now, limit],
  );
  let expired = 0;
  for (const { contact_id } of due) {
    const member = await lockMember(tx, workspaceId, contact_id);
    const lots = await tx.query<{ id: string; remaining: string }>(
      'select id, remaining from loyalty_lots where account_id = $1 and remaining > 0 and expires_at <= $2 order by id for update',
      [member.id, now],
    );
    const to = await systemAccount(tx, workspaceId, 'expired');
    for (const lot of lots) {
      const key = `expire:${lot.id}`;
      if (await existing(tx, workspaceId, key)) continue;
      const transferId = await insertTransfer(tx, workspaceId, { memberSide: 'from', from: member.id, to, amount: Number(lot.remaining), kind: 'expire', cause: `lot:${lot.id}`, key }, now);
      await applyTakes(tx, transferId, [{ lot: Number(lot.id), points: Number(lot.remaining) }]);
      expired++;
    }
  }
  return expired;
}

/** A member's points now: the balance, what can be spent, what is pending, and debt. */
export async function memberPoints(tx: SqlSession, workspaceId: string, contactId: string, now: Date): Promise<{ balance: number; spendable: number; pending: number; debt: number }> {
  const [row] = await tx.query<{ balance: string; debt: string; available: string; pending: string }>(
    `select a.balance, a.debt,
            coalesce(sum(l.remaining) filter (where l.available_at <= $3 and (l.expires_at is null or l.expires_at > $3)), 0) as available,
            coalesce(sum(l.remaining) filter (where l.available_at > $3 and (l.expires_at is null or l.expires_at > $3)), 0) as pending
     from loyalty_accounts a left join loyalty_lots l on l.account_id = a.id and l.remaining > 0
     where a.workspace_id = $1 and a.contact_id = $2 and a.kind = 'member'
     group by a.id`,
    [workspaceId, contactId, now],
  );
  if (!row) return { balance: 0, spendable: 0, pending: 0, debt: 0 };
  return { balance: Number(row.balance), spendable: Number(row.available) - Number(row.debt), pending: Number(row.pending), debt: Number(row.debt) };
}

/**
 * Ends a deleted contact's membership in the deletion's transaction: what their lots hold goes
 * to the expired account, and a debt is written off, each by one `forfeit` transfer keyed by
 * the contact, so the program's outstanding points no longer count them. The transfers stay
 * (they hold only the account's id).
 */
export async function forfeit(tx: SqlSession, workspaceId: string, contactId: string, now: Date): Promise<number> {
  const [exists] = await tx.query("select 1 from loyalty_accounts where workspace_id = $1 and contact_id = $2 and kind = 'member'", [workspaceId, contactId]);
  if (!exists) return 0;
  const member = await lockMember(tx, workspaceId, contactId);
  const lots = await tx.query<{ id: string; remaining: string }>('select id, remaining from loyalty_lots where account_id = $1 and remaining > 0 order by id', [member.id]);
  const held = lots.reduce((n, l) => n + Number(l.remaining), 0);
  const expired = await systemAccount(tx, workspaceId, 'expired');
  if (held > 0 && !(await existing(tx, workspaceId, `forfeit:${contactId}`))) {
    const id = await insertTransfer(tx, workspaceId, { memberSide: 'from', from: member.id, to: expired, amount: held, kind: 'forfeit', cause: `contact:${contactId}`, key: `forfeit:${contactId}` }, now);
    await applyTakes(tx, id, lots.map((l) => ({ lot: Number(l.id), points: Number(l.remaining) })));
  }
  if (member.debt > 0 && !(await existing(tx, workspaceId, `forfeit-debt:${contactId}`))) {
    await insertTransfer(tx, workspaceId, { memberSide: 'to', from: expired, to: member.id, amount: member.debt, kind: 'forfeit', cause: `contact:${contactId}`, key: `forfeit-debt:${contactId}` }, now);
    await tx.query('update loyalty_accounts set debt = 0 where id = $1', [member.id]);
  }
  return held;
}
