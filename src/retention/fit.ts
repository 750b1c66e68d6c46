// One fit of the retention models on a workspace's purchases up to a day: the summaries in
// SQL, maximum likelihood in TypeScript (src/retention/models/), the holdout check, and, for a
// fit up to today, every customer's scores written back in one statement.
import type { Database, SqlSession } from '../db/client.ts';
import { currencyExponent } from '../shared/money.ts';
import { DAYS_PER_UNIT, MIN_CUSTOMERS, MIN_HISTORY_DAYS, MIN_REPEAT_BUYERS, type Verdict, VERDICT_TEXT } from './definitions.ts';
import { holdoutCheck, type HoldoutCheck, holdoutLength } from './check.ts';
import { bgnbd, gammagamma, paretonbd } from './models/index.ts';
import { type PurchaseModel, type PurchaseModelName, scoringModel } from './purchase-model.ts';
import { type GroupScore, type SpendModel, writeScores } from './scores.ts';
import type { RetentionSettings } from './settings.ts';
import { frequencyRows, spendRows, type SummaryScope } from './summaries.ts';
import { subscriptionCohorts, type SubscriptionResult } from './subscriptions.ts';

/** Standard errors and the rest of one model's fit, as stored and printed. */
export interface ModelFit<P extends Record<string, number>> {
  params: P;
  loglik: number;
  se: Record<keyof P & string, number | null>;
  converged: boolean;
}

export interface SpendFit extends ModelFit<{ p: number; q: number; v: number }> {
  currency: string;
  customers: number;
}

export interface FitResult {
  /** Time unit of the parameters. */
  unit: 'week';
  until: string;
  since: string | null;
  customers: number;
  repeatBuyers: number;
  historyDays: number;
  bgnbd: ModelFit<{ r: number; alpha: number; a: number; b: number }> | null;
  paretonbd: ModelFit<{ r: number; alpha: number; s: number; beta: number }> | null;
  /** The spend model of the currency with the most repeat buyers; all of them in `spend`. */
  gammagamma: SpendFit | null;
  spend: SpendFit[];
  check: HoldoutCheck | null;
  /** The model the customers' scores come from (see purchase-model.ts). */
  scoringModel: PurchaseModelName | null;
  verdict: Verdict;
  verdictText: string;
  subscriptions: SubscriptionResult | null;
  /** Customers scored (0 for a fit up to an earlier day, which only reports). */
  scored: number;
}

/** Repeat buyers a currency needs for its own spend model; below, its mean order is used. */
const MIN_SPEND_BUYERS = 30;

export async function computeFit(db: Database, s: SummaryScope, settings: RetentionSettings & { timezone: string }, options: { score: boolean; now: Date }): Promise<FitResult> {
  const rows = await frequencyRows(db, s);
  const customers = sum(rows, (r) => r.n);
  const repeatBuyers = sum(rows, (r) => (r.x > 0 ? r.n : 0));
  const historyDays = rows.reduce((m, r) => Math.max(m, r.T), 0);
  // A customer whose first order is on the last day (T = 0) has told the models nothing yet.
  const weekly = rows.filter((r) => r.T > 0).map((r) => ({ x: r.x, tx: r.tx / DAYS_PER_UNIT, T: r.T / DAYS_PER_UNIT, weight: r.n }));
  // Without any repeat buyer there is nothing to estimate a purchase rate or a dropout from.
  const canFit = repeatBuyers > 0 && weekly.length > 1;
  const bg = canFit ? modelFit(bgnbd.fit(weekly)) : null;
  const pnbd = canFit ? modelFit(paretonbd.fit(weekly)) : null;
  const spend = await spendModels(db, s);
  const thin = customers < MIN_CUSTOMERS || repeatBuyers < MIN_REPEAT_BUYERS || historyDays < MIN_HISTORY_DAYS;
  const check = thin ? null : await holdoutCheck(db, s, holdoutLength(historyDays, settings.holdoutDays));
  const verdict: Verdict = thin || !check ? 'too_little_data' : check.verdict;
  const subscriptions = settings.renewalEvent ? await subscriptionCohorts(db, s, settings) : null;

  const model = scoringModel(bg, pnbd, check?.model);
  let scored = 0;
  if (options.score) {
    const trusted = model !== null && verdict !== 'too_little_data';
    const groups = trusted ? rows.map((r) => groupScore(model, r, settings)) : null;
    scored = await writeScores(db, s, options.now, groups, spend.models);
  }
  const fitted = spend.fits.filter((f): f is SpendFit => f !== null);
  return {
    unit: 'week',
    until: s.until,
    since: s.since,
    customers,
    repeatBuyers,
    historyDays,
    bgnbd: bg,
    paretonbd: pnbd,
    gammagamma: fitted[0] ?? null,
    spend: fitted,
    check,
    scoringModel: model?.name ?? null,
    verdict,
    verdictText: thin
      ? `${VERDICT_TEXT.too_little_data} ${customers.toLocaleString('en')} customers, ${repeatBuyers.toLocaleString('en')} of them bought again, over ${historyDays} days; the models need at least ${MIN_CUSTOMERS} customers, ${MIN_REPEAT_BUYERS} who bought again and ${MIN_HISTORY_DAYS / 7} weeks of orders.`
      : VERDICT_TEXT[verdict],
    subscriptions,
    scored,
  };
}

