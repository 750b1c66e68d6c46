import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceLedger } from './reference.ts';

const DAY = 1;
const never = null;

describe('the reference ledger', () => {
  it('spends the points that expire first, whatever order they were earned in', () => {
    const l = new ReferenceLedger('negative');
    l.earn('ann', 100, { key: 'e1', availableAt: 0, expiresAt: never });
    l.earn('ann', 50, { key: 'e2', availableAt: 0, expiresAt: 90 * DAY });
    l.earn('ann', 30, { key: 'e3', availableAt: 0, expiresAt: 30 * DAY });
    expect(l.spend('ann', 60, 1, 's1').ok).toBe(true);
    // 30 from the lot expiring on day 30, 30 from the one expiring on day 90; none from the one that never expires.
    expect(l.lots.map((x) => x.remaining)).toEqual([100, 20, 0]);
    expect(l.balance('ann')).toBe(120);
  });

  it('keeps pending points out of reach until they are due', () => {
    const l = new ReferenceLedger('negative');
    l.earn('ann', 100, { key: 'e1', availableAt: 14 * DAY, expiresAt: never });
    expect(l.pending('ann', 1)).toBe(100);
    expect(l.spendable('ann', 1)).toBe(0);
    expect(l.spend('ann', 10, 1, 's1')).toEqual({ ok: false, reason: 'insufficient' });
    expect(l.spend('ann', 10, 14 * DAY, 's1').ok).toBe(true);
    expect(l.spendable('ann', 14 * DAY)).toBe(90);
  });

  it('expires what is left of a lot, once', () => {
    const l = new ReferenceLedger('negative');
    l.earn('ann', 100, { key: 'e1', availableAt: 0, expiresAt: 30 * DAY });
    l.spend('ann', 40, 1, 's1');
    expect(l.expire(29 * DAY)).toEqual([]);
    expect(l.expire(30 * DAY).map((t) => t.amount)).toEqual([60]);
    expect(l.expire(31 * DAY)).toEqual([]);
    expect(l.balance('ann')).toBe(0);
    expect(l.balanceFromTransfers('expired')).toBe(60);
  });

  it('a refund takes back exactly its purchase’s points; what was spent becomes debt that new points pay', () => {
    const l = new ReferenceLedger('negative');
    l.earn('ann', 100, { key: 'order-1', availableAt: 0, expiresAt: never });
    l.spend('ann', 80, 1, 's1');
    l.reverse('ann', 'order-1', 100, 'refund-1');
    expect(l.balance('ann')).toBe(-80);
    expect(l.balanceFromTransfers('member:ann')).toBe(-80);
    l.earn('ann', 50, { key: 'order-2', availableAt: 0, expiresAt: never });
    expect(l.balance('ann')).toBe(-30);
    expect(l.spendable('ann', 2)).toBe(-30);
  });

  it('under the cap rule the refund takes only what is there', () => {
    const l = new ReferenceLedger('cap');
    l.earn('ann', 100, { key: 'order-1', availableAt: 0, expiresAt: never });
    l.spend('ann', 80, 1, 's1');
    const r = l.reverse('ann', 'order-1', 100, 'refund-1');
    expect(r.ok && r.transfer?.amount).toBe(20);
    expect(l.balance('ann')).toBe(0);
  });

  it('a refund takes other points before it leaves a debt (buy, earn, spend, refund keeps nothing)', () => {
    const l = new ReferenceLedger('cap');
    l.earn('ann', 40, { key: 'order-0', availableAt: 0, expiresAt: never });
    l.earn('ann', 100, { key: 'order-1', availableAt: 0, expiresAt: never });
    l.spend('ann', 100, 1, 's1');
    l.reverse('ann', 'order-1', 100, 'refund-1');
    expect(l.balance('ann')).toBe(0);
  });

  it('does each keyed change once', () => {
    const l = new ReferenceLedger('negative');
    l.earn('ann', 100, { key: 'e1', availableAt: 0, expiresAt: never });
    l.earn('ann', 100, { key: 'e1', availableAt: 0, expiresAt: never });
    l.spend('ann', 10, 1, 's1');
    l.spend('ann', 10, 1, 's1');
    expect(l.balance('ann')).toBe(90);
    expect(l.transfers).toHaveLength(2);
  });

  it('after any sequence of changes: balances equal their transfers, no lot is negative, the accounts sum to zero', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('earn' as const), who: fc.constantFrom('a', 'b'), points: fc.integer({ min: 1, max: 500 }), pending: fc.integer({ min: 0, max: 20 }), life: fc.option(fc.integer({ min: 1, max: 60 })) }),
      fc.record({ kind: fc.constant('spend' as const), who: fc.constantFrom('a', 'b'), points: fc.integer({ min: 1, max: 500 }) }),
      fc.record({ kind: fc.constant('refund' as const), who: fc.constantFrom('a', 'b'), share: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('adjust' as const), who: fc.constantFrom('a', 'b'), delta: fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0) }),
      fc.record({ kind: fc.constant('tick' as const), days: fc.integer({ min: 1, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom<'negative' | 'cap'>('negative', 'cap'), fc.array(op, { maxLength: 60 }), (policy, ops) => {
        const l = new ReferenceLedger(policy);
        let now = 0;
        ops.forEach((o, i) => {
          if (o.kind === 'earn') l.earn(o.who, o.points, { key: `e${i}`, availableAt: now + o.pending, expiresAt: o.life === null ? null : now + o.life });
          else if (o.kind === 'spend') l.spend(o.who, o.points, now, `s${i}`);
          else if (o.kind === 'adjust') l.adjust(o.who, o.delta, now, `a${i}`);
          else if (o.kind === 'tick') {
            now += o.days;
            l.expire(now);
          } else {
            const earned = l.lots.filter((x) => x.contact === o.who && x.earnKey.startsWith('e'));
            const lot = earned[i % Math.max(1, earned.length)];
            if (lot) l.reverse(o.who, lot.earnKey, Math.ceil((lot.points * o.share) / 100), `r${i}`);
          }
          for (const who of ['a', 'b']) {
            expect(l.balance(who)).toBe(l.balanceFromTransfers(`member:${who}`));
            if (policy === 'cap') expect(l.balance(who)).toBeGreaterThanOrEqual(0);
          }
          for (const lot of l.lots) expect(lot.remaining).toBeGreaterThanOrEqual(0);
          const accounts = ['member:a', 'member:b', 'issued', 'redeemed', 'expired', 'adjusted'];
          expect(accounts.reduce((s, a) => s + l.balanceFromTransfers(a), 0)).toBe(0);
        });
      }),
    );
  });
});
