// 2F1(1, B; C; z) for 0 < B < C, 0 ≤ z < 1, with its partial derivatives in B, C and z: the
// form the Pareto/NBD likelihood's hypergeometric functions take after Euler's transformation
// (paretonbd-integral.ts). Every term of its power series is positive, so the sum has no
// cancellation; the terms fall at least as fast as z^k (≤ ~230 terms for z ≤ 0.85, far fewer
// when C ≫ B). The caller gives a budget of terms: past it, the likelihood integrates instead.
//
// Term k is t_k = (B)_k/(C)_k z^k, so ∂t_k/∂B = t_k Σ_{j<k} 1/(B+j), ∂t_k/∂C = −t_k Σ_{j<k} 1/(C+j)
// and ∂t_k/∂z = k t_k / z; the sums run alongside the series.

/** Where the series writes: F and ∂F/∂B, ∂F/∂C, ∂F/∂z (the partials only when asked for). */
export interface Hyp1 {
  F: number;
  dB: number;
  dC: number;
  dz: number;
}

/** Fills `out`; false (and `out` unusable) when the series needs more than `maxTerms` terms. */
export function hyp2f1A1(B: number, C: number, z: number, out: Hyp1, partials: boolean, maxTerms = 100_000): boolean {
  let t = 1;
  let F = 1;
  let sB = 0;
  let sC = 0;
  let dB = 0;
  let dC = 0;
  let dz = 0;
  // Stop when the rest, bounded by t·z/(1−z) for F and ~t/(1−z)² for the partials, is negligible.
  const tol = 1e-17 * (1 - z) * (1 - z);
  let converged = false;
  for (let k = 0; k < maxTerms; k++) {
    const q = (t * (B + k)) / (C + k); // t_{k+1} / z
    t = q * z;
    F += t;
    if (partials) {
      sB += 1 / (B + k);
      sC += 1 / (C + k);
      dB += t * sB;
      dC -= t * sC;
      dz += (k + 1) * q;
    }
    if (t <= tol * F) {
      converged = true;
      break;
    }
  }
  out.F = F;
  out.dB = dB;
  out.dC = dC;
  out.dz = dz;
  return converged;
}
