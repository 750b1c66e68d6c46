import { describe, expect, it } from 'vitest';
import { bgNbdLogLikelihood, bgNbdNegLogLik, conditionalExpected, expectedCumulative, fitBgNbd, pAlive, type BgNbdParams } from './bgnbd.ts';
import { conditionalAliveExpectation, integratedExpectation } from './bgnbd-expectation.ts';
import { hyp2f1 } from './special.ts';
import { cdnowSummary, gradientError } from './test-support.ts';

const rows = cdnowSummary();
const fit = fitBgNbd(rows);
const p = fit.params;

/** The published closed form (FHL 2005, eq. 10), term by term: fine for moderate x. */
function publishedConditional({ r, alpha, a, b }: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const z = t / (alpha + T + t);
  const bracket = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const alive = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return ((a + b + x - 1) / (a - 1)) * bracket / alive;
}

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  it('groups the 2,357 customers into fewer weighted rows, as the product does', () => {
    expect(rows.reduce((n, r) => n + r.weight, 0)).toBe(2357);
    expect(rows.length).toBeLessThan(2357);
  });

  it('reproduces the published fit to every printed digit: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4', () => {
    // toBeCloseTo(v, d): |ours − v| < 10^−d / 2, i.e. ours rounds to the printed value.
    expect(fit.converged).toBe(true);
    expect(p.r).toBeCloseTo(0.243, 3); // 0.242593
    expect(p.alpha).toBeCloseTo(4.414, 3); // 4.413531
    expect(p.a).toBeCloseTo(0.793, 3); // 0.792886
    expect(p.b).toBeCloseTo(2.426, 3); // 2.425753
    expect(fit.loglik).toBeCloseTo(-9582.4, 1); // −9582.4256
  });

  it('standard errors: positive, finite, and those lifetimes prints for this fit (0.0126, 0.378, 0.186, 0.705)', () => {
    for (const se of Object.values(fit.se)) {
      expect(Number.isFinite(se)).toBe(true);
      expect(se).toBeGreaterThan(0);
    }
    expect(fit.se.r).toBeCloseTo(0.012557, 4);
    expect(fit.se.alpha).toBeCloseTo(0.378221, 3);
    expect(fit.se.a).toBeCloseTo(0.185719, 3);
    expect(fit.se.b).toBeCloseTo(0.705345, 3);
  });

  it('the published conditional expectation: x = 2, tx = 30.43, T = 38.86, next 39 weeks → 1.226', () => {
    expect(conditionalExpected(p, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3); // 1.225910
    expect(conditionalExpected(p, 39, 2, 30.43, 38.86)).toBeCloseTo(publishedConditional(p, 39, 2, 30.43, 38.86), 12);
  });

  it('the log-likelihood at the fit is no lower than with any parameter 1% off either way', () => {
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      for (const f of [0.99, 1.01]) expect(bgNbdLogLikelihood({ ...p, [k]: p[k] * f }, rows)).toBeLessThan(fit.loglik);
  });

  it('the analytic gradient matches central differences, at the fit and away from it', () => {
    const f = bgNbdNegLogLik(rows);
    for (const theta of [
      [p.r, p.alpha, p.a, p.b],
      [1, 2, 3, 4],
      [0.05, 30, 0.2, 0.4],
      [5, 0.5, 8, 1.5],
    ])
      expect(gradientError(f, theta)).toBeLessThan(1e-6);
  });

});

