// The SQL ledger against the reference ledger in memory: any sequence of earns (some pending,
// some expiring), spends, refunds, adjustments and days passing leaves both with the same
// balances, spendable and pending points; and after every step the SQL ledger checks out
// (each balance equals its transfers, each member's balance their lots minus debt, each lot
// its allocations, the workspace's accounts sum to zero).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { checkLedger } from './check.ts';
import { expireDue, grant, memberPoints, reverse } from './ledger.ts';
import { take, takeMany } from './take.ts';
import { type RefundPolicy, ReferenceLedger } from './reference.ts';

const t = useHarness();
const BASE = Date.parse('2026-01-01T00:00:00Z');
const at = (day: number) => new Date(BASE + day * 86_400_000);

const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('earn' as const), who: fc.constantFrom('a', 'b'), points: fc.integer({ min: 1, max: 500 }), pending: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) }), life: fc.option(fc.integer({ min: 1, max: 60 }), { freq: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('spend' as const), who: fc.constantFrom('a', 'b'), points: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.constant(0)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), who: fc.constantFrom('a', 'b'), share: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(100)), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), who: fc.constantFrom('a', 'b'), delta: fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), days: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), back: fc.nat() }) },
  // Several spends in one batch (redemptions arriving together), some over what is left.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('spends' as const), list: fc.array(fc.record({ who: fc.constantFrom('a', 'b'), points: fc.integer({ min: 1, max: 300 }) }), { minLength: 1, maxLength: 5 }) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function replay(policy: RefundPolicy, ops: Op[]): Promise<void> {
  const ws = randomUUID();
  const contacts = { a: randomUUID(), b: randomUUID() } as const;
  const ref = new ReferenceLedger(policy);
  let now = 0;
  const done: (() => Promise<unknown>)[] = [];
  for (const [i, o] of ops.entries()) {
    const run = async (): Promise<unknown> => {
      if (o.kind === 'earn') {
        const expiresAt = o.life === null ? null : now + o.life;
        const g = { contactId: contacts[o.who], points: o.points, availableAt: at(now + o.pending), expiresAt: expiresAt === null ? null : at(expiresAt), key: `e${i}`, cause: `event:${i}`, kind: 'earn' as const };
        const r = ref.earn(o.who, o.points, { key: `e${i}`, availableAt: now + o.pending, expiresAt });
        const s = await t.h.db.transaction((tx) => grant(tx, ws, g, at(now)));
        expect(s.ok).toBe(r.ok);
      } else if (o.kind === 'spend') {
        // 0: everything that can be spent (the case that makes a later refund leave a debt).
        const points = o.points || ref.spendable(o.who, now);
        if (points <= 0) return;
        const r = ref.spend(o.who, points, now, `s${i}`);
        const s = await t.h.db.transaction((tx) => take(tx, ws, { contactId: contacts[o.who], points, key: `s${i}`, cause: `reward:${i}`, kind: 'spend' }, at(now)));
        expect(s.ok).toBe(r.ok);
      } else if (o.kind === 'spends') {
        const expected = o.list.map((x, j) => ref.spend(x.who, x.points, now, `s${i}.${j}`).ok);
        const s = await t.h.db.transaction((tx) =>
          takeMany(tx, ws, o.list.map((x, j) => ({ contactId: contacts[x.who], points: x.points, key: `s${i}.${j}`, cause: `reward:${i}.${j}`, kind: 'spend' as const })), at(now)),
        );
        expect(s.map((r) => r.ok)).toEqual(expected);
        expect(s.every((r) => !r.ok || typeof r.transferId === 'number')).toBe(true);
      } else if (o.kind === 'adjust') {
        const r = ref.adjust(o.who, o.delta, now, `a${i}`);
        const s = await t.h.db.transaction((tx) =>
          o.delta > 0
            ? grant(tx, ws, { contactId: contacts[o.who], points: o.delta, availableAt: at(now), expiresAt: null, key: `a${i}`, cause: `adjust:${i}`, kind: 'adjust', reason: 'test' }, at(now))
            : take(tx, ws, { contactId: contacts[o.who], points: -o.delta, key: `a${i}`, cause: `adjust:${i}`, kind: 'adjust', reason: 'test' }, at(now)),
        );
        expect(s.ok).toBe(r.ok);
      } else if (o.kind === 'refund') {
        const earned = ref.lots.filter((l) => l.contact === o.who && l.earnKey.startsWith('e'));
        const lot = earned[o.pick % Math.max(1, earned.length)];
        if (!lot) return;
        const points = Math.ceil((lot.points * o.share) / 100);
        const r = ref.reverse(o.who, lot.earnKey, points, `r${i}`);
        const s = await t.h.db.transaction((tx) => reverse(tx, ws, { contactId: contacts[o.who], earnKey: lot.earnKey, points, key: `r${i}`, cause: `event:r${i}` }, policy, at(now)));
        expect(s.ok).toBe(r.ok);
      } else if (o.kind === 'tick') {
        now += o.days;
        ref.expire(now);
        await t.h.db.transaction((tx) => expireDue(tx, ws, at(now)));
      } else {
        // The same request again (a retry after a crash): nothing changes.
        await done[done.length - 1 - (o.back % Math.max(1, done.length))]?.();
      }
      return undefined;
    };
    await run();
    if (o.kind !== 'retry' && o.kind !== 'tick') done.push(run);
    for (const who of ['a', 'b'] as const) {
      const s = await memberPoints(t.h.db, ws, contacts[who], at(now));
      // The lots in the order they were made: which lot each spend, expiry and refund took from.
      const lots = await t.h.db.query<{ remaining: string }>(
        "select l.remaining from loyalty_lots l join loyalty_accounts a on a.id = l.account_id where a.workspace_id = $1 and a.contact_id = $2 order by l.id",
        [ws, contacts[who]],
      );
      expect({ who, balance: s.balance, spendable: s.spendable, pending: s.pending, debt: s.debt, lots: lots.map((l) => Number(l.remaining)) }).toEqual({
        who,
        balance: ref.balance(who),
        spendable: ref.spendable(who, now),
        pending: ref.pending(who, now),
        debt: ref.debt.get(who) ?? 0,
        lots: ref.lots.filter((l) => l.contact === who).map((l) => l.remaining),
      });
    }
    expect(await checkLedger(t.h.db, ws)).toEqual([]);
  }
}

