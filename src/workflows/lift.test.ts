import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GroupCount, type Lift, liftOf, MIN_GROUP, normalCdf, wilsonInterval } from './lift.ts';

const g = (converted: number, contacts: number): GroupCount => ({ converted, contacts });

/** Every number in a lift, to check that none is NaN or infinite. */
function numbersOf(l: Lift): number[] {
  const all = [l.treated.contacts, l.treated.converted, l.treated.rate, l.holdout.contacts, l.holdout.converted, l.holdout.rate];
  all.push(l.absoluteLift, l.relativeLift, l.interval?.low ?? null, l.interval?.high ?? null, l.pValue);
  return all.filter((v): v is number => v !== null);
}

describe('the normal distribution function', () => {
  it('matches values computed to 30 digits (mpmath.ncdf)', () => {
    const known: [number, number][] = [
      [0, 0.5],
      [1, 0.841344746068543],
      [-1, 0.158655253931457],
      [1.96, 0.9750021048517796],
      [0.5, 0.6914624612740131],
      [-3, 0.001349898031630095],
      [-5, 2.866515718791939e-7],
      [-8, 6.220960574271784e-16],
      [-10, 7.619853024160525e-24],
      [6, 0.9999999990134123],
    ];
    for (const [x, p] of known) {
      expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-15);
      if (x < 0) expect(Math.abs(normalCdf(x) - p) / p).toBeLessThan(1e-8);
    }
  });

  it('is symmetric, monotone and stays within [0, 1] far out', () => {
    for (let x = -40; x <= 40; x += 0.37) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
      expect(normalCdf(x + 0.37)).toBeGreaterThanOrEqual(normalCdf(x));
    }
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });
});

