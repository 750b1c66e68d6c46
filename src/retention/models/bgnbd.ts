// The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
// alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
// they drop out with probability p ~ Beta(a, b). Fitted on (x, tx, T) summaries; per customer
// it gives P(alive) and the expected purchases in the next t.
import { fitPositive, type FitOptions, type FitResult } from './fit.ts';
import { conditionalAliveExpectation, conditionalAliveExpectations } from './bgnbd-expectation.ts';
import type { ValueAndGradient } from './optimize.ts';
import { digamma, lgamma, logistic } from './special.ts';
import { prepareCustomers, subsample, type CustomerSummary, type PreparedCustomers } from './summary.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const BG_NBD_PARAMS = ['r', 'alpha', 'a', 'b'] as const;

/**
 * −LL(r, α, a, b) over the rows and its gradient, for θ = [r, α, a, b]. Each row adds
 * weight × ln L with (FHL 2005, eq. 6, in logs)
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *          + ln[(α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+tx)^−(r+x)].
 * The Γ terms depend on x only: they are computed once per distinct x.
 */
export function bgNbdNegLogLik(rows: readonly CustomerSummary[] | PreparedCustomers): ValueAndGradient {
  const d = 'xs' in rows ? rows : prepareCustomers(rows);
  const m = d.xs.length;
  const lnB1 = new Float64Array(m); // ln(b + x − 1), per distinct x
  return (theta, grad) => {
    const [r, alpha, a, b] = theta as [number, number, number, number];
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.POSITIVE_INFINITY;
    const lnAlpha = Math.log(alpha);
    const lnA = Math.log(a);
    const psiAB = digamma(a + b);
    const W = d.totalWeight;
    let ll = W * (r * lnAlpha - lgamma(r) + lgamma(a + b) - lgamma(b));
    let gr = W * (lnAlpha - digamma(r));
    let galpha = (W * r) / alpha;
    let ga = W * psiAB;
    let gb = W * (psiAB - digamma(b));
    for (let k = 0; k < m; k++) {
      const x = d.xs[k]!;
      const w = d.xw[k]!;
      const psiABx = digamma(a + b + x);
      ll += w * (lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x));
      gr += w * digamma(r + x);
      ga -= w * psiABx;
      gb += w * (digamma(b + x) - psiABx);
      lnB1[k] = x > 0 ? Math.log(b + x - 1) : 0;
    }
    for (let i = 0; i < d.n; i++) {
      const x = d.x[i]!;
      const w = d.w[i]!;
      const rx = r + x;
      const aT = alpha + d.T[i]!;
      const lnT = Math.log(aT);
      const A3 = -rx * lnT;
      if (x === 0) {
        ll += w * A3;
        gr -= w * lnT;
        galpha -= (w * rx) / aT;
        continue;
      }
      const atx = alpha + d.tx[i]!;
      const lnTx = Math.log(atx);
      const A4 = lnA - lnB1[d.xi[i]!]! - rx * lnTx;
      // ln(e^A3 + e^A4) and the shares p3, p4 of the two terms, from the larger one.
      const e = Math.exp(-Math.abs(A3 - A4));
      const big = A3 > A4 ? A3 : A4;
      ll += w * (big + Math.log1p(e));
      const pSmall = e / (1 + e);
      const p4 = A4 >= A3 ? 1 - pSmall : pSmall;
      const p3 = 1 - p4;
      gr -= w * (p3 * lnT + p4 * lnTx);
      galpha -= w * rx * (p3 / aT + p4 / atx);
      ga += (w * p4) / a;
      gb -= (w * p4) / (b + x - 1);
    }
    grad[0] = -gr;
    grad[1] = -galpha;
    grad[2] = -ga;
    grad[3] = -gb;
    return -ll;
  };
}

/** The weighted log-likelihood at given parameters. */
export function bgNbdLogLikelihood(params: BgNbdParams, rows: readonly CustomerSummary[]): number {
  return -bgNbdNegLogLik(rows)([params.r, params.alpha, params.a, params.b], [0, 0, 0, 0]);
}

/** Starting points scaled to the data: r/α ≈ the observed purchase rate. */
function defaultStarts(d: PreparedCustomers): BgNbdParams[] {
  let xs = 0;
  let Ts = 0;
  for (let i = 0; i < d.n; i++) {
    xs += d.w[i]! * d.x[i]!;
    Ts += d.w[i]! * d.T[i]!;
  }
  const scale = Ts > 0 ? Ts / Math.max(xs, 1e-3 * d.totalWeight) : 1; // 1 / rate
  return [
    { r: 1, alpha: scale, a: 1, b: 3 },
    { r: 0.25, alpha: 0.25 * scale, a: 0.5, b: 1.5 },
    { r: 4, alpha: 4 * scale, a: 2, b: 10 },
  ];
}

export function fitBgNbd(rows: readonly CustomerSummary[], options: FitOptions<keyof BgNbdParams> = {}): FitResult<keyof BgNbdParams> {
  const d = prepareCustomers(rows);
  const sample = subsample(rows);
  return fitPositive(BG_NBD_PARAMS, bgNbdNegLogLik(d), options.starts ?? defaultStarts(d), sample && bgNbdNegLogLik(sample));
}

/**
 * ln of the odds that the customer has dropped out: a/(b+x−1) · ((α+T)/(α+tx))^(r+x)
 * (FHL 2005, eq. 13), in logs: for x = 1000 the power alone is far beyond double range.
 */
function logDeadOdds({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
}

/** P(alive | x, tx, T): 1 for a customer without repeat purchases (they cannot have dropped out yet). */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return logistic(-logDeadOdds(params, x, tx, T));
}

/**
 * Expected purchases in (T, T+t] of a customer with (x, tx, T) (FHL 2005, eq. 10):
 * E[· | alive] · P(alive). The first factor, (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
 * · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))], is computed by a route with no overflow and no
 * division by a − 1 (bgnbd-expectation.ts): finite for every a > 0, including a ≤ 1.
 */
export function conditionalExpected(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t > 0)) return 0;
  return conditionalAliveExpectation(params, t, x, T) * pAlive(params, x, tx, T);
}

/** conditionalExpected for several horizons at once (the CLV's months): one pass where it integrates. */
export function conditionalExpectedMany(params: BgNbdParams, ts: readonly number[], x: number, tx: number, T: number): number[] {
  const alive = pAlive(params, x, tx, T);
  return conditionalAliveExpectations(params, ts, x, T).map((e, i) => (ts[i]! > 0 ? e * alive : 0));
}

/** E[X(t)] for a new customer (the tracking plot): (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]. */
export function expectedCumulative(params: BgNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  return conditionalAliveExpectation(params, t, 0, 0);
}
