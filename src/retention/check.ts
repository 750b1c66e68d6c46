// The quality check of the purchase model on the workspace's own data: fitted on a
// calibration period only, it predicts each customer's repeat purchases in the holdout period
// that follows, and the prediction is compared with what they did, per number of repeat
// purchases in the calibration period and in total; plus the classic tracking plot of
// cumulative repeat purchases by week, actual against predicted.
import type { SqlSession } from '../db/client.ts';
import { addDays, daysBetween } from '../shared/days.ts';
import { DAYS_PER_UNIT, MIN_REPEAT_BUYERS, VERDICT_LIMITS, type Verdict } from './definitions.ts';
import { bgnbd, paretonbd } from './models/index.ts';
import { type PurchaseModel, type PurchaseModelName, purchaseModel, usable } from './purchase-model.ts';
import { holdoutRows, type SummaryScope, trackingRows } from './summaries.ts';

export interface HoldoutGroup {
  /** Repeat purchases in the calibration period: 0..6, and 7 for "7 or more". */
  x: number;
  customers: number;
  actual: number;
  predicted: number;
}

export interface TrackingPoint {
  /** The last day the point counts (the end of its week, or the last day). */
  day: string;
  actual: number;
  predicted: number;
}

/** One model's fit on the calibration period and its prediction of the holdout period. */
export interface CheckedModel {
  params: Record<string, number>;
  predicted: number;
  error: number | null;
}

export interface HoldoutCheck {
  calibrationEnd: string;
  holdoutDays: number;
  customers: number;
  /** The model the scores come from; groups, total and tracking are its. */
  model: PurchaseModelName;
  models: { bgnbd: CheckedModel | null; paretonbd: CheckedModel | null };
  groups: HoldoutGroup[];
  total: { actual: number; predicted: number; error: number | null };
  tracking: TrackingPoint[];
  verdict: Verdict;
}

const MAX_POINTS = 156;

/** The holdout length: the setting, else a third of the history, from 4 to 52 weeks. */
export function holdoutLength(historyDays: number, setting: number | null): number {
  if (setting) return setting;
  return Math.min(364, Math.max(28, Math.round(historyDays / 3 / 7) * 7));
}

/** Null when the calibration period has too few repeat buyers to fit on. */
export async function holdoutCheck(db: SqlSession, s: SummaryScope, holdoutDays: number): Promise<HoldoutCheck | null> {
  const calibrationEnd = addDays(s.until, -holdoutDays);
  const rows = await holdoutRows(db, { ...s, calibrationEnd });
  const repeat = rows.reduce((n, r) => n + (r.x > 0 ? r.n : 0), 0);
  if (repeat < MIN_REPEAT_BUYERS) return null;
  const weekly = rows.filter((r) => r.T > 0).map((r) => ({ x: r.x, tx: r.tx / DAYS_PER_UNIT, T: r.T / DAYS_PER_UNIT, weight: r.n }));
  const bg = bgnbd.fit(weekly);
  const pnbd = paretonbd.fit(weekly);
  const h = holdoutDays / DAYS_PER_UNIT;
  const actual = rows.reduce((n, r) => n + r.actual, 0);
  const checked = (m: PurchaseModel): CheckedModel => {
    const sum = rows.reduce((n, r) => n + r.n * m.expectedMany([h], r.x, r.tx / DAYS_PER_UNIT, r.T / DAYS_PER_UNIT)[0]!, 0);
    return { params: m.params, predicted: round2(sum), error: relative(sum, actual) };
  };
  const models = {
    bgnbd: usable(bg) ? checked(purchaseModel('bgnbd', bg.params)) : null,
    paretonbd: usable(pnbd) ? checked(purchaseModel('paretonbd', pnbd.params)) : null,
  };
  const name = closer(models);
  if (!name) return null;
  const model = name === 'bgnbd' ? purchaseModel('bgnbd', bg.params) : purchaseModel('paretonbd', pnbd.params);
  const groups: HoldoutGroup[] = Array.from({ length: 8 }, (_, x) => ({ x, customers: 0, actual: 0, predicted: 0 }));
  for (const r of rows) {
    const g = groups[Math.min(7, r.x)]!;
    g.customers += r.n;
    g.actual += r.actual;
    g.predicted += r.n * model.expectedMany([h], r.x, r.tx / DAYS_PER_UNIT, r.T / DAYS_PER_UNIT)[0]!;
  }
  const { predicted, error } = models[name]!;
  const verdict: Verdict = error === null ? 'too_little_data' : Math.abs(error) <= VERDICT_LIMITS.good ? 'good' : Math.abs(error) <= VERDICT_LIMITS.fair ? 'fair' : 'poor';
  const tracking = await trackingPlot(db, s, calibrationEnd, model);
  return {
    calibrationEnd,
    holdoutDays,
    customers: groups.reduce((n, g) => n + g.customers, 0),
    model: name,
    models,
    groups: groups.filter((g) => g.customers > 0).map((g) => ({ ...g, predicted: round2(g.predicted) })),
    total: { actual, predicted, error },
    tracking,
    verdict,
  };
}