describe('the Wilson score interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857–872, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i is %f to %f', (x, n, low, high) => {
    const w = wilsonInterval(x, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  it('is exact at the ends and 0 to 1 without contacts', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBe(1);
    // 0 of n: high = z²/(n + z²)
    expect(wilsonInterval(0, 10).high).toBeCloseTo(1.959963984540054 ** 2 / (10 + 1.959963984540054 ** 2), 15);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('the interval of the difference (Newcombe 1998, method 10)', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Stat Med 17:873–890, Table II, method 10. For 6/7 − 2/7 the
  // brief quoted 0.0026 to 0.8150; the formula gives 0.0582 to 0.8062 (with z = 1.96 and with
  // z = 1.959964 alike, at 30 digits), which we trust and believe is the table's value too.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('%i/%i − %i/%i is %f to %f', (x1, n1, x2, n2, low, high) => {
    const l = liftOf(g(x1, n1), g(x2, n2));
    expect(l.interval!.low).toBeCloseTo(low, 4);
    expect(l.interval!.high).toBeCloseTo(high, 4);
  });

  it('turns over when the groups swap', () => {
    const a = liftOf(g(56, 70), g(48, 80)).interval!;
    const b = liftOf(g(48, 80), g(56, 70)).interval!;
    expect(b.low).toBeCloseTo(-a.high, 15);
    expect(b.high).toBeCloseTo(-a.low, 15);
  });
});

describe('the z-test', () => {
  it('matches a hand computation: 56/70 against 48/80', () => {
    // Pooled 104/150; z² is the 2×2 chi-square N(ad − bc)²/(r1·r2·c1·c2) = 150·1120²/(70·80·104·46)
    // = 7.02341, z = 2.65017; two-sided p = 2·(1 − Φ(2.65017)) = 0.0080451 (as scipy's
    // chi2_contingency without continuity correction gives it).
    const l = liftOf(g(56, 70), g(48, 80));
    expect(l.pValue).toBeCloseTo(0.0080450814, 9);
    const chi2 = (150 * 1120 ** 2) / (70 * 80 * 104 * 46);
    expect(l.pValue).toBeCloseTo(2 * normalCdf(-Math.sqrt(chi2)), 14);
  });

  it('matches a hand computation: 124/1000 against 98/1000', () => {
    // Pooled 0.111, z = 0.026 / √(0.111·0.889·0.002) = 1.85074, p = 0.064207
    const l = liftOf(g(124, 1000), g(98, 1000));
    expect(l.pValue).toBeCloseTo(0.0642066177, 9);
  });

  it('is 1 for equal rates and null when the pooled rate is 0 or 1', () => {
    expect(liftOf(g(300, 1000), g(300, 1000)).pValue).toBe(1);
    expect(liftOf(g(0, 100), g(0, 50)).pValue).toBeNull();
    expect(liftOf(g(100, 100), g(50, 50)).pValue).toBeNull();
  });
});

describe('liftOf', () => {
  it('gives the rates, the lifts and a verdict with the numbers', () => {
    const l = liftOf(g(500, 5000), g(400, 5000));
    expect(l.treated).toEqual({ contacts: 5000, converted: 500, rate: 0.1 });
    expect(l.holdout).toEqual({ contacts: 5000, converted: 400, rate: 0.08 });
    expect(l.absoluteLift).toBeCloseTo(0.02, 15);
    expect(l.relativeLift).toBeCloseTo(0.25, 15);
    expect(l.significant).toBe(true);
    expect(l.verdict).toBe(
      'Contacts who got the workflow reached the goal at 10.0% against 8.0% of those held out: 2.0 points more (95% interval 0.9 to 3.1 points), p < 0.001: the workflow made a difference.',
    );
  });

  it('says when the difference could be chance', () => {
    const l = liftOf(g(124, 1000), g(98, 1000));
    expect(l.significant).toBe(false);
    expect(l.verdict).toBe(
      'Contacts who got the workflow reached the goal at 12.4% against 9.8% of those held out: 2.6 points more (95% interval −0.2 to 5.4 points): the difference could be chance (p = 0.06).',
    );
  });

  it('says when the workflow lowered conversion', () => {
    const l = liftOf(g(48, 80), g(56, 70));
    expect(l.significant).toBe(true);
    expect(l.verdict).toBe(
      'Contacts who got the workflow reached the goal at 60.0% against 80.0% of those held out: 20.0 points fewer (95% interval −33.4 to −5.2 points), p = 0.008: the workflow lowered conversion.',
    );
  });

  it('says why nothing can be concluded yet', () => {
    expect(liftOf(g(0, 0), g(0, 0)).verdict).toBe('No contacts have entered this workflow yet.');
    expect(liftOf(g(10, 100), g(0, 0)).verdict).toBe('The holdout has no contacts yet: set a holdout percentage to measure lift.');
    expect(liftOf(g(0, 0), g(3, 40)).verdict).toBe('Nobody has got the workflow yet: all 40 contacts so far are held out.');
    expect(liftOf(g(5, 20), g(3, 40)).verdict).toBe(
      `Too few contacts to tell: at least ${MIN_GROUP} in each group are needed (so far 20 got the workflow, 40 held out).`,
    );
    expect(liftOf(g(2, 100), g(1, 100)).verdict).toBe('Too few conversions to tell: at least 5 are needed (so far 3).');
    expect(liftOf(g(98, 100), g(99, 100)).verdict).toBe('Too few contacts who did not convert to tell: at least 5 are needed (so far 3 of 200).');
    expect(liftOf(g(100, 100), g(40, 40)).verdict).toBe('All 140 contacts converted, in both groups: there is no difference to measure.');
  });

  it('is not significant with too few contacts, however clear the numbers', () => {
    const l = liftOf(g(10, 10), g(0, 20));
    expect(l.pValue).toBeLessThan(1e-6);
    expect(l.interval!.low).toBeGreaterThan(0);
    expect(l.significant).toBe(false);
  });

  it('handles empty groups, all converted and none converted without NaN', () => {
    const cases: [GroupCount, GroupCount][] = [
      [g(0, 0), g(0, 0)],
      [g(0, 0), g(5, 10)],
      [g(5, 10), g(0, 0)],
      [g(0, 50), g(0, 50)],
      [g(50, 50), g(50, 50)],
      [g(50, 50), g(0, 50)],
      [g(0, 50), g(50, 50)],
      [g(3, 40), g(0, 40)],
      [g(0, 1), g(1, 1)],
    ];
    for (const [t, h] of cases) {
      const l = liftOf(t, h);
      for (const v of numbersOf(l)) expect(Number.isFinite(v)).toBe(true);
      expect(l.verdict).not.toBe('');
      expect(l.verdict).not.toMatch(/NaN|Infinity|undefined|null/);
    }
    const empty = liftOf(g(5, 10), g(0, 0));
    expect(empty).toMatchObject({ absoluteLift: null, relativeLift: null, interval: null, pValue: null, significant: false });
    expect(empty.treated.rate).toBe(0.5);
    expect(empty.holdout.rate).toBeNull();
    // A holdout rate of 0 leaves the relative lift undefined, not infinite.
    expect(liftOf(g(3, 40), g(0, 40)).relativeLift).toBeNull();
    expect(liftOf(g(50, 50), g(0, 50)).interval!.high).toBe(1);
    expect(liftOf(g(0, 50), g(50, 50)).interval!.low).toBe(-1);
  });

  it('refuses counts that are not counts', () => {
    expect(() => liftOf(g(11, 10), g(0, 10))).toThrow(RangeError);
    expect(() => liftOf(g(1, 10), g(-1, 10))).toThrow(RangeError);
    expect(() => liftOf(g(1.5, 10), g(0, 10))).toThrow(RangeError);
    expect(() => liftOf(g(Number.NaN, 10), g(0, 10))).toThrow(RangeError);
  });
});

describe('properties', () => {
  const group = fc.integer({ min: 0, max: 5000 }).chain((contacts) => fc.record({ contacts: fc.constant(contacts), converted: fc.integer({ min: 0, max: contacts }) }));

  it('the interval contains the difference, lies within [−1, 1], and nothing is NaN', () => {
    fc.assert(
      fc.property(group, group, (t, h) => {
        const l = liftOf(t, h);
        for (const v of numbersOf(l)) expect(Number.isFinite(v)).toBe(true);
        if (t.contacts === 0 || h.contacts === 0) {
          expect(l.interval).toBeNull();
          return;
        }
        const { low, high } = l.interval!;
        expect(low).toBeLessThanOrEqual(high);
        expect(low).toBeGreaterThanOrEqual(-1);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(l.absoluteLift!);
        expect(high).toBeGreaterThanOrEqual(l.absoluteLift!);
        if (l.pValue !== null) {
          expect(l.pValue).toBeGreaterThanOrEqual(0);
          expect(l.pValue).toBeLessThanOrEqual(1);
        }
        if (l.significant) expect(low > 0 || high < 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a Wilson interval contains the rate and lies within [0, 1]', () => {
    fc.assert(
      fc.property(group, ({ contacts, converted }) => {
        const w = wilsonInterval(converted, contacts);
        expect(w.low).toBeGreaterThanOrEqual(0);
        expect(w.high).toBeLessThanOrEqual(1);
        if (contacts > 0) {
          expect(w.low).toBeLessThanOrEqual(converted / contacts);
          expect(w.high).toBeGreaterThanOrEqual(converted / contacts);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
