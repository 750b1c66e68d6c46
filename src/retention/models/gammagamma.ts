// The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV";
// Fader & Hardie, "The Gamma-Gamma Model of Monetary Value", 2013): a customer's purchase
// values are Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of how often they
// buy. Fitted on repeat customers' mean purchase value; gives the expected value of a
// customer's future purchases, and with a purchase model, their discounted lifetime value.
import { fitPositive, type FitOptions, type FitResult } from './fit.ts';
import type { ValueAndGradient } from './optimize.ts';
import { digamma, lgamma } from './special.ts';
import { checkMonetary, subsample, type MonetarySummary } from './summary.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export const GAMMA_GAMMA_PARAMS = ['p', 'q', 'v'] as const;

/**
 * −LL(p, q, v) and its gradient, for θ = [p, q, v]. The mean mbar of x purchases has density
 *   Γ(px+q)/(Γ(px)Γ(q)) · v^q · mbar^(px−1) · x^(px) / (v + x·mbar)^(px+q)
 * (the note's eq. 4): each row adds weight × its log.
 */
export function gammaGammaNegLogLik(all: readonly MonetarySummary[]): ValueAndGradient {
  checkMonetary(all);
  const rows = all.filter((r) => r.x >= 1 && r.mbar > 0);
  const n = rows.length;
  const x = Float64Array.from(rows, (r) => r.x);
  const m = Float64Array.from(rows, (r) => r.mbar);
  const w = Float64Array.from(rows, (r) => r.weight);
  const lnM = m.map(Math.log);
  const lnX = x.map(Math.log);
  let W = 0;
  for (let i = 0; i < n; i++) W += w[i]!;
  return (theta, grad) => {
    const [p, q, v] = theta as [number, number, number];
    if (!(p > 0 && q > 0 && v > 0)) return Number.POSITIVE_INFINITY;
    const lnV = Math.log(v);
    let ll = W * (q * lnV - lgamma(q));
    let gp = 0;
    let gq = W * (lnV - digamma(q));
    let gv = (W * q) / v;
    // Γ and ψ of px+q and px change with x only; rows come sorted or not, so cache the last x.
    let lastX = Number.NaN;
    let gammas = 0;
    let psiSum = 0;
    let psiPx = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const px = p * xi;
      if (xi !== lastX) {
        lastX = xi;
        gammas = lgamma(px + q) - lgamma(px);
        psiSum = digamma(px + q);
        psiPx = digamma(px);
      }
      const wi = w[i]!;
      const vxm = v + xi * m[i]!;
      const lnVxm = Math.log(vxm);
      ll += wi * (gammas + (px - 1) * lnM[i]! + px * lnX[i]! - (px + q) * lnVxm);
      gp += wi * xi * (psiSum - psiPx + lnM[i]! + lnX[i]! - lnVxm);
      gq += wi * (psiSum - lnVxm);
      gv -= (wi * (px + q)) / vxm;
    }
    grad[0] = -gp;
    grad[1] = -gq;
    grad[2] = -gv;
    return -ll;
  };
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly MonetarySummary[]): number {
  return -gammaGammaNegLogLik(rows)([params.p, params.q, params.v], [0, 0, 0]);
}

/** Starting points scaled to the data: E[mbar] = p·v/(q−1) ≈ the observed mean. */
function defaultStarts(rows: readonly MonetarySummary[]): GammaGammaParams[] {
  let W = 0;
  let sum = 0;
  for (const r of rows) {
    W += r.weight;
    sum += r.weight * r.mbar;
  }
  const mean = sum / W;
  return [
    { p: 2, q: 3, v: mean },
    { p: 6, q: 4, v: mean / 2 },
    { p: 1, q: 1.5, v: mean / 2 },
  ];
}

/** Fits on customers with x ≥ 1 and mbar > 0 (other rows carry no spend information and are skipped). */
export function fitGammaGamma(rows: readonly MonetarySummary[], options: FitOptions<keyof GammaGammaParams> = {}): FitResult<keyof GammaGammaParams> {
  checkMonetary(rows);
  const repeat = rows.filter((r) => r.x >= 1 && r.mbar > 0);
  // Sorted by x so that the Γ terms are computed once per distinct x.
  const sorted = [...repeat].sort((a, b) => a.x - b.x);
  const sample = subsample(sorted)?.sort((a, b) => a.x - b.x);
  return fitPositive(GAMMA_GAMMA_PARAMS, gammaGammaNegLogLik(sorted), options.starts ?? defaultStarts(sorted), sample && gammaGammaNegLogLik(sample));
}

/**
 * E[value of a purchase | x purchases with mean mbar] = p(v + x·mbar)/(px + q − 1): a weighted
 * average of the population mean p·v/(q−1) and the customer's own mbar. For x = 0 it is the
 * population mean. That posterior mean exists only when px + q > 1 (with q ≤ 1 the spread of
 * spend across customers is too heavy-tailed for a population mean); otherwise this returns
 * the plug-in value p·E[1/ν] → p/E[ν | data] = p(v + x·mbar)/(px + q), which is finite and for
 * a repeat customer close to their own mean.
 */
export function expectedAverageValue({ p, q, v }: GammaGammaParams, x: number, mbar: number): number {
  const spend = x > 0 ? x * mbar : 0;
  const shape = p * x + q;
  return shape > 1 ? (p * (v + spend)) / (shape - 1) : (p * (v + spend)) / shape;
}

export interface ClvInput {
  /**
   * Expected purchases in the next t time units (the purchase model's unit), conditional on
   * the customer's history: e.g. t => conditionalExpected(params, t, x, tx, T).
   */
  expectedPurchases: (t: number) => number;
  /** Expected value of one purchase (expectedAverageValue). */
  value: number;
  /** How many periods to sum over (months in lifetimes' customer_lifetime_value). */
  periods: number;
  /** One period in the purchase model's time unit (4.345 for months over weeks, 30 for days); default 1. */
  periodLength?: number;
  /** Discount rate per period (0.01 = 1% a month). */
  discountRate: number;
}

/**
 * Discounted value of the purchases over the horizon, as lifetimes' customer_lifetime_value:
 * Σ_{i=1..periods} (E[purchases by i] − E[purchases by i−1]) · value / (1 + d)^i.
 */
export function clv({ expectedPurchases, value, periods, periodLength = 1, discountRate }: ClvInput): number {
  let total = 0;
  let previous = 0;
  for (let i = 1; i <= periods; i++) {
    const cumulative = expectedPurchases(i * periodLength);
    total += ((cumulative - previous) * value) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return total;
}
