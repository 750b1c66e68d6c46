import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CampaignTerms, discountOn, judge } from './terms.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
const terms = (over: Partial<CampaignTerms> = {}): CampaignTerms => ({
  state: 'active',
  discount: { kind: 'percent', bp: 1_500 },
  minOrder: null,
  startsAt: null,
  endsAt: null,
  maxRedemptions: null,
  perContactLimit: null,
  perCodeLimit: null,
  ...over,
});
const none = { campaign: 0, code: 0, contact: 0 };
const order = { amount: 4_000, currency: 'GBP', contactId: 'ann' };

describe('using a code on an order', () => {
  it('gives 15% off, rounded to the penny', () => {
    expect(judge(terms(), null, none, { ...order, amount: 4_999 }, NOW)).toEqual({ ok: true, discount: 750, currency: 'GBP', freeShipping: false });
  });

  it('gives a fixed amount off, never more than the order', () => {
    const fixed = terms({ discount: { kind: 'fixed', amount: 1_000, currency: 'GBP' } });
    expect(judge(fixed, null, none, order, NOW)).toMatchObject({ ok: true, discount: 1_000 });
    expect(judge(fixed, null, none, { ...order, amount: 600 }, NOW)).toMatchObject({ ok: true, discount: 600 });
    expect(judge(fixed, null, none, { ...order, currency: 'EUR' }, NOW)).toEqual({ ok: false, reason: 'wrong_currency', message: 'This code is for orders in GBP.' });
  });

  it('says why not, in words: dates, minimum, limits, another customer’s code', () => {
    const cases: [Partial<CampaignTerms>, string | null, typeof none, string][] = [
      [{ state: 'paused' }, null, none, 'campaign_paused'],
      [{ startsAt: new Date('2026-07-01T00:00:00Z') }, null, none, 'not_started'],
      [{ endsAt: new Date('2026-06-01T00:00:00Z') }, null, none, 'expired'],
      [{ maxRedemptions: 100 }, null, { campaign: 100, code: 0, contact: 0 }, 'used_up'],
      [{ perCodeLimit: 1 }, null, { campaign: 1, code: 1, contact: 0 }, 'code_used_up'],
      [{ perContactLimit: 1 }, null, { campaign: 1, code: 0, contact: 1 }, 'limit_per_customer'],
      [{}, 'bob', none, 'not_for_this_customer'],
      [{ minOrder: { amount: 5_000, currency: 'GBP' } }, null, none, 'below_minimum'],
    ];
    for (const [over, assigned, usage, reason] of cases) expect(judge(terms(over), assigned, usage, order, NOW)).toMatchObject({ ok: false, reason });
    expect(judge(terms({ minOrder: { amount: 5_000, currency: 'GBP' } }), null, none, order, NOW)).toMatchObject({
      message: 'This code is for orders of £50.00 or more; this one is £40.00.',
    });
    expect(judge(terms({ endsAt: new Date('2026-06-01T00:00:00Z') }), null, none, order, NOW)).toMatchObject({ message: 'This code expired on 2026-06-01.' });
  });

  it('lets a code assigned to a customer be used by that customer, up to the limits', () => {
    expect(judge(terms({ perContactLimit: 2 }), 'ann', { campaign: 5, code: 0, contact: 1 }, order, NOW)).toMatchObject({ ok: true });
    expect(judge(terms({ perContactLimit: 2 }), 'ann', { campaign: 5, code: 0, contact: 2 }, order, NOW)).toMatchObject({
      ok: false,
      message: 'You have already used this offer 2 times, as many as it allows.',
    });
  });

  it('free shipping discounts nothing from the goods and says so', () => {
    expect(judge(terms({ discount: { kind: 'free_shipping' } }), null, none, order, NOW)).toEqual({ ok: true, discount: 0, currency: 'GBP', freeShipping: true });
  });

  it('a discount is never negative and never more than the order', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000_000 }), (amount, bp, fixed) => {
        for (const d of [discountOn({ kind: 'percent', bp }, amount), discountOn({ kind: 'fixed', amount: fixed, currency: 'GBP' }, amount)]) {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.max(0, amount));
        }
      }),
    );
  });
});
