// Calendar days as 'YYYY-MM-DD' strings (the workspace's days: no time, no zone), their
// arithmetic, and the period a report covers. Zod-free and shared with the web app.

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day, or undefined when the text is not one ("2025-02-30" is not). */
export function parseDay(text: string): string | undefined {
  const m = ISO_DAY.exec(text);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text ? text : undefined;
}

const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return fromMs(toMs(day) + n * DAY_MS);
}

/** Days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toMs(b) - toMs(a)) / DAY_MS);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  // A formatter costs far more to make than to use: one per time zone.
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant).slice(0, 10);
}

export type Grain = 'week' | 'month';

/** The first day of the week (Monday, as ISO 8601 and PostgreSQL's date_trunc) or month of a day. */
export function periodStart(day: string, grain: Grain): string {
  if (grain === 'month') return `${day.slice(0, 8)}01`;
  const weekday = (new Date(toMs(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** How many weeks or months period start b is after period start a. */
export function periodsBetween(a: string, b: string, grain: Grain): number {
  if (grain === 'week') return Math.round(daysBetween(a, b) / 7);
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/** The start of the period n weeks or months after the one starting on a given day. */
export function addPeriods(start: string, n: number, grain: Grain): string {
  if (grain === 'week') return addDays(start, 7 * n);
  const months = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(months / 12)).padStart(4, '0')}-${String((months % 12) + 1).padStart(2, '0')}-01`;
}

/** A report's period: first and last day (both included), and the period of the same length before it. */
export interface Period {
  from: string;
  to: string;
  days: number;
  previousFrom: string;
  previousTo: string;
}

export type RangeName = '30d' | '90d' | '365d' | 'custom';
export const RANGES: readonly RangeName[] = ['30d', '90d', '365d', 'custom'];

/** The period of a named range ending today, or of a custom range. */
export function periodOf(range: RangeName, today: string, from?: string, to?: string): Period {
  let first: string;
  let last: string;
  if (range === 'custom') {
    if (!from || !to) throw new Error('a custom period needs its first and last day');
    first = from;
    last = to;
  } else {
    const days = Number(range.slice(0, -1));
    last = today;
    first = addDays(today, 1 - days);
  }
  const days = daysBetween(first, last) + 1;
  return { from: first, to: last, days, previousFrom: addDays(first, -days), previousTo: addDays(first, -1) };
}
