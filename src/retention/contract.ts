// Requests and responses of the retention API (/api/v1/retention…). The web app imports the types.
import { z } from 'zod';
import { parseDay } from '../shared/days.ts';
import { dateTime } from '../shared/schemas.ts';

const day = z.string().refine((s) => parseDay(s) !== undefined, 'must be a day written YYYY-MM-DD');
const se = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().nullable()])));
const modelFit = (keys: readonly string[]) =>
  z.object({ params: z.object(Object.fromEntries(keys.map((k) => [k, z.number()]))), loglik: z.number(), se: se(keys), converged: z.boolean() });

const spendFit = modelFit(['p', 'q', 'v']).extend({ currency: z.string(), customers: z.number().int() });

const checkedModel = z.object({ params: z.record(z.string(), z.number()), predicted: z.number(), error: z.number().nullable() });

const holdoutCheck = z.object({
  calibrationEnd: z.string(),
  holdoutDays: z.number().int(),
  customers: z.number().int(),
  /** The model the scores come from; groups, total and tracking are its predictions. */
  model: z.enum(['paretonbd', 'bgnbd']),
  /** Each model fitted on the calibration period, with its prediction of the holdout period. */
  models: z.object({ bgnbd: checkedModel.nullable(), paretonbd: checkedModel.nullable() }),
  groups: z.array(z.object({ x: z.number().int(), customers: z.number().int(), actual: z.number(), predicted: z.number() })),
  total: z.object({ actual: z.number(), predicted: z.number(), error: z.number().nullable() }),
  tracking: z.array(z.object({ day: z.string(), actual: z.number(), predicted: z.number() })),
  verdict: z.enum(['good', 'fair', 'poor', 'too_little_data']),
});

const subscriptions = z.object({
  event: z.string(),
  period: z.enum(['month', 'year']),
  cohorts: z.array(
    z.object({
      cohort: z.string(),
      subscribers: z.number().int(),
      periods: z.number().int(),
      params: z.object({ alpha: z.number(), beta: z.number() }).nullable(),
      loglik: z.number().nullable(),
      se: z.object({ alpha: z.number().nullable(), beta: z.number().nullable() }).nullable(),
      actual: z.array(z.number().nullable()),
      projected: z.array(z.number()),
    }),
  ),
});

/** Everything one fit found; parameters in weeks, as published (Fader, Hardie & Lee). */
export const fitResult = z.object({
  unit: z.literal('week'),
  until: z.string(),
  since: z.string().nullable(),
  customers: z.number().int(),
  repeatBuyers: z.number().int(),
  historyDays: z.number().int(),
  bgnbd: modelFit(['r', 'alpha', 'a', 'b']).nullable(),
  paretonbd: modelFit(['r', 'alpha', 's', 'beta']).nullable(),
  gammagamma: spendFit.nullable(),
  spend: z.array(spendFit),
  check: holdoutCheck.nullable(),
  /** The model the customers' scores come from (null: none could be fitted). */
  scoringModel: z.enum(['paretonbd', 'bgnbd']).nullable(),
  verdict: z.enum(['good', 'fair', 'poor', 'too_little_data']),
  verdictText: z.string(),
  subscriptions: subscriptions.nullable(),
  scored: z.number().int(),
});

export const fitRecord = z.object({
  id: z.uuid(),
  cause: z.enum(['schedule', 'request', 'cli']),
  state: z.enum(['running', 'done', 'failed']),
  until: z.string(),
  since: z.string().nullable(),
  scored: z.boolean(),
  customers: z.number().int().nullable(),
  result: fitResult.nullable(),
  error: z.string().nullable(),
  startedAt: dateTime,
  finishedAt: dateTime.nullable(),
});
export type FitRecordJson = z.infer<typeof fitRecord>;

export const settingsBody = z.strictObject({
  windowDays: z.number().int().min(28, 'must be at least 28 days').max(3650, 'must be at most 3650 days (10 years)').nullable(),
  holdoutDays: z.number().int().min(14, 'must be at least 14 days').max(365, 'must be at most 365 days').nullable(),
  horizonMonths: z.number().int().min(1, 'must be at least 1 month').max(60, 'must be at most 60 months'),
  discountRate: z.number().min(0, 'must be 0 or more').max(1, 'must be at most 1 (100 % a year)'),
  refit: z.enum(['nightly', 'manual']),
  renewalEvent: z.string().min(1).max(200).nullable(),
  renewalPeriod: z.enum(['month', 'year']),
});
export const settingsResult = settingsBody;

export const overviewResult = z.object({
  /** The latest fit that wrote the customers' scores. */
  current: fitRecord.nullable(),
  /** The latest fit of any kind (running, failed, or up to an earlier day). */
  latest: fitRecord.nullable(),
  settings: settingsResult,
});
export type RetentionOverview = z.infer<typeof overviewResult>;

export const fitBody = z.strictObject({ until: day.optional() });

export const atRiskQuery = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as GBP').optional(),
  /** Customers whose chance of still being a customer is at least this… */
  min: z.coerce.number().min(0).max(1).default(0.2),
  /** …and below this. */
  max: z.coerce.number().min(0).max(1).default(0.7),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const atRiskCustomer = z.object({
  contactId: z.uuid(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  orders: z.number().int(),
  lastOrderAt: dateTime.nullable(),
  pAlive: z.number(),
  pAliveBefore: z.number().nullable(),
  expectedPurchases90: z.number().nullable(),
  /** Minor units of `currency`. */
  clv: z.number().int().nullable(),
  /** What they would be worth if they stayed: CLV ÷ P(alive). */
  valueIfKept: z.number().int().nullable(),
  health: z.number().int().nullable(),
});

export const atRiskResult = z.object({
  currency: z.string().nullable(),
  currencies: z.array(z.string()),
  min: z.number(),
  max: z.number(),
  /** All such customers, and the value they would bring if kept (minor units). */
  total: z.object({ customers: z.number().int(), valueIfKept: z.number().int() }),
  customers: z.array(atRiskCustomer),
  scoredAt: dateTime.nullable(),
});
export type AtRiskResult = z.infer<typeof atRiskResult>;
