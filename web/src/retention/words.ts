// The retention figures in a shop owner's words: the chance a customer is still a customer as a
// sentence, the verdict of the models' check as a coloured word, expected orders as "1.4 times".
import { DASH } from '../reports/format.ts';
import type { Verdict } from './model.ts';

/** Where the chance a customer is still a customer changes its words. */
export const LIKELY = 0.7;
export const UNLIKELY = 0.3;

/** "Probably still a customer", "May be slipping away", "Probably lost". */
export function chanceWords(pAlive: number): string {
  if (pAlive >= LIKELY) return 'Probably still a customer';
  if (pAlive >= UNLIKELY) return 'May be slipping away';
  return 'Probably lost';
}

export const chanceColor = (pAlive: number) => (pAlive >= LIKELY ? 'teal' : pAlive >= UNLIKELY ? 'orange' : 'red');

/** 0.823 → "82%". */
export const percent = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? DASH : `${Math.round(x * 100)}%`);

/** 1.4 → "1.4 times", 1 → "once", 0.04 → "less than 0.1 times". */
export function times(x: number): string {
  if (x > 0 && x < 0.05) return 'less than 0.1 times';
  const rounded = Math.round(x * 10) / 10;
  if (rounded === 1) return 'once';
  return `${rounded.toLocaleString('en', { maximumFractionDigits: 1 })} times`;
}

/** Orders expected, for a table cell: "1.4", "<0.1". */
export function expectedOrders(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  if (x > 0 && x < 0.05) return '<0.1';
  return x.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export const VERDICT_LABELS: Record<Verdict, string> = { good: 'Good', fair: 'Fair', poor: 'Poor', too_little_data: 'Too little data' };
export const VERDICT_COLORS: Record<Verdict, string> = { good: 'teal', fair: 'yellow', poor: 'red', too_little_data: 'gray' };

/** The change of a chance since the fit before, in percentage points, or null when too small to show (under 1 point) or unknown. */
export function chanceChange(now: number, before: number | null | undefined): number | null {
  if (before === null || before === undefined) return null;
  const points = Math.round((now - before) * 100);
  return points === 0 ? null : points;
}
