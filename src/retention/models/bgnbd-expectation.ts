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
import { exprel, hyp2f1, log1pRatio } from './special.ts';

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
