// Properties of the per-customer predictions that must hold for any parameters and any
// customer, including the extreme ones a million-customer shop produces (x and T up to 10,000).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as bg from './bgnbd.ts';
import * as pnbd from './paretonbd.ts';
import { hyp2f1 } from './special.ts';

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const bgParams = fc.record({ r: positive(0.01, 20), alpha: positive(0.01, 1000), a: positive(0.01, 20), b: positive(0.01, 20) });
const pnbdParams = fc.record({ r: positive(0.01, 20), alpha: positive(0.01, 1000), s: positive(0.01, 20), beta: positive(0.01, 1000) });
/** (x, tx, T) with 0 ≤ tx ≤ T, tx = 0 when x = 0; T from a day-fraction to 10,000. */
const customer = fc
  .record({ x: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10_000 })), share: positive(0, 1), T: positive(1e-3, 10_000) })
  .map(({ x, share, T }) => ({ x, tx: x === 0 ? 0 : share * T, T }));
const horizon = positive(1e-3, 10_000);

describe('BG/NBD predictions, for any parameters and customers', () => {
  it('P(alive) is in [0, 1], and 1 without repeat purchases', () => {
    fc.assert(
      fc.property(bgParams, customer, (p, { x, tx, T }) => {
        const v = bg.pAlive(p, x, tx, T);
        expect(v >= 0 && v <= 1).toBe(true);
        expect(bg.pAlive(p, 0, 0, T)).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('P(alive) does not decrease as the last purchase gets more recent', () => {
    fc.assert(
      fc.property(bgParams, customer, positive(0, 1), (p, { x, tx, T }, f) => {
        const later = tx + f * (T - tx);
        expect(bg.pAlive(p, x, later, T)).toBeGreaterThanOrEqual(bg.pAlive(p, x, tx, T));
      }),
      { numRuns: 2000 },
    );
  });

  it('expected purchases are finite and ≥ 0, conditional and unconditional, and the latter grows with t', () => {
    fc.assert(
      fc.property(bgParams, customer, horizon, (p, { x, tx, T }, t) => {
        const e = bg.conditionalExpected(p, t, x, tx, T);
        expect(Number.isFinite(e) && e >= 0).toBe(true);
        const c = bg.expectedCumulative(p, t);
        expect(Number.isFinite(c) && c >= 0).toBe(true);
        expect(bg.expectedCumulative(p, 2 * t)).toBeGreaterThanOrEqual(c * (1 - 1e-12));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('BG/NBD expectations equal the published closed form wherever that is computable', () => {
  it('moderate x and horizons, a away from 1 and a+b+x−1 away from 0 (where the closed form divides by ~0)', () => {
    fc.assert(
      fc.property(bgParams, fc.integer({ min: 0, max: 30 }), positive(0, 1), positive(0.1, 100), positive(0.001, 0.9), (p, x, share, T, z) => {
        if (Math.abs(p.a - 1) < 0.05 || Math.abs(p.a + p.b + x - 1) < 0.05) return;
        const tx = x === 0 ? 0 : share * T;
        const t = ((p.alpha + T) * z) / (1 - z);
        const bracket = 1 - Math.pow((p.alpha + T) / (p.alpha + T + t), p.r + x) * hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z);
        const alive = 1 + (x > 0 ? (p.a / (p.b + x - 1)) * Math.pow((p.alpha + T) / (p.alpha + tx), p.r + x) : 0);
        const published = ((p.a + p.b + x - 1) / (p.a - 1)) * bracket / alive;
        if (!Number.isFinite(published) || Math.abs(bracket) < 1e-6) return; // the closed form itself has lost its digits
        expect(Math.abs(bg.conditionalExpected(p, t, x, tx, T) - published)).toBeLessThanOrEqual(1e-8 * Math.abs(published) + 1e-300);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Pareto/NBD predictions, for any parameters and customers', () => {
  it('P(alive) is in [0, 1]', () => {
    fc.assert(
      fc.property(pnbdParams, customer, (p, { x, tx, T }) => {
        const v = pnbd.pAlive(p, x, tx, T);
        expect(v >= 0 && v <= 1).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('P(alive) does not decrease as the last purchase gets more recent', () => {
    fc.assert(
      fc.property(pnbdParams, customer, positive(0, 1), (p, { x, tx, T }, f) => {
        if (x === 0) return;
        const later = tx + f * (T - tx);
        // The two values come from sums rounded differently: allow rounding, nothing more.
        expect(pnbd.pAlive(p, x, later, T)).toBeGreaterThanOrEqual(pnbd.pAlive(p, x, tx, T) * (1 - 1e-9) - 1e-300);
      }),
      { numRuns: 2000 },
    );
  });

  it('expected purchases are finite and ≥ 0, conditional and unconditional, and the latter grows with t', () => {
    fc.assert(
      fc.property(pnbdParams, customer, horizon, (p, { x, tx, T }, t) => {
        const e = pnbd.conditionalExpected(p, t, x, tx, T);
        expect(Number.isFinite(e) && e >= 0).toBe(true);
        const c = pnbd.expectedCumulative(p, t);
        expect(Number.isFinite(c) && c >= 0).toBe(true);
        expect(pnbd.expectedCumulative(p, 2 * t)).toBeGreaterThanOrEqual(c * (1 - 1e-12));
      }),
      { numRuns: 1000 },
    );
  });
});
