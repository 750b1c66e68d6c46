import { describe, expect, it } from 'vitest';
import { bfgs, finiteDifferenceGradient, hessian, inverseDiagonal, minimize, nelderMead, standardErrors, type ValueAndGradient } from './optimize.ts';

const rosenbrock = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
const rosenbrockFg: ValueAndGradient = (x, g) => {
  const [a, b] = x as [number, number];
  g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
  g[1] = 200 * (b - a * a);
  return rosenbrock(x);
};

describe('the minimizer', () => {
  it('BFGS finds the Rosenbrock minimum with the analytic gradient and with finite differences', () => {
    for (const fg of [rosenbrockFg, finiteDifferenceGradient(rosenbrock)]) {
      const run = bfgs(fg, [-1.2, 1]);
      expect(run.converged).toBe(true);
      expect(run.x[0]).toBeCloseTo(1, 6);
      expect(run.x[1]).toBeCloseTo(1, 6);
    }
  });

  it('keeps the best of several starts (a double well with a lower left minimum)', () => {
    const f = (x: readonly number[]) => (x[0]! ** 2 - 1) ** 2 + 0.3 * x[0]!;
    const result = minimize(f, { starts: [[1.5], [-1.5]] });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeLessThan(-1);
    expect(result.value).toBeLessThan(f([1]));
  });

  it('backs off from points outside the domain (+∞) instead of failing', () => {
    // x − ln x on x > 0, minimum at 1; the first full step from 5 lands at x < 0.
    const f = (x: readonly number[]) => (x[0]! > 0 ? x[0]! - Math.log(x[0]!) : Number.POSITIVE_INFINITY);
    const result = minimize(f, { starts: [[5]], maxStep: 100 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('falls back to Nelder–Mead where BFGS cannot converge (a kink at the minimum)', () => {
    const f = (x: readonly number[]) => Math.abs(x[0]! - 1.234567) + 2 * Math.abs(x[1]! + 2.7654321) + 0.1 * Math.abs(x[0]! + x[1]! - 0.3);
    const best = 0.1 * Math.abs(1.234567 - 2.7654321 - 0.3);
    const result = minimize(f, { starts: [[3, 4]] });
    expect(result.method).toBe('nelder-mead+bfgs');
    expect(result.x[0]).toBeCloseTo(1.234567, 6);
    expect(result.x[1]).toBeCloseTo(-2.7654321, 6);
    expect(nelderMead(f, [3, 4]).value - best).toBeLessThan(1e-8);
  });

  it('polishes on the full objective from the point and curvature found on a screening stand-in', () => {
    // The stand-in's minimum is slightly off, as a subsample's would be.
    const screen: ValueAndGradient = (x, g) => {
      g[0] = 2 * (x[0]! - 1.1);
      g[1] = 8 * (x[1]! + 0.9);
      return (x[0]! - 1.1) ** 2 + 4 * (x[1]! + 0.9) ** 2;
    };
    const full: ValueAndGradient = (x, g) => {
      g[0] = 2 * (x[0]! - 1);
      g[1] = 8 * (x[1]! + 1);
      return (x[0]! - 1) ** 2 + 4 * (x[1]! + 1) ** 2;
    };
    const result = minimize((x) => full(x, [0, 0]), { starts: [[5, 5], [-3, 2]], valueAndGradient: full, screening: screen });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(-1, 8);
    expect(result.evaluations).toBeLessThan(8);
  });

  it('computes the Hessian of a quadratic exactly enough, from f alone or from the gradient', () => {
    const f = (x: readonly number[]) => x[0]! ** 2 + 3 * x[0]! * x[1]! + 5 * x[1]! ** 2;
    const fg: ValueAndGradient = (x, g) => {
      g[0] = 2 * x[0]! + 3 * x[1]!;
      g[1] = 3 * x[0]! + 10 * x[1]!;
      return f(x);
    };
    for (const H of [hessian(f, [2, -1]), hessian(f, [2, -1], fg)]) {
      expect(H[0]![0]).toBeCloseTo(2, 5);
      expect(H[0]![1]).toBeCloseTo(3, 5);
      expect(H[1]![0]).toBeCloseTo(3, 5);
      expect(H[1]![1]).toBeCloseTo(10, 5);
    }
    expect(inverseDiagonal([[2, 3], [3, 10]])).toEqual([expect.closeTo(10 / 11, 12), expect.closeTo(2 / 11, 12)]);
    expect(inverseDiagonal([[1, 2], [2, 1]])).toBeUndefined();
  });

  it('standard errors of a normal sample: σ/√n for the mean, σ/√(2n) for σ', () => {
    const data = Array.from({ length: 400 }, (_, i) => 10 + 3 * Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const n = data.length;
    const mean = data.reduce((s, v) => s + v, 0) / n;
    const sigma = Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const nll = ([mu, sd]: readonly number[]) => data.reduce((s, v) => s + Math.log(sd!) + (v - mu!) ** 2 / (2 * sd! * sd!), 0);
    const [seMean, seSigma] = standardErrors(nll, [mean, sigma]);
    expect(seMean).toBeCloseTo(sigma / Math.sqrt(n), 6);
    expect(seSigma).toBeCloseTo(sigma / Math.sqrt(2 * n), 6);
    // Not at a maximum (a saddle): NaN, not a made-up number.
    expect(standardErrors((x) => x[0]! ** 2 - x[1]! ** 2, [1, 1])).toEqual([Number.NaN, Number.NaN]);
  });
});
