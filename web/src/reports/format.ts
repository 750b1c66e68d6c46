// Numbers for people: counts with separators, shares with one decimal, money in its own
// currency (integer minor units in, never summed across currencies), days and months in words.
import { formatMoney, toMajorUnits } from '../../../src/shared/money.ts';

export const DASH = '–';

export const count = (x: number | null | undefined) => (x === null || x === undefined ? DASH : Math.round(x).toLocaleString('en'));

/** 0.1234 → "12.3%". */
export const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? DASH : `${(x * 100).toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;

/** A share of a whole, or null when the whole is empty. */
export const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Minor units (possibly fractional, as an average) as money: "£37.28". */
export const money = (minor: number | null | undefined, currency: string) => (minor === null || minor === undefined ? DASH : formatMoney(Math.round(minor), currency, 'en'));

/** Money for a chart's axis: "£2.5K". */
export function moneyShort(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(toMajorUnits(minor, currency));
  } catch {
    return `${toMajorUnits(minor, currency).toFixed(0)} ${currency}`;
  }
}

/** A number with one decimal at most ("37.5", "−12"). */
export const decimal = (x: number | null | undefined) =>
  x === null || x === undefined ? DASH : x.toLocaleString('en', { maximumFractionDigits: 1 }).replace('-', '−');

const utc = (day: string) => new Date(`${day}T00:00:00Z`);
const dayFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDayFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "6 Dec 2026". */
export const dayLabel = (day: string) => dayFormat.format(utc(day));
/** "6 Dec". */
export const shortDay = (day: string) => shortDayFormat.format(utc(day));
/** "Dec 2026". */
export const monthLabel = (day: string) => monthFormat.format(utc(day));

/** A cohort's or period's name by its grain: "Jan 2026", "week of 5 Jan 2026", "Q1 2026", "2026". */
export function periodLabel(start: string, grain: 'day' | 'week' | 'month' | 'quarter' | 'year'): string {
  if (grain === 'month') return monthLabel(start);
  if (grain === 'quarter') return `Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1} ${start.slice(0, 4)}`;
  if (grain === 'year') return start.slice(0, 4);
  if (grain === 'week') return `Week of ${dayLabel(start)}`;
  return dayLabel(start);
}

/** "Month 3", "Week 3". */
export const periodName = (grain: 'week' | 'month', k: number) => `${grain === 'week' ? 'Week' : 'Month'} ${k}`;

/** "from 8 Sep to 6 Dec 2026". */
export function spanLabel(from: string, to: string): string {
  return from.slice(0, 4) === to.slice(0, 4) ? `${shortDay(from)} – ${dayLabel(to)}` : `${dayLabel(from)} – ${dayLabel(to)}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** A definition with its window filled in: "the N days" → "the 90 days", "(N = the active window…)" → "(the active window…)". */
export function fillWindow(formula: string, letter: 'N' | 'A', days: number): string {
  return formula.replace(new RegExp(`\\b${letter} days\\b`, 'g'), `${days} days`).replace(new RegExp(`\\(${letter} = ([^)]*)\\)`, 'g'), '($1)');
}
