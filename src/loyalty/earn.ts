// Earning and refunds: the events a rule reads (queued by a trigger in the writer's
// transaction, loyalty_pending) become lots on the ledger, a batch per transaction. Points are
// computed in TypeScript (points.ts), each earn keyed `earn:<rule>:<event>`, so a batch that
// crashed and runs again writes nothing twice. A refund takes back its order's points
// (pointsToReverse: the refunded share, so partial refunds add up to exactly what was earned).
import type { Database, SqlSession } from '../db/client.ts';
import { recordEvents } from '../events/record.ts';
import type { NewEvent } from '../events/record.ts';
import { lotExpiry } from './expiry.ts';
import { type GrantInput, grantMany, reverse } from './ledger/ledger.ts';
import { refreshMembers } from './members.ts';
import { type Program, programOf, type Rule, rulesOf, tiersOf } from './program.ts';
import { BASIS, orderPoints, pointsToReverse } from './points.ts';
import type { Tier } from './tiers.ts';

/** Events claimed per transaction. */
export const EARN_BATCH = 500;
const DAY_MS = 86_400_000;

interface EventRow {
  id: string;
  contact_id: string;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: Date;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);

/** Points an event earns by a rule for a member of a tier (before limits). */
export function rulePoints(rule: Rule, e: { properties: Record<string, unknown> }, tierBp: number): number {
  if (rule.kind === 'purchase') {
    const total = num(e.properties.total);
    const currency = typeof e.properties.currency === 'string' ? e.properties.currency : '';
    if (total === undefined) return 0;
    const items = Array.isArray(e.properties.items) ? (e.properties.items as { category?: string; sku?: string; product_id?: string; total?: number }[]) : null;
    return orderPoints({ pointsPerUnit: rule.pointsPerUnit!, currency: rule.currency!, multipliers: rule.multipliers }, { total, currency, items }, tierBp);
  }
  return Number((BigInt(rule.points!) * BigInt(tierBp)) / BigInt(BASIS));
}

