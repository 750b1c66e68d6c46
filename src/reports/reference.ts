// The report definitions (definitions.ts) computed a second, independent way: in memory, by
// brute force, straight from a list of orders and refunds. The property tests compare every
// report's SQL against these; nothing in the application uses them.
import type { Ratio } from './customers-sql.ts';
import { addDays, type Grain, periodsBetween, periodStart } from '../shared/days.ts';

export interface RefOrder {
  contact: string;
  /** The workspace's calendar day. */
  day: string;
  currency: string;
  /** Minor units. */
  total: number;
  refund: boolean;
}

const purchases = (orders: RefOrder[]) => orders.filter((o) => !o.refund);
const contactsOf = (orders: RefOrder[]) => [...new Set(orders.map((o) => o.contact))];

export function refActive(orders: RefOrder[], t: string, n: number): Set<string> {
  const from = addDays(t, -n);
  return new Set(purchases(orders).filter((o) => o.day >= from && o.day < t).map((o) => o.contact));
}

export function refCustomersAt(orders: RefOrder[], t: string): number {
  return new Set(purchases(orders).filter((o) => o.day < t).map((o) => o.contact)).size;
}

export function refNew(orders: RefOrder[], x: string, y: string): number {
  const first = new Map<string, string>();
  for (const o of purchases(orders)) if (!first.has(o.contact) || o.day < first.get(o.contact)!) first.set(o.contact, o.day);
  return [...first.values()].filter((d) => d >= x && d < y).length;
}

export function refChurn(orders: RefOrder[], x: string, y: string, n: number): Ratio {
  const atStart = refActive(orders, x, n);
  const atEnd = refActive(orders, y, n);
  return { of: atStart.size, count: [...atStart].filter((c) => !atEnd.has(c)).length };
}

export function refRepeat(orders: RefOrder[], x: string, y: string): Ratio {
  const p = purchases(orders);
  const buyers = new Set(p.filter((o) => o.day >= x && o.day < y).map((o) => o.contact));
  const repeat = [...buyers].filter((c) => p.filter((o) => o.contact === c && o.day < y).length >= 2);
  return { of: buyers.size, count: repeat.length };
}

/** What customerCounts returns, for a previous period from a0 and buckets between bounds. */
export function refCustomerCounts(orders: RefOrder[], a0: string, bounds: string[], n: number) {
  const a = bounds[0]!;
  const b = bounds[bounds.length - 1]!;
  const pairs = bounds.slice(0, -1).map((x, j) => [x, bounds[j + 1]!] as const);
  return {
    customers: { previous: refCustomersAt(orders, a), current: refCustomersAt(orders, b) },
    newCustomers: { previous: refNew(orders, a0, a), current: refNew(orders, a, b), buckets: pairs.map(([x, y]) => refNew(orders, x, y)) },
    active: { previous: refActive(orders, a, n).size, current: refActive(orders, b, n).size, buckets: pairs.map(([, y]) => refActive(orders, y, n).size) },
    churn: { previous: refChurn(orders, a0, a, n), current: refChurn(orders, a, b, n), buckets: pairs.map(([x, y]) => refChurn(orders, x, y, n)) },
    repeat: { previous: refRepeat(orders, a0, a), current: refRepeat(orders, a, b), buckets: pairs.map(([x, y]) => refRepeat(orders, x, y)) },
    customerBuckets: pairs.map(([, y]) => refCustomersAt(orders, y)),
  };
}

/** Orders, order totals and refunds per currency in [x, y). */
export function refMoney(orders: RefOrder[], x: string, y: string): Map<string, { orders: number; spent: number; refunded: number }> {
  const out = new Map<string, { orders: number; spent: number; refunded: number }>();
  for (const o of orders) {
    if (o.day < x || o.day >= y) continue;
    const m = out.get(o.currency) ?? { orders: 0, spent: 0, refunded: 0 };
    if (o.refund) m.refunded += o.total;
    else {
      m.orders++;
      m.spent += o.total;
    }
    out.set(o.currency, m);
  }
  return out;
}

