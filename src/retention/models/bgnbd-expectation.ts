// The BG/NBD expected purchases of a customer who is alive, by a route that stays finite.
//
// The published form, (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)]
// with z = t/(α+T+t), fails three ways in floating point: the 2F1 grows like (1−z)^(a−1−r−x)
// (astronomical for x = 1000) while the power shrinks as fast; it divides by a − 1 (CDNOW's
// fit has a = 0.79, and a = 1 is a 0/0); and the bracket cancels as a → 1. Euler's
// transformation 2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z) turns the product into
//   (1−z)^(a−1) · F,  F = 2F1(a+b−1−r, a−1; a+b+x−1; z),
// whose parameters no longer grow with x except C (which makes its series converge faster).
// F = 1 + (a−1)·S with S = Σ_{k≥1} (a+b−1−r)_k (a)_{k−1} / ((a+b+x−1)_k k!) z^k, so
//   [1 − (1−z)^(a−1) F] / (a−1) = −u · exprel((a−1)u),  u = ln(1−z) + ln(1 + (a−1)S)/(a−1),
// which has no division by a − 1 left (exprel and log1pRatio carry the limits) and is exact for
// every a > 0: the expectation itself is finite for a ≤ 1 (purchases ≤ λt), only the formula
// had a removable singularity. For a new customer (x = 0) C = a+b−1 can be ≤ 0, a pole of F
// that C·F does not have: that case is rearranged around C·S.
import { exprel, hyp2f1, lbeta, log1pRatio } from './special.ts';

interface Params {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Beyond this z the series needs > 700 terms; the @stdlib 2F1 (agrees to ~1e-12 on the transformed parameters) is used. */
const SERIES_MAX_Z = 0.95;
const MAX_TERMS = 10_000_000;

/**
 * C·S = Σ_{k≥1} (A)_k (a)_{k−1} / ((C+1)_{k−1} k!) z^k, by its power series: (C)_k = C·(C+1)_{k−1},
 * so no division by C, which is a+b−1 for x = 0 and may be near 0 or negative. The terms keep
 * one sign once A + k > 0 and their ratio tends to z, from above or below: max(ratio, z) bounds the rest.
 */
function seriesCS(A: number, a: number, C: number, z: number): number {
  let term = A * z;
  let sum = term;
  for (let k = 1; k < MAX_TERMS && term !== 0; k++) {
    term *= (((A + k) * (a + k - 1)) / ((C + k) * (k + 1))) * z;
    sum += term;
    const rho = Math.max(Math.abs(((A + k + 1) * (a + k)) / ((C + k + 1) * (k + 2))) * z, z);
    if (A + k > 0 && Math.abs(term) * rho <= 1e-17 * (1 - rho) * Math.abs(sum)) break;
  }
  return sum;
}

/** E[purchases in (T, T+t] | alive at T, x] under BG/NBD; ≥ 0 and finite for all a, b, r, α > 0. */
export function conditionalAliveExpectation({ r, alpha, a, b }: Params, t: number, x: number, T: number): number {
  // A large a (a fit whose dropout probability is nearly the same for everyone: a and b run to
  // millions) makes the series grow for ~a·z terms before it converges, and overflow: integrate.
  if (a > QUADRATURE_A) return integratedExpectation({ r, alpha, a, b }, t, x, T);
  const eps = a - 1;
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  const ratio = t / (alpha + T);
  const z = ratio / (1 + ratio);
  const L1 = -Math.log1p(ratio); // ln(1 − z)
  let e: number;
  if (C >= 1) {
    // With |a−1| ≥ 0.01, ln F/(a−1) loses at most two digits to the division.
    let u = z > SERIES_MAX_Z && Math.abs(eps) >= 0.01 ? L1 + Math.log(hyp2f1(A, eps, C, z)) / eps : Number.NaN;
    if (!Number.isFinite(u)) u = L1 + log1pRatio(eps, seriesCS(A, a, C, z) / C);
    e = C * -u * exprel(eps * u);
  } else {
    // x = 0 and a + b < 2: C(F − 1) stays finite as C → 0 where F and S do not. Expanding,
    // C·[1 − (1−z)^ε F]/ε = C·(1 − (1−z)^ε)/ε − (1−z)^ε·C·S, both terms O(1) for such C.
    e = C * -L1 * exprel(eps * L1) - Math.exp(eps * L1) * seriesCS(A, a, C, z);
  }
  // Positive in exact arithmetic; rounding must not make it negative.
  return Number.isFinite(e) && e > 0 ? e : 0;
}

/** Above this a, the expectation is integrated over the dropout probability instead. */
const QUADRATURE_A = 50;

/**
 * The same expectation as a one-dimensional integral: given alive at T with x repeat purchases,
 * the purchase rate is Gamma(r + x, α + T) and the dropout probability p is Beta(a, b + x),
 * independently, and a Poisson buyer who drops out with probability p after each purchase
 * makes (1 − e^(−λpt))/p purchases in t on average; over λ that is
 * g(p) = (1 − ((α+T)/(α+T+pt))^(r+x)) / p. Integrated over u = logit p (the Beta density in u,
 * p^a (1−p)^(b+x) / B(a, b+x), is smooth and falls off exponentially both ways) by the
 * trapezoid rule, which converges geometrically for such integrands; the range and step
 * follow the density's mode and spread.
 */
export function integratedExpectation(params: Params, t: number, x: number, T: number): number {
  return integratedExpectations(params, [t], x, T)[0]!;
}

/** The same for several horizons at once: the density is computed once per node. */
export function integratedExpectations({ r, alpha, a, b }: Params, ts: readonly number[], x: number, T: number): number[] {
  const b1 = b + x;
  const n = a + b1;
  const logB = lbeta(a, b1);
  const mode = Math.log(a / b1);
  const pm = a / n;
  const sd = 1 / Math.sqrt(n * pm * (1 - pm) || 1e-300);
  const lo = mode - Math.max(10 * sd, 45 / a);
  const hi = mode + Math.max(10 * sd, 45 / b1);
  // The trapezoid rule's error on such an integrand falls like e^(−2π²(σ/h)²): h = σ/2 leaves
  // ~1e-34 of a Gaussian, and the integrand here is smoother than the density.
  const h = Math.max((hi - lo) / 4000, Math.min(sd, 1) / 2);
  const k = r + x;
  const scales = ts.map((t) => t / (alpha + T));
  const sums = ts.map(() => 0);
  for (let u = lo; u <= hi; u += h) {
    // ln p = u − ln(1 + e^u), ln(1 − p) = −ln(1 + e^u), computed without overflow.
    const softplus = u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
    const logDensity = a * u - n * softplus - logB;
    if (logDensity < -745) continue;
    const density = Math.exp(logDensity);
    const p = Math.exp(u - softplus);
    for (let i = 0; i < scales.length; i++) sums[i]! += (density * -Math.expm1(-k * Math.log1p(p * scales[i]!))) / p;
  }
  return sums.map((sum) => {
    const e = sum * h;
    return Number.isFinite(e) && e > 0 ? e : 0;
  });
}

/** E[purchases in (T, T+t] | alive] for several horizons t. */
export function conditionalAliveExpectations(params: Params, ts: readonly number[], x: number, T: number): number[] {
  if (params.a > QUADRATURE_A) return integratedExpectations(params, ts, x, T);
  return ts.map((t) => conditionalAliveExpectation(params, t, x, T));
}
