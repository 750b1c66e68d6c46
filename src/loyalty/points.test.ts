import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderPoints, pointsToReverse, type PurchaseRule } from './points.ts';

const rule = (over: Partial<PurchaseRule> = {}): PurchaseRule => ({ pointsPerUnit: 1, currency: 'GBP', multipliers: [], ...over });

describe('points for an order', () => {
  it('earns points per pound spent, rounded down', () => {
    expect(orderPoints(rule(), { total: 4599, currency: 'GBP' })).toBe(45);
    expect(orderPoints(rule({ pointsPerUnit: 10 }), { total: 4599, currency: 'GBP' })).toBe(459);
  });

  it('reads the amount by the currency’s own exponent (yen have none, dinars three)', () => {
    expect(orderPoints(rule({ currency: 'JPY' }), { total: 4599, currency: 'JPY' })).toBe(4599);
    expect(orderPoints(rule({ currency: 'KWD' }), { total: 4599, currency: 'KWD' })).toBe(4);
  });

  it('earns nothing for an order in another currency, or for nothing paid', () => {
    expect(orderPoints(rule(), { total: 4599, currency: 'EUR' })).toBe(0);
    expect(orderPoints(rule(), { total: 0, currency: 'GBP' })).toBe(0);
    expect(orderPoints(rule(), { total: -500, currency: 'GBP' })).toBe(0);
  });

  it('multiplies the items of a category, and counts shipping at ×1', () => {
    const r = rule({ multipliers: [{ match: 'category', value: 'Coffee', bp: 20_000 }] });
    const order = { total: 5000, currency: 'GBP', items: [{ category: 'coffee', total: 3000 }, { category: 'mugs', total: 1500 }] };
    // £30 of coffee ×2 = 60, £15 of mugs = 15, £5 shipping = 5.
    expect(orderPoints(r, order)).toBe(80);
  });

  it('takes the best multiplier an item matches, and a tier multiplier on top', () => {
    const r = rule({ multipliers: [{ match: 'category', value: 'coffee', bp: 15_000 }, { match: 'sku', value: 'BEAN-1', bp: 30_000 }] });
    const order = { total: 1000, currency: 'GBP', items: [{ category: 'coffee', sku: 'bean-1', total: 1000 }] };
    expect(orderPoints(r, order)).toBe(30);
    expect(orderPoints(r, order, 12_000)).toBe(36);
  });

  it('scales the items down to what was paid after an order-level discount', () => {
    const r = rule({ multipliers: [{ match: 'category', value: 'coffee', bp: 20_000 }] });
    // Items worth £40 (half coffee ×2), paid £30: (20×2 + 20) × 30/40 = 45.
    expect(orderPoints(r, { total: 3000, currency: 'GBP', items: [{ category: 'coffee', total: 2000 }, { category: 'mugs', total: 2000 }] })).toBe(45);
  });

  it('never earns more per pound than the highest multiplier allows, nor less than the lowest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.record({ category: fc.constantFrom('a', 'b', 'c'), total: fc.integer({ min: 1, max: 1_000_000 }) }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 100 }),
        (total, items, ppu) => {
          const r = rule({ pointsPerUnit: ppu, multipliers: [{ match: 'category', value: 'a', bp: 30_000 }, { match: 'category', value: 'b', bp: 5_000 }] });
          const p = orderPoints(r, { total, currency: 'GBP', items });
          expect(p).toBeGreaterThanOrEqual(Math.floor((total * ppu * 0.5) / 100) - 1);
          expect(p).toBeLessThanOrEqual(Math.floor((total * ppu * 3) / 100));
        },
      ),
    );
  });
});

describe('points a refund takes back', () => {
  it('a full refund takes back everything the order earned', () => {
    expect(pointsToReverse(45, 4599, 4599, 0)).toBe(45);
  });

  it('partial refunds add up to exactly what was earned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (earned, total, parts) => {
        const weights = parts.reduce((s, p) => s + p, 0);
        let refunded = 0;
        let reversed = 0;
        parts.forEach((p, i) => {
          refunded = i === parts.length - 1 ? total : refunded + Math.floor((total * p) / weights);
          const take = pointsToReverse(earned, total, refunded, reversed);
          expect(take).toBeGreaterThanOrEqual(0);
          reversed += take;
        });
        expect(reversed).toBe(earned);
      }),
    );
  });

  it('a refund of more than the order takes back no more than it earned', () => {
    expect(pointsToReverse(45, 4599, 10_000, 0)).toBe(45);
    expect(pointsToReverse(45, 4599, 10_000, 45)).toBe(0);
  });
});
