// The pure math of customer-base analysis: fits and per-customer predictions of the BG/NBD,
// Pareto/NBD, Gamma-Gamma and shifted-beta-geometric models, on grouped summaries. No
// database and no I/O; the retention module feeds it rows from SQL. One namespace per model
// (bgnbd.fit, bgnbd.pAlive, …), the shared input types, the optimizer.
import { bgNbdLogLikelihood, conditionalExpected as bgConditional, conditionalExpectedMany as bgConditionalMany, expectedCumulative as bgCumulative, fitBgNbd, pAlive as bgPAlive } from './bgnbd.ts';
import { clv, expectedAverageValue, fitGammaGamma, gammaGammaLogLikelihood } from './gammagamma.ts';
import { conditionalExpected as pnbdConditional, conditionalExpectedMany as pnbdConditionalMany, expectedCumulative as pnbdCumulative, fitParetoNbd, pAlive as pnbdPAlive, paretoNbdLogLikelihood } from './paretonbd.ts';
import { fitSbg, projectSurvival, retentionRate, sbgLogLikelihood, survival } from './sbg.ts';

export type { BgNbdParams } from './bgnbd.ts';
export type { ClvInput, GammaGammaParams } from './gammagamma.ts';
export type { ParetoNbdParams } from './paretonbd.ts';
export type { SbgParams } from './sbg.ts';
export type { FitOptions, FitResult } from './fit.ts';
export type { CustomerSummary, MonetarySummary, SbgCohort, SbgObservation } from './summary.ts';
export { cohortObservations, groupCustomers, groupMonetary } from './summary.ts';
export type { MinimizeOptions, MinimizeResult, Objective, ValueAndGradient } from './optimize.ts';
export { hessian, minimize, standardErrors } from './optimize.ts';

/** BG/NBD (Fader, Hardie & Lee 2005): purchases while alive, dropout after a purchase. */
export const bgnbd = {
  fit: fitBgNbd,
  logLikelihood: bgNbdLogLikelihood,
  pAlive: bgPAlive,
  conditionalExpected: bgConditional,
  conditionalExpectedMany: bgConditionalMany,
  expectedCumulative: bgCumulative,
};

/** Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases while alive, dropout at any time. */
export const paretonbd = {
  fit: fitParetoNbd,
  logLikelihood: paretoNbdLogLikelihood,
  pAlive: pnbdPAlive,
  conditionalExpected: pnbdConditional,
  conditionalExpectedMany: pnbdConditionalMany,
  expectedCumulative: pnbdCumulative,
};

/** Gamma-Gamma spend per purchase, and the discounted value of a customer's purchases. */
export const gammagamma = {
  fit: fitGammaGamma,
  logLikelihood: gammaGammaLogLikelihood,
  expectedAverageValue,
  clv,
};

/** Shifted-beta-geometric contract renewals (Fader & Hardie 2007). */
export const sbg = {
  fit: fitSbg,
  logLikelihood: sbgLogLikelihood,
  survival,
  retentionRate,
  projectSurvival,
};