/**
 * The model whose prediction of the holdout period came closer to what the customers did;
 * Pareto/NBD unless BG/NBD is closer by more than 2 points (see purchase-model.ts for why
 * Pareto/NBD is preferred).
 */
function closer(m: { bgnbd: CheckedModel | null; paretonbd: CheckedModel | null }): PurchaseModelName | null {
  const miss = (c: CheckedModel | null) => (c && c.error !== null ? Math.abs(c.error) : c ? Number.POSITIVE_INFINITY : null);
  const [b, p] = [miss(m.bgnbd), miss(m.paretonbd)];
  if (p === null) return b === null ? null : 'bgnbd';
  if (b === null) return 'paretonbd';
  return b + PREFERENCE < p ? 'bgnbd' : 'paretonbd';
}

const PREFERENCE = 0.02;

const relative = (predicted: number, actual: number) => (actual > 0 ? Math.round(((predicted - actual) / actual) * 10_000) / 10_000 : null);

/**
 * Cumulative repeat purchases of the calibration period's customers, by week from the first
 * customer's first order to the end: what they did, and what the calibration fit expects of
 * a population that started on the same days (the sum over start days of the number of
 * customers times E[X(t)], the unconditional expectation).
 */
async function trackingPlot(db: SqlSession, s: SummaryScope, calibrationEnd: string, model: PurchaseModel): Promise<TrackingPoint[]> {
  const { starts, repeats, firstDay } = await trackingRows(db, { ...s, calibrationEnd });
  if (!firstDay) return [];
  const lastOffset = daysBetween(firstDay, s.until);
  const weeks = Math.floor(lastOffset / 7) + 1;
  const step = Math.ceil(weeks / MAX_POINTS);
  // Many start days: grouped by week (the middle of it), which moves no point visibly.
  const cohorts = starts.length > 400 ? byWeek(starts) : starts;
  const perWeek = new Map(repeats.map((r) => [r.week, r.n]));
  const points: TrackingPoint[] = [];
  let actual = 0;
  for (let w = 0; w < weeks; w++) {
    actual += perWeek.get(w) ?? 0;
    if ((w + 1) % step !== 0 && w !== weeks - 1) continue;
    const end = Math.min(7 * (w + 1), lastOffset + 1);
    let predicted = 0;
    for (const c of cohorts) if (c.offset < end) predicted += c.n * model.expectedCumulative((end - c.offset) / DAYS_PER_UNIT);
    points.push({ day: addDays(firstDay, end - 1), actual, predicted: round2(predicted) });
  }
  return points;
}

function byWeek(starts: { offset: number; n: number }[]): { offset: number; n: number }[] {
  const m = new Map<number, number>();
  for (const s of starts) m.set(Math.floor(s.offset / 7), (m.get(Math.floor(s.offset / 7)) ?? 0) + s.n);
  return [...m].map(([w, n]) => ({ offset: w * 7 + 3, n }));
}

const round2 = (x: number) => Math.round(x * 100) / 100;
