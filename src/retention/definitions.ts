// What the retention figures mean, written once (zod-free: the web app shows these texts next
// to the figures, the server computes by them).

/**
 * The health score (0–100) of a customer: a weighted mean of what is known of them.
 * - The chance they are still a customer (P(alive), 0..1). Without a trusted model (too little
 *   history), their RFM recency stands in: (quintile − 1) / 4.
 * - Email engagement: 1 when a person (not a privacy proxy) opened or clicked an email of the
 *   last 90 days, 0.5 within 180 days, 0 when emails were delivered in the last 180 days and
 *   none was opened; unknown when none was delivered.
 * - Their latest NPS answer (0–10) ÷ 10; unknown without one.
 * Unknown parts are left out and the weights of the others rescaled.
 */
export const HEALTH_WEIGHTS = { pAlive: 0.6, engagement: 0.25, nps: 0.15 } as const;

export const HEALTH_DEFINITION =
  'Health (0–100) = 60 % the chance they are still a customer + 25 % email engagement (opened or clicked in the last 90 days: full; 91–180 days: half; emails delivered but not opened: none) + 15 % their latest NPS answer (0–10, as a share of 10). A part that is unknown (no emails delivered, no NPS answer) is left out and the others count for more.';

/** Below these, the models' per-customer figures are not shown as trustworthy. */
export const MIN_CUSTOMERS = 200;
export const MIN_REPEAT_BUYERS = 50;
export const MIN_HISTORY_DAYS = 84;

/** The quality verdict: the total repeat purchases predicted for the holdout period against those made. */
export const VERDICT_LIMITS = { good: 0.1, fair: 0.25 } as const;

export type Verdict = 'good' | 'fair' | 'poor' | 'too_little_data';

export const VERDICT_TEXT: Record<Verdict, string> = {
  good: 'The model predicted the holdout period well: use its figures with confidence.',
  fair: 'The model predicted the holdout period roughly: use its figures for ranking customers, less for exact counts.',
  poor: 'The model missed the holdout period by more than a quarter: rank customers with it if you must, but do not rely on its numbers.',
  too_little_data: 'Not enough history yet to trust a model.',
};

/** Time unit of the models' parameters: weeks (as in the published work). */
export const DAYS_PER_UNIT = 7;
