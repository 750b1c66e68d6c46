// For the tests of the models only (nothing in the application imports it): the published
// data sets in test/fixtures/, grouped the way the product's SQL groups them, a finite-difference
// check of gradients, and a simulator of Pareto/NBD customers for the larger fits.
import { readFileSync } from 'node:fs';
import type { ValueAndGradient } from './optimize.ts';
import { groupCustomers, groupMonetary, mulberry32, type CustomerSummary, type MonetarySummary, type SbgCohort } from './summary.ts';

const fixture = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');

function csv(path: string): string[][] {
  return fixture(path)
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
}

export interface CdnowCustomer {
  id: number;
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

/** The 2,357 CDNOW customers (weeks), with the mean value of their repeat purchases. */
export function cdnowCustomers(): CdnowCustomer[] {
  return csv('cdnow/cdnow_customers_summary_with_transactions.csv').map(([id, x, tx, T, zbar]) => ({ id: Number(id), x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) }));
}

/** cdnow_customers_summary.csv (ID, frequency, recency, T), grouped into weighted rows. */
export function cdnowSummary(): CustomerSummary[] {
  return groupCustomers(csv('cdnow/cdnow_customers_summary.csv').map(([, x, tx, T]) => ({ x: Number(x), tx: Number(tx), T: Number(T) })));
}

/** The 946 CDNOW customers with repeat purchases, grouped by (x, zbar). */
export function cdnowSpend(): MonetarySummary[] {
  return groupMonetary(cdnowCustomers().map((c) => ({ x: c.x, mbar: c.zbar })));
}

/** The "regular" or "highend" cohort of Fader & Hardie (2007): recency 1..7 = left that year, 8 = still subscribed. */
export function sbgCohort(name: 'regular' | 'highend'): SbgCohort {
  const rows = csv('sbg-retention/sbg_paper.csv').filter((r) => r[3] === name);
  const periods = 7;
  const count = (t: number) => rows.filter((r) => Number(r[1]) === t).length;
  return { lost: Array.from({ length: periods }, (_, i) => ({ period: i + 1, lost: count(i + 1) })), alive: count(8), periods };
}

/**
 * Largest |analytic − numerical| / (|numerical| + scale) over the coordinates; the numerical
 * derivative is the five-point central difference (error O(h⁴), so h can be large enough that
 * rounding in f ~ 10^4 does not swamp it).
 */
export function gradientError(f: ValueAndGradient, theta: readonly number[], scale = 1): number {
  const g = theta.map(() => 0);
  f(theta, g);
  const at = (i: number, d: number) => {
    const x = theta.slice();
    x[i] = x[i]! + d;
    return f(x, g.slice());
  };
  let worst = 0;
  for (let i = 0; i < theta.length; i++) {
    const h = 1e-4 * Math.abs(theta[i]!);
    const fd = (8 * (at(i, h) - at(i, -h)) - (at(i, 2 * h) - at(i, -2 * h))) / (12 * h);
    worst = Math.max(worst, Math.abs(g[i]! - fd) / (Math.abs(fd) + scale));
  }
  return worst;
}

/** Gamma(shape, rate) by Marsaglia & Tsang. */
function gamma(u: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(u, shape + 1, rate) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(1 - u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v / rate;
  }
}

/**
 * Customers of a Pareto/NBD world observed in whole days: first purchases spread over
 * `maxAge` days, repeat purchase days counted as the product counts them. Deterministic.
 */
export function simulateParetoNbd(customers: number, p: { r: number; alpha: number; s: number; beta: number }, maxAge: number, seed = 1): CustomerSummary[] {
  const u = mulberry32(seed);
  const out: { x: number; tx: number; T: number }[] = [];
  for (let i = 0; i < customers; i++) {
    const lambda = gamma(u, p.r, p.alpha);
    const mu = gamma(u, p.s, p.beta);
    const T = 1 + Math.floor(u() * maxAge);
    const end = Math.min(-Math.log(1 - u()) / mu, T);
    let t = 0;
    let x = 0;
    let tx = 0;
    let lastDay = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > end) break;
      const day = Math.floor(t);
      if (day >= 1 && day !== lastDay) {
        x++;
        tx = day;
        lastDay = day;
      }
    }
    out.push({ x, tx, T });
  }
  return groupCustomers(out);
}
