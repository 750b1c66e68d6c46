// The quality check of the purchase model on the workspace's own data: fitted on a
// calibration period only, it predicts each customer's repeat purchases in the holdout period
// that follows, and the prediction is compared with what they did, per number of repeat
// purchases in the calibration period and in total; plus the classic tracking plot of
// cumulative repeat purchases by week, actual against predicted.
import type { SqlSession } from '../db/client.ts';
import { addDays, daysBetween } from '../reports/days.ts';
import { DAYS_PER_UNIT, MIN_REPEAT_BUYERS, VERDICT_LIMITS, type Verdict } from './definitions.ts';
import { bgnbd } from './models/index.ts';
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

export interface HoldoutCheck {
  calibrationEnd: string;
  holdoutDays: number;
  customers: number;
  params: { r: number; alpha: number; a: number; b: number };
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
  const fit = bgnbd.fit(rows.filter((r) => r.T > 0).map((r) => ({ x: r.x, tx: r.tx / DAYS_PER_UNIT, T: r.T / DAYS_PER_UNIT, weight: r.n })));
  const p = fit.params;
  const h = holdoutDays / DAYS_PER_UNIT;
  const groups: HoldoutGroup[] = Array.from({ length: 8 }, (_, x) => ({ x, customers: 0, actual: 0, predicted: 0 }));
  for (const r of rows) {
    const g = groups[Math.min(7, r.x)]!;
    g.customers += r.n;
    g.actual += r.actual;
    g.predicted += r.n * bgnbd.conditionalExpected(p, h, r.x, r.tx / DAYS_PER_UNIT, r.T / DAYS_PER_UNIT);
  }
  const actual = groups.reduce((n, g) => n + g.actual, 0);
  const predicted = groups.reduce((n, g) => n + g.predicted, 0);
  const error = actual > 0 ? (predicted - actual) / actual : null;
  const verdict: Verdict = error === null ? 'too_little_data' : Math.abs(error) <= VERDICT_LIMITS.good ? 'good' : Math.abs(error) <= VERDICT_LIMITS.fair ? 'fair' : 'poor';
  const tracking = await trackingPlot(db, s, calibrationEnd, p);
  return {
    calibrationEnd,
    holdoutDays,
    customers: groups.reduce((n, g) => n + g.customers, 0),
    params: p,
    groups: groups.filter((g) => g.customers > 0).map((g) => ({ ...g, predicted: round2(g.predicted) })),
    total: { actual, predicted: round2(predicted), error: error === null ? null : Math.round(error * 10_000) / 10_000 },
    tracking,
    verdict,
  };
}

/**
 * Cumulative repeat purchases of the calibration period's customers, by week from the first
 * customer's first order to the end: what they did, and what the calibration fit expects of
 * a population that started on the same days (the sum over start days of the number of
 * customers times E[X(t)], the unconditional expectation).
 */
async function trackingPlot(db: SqlSession, s: SummaryScope, calibrationEnd: string, p: { r: number; alpha: number; a: number; b: number }): Promise<TrackingPoint[]> {
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
    for (const c of cohorts) if (c.offset < end) predicted += c.n * bgnbd.expectedCumulative(p, (end - c.offset) / DAYS_PER_UNIT);
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