/** Cohorts by first order (any currency) from the period containing `from` to the one containing `to`. */
export function refCohorts(orders: RefOrder[], grain: Grain, from: string, to: string) {
  const p = purchases(orders).filter((o) => o.day <= to);
  const first = periodStart(from, grain);
  const last = periodStart(to, grain);
  const rows: { start: string; size: number; exact: number[]; orLater: number[] }[] = [];
  const byCohort = new Map<string, string[]>();
  for (const c of contactsOf(p)) {
    const firstDay = p.filter((o) => o.contact === c).reduce((m, o) => (o.day < m ? o.day : m), '9999-12-31');
    if (firstDay < first || firstDay > to) continue;
    const start = periodStart(firstDay, grain);
    byCohort.set(start, [...(byCohort.get(start) ?? []), c]);
  }
  for (const [start, members] of [...byCohort.entries()].sort()) {
    const reached = periodsBetween(start, last, grain);
    const periodsOf = (c: string) => new Set(p.filter((o) => o.contact === c).map((o) => periodsBetween(start, periodStart(o.day, grain), grain)));
    const sets = members.map(periodsOf);
    const exact: number[] = [];
    const orLater: number[] = [];
    for (let k = 0; k <= reached; k++) {
      exact.push(sets.filter((s) => s.has(k)).length);
      orLater.push(sets.filter((s) => [...s].some((x) => x >= k)).length);
    }
    rows.push({ start, size: members.length, exact, orLater });
  }
  return rows;
}

/** Revenue cohorts in one currency: cohort by first order in it, revenue per period after. */
export function refRevenueCohorts(orders: RefOrder[], currency: string, grain: Grain, from: string, to: string) {
  const mine = orders.filter((o) => o.currency === currency);
  const first = periodStart(from, grain);
  const last = periodStart(to, grain);
  const firstDay = new Map<string, string>();
  for (const o of mine) if (!o.refund && (!firstDay.has(o.contact) || o.day < firstDay.get(o.contact)!)) firstDay.set(o.contact, o.day);
  const cohorts = new Map<string, { size: number; revenue: number[] }>();
  for (const [c, d] of firstDay) {
    if (d < first || d > to) continue;
    const start = periodStart(d, grain);
    const entry = cohorts.get(start) ?? { size: 0, revenue: Array.from({ length: periodsBetween(start, last, grain) + 1 }, () => 0) };
    entry.size++;
    for (const o of mine) {
      if (o.contact !== c || o.day < start || o.day > to) continue;
      entry.revenue[periodsBetween(start, periodStart(o.day, grain), grain)]! += o.refund ? -o.total : o.total;
    }
    cohorts.set(start, entry);
  }
  return [...cohorts.entries()].sort().map(([start, e]) => {
    let sum = 0;
    return { start, size: e.size, revenue: e.revenue, perCustomer: e.revenue.map((x) => (sum += x) / e.size) };
  });
}

/** NRR and GRR month over month in one currency, for the months from `from`'s to `to`'s. */
export function refMonthlyRetention(orders: RefOrder[], currency: string, from: string, to: string) {
  const mine = orders.filter((o) => o.currency === currency && o.day <= to);
  const rev = (c: string, month: string) =>
    mine.filter((o) => o.contact === c && periodStart(o.day, 'month') === month).reduce((s, o) => s + (o.refund ? -o.total : o.total), 0);
  const out: { start: string; customers: number; previousRevenue: number; revenue: number; keptRevenue: number }[] = [];
  const contacts = contactsOf(mine);
  for (let m = periodStart(from, 'month'); m <= to; m = monthAfter(m)) {
    const before = monthBefore(m);
    const starting = contacts.filter((c) => rev(c, before) > 0);
    out.push({
      start: m,
      customers: starting.length,
      previousRevenue: starting.reduce((s, c) => s + rev(c, before), 0),
      revenue: starting.reduce((s, c) => s + rev(c, m), 0),
      keptRevenue: starting.reduce((s, c) => s + Math.max(0, Math.min(rev(c, m), rev(c, before))), 0),
    });
  }
  return out;
}

const monthAfter = (m: string) => (m.slice(5, 7) === '12' ? `${Number(m.slice(0, 4)) + 1}-01-01` : `${m.slice(0, 5)}${String(Number(m.slice(5, 7)) + 1).padStart(2, '0')}-01`);
const monthBefore = (m: string) => (m.slice(5, 7) === '01' ? `${Number(m.slice(0, 4)) - 1}-12-01` : `${m.slice(0, 5)}${String(Number(m.slice(5, 7)) - 1).padStart(2, '0')}-01`);

/** Orders per customer up to a day, and days between first and second order (for those with two). */
export function refBuyers(orders: RefOrder[], to: string): { total: number; gap: number | null }[] {
  const p = purchases(orders).filter((o) => o.day <= to);
  return contactsOf(p).map((c) => {
    const days = p.filter((o) => o.contact === c).map((o) => o.day).sort();
    const gap = days.length >= 2 ? Math.round((Date.parse(days[1]!) - Date.parse(days[0]!)) / 86_400_000) : null;
    return { total: days.length, gap };
  });
}
