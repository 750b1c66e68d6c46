// The statistics of a workflow's lift report: treated contacts (who went through its actions)
// against the holdout (who went through the same waits and branches with every action a no-op),
// each counted as contacts and conversions to the goal. Pure functions, no database.
//
//   rates           p1 = x1/n1 (treated), p2 = x2/n2 (holdout)
//   absolute lift   d = p1 − p2;  relative lift  d / p2
//   Wilson interval (x of n, z = 1.959964 for 95%):
//                   (x + z²/2)/(n + z²) ± z·√(x(n − x)/n + z²/4)/(n + z²)
//   interval of d   Newcombe's hybrid score interval (Newcombe 1998, method 10), from the Wilson
//                   intervals (l1, u1) of p1 and (l2, u2) of p2:
//                   low = d − √((p1 − l1)² + (u2 − p2)²),  high = d + √((u1 − p1)² + (p2 − l2)²)
//   z-test          pooled q = (x1 + x2)/(n1 + n2),  z = d / √(q(1 − q)(1/n1 + 1/n2)),  p-value = 2·Φ(−|z|)
//   Φ               Hart's double precision algorithm 5666 (West 2005): absolute error < 1e-15,
//                   relative error in the lower tail < 1e-8

export interface GroupCount {
  contacts: number;
  converted: number;
}

export interface Lift {
  treated: { contacts: number; converted: number; rate: number | null };
  holdout: { contacts: number; converted: number; rate: number | null };
  /** treated rate − holdout rate (absolute, a proportion), null when a group is empty */
  absoluteLift: number | null;
  /** (treated − holdout) / holdout, null when the holdout rate is 0 or a group is empty */
  relativeLift: number | null;
  /** 95% confidence interval of the difference treated − holdout: Newcombe's hybrid score interval (Newcombe 1998, method 10), from Wilson score intervals of each rate */
  interval: { low: number; high: number } | null;
  /** two-sided p-value of the pooled two-proportion z-test; null when it cannot be computed (a group empty, or pooled rate 0 or 1) */
  pValue: number | null;
  /** p < 0.05, the interval excludes 0, and there are enough contacts to tell (MIN_GROUP, MIN_OUTCOMES) */
  significant: boolean;
  /** One or two sentences for the shop owner: the numbers and what they allow to conclude, or why nothing can be concluded yet */
  verdict: string;
}

/** Below this many contacts in either group, nothing is concluded. */
export const MIN_GROUP = 30;
/** Below this many conversions (or contacts who did not convert) in both groups together, nothing is concluded. */
export const MIN_OUTCOMES = 5;

/** The two-sided 95% quantile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

/** Φ(x), the standard normal distribution function (Hart 1968, algorithm 5666, as given by West 2005). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) tail = 0;
  else if (a < 7.07106781186547) {
    let num = 3.52624965998911e-2 * a + 0.700383064443688;
    num = num * a + 6.37396220353165;
    num = num * a + 33.912866078383;
    num = num * a + 112.079291497871;
    num = num * a + 221.213596169931;
    num = num * a + 220.206867912376;
    let den = 8.83883476483184e-2 * a + 1.75566716318264;
    den = den * a + 16.064177579207;
    den = den * a + 86.7807322029461;
    den = den * a + 296.564248779674;
    den = den * a + 637.333633378831;
    den = den * a + 793.826512519948;
    den = den * a + 440.413735824752;
    tail = (Math.exp((-a * a) / 2) * num) / den;
  } else {
    // Continued fraction of the tail.
    let cf = a + 0.65;
    cf = a + 4 / cf;
    cf = a + 3 / cf;
    cf = a + 2 / cf;
    cf = a + 1 / cf;
    tail = Math.exp((-a * a) / 2) / cf / 2.506628274631;
  }
  return x > 0 ? 1 - tail : tail;
}

function checkCount(name: string, g: GroupCount): void {
  const ok = Number.isSafeInteger(g.contacts) && Number.isSafeInteger(g.converted) && g.contacts >= 0 && g.converted >= 0 && g.converted <= g.contacts;
  if (!ok) throw new RangeError(`${name}: ${g.converted} converted of ${g.contacts} contacts is not a count (whole numbers, 0 ≤ converted ≤ contacts)`);
}

/** The Wilson score interval of a proportion `converted` of `contacts`; 0 to 1 when there are no contacts. */
export function wilsonInterval(converted: number, contacts: number, z: number = Z95): { low: number; high: number } {
  if (contacts <= 0) return { low: 0, high: 1 };
  const x = converted;
  const n = contacts;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt((x * (n - x)) / n + z2 / 4)) / (n + z2);
  const p = x / n;
  // Exact at the ends (0 and 1), and never on the wrong side of p through rounding.
  const low = x <= 0 ? 0 : Math.min(p, Math.max(0, centre - half));
  const high = x >= n ? 1 : Math.max(p, Math.min(1, centre + half));
  return { low, high };
}

