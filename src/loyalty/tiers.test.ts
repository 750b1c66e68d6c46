import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextTier, type Tier, tierAfter, tierReached } from './tiers.ts';

const silver: Tier = { id: 's', name: 'Silver', threshold: 500, multiplierBp: 10_000 };
const gold: Tier = { id: 'g', name: 'Gold', threshold: 2_000, multiplierBp: 12_500 };
const platinum: Tier = { id: 'p', name: 'Platinum', threshold: 5_000, multiplierBp: 15_000 };
const tiers = [gold, platinum, silver];

describe('tiers', () => {
  it('a member reaching a threshold moves up at once, past several tiers if need be', () => {
    expect(tierAfter(tiers, null, 499, 'earn', 'period_end')).toBeNull();
    expect(tierAfter(tiers, null, 500, 'earn', 'period_end')).toBe(silver);
    expect(tierAfter(tiers, silver, 6_000, 'earn', 'never')).toBe(platinum);
  });

  it('never moves down after an earn, whatever the value', () => {
    expect(tierAfter(tiers, platinum, 10, 'earn', 'period_end')).toBe(platinum);
  });

  it('at the end of a period: kept (never), down to what the value reaches, or one tier down', () => {
    expect(tierAfter(tiers, platinum, 600, 'period_end', 'never')).toBe(platinum);
    expect(tierAfter(tiers, platinum, 600, 'period_end', 'period_end')).toBe(silver);
    expect(tierAfter(tiers, platinum, 600, 'period_end', 'one_step')).toBe(gold);
    expect(tierAfter(tiers, silver, 0, 'period_end', 'one_step')).toBeNull();
    expect(tierAfter(tiers, gold, 2_500, 'period_end', 'one_step')).toBe(gold);
  });

  it('says the next tier and what is missing', () => {
    expect(nextTier(tiers, silver, 1_200)).toEqual({ tier: gold, missing: 800 });
    expect(nextTier(tiers, null, 100)).toEqual({ tier: silver, missing: 400 });
    expect(nextTier(tiers, platinum, 9_000)).toBeNull();
  });

  it('one step down is never below what the value reaches, nor above the tier held', () => {
    fc.assert(
      fc.property(fc.constantFrom(null, silver, gold, platinum), fc.integer({ min: 0, max: 8_000 }), (current, value) => {
        const rank = (t: Tier | null) => (t === null ? -1 : [silver, gold, platinum].indexOf(t));
        const after = tierAfter(tiers, current, value, 'period_end', 'one_step');
        expect(rank(after)).toBeGreaterThanOrEqual(Math.min(rank(current), rank(tierReached(tiers, value))));
        expect(rank(after)).toBeLessThanOrEqual(Math.max(rank(current), rank(tierReached(tiers, value))));
      }),
    );
  });
});
