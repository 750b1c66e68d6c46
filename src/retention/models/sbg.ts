// The shifted-beta-geometric model of contract renewals (Fader & Hardie 2007, "How to project
// customer retention"): each subscriber renews at every period's end with a fixed probability
// 1 − θ until they leave, θ ~ Beta(α, β) across subscribers. Retention rates rise over time
// not because anyone grows more loyal but because the likely leavers leave first.
//   P(T = t) = B(α+1, β+t−1)/B(α, β),  S(t) = B(α, β+t)/B(α, β),
//   r(t) = S(t)/S(t−1) = (β+t−1)/(α+β+t−1).
import { fitPositive, type FitOptions, type FitResult } from './fit.ts';
import type { ValueAndGradient } from './optimize.ts';
import { digamma, lbeta } from './special.ts';
import { checkObservations, cohortObservations, type SbgCohort, type SbgObservation } from './summary.ts';

export interface SbgParams {
  alpha: number;
  beta: number;
}

export const SBG_PARAMS = ['alpha', 'beta'] as const;

const observations = (input: SbgCohort | readonly SbgObservation[]) => ('periods' in input ? cohortObservations(input) : input);

/**
 * −LL(α, β) and its gradient for θ = [α, β]: a subscriber lost in period t contributes
 * ln P(T = t), one still subscribed after t periods ln S(t) (for a cohort: after the last).
 */
export function sbgNegLogLik(input: SbgCohort | readonly SbgObservation[]): ValueAndGradient {
  const rows = observations(input);
  checkObservations(rows);
  return (theta, grad) => {
    const [alpha, beta] = theta as [number, number];
    if (!(alpha > 0 && beta > 0)) return Number.POSITIVE_INFINITY;
    const lb = lbeta(alpha, beta);
    const psiA = digamma(alpha);
    const psiB = digamma(beta);
    const psiAB = digamma(alpha + beta);
    let ll = 0;
    let ga = 0;
    let gb = 0;
    for (const { t, churned, weight: w } of rows) {
      if (w === 0) continue;
      const psiABt = digamma(alpha + beta + t);
      if (churned) {
        ll += w * (lbeta(alpha + 1, beta + t - 1) - lb);
        ga += w * (digamma(alpha + 1) - psiABt - psiA + psiAB);
        gb += w * (digamma(beta + t - 1) - psiABt - psiB + psiAB);
      } else {
        ll += w * (lbeta(alpha, beta + t) - lb);
        ga += w * (psiAB - psiABt);
        gb += w * (digamma(beta + t) - psiABt - psiB + psiAB);
      }
    }
    grad[0] = -ga;
    grad[1] = -gb;
    return -ll;
  };
}

export function sbgLogLikelihood(params: SbgParams, input: SbgCohort | readonly SbgObservation[]): number {
  return -sbgNegLogLik(input)([params.alpha, params.beta], [0, 0]);
}

const STARTS: SbgParams[] = [
  { alpha: 1, beta: 1 },
  { alpha: 0.5, beta: 3 },
  { alpha: 3, beta: 10 },
];

/**
 * Fits α, β on a cohort (or subscribers given one by one). Needs some who left and some who
 * stayed: with none lost (or none left) the likelihood has no maximum, the parameters run off
 * towards a bound (α → 0 or β → 0) and the standard errors come back NaN.
 */
export function fitSbg(input: SbgCohort | readonly SbgObservation[], options: FitOptions<keyof SbgParams> = {}): FitResult<keyof SbgParams> {
  return fitPositive(SBG_PARAMS, sbgNegLogLik(input), options.starts ?? STARTS);
}

/** S(t): the share of a cohort still subscribed after t periods (1 at t = 0). */
export function survival({ alpha, beta }: SbgParams, t: number): number {
  if (!(t > 0)) return 1;
  return Math.exp(lbeta(alpha, beta + t) - lbeta(alpha, beta));
}

/** r(t) = S(t)/S(t−1): the share of those alive at the start of period t who renew, t ≥ 1. */
export function retentionRate({ beta, alpha }: SbgParams, t: number): number {
  return (beta + t - 1) / (alpha + beta + t - 1);
}

/** [S(0), S(1), …, S(periods)], by the product of retention rates (no Beta functions to cancel). */
export function projectSurvival(params: SbgParams, periods: number): number[] {
  const out = [1];
  for (let t = 1; t <= periods; t++) out.push(out[t - 1]! * retentionRate(params, t));
  return out;
}
