// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a
// Poisson process with rate λ ~ Gamma(r, α) and has an exponential lifetime with rate
// μ ~ Gamma(s, β), unobserved. The likelihood follows Fader & Hardie's note "A Note on Deriving
// the Pareto/NBD Model and Related Expressions" (2005), evaluated in logs with the
// hypergeometric terms rewritten so that large x and T neither overflow nor cancel
// (paretonbd-integral.ts).
import { fitPositive, type FitOptions, type FitResult } from './fit.ts';
import type { ValueAndGradient } from './optimize.ts';
import { combineRow, newRowTerms, PAIR_STRIDE, pairTerms, rowTerms } from './paretonbd-integral.ts';
import { digamma, exprel, lgamma } from './special.ts';
import { prepareCustomers, subsample, type CustomerSummary, type PreparedCustomers } from './summary.ts';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export const PARETO_NBD_PARAMS = ['r', 'alpha', 's', 'beta'] as const;

/**
 * −LL(r, α, s, β) over the rows and its gradient, for θ = [r, α, s, β]. Each row adds
 * weight × [ln Γ(r+x) − ln Γ(r) + r ln α + s ln β + ln((α+T)^−(r+x)(β+T)^−s + J)].
 * Never NaN: +∞ outside the domain or where a term is not finite, so a line search backs off.
 */
export function paretoNbdNegLogLik(rows: readonly CustomerSummary[] | PreparedCustomers): ValueAndGradient {
  const d = 'xs' in rows ? rows : prepareCustomers(rows);
  const pairs = distinctPairs(d);
  const P = new Float64Array(pairs.x.length * PAIR_STRIDE);
  const row = newRowTerms();
  return (theta, grad) => {
    const [r, alpha, s, beta] = theta as [number, number, number, number];
    if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.POSITIVE_INFINITY;
    const W = d.totalWeight;
    const lnAlpha = Math.log(alpha);
    const lnBeta = Math.log(beta);
    let ll = W * (r * lnAlpha + s * lnBeta - lgamma(r));
    let gr = W * (lnAlpha - digamma(r));
    let galpha = (W * r) / alpha;
    let gs = W * lnBeta;
    let gbeta = (W * s) / beta;
    for (let k = 0; k < d.xs.length; k++) {
      ll += d.xw[k]! * lgamma(r + d.xs[k]!);
      gr += d.xw[k]! * digamma(r + d.xs[k]!);
    }
    for (let k = 0; k < pairs.x.length; k++) pairTerms(r, alpha, s, beta, pairs.x[k]!, pairs.y[k]!, P, k * PAIR_STRIDE, true);
    for (let i = 0; i < d.n; i++) {
      const w = d.w[i]!;
      combineRow(r, s, d.x[i]!, P, pairs.ofTx[i]! * PAIR_STRIDE, pairs.ofT[i]! * PAIR_STRIDE, row, true);
      ll += w * row.value;
      gr += w * row.dr;
      galpha += w * row.dalpha;
      gs += w * row.ds;
      gbeta += w * row.dbeta;
    }
    grad[0] = -gr;
    grad[1] = -galpha;
    grad[2] = -gs;
    grad[3] = -gbeta;
    return Number.isFinite(ll) && grad.every(Number.isFinite) ? -ll : Number.POSITIVE_INFINITY;
  };
}

/** The distinct (x, tx) and (x, T) of the rows, and each row's two of them. */
function distinctPairs(d: PreparedCustomers) {
  const index = new Map<number, Map<number, number>>();
  const xs: number[] = [];
  const ys: number[] = [];
  const id = (x: number, y: number) => {
    let byY = index.get(x);
    if (!byY) index.set(x, (byY = new Map()));
    let k = byY.get(y);
    if (k === undefined) {
      byY.set(y, (k = xs.length));
      xs.push(x);
      ys.push(y);
    }
    return k;
  };
  const ofTx = new Int32Array(d.n);
  const ofT = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) {
    ofTx[i] = id(d.x[i]!, d.tx[i]!);
    ofT[i] = id(d.x[i]!, d.T[i]!);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), ofTx, ofT };
}

export function paretoNbdLogLikelihood(params: ParetoNbdParams, rows: readonly CustomerSummary[]): number {
  return -paretoNbdNegLogLik(rows)([params.r, params.alpha, params.s, params.beta], [0, 0, 0, 0]);
}

/** Starting points scaled to the data: r/α ≈ the purchase rate, β on the scale of the ages. */
function defaultStarts(d: PreparedCustomers): ParetoNbdParams[] {
  let xs = 0;
  let Ts = 0;
  for (let i = 0; i < d.n; i++) {
    xs += d.w[i]! * d.x[i]!;
    Ts += d.w[i]! * d.T[i]!;
  }
  const meanT = Ts > 0 ? Ts / d.totalWeight : 1;
  const scale = Ts > 0 ? Ts / Math.max(xs, 1e-3 * d.totalWeight) : 1;
  return [
    { r: 1, alpha: scale, s: 1, beta: meanT },
    { r: 0.3, alpha: 0.3 * scale, s: 0.5, beta: 0.5 * meanT },
    { r: 3, alpha: 3 * scale, s: 2, beta: 4 * meanT },
  ];
}

export function fitParetoNbd(rows: readonly CustomerSummary[], options: FitOptions<keyof ParetoNbdParams> = {}): FitResult<keyof ParetoNbdParams> {
  const d = prepareCustomers(rows);
  const sample = subsample(rows);
  return fitPositive(PARETO_NBD_PARAMS, paretoNbdNegLogLik(d), options.starts ?? defaultStarts(d), sample && paretoNbdNegLogLik(sample));
}

const scratch = newRowTerms();

/**
 * P(alive | x, tx, T) = [1 + J·(α+T)^(r+x)(β+T)^s]^−1: the share of the first term of the
 * likelihood. In [0, 1] and finite for any x, T.
 */
export function pAlive({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number): number {
  rowTerms(r, alpha, s, beta, x, tx, T, scratch, false);
  return Math.min(1, Math.exp(scratch.lf - scratch.value));
}

/**
 * Expected purchases in (T, T+t]: (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive),
 * written as (r+x)/(α+T) · (β+T) · L · exprel(−(s−1)L) with L = ln(1 + t/(β+T)): the same value,
 * with the s → 1 limit (r+x)/(α+T) · (β+T) · L built in instead of a 0/0.
 */
export function conditionalExpected(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, s, beta } = params;
  const L = Math.log1p(t / (beta + T));
  return ((r + x) / (alpha + T)) * (beta + T) * L * exprel(-(s - 1) * L) * pAlive(params, x, tx, T);
}

/** conditionalExpected for several horizons at once (the CLV's months): P(alive) once. */
export function conditionalExpectedMany(params: ParetoNbdParams, ts: readonly number[], x: number, tx: number, T: number): number[] {
  const { r, alpha, s, beta } = params;
  const alive = pAlive(params, x, tx, T);
  return ts.map((t) => {
    if (!(t > 0)) return 0;
    const L = Math.log1p(t / (beta + T));
    return ((r + x) / (alpha + T)) * (beta + T) * L * exprel(-(s - 1) * L) * alive;
  });
}

/** E[X(t)] for a new customer: rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)], with its s → 1 limit (r/α) β ln(1 + t/β). */
export function expectedCumulative({ r, alpha, s, beta }: ParetoNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  const L = Math.log1p(t / beta);
  return (r / alpha) * beta * L * exprel(-(s - 1) * L);
}