/** Locks the members' accounts (created on first use) in contact-id order, as every ledger write does. */
async function lockMembers(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, number>> {
  const sorted = [...new Set(contactIds)].sort();
  await tx.query(
    "insert into loyalty_accounts (workspace_id, kind, contact_id) select $1, 'member', c from unnest($2::uuid[]) as c on conflict (workspace_id, contact_id) where kind = 'member' do nothing",
    [workspaceId, sorted],
  );
  const rows = await tx.query<{ id: string; contact_id: string }>(
    "select id, contact_id from loyalty_accounts where workspace_id = $1 and contact_id = any($2::uuid[]) and kind = 'member' order by contact_id for update",
    [workspaceId, sorted],
  );
  return new Map(rows.map((r) => [r.contact_id, Number(r.id)]));
}

/**
 * For each limited candidate (a rule's earn for a member at a moment): how many lots the rule
 * already gave the member in the limit's period around that moment (the workspace's calendar),
 * and the period's start (null: ever), in one query for the batch.
 */
async function usedInPeriods(tx: SqlSession, candidates: { account: number; rule: Rule; at: Date }[], timezone: string): Promise<{ used: number; period: string }[]> {
  if (candidates.length === 0) return [];
  const rows = await tx.query<{ n: string; used: number; start: Date | null }>(
    `select x.n, p.start, (select count(*)::int from loyalty_lots l where l.account_id = x.account and l.rule_id = x.rule
              and (p.start is null or (l.earned_at >= p.start and l.earned_at < p.finish))) as used
     from unnest($1::int8[], $2::uuid[], $3::timestamptz[], $4::text[]) with ordinality as x(account, rule, at, period, n)
     cross join lateral (
       select case when x.period = 'ever' then null else date_trunc(x.period, x.at at time zone $5) at time zone $5 end as start,
              case when x.period = 'ever' then null else (date_trunc(x.period, x.at at time zone $5) + ('1 ' || x.period)::interval) at time zone $5 end as finish) p
     order by x.n`,
    [candidates.map((c) => c.account), candidates.map((c) => c.rule.id), candidates.map((c) => c.at), candidates.map((c) => c.rule.limit!.period), timezone],
  );
  return rows.map((r) => ({ used: r.used, period: r.start ? r.start.toISOString() : 'ever' }));
}

async function earnEvents(tx: SqlSession, workspaceId: string, program: Program, rules: Rule[], tiers: Tier[], events: EventRow[], accounts: Map<string, number>, now: Date): Promise<{ grants: GrantInput[]; events: NewEvent[] }> {
  const [tierRows] = [await tx.query<{ contact_id: string; tier_id: string | null }>('select contact_id, tier_id from loyalty_members where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, [...accounts.keys()]])];
  const tierOf = new Map(tierRows.map((r) => [r.contact_id, tiers.find((t) => t.id === r.tier_id)?.multiplierBp ?? BASIS]));
  const grants: GrantInput[] = [];
  const written: NewEvent[] = [];
  // The candidates first (events a rule gives points for), then the limited ones' counts in one query.
  const candidates: { e: EventRow; rule: Rule; points: number }[] = [];
  for (const e of events) {
    if (e.occurred_at < program.earnFrom) continue;
    for (const rule of rules) {
      if (rule.eventName !== e.name) continue;
      const points = rulePoints(rule, e, tierOf.get(e.contact_id) ?? BASIS);
      if (points > 0) candidates.push({ e, rule, points });
    }
  }
  const limited = candidates.filter((c) => c.rule.limit);
  const counts = await usedInPeriods(tx, limited.map((c) => ({ account: accounts.get(c.e.contact_id)!, rule: c.rule, at: c.e.occurred_at })), program.timezone);
  const countOf = new Map(limited.map((c, i) => [c, counts[i]!]));
  // Limits count what this batch gives as well as what was given before, per period.
  const given = new Map<string, number>();
  for (const c of candidates) {
    const { e, rule, points } = c;
    const count = countOf.get(c);
    if (count) {
      // Within a batch, events of one rule and member are in time order: counted as given.
      const k = `${rule.id}:${e.contact_id}:${count.period}`;
      if (count.used + (given.get(k) ?? 0) >= rule.limit!.count) continue;
      given.set(k, (given.get(k) ?? 0) + 1);
    }
    const availableAt = new Date(e.occurred_at.getTime() + rule.pendingDays * DAY_MS);
    const expiresAt = lotExpiry(rule.expiry, e.occurred_at, program.timezone);
    const key = `earn:${rule.id}:${e.id}`;
    grants.push({ contactId: e.contact_id, points, availableAt, expiresAt, key, cause: `event:${e.id}`, kind: 'earn', ruleId: rule.id, sourceEventId: e.id, earnedAt: e.occurred_at });
    written.push({
      name: 'points.earned',
      contactId: e.contact_id,
      occurredAt: e.occurred_at,
      receivedAt: now,
      messageId: `points.earned:${key}`,
      properties: {
        points,
        rule_id: rule.id,
        rule_name: rule.name,
        pending_until: availableAt > now ? availableAt.toISOString() : null,
        expires_at: expiresAt?.toISOString() ?? null,
        order_id: typeof e.properties.order_id === 'string' ? e.properties.order_id : null,
      },
    });
  }
  return { grants, events: written };
}

/** Takes back the points of the refunded order's purchase. */
async function refundEvent(tx: SqlSession, workspaceId: string, program: Program, e: EventRow, now: Date): Promise<NewEvent | null> {
  const orderId = typeof e.properties.order_id === 'string' ? e.properties.order_id : null;
  if (!orderId) return null;
  const [purchase] = await tx.query<{ id: string; total: string }>(
    "select id, (properties ->> 'total')::bigint as total from events where workspace_id = $1 and message_id = 'purchase:' || $2 and contact_id = $3 and rapport_is_order_event(name, properties)",
    [workspaceId, orderId, e.contact_id],
  );
  if (!purchase) return null;
  const orderTotal = Number(purchase.total);
  // What the order's refunds gave back up to this one (a refund without an amount is the whole order).
  const [so] = await tx.query<{ refunded: string; whole: boolean }>(
    `select coalesce(sum((properties ->> 'total')::bigint) filter (where jsonb_typeof(properties -> 'total') = 'number'), 0) as refunded,
            bool_or(jsonb_typeof(properties -> 'total') is distinct from 'number') as whole
     from events where workspace_id = $1 and contact_id = $2 and name = 'refund' and properties ->> 'order_id' = $3 and (occurred_at, id) <= ($4, $5)`,
    [workspaceId, e.contact_id, orderId, e.occurred_at, e.id],
  );
  const refundedSoFar = so!.whole ? orderTotal : Math.min(orderTotal, Number(so!.refunded));
  const earns = await tx.query<{ id: string; key: string; amount: string; reversed: string }>(
    `select t.id, t.idempotency_key as key, t.amount, l.reversed from loyalty_lots l join loyalty_transfers t on t.id = l.transfer_id
     join loyalty_accounts a on a.id = l.account_id
     where a.workspace_id = $1 and a.contact_id = $2 and a.kind = 'member' and l.source_event_id = $3 and t.kind = 'earn' order by t.id`,
    [workspaceId, e.contact_id, purchase.id],
  );
  let taken = 0;
  let asked = 0;
  for (const earn of earns) {
    const points = pointsToReverse(Number(earn.amount), orderTotal, refundedSoFar, Number(earn.reversed));
    if (points <= 0) continue;
    asked += points;
    const r = await reverse(tx, workspaceId, { contactId: e.contact_id, earnKey: earn.key, points, key: `reverse:${earn.id}:${e.id}`, cause: `event:${e.id}` }, program.refundPolicy, now);
    if (r.ok) taken += r.amount;
  }
  if (asked === 0) return null;
  return {
    name: 'points.reversed',
    contactId: e.contact_id,
    occurredAt: e.occurred_at,
    receivedAt: now,
    messageId: `points.reversed:${e.id}`,
    properties: { points: taken, order_id: orderId, capped: asked - taken },
  };
}

/**
 * Works off the workspace's queued events, a batch per transaction; returns how many events
 * were read. Without a program the queue is dropped.
 */
export async function earnPending(db: Database, workspaceId: string, now: () => Date): Promise<number> {
  const program = await programOf(db, workspaceId);
  if (!program) {
    await db.query('delete from loyalty_pending where workspace_id = $1', [workspaceId]);
    return 0;
  }
  const [rules, tiers] = [await rulesOf(db, workspaceId, { activeOnly: true }), await tiersOf(db, workspaceId)];
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const claimed = await tx.query<{ event_id: string }>(
        `delete from loyalty_pending where id in (select id from loyalty_pending where workspace_id = $1 order by id limit $2 for update skip locked) returning event_id`,
        [workspaceId, EARN_BATCH],
      );
      if (claimed.length === 0) return 0;
      const events = await tx.query<EventRow>(
        'select id, contact_id, name, properties, occurred_at from events where workspace_id = $1 and id = any($2::uuid[]) order by occurred_at, id',
        [workspaceId, claimed.map((c) => c.event_id)],
      );
      if (events.length === 0) return claimed.length;
      const at = now();
      const accounts = await lockMembers(tx, workspaceId, events.map((e) => e.contact_id));
      const earned = await earnEvents(tx, workspaceId, program, rules, tiers, events.filter((e) => e.name !== 'refund'), accounts, at);
      await grantMany(tx, workspaceId, earned.grants, at);
      const written = [...earned.events];
      for (const e of events.filter((x) => x.name === 'refund')) {
        const r = await refundEvent(tx, workspaceId, program, e, at);
        if (r) written.push(r);
      }
      await recordEvents(tx, workspaceId, 'loyalty', written);
      await refreshMembers(tx, workspaceId, program, tiers, [...accounts.keys()], at);
      return claimed.length;
    });
    total += n;
    if (n < EARN_BATCH) break;
  }
  return total;
}

/**
 * Queues the events already stored that a rule now reads, from the program's `earn_from` on
 * (a rule added, the program set up or resumed, `earn_from` moved earlier): past orders earn
 * as new ones do, and their refunds take back. Events already counted are skipped by their
 * idempotency keys, so queueing again changes nothing. Returns how many were queued.
 */
export async function queuePast(db: SqlSession, workspaceId: string, names: string[]): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `with queued as (
       insert into loyalty_pending (workspace_id, event_id)
       select e.workspace_id, e.id from events e join loyalty_programs p on p.workspace_id = e.workspace_id and p.state = 'active'
       where e.workspace_id = $1 and e.name = any($2::text[]) and e.occurred_at >= p.earn_from
       order by e.occurred_at, e.id
       returning 1)
     select count(*)::int as n from queued`,
    [workspaceId, [...new Set([...names, 'refund'])]],
  );
  return rows[0]!.n;
}