describe('BG/NBD predictions', () => {
  it('agree with the published closed forms where those are computable', () => {
    for (const [t, x, tx, T] of [
      [1, 0, 0, 10],
      [52, 1, 3, 40],
      [10, 7, 20, 30],
      [100, 3, 1, 60],
    ] as const) {
      expect(conditionalExpected(p, t, x, tx, T)).toBeCloseTo(publishedConditional(p, t, x, tx, T), 10);
    }
    for (const t of [1, 10, 39, 78]) expect(expectedCumulative(p, t)).toBeCloseTo(publishedConditional(p, t, 0, 0, 0), 10);
  });

  it('P(alive) for x = 1000 is finite and correct (lifetimes issue #332: the power overflowed)', () => {
    // Just bought: only the a/(b+x−1) term remains.
    expect(pAlive(p, 1000, 38.86, 38.86)).toBeCloseTo((p.b + 999) / (p.b + 999 + p.a), 14);
    // A week without buying after 1000 purchases: (α+T)/(α+tx) to the 1000th, e^41 or so.
    const odds = Math.log(p.a / (p.b + 999)) + (p.r + 1000) * Math.log((p.alpha + 38.86) / (p.alpha + 31.86));
    const got = pAlive(p, 1000, 31.86, 38.86);
    expect(got).toBeGreaterThan(0);
    expect(Math.abs(got / Math.exp(-odds) - 1)).toBeLessThan(1e-9);
    expect(pAlive(p, 1000, 1, 38.86)).toBe(0); // below the smallest double, not NaN
  });

  it('a ≤ 1 (CDNOW has a = 0.79) and a = 1 exactly: expectations finite, positive, continuous', () => {
    const at = (a: number) => conditionalExpected({ ...p, a }, 39, 2, 30.43, 38.86);
    const one = at(1);
    expect(Number.isFinite(one) && one > 0).toBe(true);
    expect(at(1 - 1e-9)).toBeCloseTo(one, 8);
    expect(at(1 + 1e-9)).toBeCloseTo(one, 8);
    expect(at(0.999)).toBeCloseTo(publishedConditional({ ...p, a: 0.999 }, 39, 2, 30.43, 38.86), 6);
    expect(expectedCumulative({ ...p, a: 1 }, 39)).toBeCloseTo((expectedCumulative({ ...p, a: 1 - 1e-7 }, 39) + expectedCumulative({ ...p, a: 1 + 1e-7 }, 39)) / 2, 8);
    // Long horizons (z = t/(α+T+t) → 1), where the series gives way to @stdlib's 2F1.
    for (const a of [0.3, 0.999, 1, 1.001, 3])
      for (const t of [1e3, 1e5]) {
        const e = conditionalExpected({ ...p, a }, t, 2, 30.43, 38.86);
        expect(Number.isFinite(e) && e > 0).toBe(true);
        expect(e).toBeLessThan(((p.r + 2) / (p.alpha + 38.86)) * t); // at most the expected purchases of a customer who never leaves
      }
  });
});

describe('BG/NBD expectations when the fit makes dropout nearly the same for everyone (a and b in the millions)', () => {
  it('the integral over the dropout probability agrees with the series where both work', () => {
    for (const [r, alpha, a, b, t, x, T] of [
      [0.24, 4.4, 49, 2.4, 39, 2, 38],
      [0.5, 10, 40, 60, 52, 0, 0],
      [0.36, 10.3, 45, 70, 52, 3, 100],
      [1, 3, 30, 200, 10, 10, 20],
      [0.3, 2, 20, 5, 300, 1, 5],
    ] as const) {
      const p = { r, alpha, a, b };
      expect(integratedExpectation(p, t, x, T) / conditionalAliveExpectation(p, t, x, T) - 1).toBeCloseTo(0, 10);
    }
  });

  it('stays finite and positive, and tends to the fixed-dropout limit (1 − ((α+T)/(α+T+pt))^(r+x)) / p', () => {
    const p = { r: 0.36, alpha: 10.3, a: 4_713_995, b: 7_644_556 };
    const drop = p.a / (p.a + p.b);
    for (const [t, x, T] of [
      [52, 0, 50],
      [52, 3, 120],
      [4, 1000, 1000],
    ] as const) {
      const e = conditionalAliveExpectation(p, t, x, T);
      const limit = -Math.expm1(-(p.r + x) * Math.log1p((drop * t) / (p.alpha + T))) / drop;
      expect(e).toBeGreaterThan(0);
      expect(e / limit - 1).toBeCloseTo(0, 4);
    }
  });
});
