// The inputs of the models: not transactions but one summary per customer, grouped. Upstream
// (SQL) groups customers with identical summaries into one row with a weight, so a fit runs
// over 10^4–10^5 rows for a million customers; the likelihoods multiply each row's term by
// its weight. The checks here turn a bad summary into an error at the door instead of a NaN
// deep inside an optimizer.

/**
 * One customer (or `weight` identical ones), in any time unit used consistently:
 * x = repeat purchases (purchase days after the first), tx = time of the last purchase since
 * the first (0 when x = 0), T = time since the first purchase (the customer's age).
 */
export interface CustomerSummary {
  x: number;
  tx: number;
  T: number;
  weight: number;
}

/** For the Gamma-Gamma spend model: x ≥ 1 repeat purchases with a mean value of mbar > 0. */
export interface MonetarySummary {
  x: number;
  mbar: number;
  weight: number;
}

/**
 * A cohort of subscribers observed for `periods` renewal periods (shifted-beta-geometric
 * model), as the published tables give it: how many left in each period, how many remain.
 */
export interface SbgCohort {
  /** How many left in period t (1 = did not renew at the first opportunity), 1 ≤ t ≤ periods. */
  lost: readonly { period: number; lost: number }[];
  /** How many were still subscribed after `periods` periods. */
  alive: number;
  periods: number;
}

/**
 * The same per subscriber (or `weight` identical ones), for cohorts pooled or censored at
 * different times: left in period t (`churned`), or still subscribed after t periods.
 */
export interface SbgObservation {
  t: number;
  churned: boolean;
  weight: number;
}

export function cohortObservations({ lost, alive, periods }: SbgCohort): SbgObservation[] {
  for (const { period } of lost) {
    if (period > periods) throw new RangeError(`not a cohort: subscribers lost in period ${period} of ${periods}`);
  }
  return [...lost.map(({ period, lost: n }) => ({ t: period, churned: true, weight: n })), { t: periods, churned: false, weight: alive }];
}

export function checkObservations(rows: readonly SbgObservation[]): void {
  let total = 0;
  for (const { t, churned, weight } of rows) {
    if (!(Number.isInteger(t) && t >= (churned ? 1 : 0) && weight >= 0 && Number.isFinite(weight)))
      throw new RangeError(`not a subscriber: t=${t}, churned=${churned}, weight=${weight} (need an integer t ≥ 1 for a churned one, ≥ 0 otherwise)`);
    total += weight;
  }
  if (!(total > 0)) throw new RangeError('no subscribers to fit');
}

export function checkCustomers(rows: readonly CustomerSummary[]): void {
  let total = 0;
  for (const { x, tx, T, weight } of rows) {
    const ok = x >= 0 && tx >= 0 && tx <= T && weight >= 0 && Number.isFinite(x + tx + T + weight) && (x > 0 || tx === 0);
    if (!ok) throw new RangeError(`not a customer summary: x=${x}, tx=${tx}, T=${T}, weight=${weight} (need x ≥ 0, 0 ≤ tx ≤ T, tx = 0 when x = 0, weight ≥ 0)`);
    total += weight;
  }
  if (!(total > 0)) throw new RangeError('no customers to fit');
}

/** Rows with x < 1 or mbar ≤ 0 (a free order) carry no information on spend: the fit skips them. */
export function checkMonetary(rows: readonly MonetarySummary[]): void {
  let total = 0;
  for (const { x, mbar, weight } of rows) {
    if (!(weight >= 0 && Number.isFinite(x + mbar + weight))) throw new RangeError(`not a spend summary: x=${x}, mbar=${mbar}, weight=${weight}`);
    if (x >= 1 && mbar > 0) total += weight;
  }
  if (!(total > 0)) throw new RangeError('no repeat customers with a positive spend to fit');
}

/** Groups identical (x, tx, T) into weighted rows: what the SQL does, for callers holding customers. */
export function groupCustomers(customers: Iterable<{ x: number; tx: number; T: number; weight?: number }>): CustomerSummary[] {
  const rows = new Map<string, CustomerSummary>();
  for (const { x, tx, T, weight = 1 } of customers) {
    const key = `${x}|${tx}|${T}`;
    const row = rows.get(key);
    if (row) row.weight += weight;
    else rows.set(key, { x, tx, T, weight });
  }
  return [...rows.values()];
}

/** Groups identical (x, mbar) into weighted rows, dropping customers without repeat purchases. */
export function groupMonetary(customers: Iterable<{ x: number; mbar: number; weight?: number }>): MonetarySummary[] {
  const rows = new Map<string, MonetarySummary>();
  for (const { x, mbar, weight = 1 } of customers) {
    if (x < 1) continue;
    const key = `${x}|${mbar}`;
    const row = rows.get(key);
    if (row) row.weight += weight;
    else rows.set(key, { x, mbar, weight });
  }
  return [...rows.values()];
}

/** Rows beyond which a fit screens its starting points on a subsample (fit.ts). */
export const SCREENING_ROWS = 10_000;

/**
 * About `target` rows drawn with probability ∝ weight (Poisson sampling, heavy rows certain),
 * each reweighted by 1/probability so that the log-likelihood stays an unbiased estimate of
 * the full one; undefined when the rows are few enough to use as they are. Deterministic
 * (fixed seed): the same data give the same fit.
 */
export function subsample<R extends { weight: number }>(rows: readonly R[], target = SCREENING_ROWS): R[] | undefined {
  if (rows.length <= 3 * target) return undefined;
  // c with Σ min(1, c·w) ≈ target: a few fixed-point steps on the rows that are not certain.
  let total = 0;
  for (const r of rows) total += r.weight;
  let c = target / total;
  for (let step = 0; step < 5; step++) {
    let certain = 0;
    let rest = 0;
    for (const r of rows) {
      if (c * r.weight >= 1) certain++;
      else rest += r.weight;
    }
    c = rest > 0 ? Math.max(0, target - certain) / rest : c;
  }
  const random = mulberry32(0x5eed);
  const out: R[] = [];
  for (const r of rows) {
    const p = Math.min(1, c * r.weight);
    if (random() < p) out.push({ ...r, weight: r.weight / p });
  }
  return out.length > 0 ? out : undefined;
}

/** A small seeded uniform generator in [0, 1) (mulberry32): the subsample is the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Per-row constants shared by the customer models: the distinct purchase counts (terms in
 * ln Γ(r+x) and friends are computed once per distinct x, not once per row) and each row's
 * index among them, in typed arrays so the likelihood's inner loop allocates nothing.
 */
export interface PreparedCustomers {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  w: Float64Array;
  /** Index of the row's x in `xs`. */
  xi: Int32Array;
  /** The distinct x values and the total weight of the rows with each. */
  xs: Float64Array;
  xw: Float64Array;
  totalWeight: number;
}

export function prepareCustomers(rows: readonly CustomerSummary[]): PreparedCustomers {
  checkCustomers(rows);
  const n = rows.length;
  const distinct = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const index = new Map(distinct.map((x, i) => [x, i]));
  const p: PreparedCustomers = {
    n,
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    w: new Float64Array(n),
    xi: new Int32Array(n),
    xs: Float64Array.from(distinct),
    xw: new Float64Array(distinct.length),
    totalWeight: 0,
  };
  rows.forEach((r, i) => {
    p.x[i] = r.x;
    p.tx[i] = r.tx;
    p.T[i] = r.T;
    p.w[i] = r.weight;
    const k = index.get(r.x)!;
    p.xi[i] = k;
    p.xw[k] = p.xw[k]! + r.weight;
    p.totalWeight += r.weight;
  });
  return p;
}