/** The figures of one group of identical customers, from the scoring model. */
function groupScore(model: PurchaseModel, r: { x: number; tx: number; T: number }, settings: RetentionSettings): GroupScore {
  const tx = r.tx / DAYS_PER_UNIT;
  const T = r.T / DAYS_PER_UNIT;
  // 90 days, then the end of each month of the horizon: each month's expected purchases are
  // discounted to today (as lifetimes' customer_lifetime_value does).
  const month = 365.25 / 12 / DAYS_PER_UNIT;
  const horizons = [90 / DAYS_PER_UNIT, ...Array.from({ length: settings.horizonMonths }, (_, i) => (i + 1) * month)];
  const [expected90, ...upTo] = model.expectedMany(horizons, r.x, tx, T);
  const monthly = Math.pow(1 + settings.discountRate, 1 / 12) - 1;
  let discounted = 0;
  let before = 0;
  upTo.forEach((e, i) => {
    discounted += (e - before) / Math.pow(1 + monthly, i + 1);
    before = e;
  });
  return { x: r.x, tx: r.tx, T: r.T, pAlive: model.pAlive(r.x, tx, T), expected90: expected90!, discounted };
}

/** The spend model of each currency (in minor units for the scores, major units as published). */
async function spendModels(db: SqlSession, s: SummaryScope): Promise<{ models: SpendModel[]; fits: (SpendFit | null)[] }> {
  const rows = await spendRows(db, s);
  const means = await db.query<{ currency: string; mean: number }>(
    `select d.currency, (sum(d.spent)::float8 / count(*)) as mean
     from purchase_days d where d.workspace_id = $1 and d.day <= $2::date and d.orders > 0 group by 1`,
    [s.workspaceId, s.until],
  );
  const byCurrency = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byCurrency.get(r.currency);
    if (list) list.push(r);
    else byCurrency.set(r.currency, [r]);
  }
  const models: SpendModel[] = [];
  const fits: (SpendFit | null)[] = [];
  for (const { currency, mean } of means) {
    const own = byCurrency.get(currency) ?? [];
    const buyers = sum(own, (r) => r.n);
    const scale = Math.pow(10, currencyExponent(currency) ?? 2);
    if (buyers < MIN_SPEND_BUYERS) {
      models.push({ currency, p: null, q: null, v: null, mean });
      continue;
    }
    const fit = modelFit(gammagamma.fit(own.map((r) => ({ x: r.x, mbar: r.sum / r.x / scale, weight: r.n }))));
    const { p, q, v } = fit.params;
    // With q ≤ 1 the model's mean order value is infinite: the currency's mean stands in.
    models.push(q > 1 ? { currency, p, q, v: v * scale, mean } : { currency, p: null, q: null, v: null, mean });
    fits.push({ ...fit, currency, customers: buyers });
  }
  fits.sort((a, b) => (b?.customers ?? 0) - (a?.customers ?? 0));
  return { models, fits };
}

function modelFit<P extends Record<string, number>>(f: { params: P; loglik: number; se: Record<string, number>; converged: boolean }): ModelFit<P> {
  const se = Object.fromEntries(Object.keys(f.params).map((k) => [k, Number.isFinite(f.se[k]) ? f.se[k]! : null])) as Record<keyof P & string, number | null>;
  return { params: f.params, loglik: f.loglik, se, converged: f.converged };
}

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