describe('the points ledger in SQL', () => {
  it('agrees with the reference ledger after any sequence of changes, and always checks out', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<RefundPolicy>('negative', 'cap'), fc.array(op, { maxLength: 40 }), (policy, ops) => replay(policy, ops)),
      { numRuns: 100 },
    );
  });

  it('a refund after the points were spent leaves a debt that the next points pay', async () => {
    await replay('negative', [
      { kind: 'earn', who: 'a', points: 100, pending: 0, life: null },
      { kind: 'spend', who: 'a', points: 80 },
      { kind: 'refund', who: 'a', share: 100, pick: 0 },
      { kind: 'earn', who: 'a', points: 50, pending: 0, life: null },
    ]);
  });
});

describe('the points ledger under concurrent writes', () => {
  it('200 earns and 200 spends of one member at once: every point accounted for, none spent twice, nothing negative', { timeout: 120_000 }, async () => {
    const ws = randomUUID();
    const ann = randomUUID();
    const now = at(0);
    const grants = Array.from({ length: 200 }, (_, i) =>
      t.h.db.transaction((tx) => grant(tx, ws, { contactId: ann, points: 10, availableAt: now, expiresAt: null, key: `e${i}`, cause: `event:${i}`, kind: 'earn' }, now)),
    );
    const spends = Array.from({ length: 200 }, (_, i) => t.h.db.transaction((tx) => take(tx, ws, { contactId: ann, points: 7, key: `s${i}`, cause: `reward:${i}`, kind: 'spend' }, now)));
    // The same earns again, as retries: nothing more.
    const retries = Array.from({ length: 50 }, (_, i) =>
      t.h.db.transaction((tx) => grant(tx, ws, { contactId: ann, points: 10, availableAt: now, expiresAt: null, key: `e${i}`, cause: `event:${i}`, kind: 'earn' }, now)),
    );
    const results = await Promise.all([...grants, ...spends, ...retries]);
    const spent = results.slice(200, 400).filter((r) => r.ok).length;
    expect(results.slice(400).every((r) => r.ok && r.duplicate)).toBe(true);
    const points = await memberPoints(t.h.db, ws, ann, now);
    expect(points.balance).toBe(200 * 10 - spent * 7);
    expect(points.balance).toBeGreaterThanOrEqual(0);
    expect(await checkLedger(t.h.db, ws)).toEqual([]);
  });
});
