import { readCountry } from '../shared/countries.ts';
import type { PropertyType } from './fields.ts';
import type { Normalized } from './normalize.ts';
import type { PropertyValue } from './schema.ts';

export interface PropertyDefinition {
  key: string;
  label: string;
  description: string;
  type: PropertyType;
  options: string[];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', 'ja', 'oui', 'si', 'sí', 'x', '✓']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', 'nein', 'non', '']);

/**
 * A value for a typed property, from JSON (API) or from spreadsheet text (import).
 * Numbers accept "1,234.50", "1.234,50" and "12 %"; dates accept ISO, "2024-03-05 14:00",
 * "05/03/2024" (day first unless the day cannot be) and spreadsheet serial numbers.
 * `null` / blank means "no value".
 */
export function coerceValue(def: PropertyDefinition, raw: unknown, options: { dateOrder?: DateOrder } = {}): Normalized<PropertyValue | null> {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { ok: true, value: null };
  switch (def.type) {
    case 'string': {
      const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
      if (value === undefined) return fail(def, raw, 'text');
      return { ok: true, value: value.slice(0, 2000) };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : fail(def, raw, 'a number');
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const word = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return fail(def, raw, 'yes or no');
    }
    case 'date': {
      const d = raw instanceof Date ? raw : typeof raw === 'number' ? fromSerial(raw) : typeof raw === 'string' ? parseDate(raw, options.dateOrder) : undefined;
      if (!d || Number.isNaN(d.getTime())) return fail(def, raw, 'a date');
      return { ok: true, value: formatDate(d) };
    }
    case 'country': {
      const read = typeof raw === 'string' ? readCountry(raw) : undefined;
      if (!read?.ok) return fail(def, raw, 'a country (a name like "Germany" or a code like "DE")');
      return { ok: true, value: read.code };
    }
    case 'enum': {
      const text = String(raw).trim();
      const match = def.options.find((o) => o.toLowerCase() === text.toLowerCase());
      if (match === undefined) return { ok: false, reason: `${def.label}: "${text}" is not one of ${def.options.map((o) => `"${o}"`).join(', ')}` };
      return { ok: true, value: match };
    }
  }
}

function fail(def: PropertyDefinition, raw: unknown, expected: string): Normalized<never> {
  const shown = typeof raw === 'string' ? `"${raw.slice(0, 100)}"` : JSON.stringify(raw);
  return { ok: false, reason: `${def.label}: ${shown} is not ${expected}` };
}

export function parseNumber(text: string): number {
  let s = text.trim().replace(/[\s\u00a0%$€£¥]/g, '');
  if (!s) return NaN;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma > lastDot) {
    // "1.234,50" or "12,5": the comma is the decimal separator.
    s = s.replace(/\./g, '').replace(',', '.');
  } else {
    s = s.replace(/,/g, '');
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : NaN;
}

/** Which comes first in "05/03/2024": the day (most of the world) or the month (US). */
export type DateOrder = 'dmy' | 'mdy';

/**
 * Day or date-time: "2024-03-05", "2024-03-05T14:00:00Z", "05/03/2024", "3/25/2024",
 * "5.3.2024 14:30". Slashed dates are read in `order` (default day first), except where
 * only the other order makes a date.
 */
export function parseDate(text: string, order: DateOrder = 'dmy'): Date | undefined {
  const s = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (iso) {
    const [, y, m, d, hh, mm, ss, tz] = iso;
    if (!hh) return utc(+y!, +m!, +d!);
    const date = new Date(`${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}T${hh.padStart(2, '0')}:${mm}:${ss ?? '00'}${tz ? tz.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  // Year first with slashes or dots, as Japanese and Chinese exports write it: "1985/4/1".
  const ymd = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s);
  if (ymd) return utc(+ymd[1]!, +ymd[2]!, +ymd[3]!);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (dmy) {
    let [a, b] = order === 'dmy' ? [+dmy[1]!, +dmy[2]!] : [+dmy[2]!, +dmy[1]!];
    let year = +dmy[3]!;
    if (year < 100) year += year < 70 ? 2000 : 1900;
    // The other order when only it makes a date ("25/3" read month first).
    if (b > 12 && a <= 12) [a, b] = [b, a];
    const day = utc(year, b, a, +(dmy[4] ?? 0), +(dmy[5] ?? 0), +(dmy[6] ?? 0));
    return day;
  }
  return undefined;
}

/**
 * The order of slashed dates in a column: month first if some value can only be read
 * that way ("3/25/2024") and none only the other way; day first otherwise.
 */
export function detectDateOrder(values: Iterable<string>): DateOrder {
  let dayFirstOnly = false;
  let monthFirstOnly = false;
  for (const v of values) {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}/.exec(v.trim());
    if (!m) continue;
    if (+m[1]! > 12 && +m[2]! <= 12) dayFirstOnly = true;
    if (+m[2]! > 12 && +m[1]! <= 12) monthFirstOnly = true;
  }
  return monthFirstOnly && !dayFirstOnly ? 'mdy' : 'dmy';
}

function utc(y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): Date | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 59) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d, hh, mm, ss));
  return date.getUTCDate() === d ? date : undefined; // 31 February is not a date
}

/** Spreadsheet day numbers (days since 1899-12-30). */
function fromSerial(n: number): Date | undefined {
  if (n < 1 || n > 2_958_465) return undefined;
  return new Date(Math.round((n - 25569) * 86_400_000));
}

/** A date property is stored as "YYYY-MM-DD", or the full instant when it has a time. */
function formatDate(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