/** Newcombe's hybrid score interval of p1 − p2 (method 10), within [−1, 1]. */
function newcombeInterval(t: GroupCount, h: GroupCount, z: number): { low: number; high: number } {
  const p1 = t.converted / t.contacts;
  const p2 = h.converted / h.contacts;
  const w1 = wilsonInterval(t.converted, t.contacts, z);
  const w2 = wilsonInterval(h.converted, h.contacts, z);
  const d = p1 - p2;
  const low = d - Math.hypot(p1 - w1.low, w2.high - p2);
  const high = d + Math.hypot(w1.high - p1, p2 - w2.low);
  return { low: Math.max(-1, low), high: Math.min(1, high) };
}

/** Two-sided p-value of the pooled two-proportion z-test; null when a group is empty or the pooled rate is 0 or 1. */
function zTest(t: GroupCount, h: GroupCount): number | null {
  if (t.contacts === 0 || h.contacts === 0) return null;
  const pooled = (t.converted + h.converted) / (t.contacts + h.contacts);
  if (pooled <= 0 || pooled >= 1) return null;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / t.contacts + 1 / h.contacts));
  const z = (t.converted / t.contacts - h.converted / h.contacts) / se;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

const count = (n: number) => n.toLocaleString('en-US');
const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
/** A difference in percentage points, one decimal, with a minus sign when below zero ("−1.2", never "−0.0"). */
function points(d: number): string {
  const s = (Math.abs(d) * 100).toFixed(1);
  return d < 0 && s !== '0.0' ? `−${s}` : s;
}
function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  const two = p.toFixed(2);
  // Three decimals when two would hide the value or move it across 0.05.
  return p < 0.01 || (p < 0.05 && two === '0.05') ? `p = ${p.toFixed(3)}` : `p = ${two}`;
}

/** Why nothing can be concluded yet, or null when there are enough contacts and outcomes. */
function notYet(t: GroupCount, h: GroupCount): string | null {
  if (t.contacts === 0 && h.contacts === 0) return 'No contacts have entered this workflow yet.';
  if (h.contacts === 0) return 'The holdout has no contacts yet: set a holdout percentage to measure lift.';
  if (t.contacts === 0) return `Nobody has got the workflow yet: all ${count(h.contacts)} contacts so far are held out.`;
  if (t.contacts < MIN_GROUP || h.contacts < MIN_GROUP) {
    return `Too few contacts to tell: at least ${MIN_GROUP} in each group are needed (so far ${count(t.contacts)} got the workflow, ${count(h.contacts)} held out).`;
  }
  const converted = t.converted + h.converted;
  const all = t.contacts + h.contacts;
  if (converted === all) return `All ${count(all)} contacts converted, in both groups: there is no difference to measure.`;
  if (converted < MIN_OUTCOMES) return `Too few conversions to tell: at least ${MIN_OUTCOMES} are needed (so far ${count(converted)}).`;
  if (all - converted < MIN_OUTCOMES) {
    return `Too few contacts who did not convert to tell: at least ${MIN_OUTCOMES} are needed (so far ${count(all - converted)} of ${count(all)}).`;
  }
  return null;
}

const pick = (g: GroupCount) => ({ contacts: g.contacts, converted: g.converted });

/** The lift of a workflow: treated contacts against its holdout. Throws a RangeError when a count is not a count. */
export function liftOf(treated: GroupCount, holdout: GroupCount, confidence: 0.95 = 0.95): Lift {
  checkCount('treated', treated);
  checkCount('holdout', holdout);
  const z = Z95; // 0.95 is the one confidence level offered
  const p1 = treated.contacts > 0 ? treated.converted / treated.contacts : null;
  const p2 = holdout.contacts > 0 ? holdout.converted / holdout.contacts : null;
  const result: Lift = {
    treated: { ...pick(treated), rate: p1 },
    holdout: { ...pick(holdout), rate: p2 },
    absoluteLift: null,
    relativeLift: null,
    interval: null,
    pValue: zTest(treated, holdout),
    significant: false,
    verdict: notYet(treated, holdout) ?? '',
  };
  if (p1 === null || p2 === null) return result;

  const d = p1 - p2;
  const interval = newcombeInterval(treated, holdout, z);
  const pValue = result.pValue;
  result.absoluteLift = d;
  result.relativeLift = p2 > 0 ? d / p2 : null;
  result.interval = interval;
  if (result.verdict !== '' || pValue === null) {
    result.verdict ||= 'There is no difference to measure yet.';
    return result;
  }

  result.significant = pValue < 0.05 && (interval.low > 0 || interval.high < 0);
  const diff = points(d) === '0.0' ? '0.0 points apart' : `${points(Math.abs(d))} points ${d > 0 ? 'more' : 'fewer'}`;
  const found =
    `Contacts who got the workflow reached the goal at ${percent(p1)} against ${percent(p2)} of those held out: ${diff} ` +
    `(${Math.round(confidence * 100)}% interval ${points(interval.low)} to ${points(interval.high)} points)`;
  result.verdict = result.significant
    ? `${found}, ${formatP(pValue)}: ${d > 0 ? 'the workflow made a difference.' : 'the workflow lowered conversion.'}`
    : `${found}: the difference could be chance (${formatP(pValue)}).`;
  return result;
}
