// The customer-specific part of the Pareto/NBD likelihood, in logs, with its gradient.
//
// Given λ and μ a customer's likelihood is λ^x e^−(λ+μ)T + λ^x μ ∫_tx^T e^−(λ+μ)y dy; mixing
// over λ ~ Gamma(r, α), μ ~ Gamma(s, β) gives
//   L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + J ],
//   J = s ∫_tx^T (α+y)^−(r+x) (β+y)^−(s+1) dy = s/(r+s+x) · [G(tx) − G(T)],
// G(y) = (r+s+x) ∫_y^∞ (same integrand). Fader & Hardie's note writes G with
// 2F1(r+s+x, s+1 or r+x; r+s+x+1; z) (α ≥ β or α < β), whose large first parameter makes the
// terms overflow and cancel. Euler's transformation gives
//   G(y) = (α+y)^−(r+x) (β+y)^−s H(y),
//   H = 2F1(1, r+x; r+s+x+1; z),            z = (α−β)/(α+y), if α ≥ β,
//   H = (1−z) · 2F1(1, s+1; r+s+x+1; z),    z = (β−α)/(β+y), if α < β,
// with 1 ≤ H ≤ (r+s+x)/s: a log plus a bounded series of positive terms (hypergeometric.ts).
// The series slows down as z → 1 (one of α+y, β+y far below the other: a customer with
// tx = 0 when β ≪ α), unless its C = r+s+x+1 is large next to B. When it would need more than
// SERIES_BUDGET terms, G(y) = (r+s+x) ∫_y^yc + G(yc) instead, with yc where z = 1/2: the
// integral by quadrature (paretonbd-quadrature.ts), G(yc) by the series. Both routes agree to
// ~1e-12 (tested), so the likelihood has no seam where they switch.
//
// G depends on the customer only through (x, y): a fit computes it once per distinct (x, tx)
// and (x, T) of the data (a few tens of thousands for a million customers) and each row only
// combines two of them.
import { hyp2f1A1, type Hyp1 } from './hypergeometric.ts';
import { integrate, type Integral } from './paretonbd-quadrature.ts';

/** Terms of the series tried before integrating (≈ the cost of one quadrature). */
export const SERIES_BUDGET = 400;

/**
 * What pairTerms writes for one (x, y), from `offset`: ln G, ln(α+y), ln(β+y), 1/(α+y),
 * 1/(β+y), then ∂ ln G/∂(r, α, s, β) (when asked).
 */
export const PAIR_STRIDE = 9;

const h: Hyp1 = { F: 1, dB: 0, dC: 0, dz: 0 };
const series = new Float64Array(5);

/** ln G(y) and its partials into `series`, by the hypergeometric series; false if over `budget` terms. */
function seriesLogG(r: number, alpha: number, s: number, beta: number, x: number, y: number, partials: boolean, budget: number): boolean {
  const rx = r + x;
  const ay = alpha + y;
  const by = beta + y;
  const lnA = Math.log(ay);
  const lnB = Math.log(by);
  const C = r + s + x + 1;
  let lnH: number;
  let hr = 0;
  let ha = 0;
  let hs = 0;
  let hb = 0;
  if (alpha >= beta) {
    if (!hyp2f1A1(rx, C, (alpha - beta) / ay, h, partials, budget)) return false;
    lnH = Math.log(h.F);
    if (partials) {
      const dz = h.dz / h.F;
      hr = (h.dB + h.dC) / h.F;
      hs = h.dC / h.F;
      ha = (dz * by) / (ay * ay);
      hb = -dz / ay;
    }
  } else {
    if (!hyp2f1A1(s + 1, C, (beta - alpha) / by, h, partials, budget)) return false;
    lnH = lnA - lnB + Math.log(h.F);
    if (partials) {
      const dz = h.dz / h.F;
      hr = h.dC / h.F;
      hs = (h.dB + h.dC) / h.F;
      ha = 1 / ay - dz / by;
      hb = -1 / by + (dz * ay) / (by * by);
    }
  }
  series[0] = -rx * lnA - s * lnB + lnH;
  series[1] = -lnA + hr;
  series[2] = -rx / ay + ha;
  series[3] = -lnB + hs;
  series[4] = -s / by + hb;
  return true;
}

const quad: Integral = { log: 0, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };

