import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hyp2f1A1 } from './hypergeometric.ts';
import { digamma, exprel, hyp2f1, lbeta, lgamma, log1mExp, log1pExp, log1pRatio, logDiffExp, logistic, logSumExp } from './special.ts';

const EULER_GAMMA = 0.5772156649015329;
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('special functions', () => {
  it('lgamma and lbeta from @stdlib import under ESM and give known values', () => {
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(lgamma(101)).toBeCloseTo(363.73937555556347, 10); // ln 100!
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 14);
  });

  it('digamma: known values, the recurrence, the reflection, and the derivative of lgamma', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 14);
    expect(digamma(-0.5)).toBeCloseTo(0.03648997397857652, 13);
    expect(digamma(1e-8)).toBeCloseTo(-1e8 - EULER_GAMMA, 6);
    expect(digamma(0)).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
        expect(close(digamma(x + 1), digamma(x) + 1 / x, 1e-13) || Math.abs(digamma(x + 1) - digamma(x) - 1 / x) < 1e-12).toBe(true);
        const h = 1e-5 * x;
        const fd = (lgamma(x + h) - lgamma(x - h)) / (2 * h);
        expect(Math.abs(digamma(x) - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      }),
    );
  });

  it('log-space helpers stay finite where the naive formulas overflow or lose everything', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp(-1000, Number.NEGATIVE_INFINITY)).toBe(-1000);
    expect(logSumExp(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(logDiffExp(1000, 1000 + Math.log(0.5))).toBeCloseTo(1000 + Math.log(0.5), 12);
    expect(logDiffExp(3, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(log1mExp(-1e-20)).toBeCloseTo(Math.log(1e-20), 12);
    expect(log1mExp(-50)).toBeCloseTo(-Math.exp(-50), 30);
    expect(log1pExp(800)).toBe(800);
    expect(log1pExp(-800)).toBe(Math.exp(-800));
    expect(logistic(-800)).toBe(0);
    expect(logistic(800)).toBe(1);
    expect(logistic(0)).toBe(0.5);
    expect(exprel(0)).toBe(1);
    expect(exprel(1e-9)).toBeCloseTo(1 + 5e-10, 15);
    expect(exprel(-40)).toBeCloseTo(1 / 40, 15);
    expect(log1pRatio(0, 3)).toBe(3);
    expect(log1pRatio(1e-12, 3)).toBeCloseTo(3, 11);
    expect(log1pRatio(0.5, 2)).toBeCloseTo(Math.log(2) / 0.5, 14);
  });
});

describe('2F1(1, B; C; z), the series behind the Pareto/NBD likelihood', () => {
  it('agrees with the @stdlib 2F1 to ~1e-13 where that is accurate (moderate B, C, z ≤ 0.9)', () => {
    const out = { F: 0, dB: 0, dC: 0, dz: 0 };
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 30, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0, max: 0.9, noNaN: true }), (B, d, z) => {
        expect(hyp2f1A1(B, B + d + 1e-3, z, out, false)).toBe(true);
        expect(close(out.F, hyp2f1(1, B, B + d + 1e-3, z), 1e-12)).toBe(true);
      }),
    );
  });

  it('its partial derivatives in B, C and z match central differences', () => {
    const out = { F: 0, dB: 0, dC: 0, dz: 0 };
    const F = (B: number, C: number, z: number) => {
      const o = { F: 0, dB: 0, dC: 0, dz: 0 };
      hyp2f1A1(B, C, z, o, false);
      return o.F;
    };
    for (const [B, C, z] of [
      [0.7, 2.3, 0.5],
      [20.2, 21.9, 0.8],
      [1.6, 30.5, 0.95],
      [3, 3.5, 0],
    ] as const) {
      hyp2f1A1(B, C, z, out, true);
      const h = 1e-6;
      expect(out.dB).toBeCloseTo((F(B + h, C, z) - F(B - h, C, z)) / (2 * h), 6);
      expect(out.dC).toBeCloseTo((F(B, C + h, z) - F(B, C - h, z)) / (2 * h), 6);
      expect(out.dz).toBeCloseTo((F(B, C, z + h) - F(B, C, Math.max(0, z - h))) / (z > 0 ? 2 * h : h), 5);
    }
  });

  it("is the note's 2F1(r+s+x, s+1 or r+x; r+s+x+1; z) once transformed: the @stdlib 2F1 agrees where it can, and overflows by x ≈ 1000", () => {
    const out = { F: 0, dB: 0, dC: 0, dz: 0 };
    const [r, s] = [0.55, 0.61];
    for (const x of [0, 10, 100])
      for (const z of [0.1, 0.5, 0.9, 0.99]) {
        const n = r + s + x;
        hyp2f1A1(r + x, n + 1, z, out, false);
        expect(close(Math.pow(1 - z, -s) * out.F, hyp2f1(n, s + 1, n + 1, z), 1e-12)).toBe(true);
        hyp2f1A1(s + 1, n + 1, z, out, false);
        expect(close(Math.exp((1 - r - x) * Math.log1p(-z)) * out.F, hyp2f1(n, r + x, n + 1, z), 1e-12)).toBe(true);
      }
    // α < β, x = 1000: the 2F1 itself is beyond double range (the likelihood only needs its log).
    expect(hyp2f1(r + s + 1000, r + 1000, r + s + 1001, 0.9)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports a series over its budget instead of returning a truncated sum', () => {
    const out = { F: 0, dB: 0, dC: 0, dz: 0 };
    expect(hyp2f1A1(50, 51.6, 0.999, out, true, 400)).toBe(false);
    expect(hyp2f1A1(50, 51.6, 0.999, out, false)).toBe(true);
    expect(out.F).toBeCloseTo(hyp2f1(1, 50, 51.6, 0.999), 8);
  });
});
