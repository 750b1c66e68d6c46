// The special functions the customer-base models need, and the log-space helpers that keep
// them finite. Likelihoods here are products of many factors that overflow on their own
// (a customer with x = 1000 purchases has (α+T)^(r+x) ≈ 10^1600), so everything is summed
// as logarithms and only exponentiated relative to the largest term.
import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import stdlibHyp2f1 from '@stdlib/math-base-special-hyp2f1';

/** ln Γ(x) for x > 0. */
export const lgamma: (x: number) => number = gammaln;

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b), for a, b > 0. */
export const lbeta: (a: number, b: number) => number = betaln;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) (a port of Cephes). Accurate for
 * moderate parameters and z not close to 1; the models use their own series where the
 * parameters grow with a customer's purchase count (see hypergeometric.ts).
 */
export const hyp2f1: (a: number, b: number, c: number, z: number) => number = stdlibHyp2f1;

// Asymptotic coefficients B_2k / 2k of ψ(x) ~ ln x − 1/(2x) − Σ B_2k / (2k x^2k).
const PSI_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * The digamma function ψ(x) = d/dx ln Γ(x), for the analytic gradients. Recurrence up to
 * x ≥ 10, then the asymptotic series (its first omitted term is below 1e-16 there);
 * reflection for x < 0. Written here because @stdlib's digamma is not a dependency.
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) {
    if (x === Math.floor(x)) return Number.NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  let series = 0;
  for (let k = PSI_ASYMPTOTIC.length - 1; k >= 0; k--) series = series * f + PSI_ASYMPTOTIC[k]!;
  return shift + Math.log(x) - 0.5 / x - series * f;
}

/** ln(e^a + e^b) without overflow; −∞ when both are −∞. */
export function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b (−∞ when equal): the difference of two terms known by their logs. */
export function logDiffExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a + log1mExp(b - a);
}

/** ln(1 − e^x) for x ≤ 0, accurate at both ends (Mächler's rule: expm1 near 0, log1p far). */
export function log1mExp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** ln(1 + e^x) (softplus): no overflow for large x, no loss for very negative x. */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + e^−x), in [0, 1] for every x (never 0/0 or ∞/∞). */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * (e^x − 1) / x, with its limit 1 at 0. Lets (1 − q^k)/k be written as ln(1/q)·exprel(−k ln q),
 * which has no removable singularity at k = 0 (the s → 1 limits of the Pareto/NBD, a → 1 of BG/NBD).
 */
export function exprel(x: number): number {
  if (Math.abs(x) < 1e-5) return 1 + x / 2 + (x * x) / 6;
  return Math.expm1(x) / x;
}

/** ln(1 + εS)/ε, with its limit S at ε = 0 (no 0/0 as ε → 0). */
export function log1pRatio(eps: number, S: number): number {
  const y = eps * S;
  if (Math.abs(y) < 1e-8) return S * (1 - y / 2);
  return Math.log1p(y) / eps;
}