/** ln G(x, y) and what the rows need with it into out[offset … offset + PAIR_STRIDE). Allocates nothing. */
export function pairTerms(r: number, alpha: number, s: number, beta: number, x: number, y: number, out: Float64Array, offset: number, partials: boolean): void {
  const big = Math.max(alpha, beta);
  const small = Math.min(alpha, beta);
  out[offset + 1] = Math.log(alpha + y);
  out[offset + 2] = Math.log(beta + y);
  out[offset + 3] = 1 / (alpha + y);
  out[offset + 4] = 1 / (beta + y);
  // z ≤ 1/2 needs < 60 terms: no budget to check. Beyond, yc > y.
  const budgeted = (big - small) / (big + y) > 0.5;
  if (seriesLogG(r, alpha, s, beta, x, y, partials, budgeted ? SERIES_BUDGET : 100_000)) {
    out[offset] = series[0]!;
    if (partials) for (let q = 1; q < 5; q++) out[offset + 4 + q] = series[q]!;
    return;
  }
  const yc = big - 2 * small; // z(yc) = 1/2
  seriesLogG(r, alpha, s, beta, x, yc, partials, 100_000);
  integrate(r, alpha, s, beta, x, y, yc, quad, partials);
  const n = r + s + x;
  const a1 = Math.log(n) + quad.log;
  const a2 = series[0]!;
  const lnG = a1 > a2 ? a1 + Math.log1p(Math.exp(a2 - a1)) : a2 + Math.log1p(Math.exp(a1 - a2));
  out[offset] = lnG;
  if (!partials) return;
  const p1 = Math.exp(a1 - lnG);
  const p2 = Math.exp(a2 - lnG);
  out[offset + 5] = p1 * (1 / n + quad.dr) + p2 * series[1]!;
  out[offset + 6] = p1 * quad.dalpha + p2 * series[2]!;
  out[offset + 7] = p1 * (1 / n + quad.ds) + p2 * series[3]!;
  out[offset + 8] = p1 * quad.dbeta + p2 * series[4]!;
}

/**
 * ln[(α+T)^−(r+x) (β+T)^−s + J] (`value`), ln of its first term (`lf`: P(alive) = e^(lf − value))
 * and, when asked, the partial derivatives of `value` in r, α, s, β.
 */
export interface RowTerms {
  value: number;
  lf: number;
  dr: number;
  dalpha: number;
  ds: number;
  dbeta: number;
}

export function newRowTerms(): RowTerms {
  return { value: 0, lf: 0, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };
}

/** Combines the pair terms of (x, tx) at P[o1] and (x, T) at P[o2] into `out`. */
export function combineRow(r: number, s: number, x: number, P: Float64Array, o1: number, o2: number, out: RowTerms, partials: boolean): void {
  const rx = r + x;
  const n = rx + s;
  const lnAT = P[o2 + 1]!;
  const lnBT = P[o2 + 2]!;
  const lf = -rx * lnAT - s * lnBT;
  const c = Math.log(s / n);
  const M = Math.max(lf, c + P[o1]!);
  const ef = Math.exp(lf - M);
  const e1 = Math.exp(c + P[o1]! - M);
  // G decreases in y, so G(tx) ≥ G(T): rounding must not make J negative.
  const e2 = Math.min(Math.exp(c + P[o2]! - M), e1);
  const total = ef + e1 - e2;
  out.lf = lf;
  out.value = M + Math.log(total);
  if (!partials) return;
  // ∂ ln(s/n): r → −1/n, s → 1/s − 1/n.
  const cr = -1 / n;
  const cs = 1 / s - 1 / n;
  out.dr = (-ef * lnAT + e1 * (cr + P[o1 + 5]!) - e2 * (cr + P[o2 + 5]!)) / total;
  out.dalpha = (-ef * rx * P[o2 + 3]! + e1 * P[o1 + 6]! - e2 * P[o2 + 6]!) / total;
  out.ds = (-ef * lnBT + e1 * (cs + P[o1 + 7]!) - e2 * (cs + P[o2 + 7]!)) / total;
  out.dbeta = (-ef * s * P[o2 + 4]! + e1 * P[o1 + 8]! - e2 * P[o2 + 8]!) / total;
}

const pair = new Float64Array(2 * PAIR_STRIDE);

/** The row terms of one customer, computing both pairs on the spot. */
export function rowTerms(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number, out: RowTerms, partials: boolean): void {
  pairTerms(r, alpha, s, beta, x, tx, pair, 0, partials);
  pairTerms(r, alpha, s, beta, x, T, pair, PAIR_STRIDE, partials);
  combineRow(r, s, x, pair, 0, PAIR_STRIDE, out, partials);
}
