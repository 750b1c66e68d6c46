import { CONTACT_FIELDS, type PropertyType, toPropertyKey } from '../contacts/fields.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import { parseDate, parseNumber } from '../contacts/values.ts';
import { readCountry } from '../shared/countries.ts';
import { BIRTHDAY_PART_HEADERS, CONTACT_HEADERS, headerKey, ORDER_HEADERS, PROPERTY_HEADERS } from './header-words.ts';
import type { ImportKind } from './schema.ts';

/** Thunderbird's birthday columns, combined into one `birthday` (see contact-rows.ts). */
export const BIRTHDAY_PARTS = ['birthday.year', 'birthday.month', 'birthday.day'] as const;

export interface Suggestion {
  mapping: string[];
  properties: { column: number; key: string; label: string; type: PropertyType }[];
}

const keyed = (table: Record<string, string[]>): [string, string[]][] => Object.entries(table).map(([target, words]) => [target, words.map(headerKey)]);
const CONTACT_WORDS = keyed(CONTACT_HEADERS);
const ORDER_WORDS = keyed(ORDER_HEADERS);
const PART_WORDS = Object.fromEntries(Object.entries(BIRTHDAY_PART_HEADERS).map(([part, words]) => [part, words.map(headerKey)])) as Record<'year' | 'month' | 'day', string[]>;
const PROPERTY_WORDS = PROPERTY_HEADERS.map((p) => ({ ...p, words: p.words.map(headerKey) }));

// ---- What a column's values look like ------------------------------------------------------

const EMAIL_VALUE = /^[^\s@,;<>"]+@[^\s@,;<>".]+(\.[^\s@,;<>".]+)*$/;
const DATE_VALUE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/;
/** Outlook writes "0/0/00" (German "0.0.00") for a birthday nobody entered. */
export const ZERO_DATE = /^0{1,4}[-/.]0{1,2}[-/.]0{1,4}$/;

function isPhoneLike(v: string): boolean {
  if (!/^[+(]?[\d\s()./-]+$/.test(v) || isDateLike(v)) return false;
  const digits = v.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  // A bare run of digits is as likely a customer number: a phone shows a prefix or separators.
  return v.startsWith('+') || v.startsWith('00') || /[\s()./-]/.test(v) || (v.startsWith('0') && digits >= 9);
}

/** Headers of phones that are not the person's own number (a work line, a fax): a property, not the phone. */
const OTHER_PHONE = /fax|pager|work|business|office|company|geschaft|dienst|buro|bureau|travail|trabajo|oficina|ufficio|lavoro|werk|kantoor|comercial|trabalho|勤務|会社/;

function isDateLike(v: string): boolean {
  return ZERO_DATE.test(v) || (DATE_VALUE.test(v) && parseDate(v) !== undefined);
}
const isCountryLike = (v: string) => readCountry(v).ok;

const share = (values: string[], test: (v: string) => boolean) => (values.length === 0 ? 0 : values.filter(test).length / values.length);

/** Whether most (4 in 5) of a column's sample values pass `test`; a column without values passes nothing. */
const mostly = (values: string[], test: (v: string) => boolean) => share(values, test) >= 0.8;

/**
 * A mapping from the column names and the values under them: built-in fields by the names
 * exporters give them in several languages, unless the values say otherwise (a "Contact"
 * column of email addresses is the email); columns without a known name by their values
 * (email addresses, phone numbers, dates); existing properties by key or label; a proposed
 * new property for each other column that has values.
 */
export function suggestMapping(kind: ImportKind, columns: string[], sample: string[][], hasHeader: boolean, defs: PropertyDefinition[]): Suggestion {
  const mapping: string[] = columns.map(() => 'ignore');
  const names = columns.map((c) => (hasHeader ? headerKey(c) : ''));
  const valueCache = new Map<number, string[]>();
  const values = (col: number) => {
    if (!valueCache.has(col)) valueCache.set(col, sample.map((r) => (r[col] ?? '').trim()).filter((v) => v !== ''));
    return valueCache.get(col)!;
  };
  const emailShare = columns.map((_, i) => share(values(i), (v) => EMAIL_VALUE.test(v)));
  const emails = emailShare.map((x) => x >= 0.8);
  const free = (i: number) => mapping[i] === 'ignore';
  // Whether a column's values allow the target its name suggests: an empty sample allows anything.
  const fits = (target: string, i: number): boolean => {
    const v = values(i);
    // A column named as the email keeps it while at least half its values are addresses.
    if (target === 'email' || target === 'customer_email') return v.length === 0 || emailShare[i]! >= 0.5;
    if (emails[i]) return false;
    if (target === 'phone') return v.length === 0 || v.filter(isPhoneLike).length / v.length >= 0.5;
    if (target === 'ordered_at') return v.length === 0 || mostly(v, (x) => isDateLike(x) || !Number.isNaN(Date.parse(x)));
    return true;
  };
  // The column whose name is the target's most preferred word; with `filled`, one with values
  // in the sample wins over an empty one ("Ort privat" over an empty "Ort").
  const byName = (target: string, words: string[], filled = false) => {
    for (const pass of filled ? [true, false] : [false]) {
      for (const word of words) {
        const col = names.findIndex((n, i) => n !== '' && n === word && free(i) && fits(target, i) && (!pass || values(i).length > 0));
        if (col >= 0) return col;
      }
    }
    return -1;
  };
  for (const [target, words] of kind === 'contacts' ? CONTACT_WORDS : ORDER_WORDS) {
    const col = byName(target, words);
    if (col >= 0) mapping[col] = target;
  }
  // Whatever the header says, a column of email addresses is the email (the fullest one).
  const emailTarget = kind === 'contacts' ? 'email' : 'customer_email';
  if (!mapping.includes(emailTarget)) {
    const candidates = columns.map((_, i) => i).filter((i) => free(i) && emails[i]);
    const best = candidates.sort((a, b) => values(b).length - values(a).length)[0];
    if (best !== undefined) mapping[best] = emailTarget;
  }
  if (kind === 'orders') {
    if (!mapping.includes('ordered_at')) {
      const col = columns.findIndex((_, i) => free(i) && mostly(values(i), isDateLike));
      if (col >= 0) mapping[col] = 'ordered_at';
    }
    return { mapping, properties: [] };
  }
  if (!mapping.includes('phone')) {
    const col = columns.findIndex((_, i) => free(i) && !OTHER_PHONE.test(names[i]!) && mostly(values(i), isPhoneLike));
    if (col >= 0) mapping[col] = 'phone';
  }
  suggestBirthdayParts(names, values, free, mapping);

  const properties: Suggestion['properties'] = [];
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const byLabel = new Map(defs.map((d) => [headerKey(d.label), d]));
  // Columns every language names alike (company, country, birthday…) fill one property each.
  for (const p of PROPERTY_WORDS) {
    const col = byName(p.key, p.words, true);
    if (col < 0) continue;
    const existing = byKey.get(p.key);
    if (existing) mapping[col] = `properties.${existing.key}`;
    else if (values(col).length > 0) {
      // The header says what the column is: a few values that do not fit are left out, not the type.
      const type = p.type === 'date' ? (share(values(col), isDateLike) >= 0.5 ? 'date' : 'string') : p.type === 'country' ? (share(values(col), isCountryLike) >= 0.5 ? 'country' : 'string') : p.type;
      properties.push({ column: col, key: p.key, label: p.label, type });
      mapping[col] = `properties.${p.key}`;
    }
  }
  columns.forEach((column, i) => {
    if (!free(i) || !hasHeader || column.trim() === '') return;
    const key = toPropertyKey(column);
    const existing = byKey.get(key) ?? byLabel.get(headerKey(column));
    if (existing) {
      mapping[i] = `properties.${existing.key}`;
      return;
    }
    if (values(i).length === 0) return; // an empty column: nothing to keep
    properties.push({ column: i, key, label: column.trim().slice(0, 100), type: inferType(values(i)) });
  });
  // Two columns may normalize to one key ("Birth Day", "Birthday"): keep keys unique.
  const used = new Set(defs.map((d) => d.key));
  for (const p of properties) {
    let key = p.key;
    for (let n = 2; used.has(key) || key in CONTACT_FIELDS; n++) key = `${p.key.slice(0, 58)}_${n}`;
    used.add(key);
    p.key = key;
    mapping[p.column] = 'ignore'; // a suggestion, taken only when the person accepts it
  }
  return { mapping, properties };
}

/** "Birth Year", "Birth Month", "Birth Day": a month and a day column of small numbers make a birthday. */
function suggestBirthdayParts(names: string[], values: (i: number) => string[], free: (i: number) => boolean, mapping: string[]): void {
  const find = (part: 'year' | 'month' | 'day', max: number) =>
    names.findIndex((n, i) => n !== '' && PART_WORDS[part].includes(n) && free(i) && values(i).every((v) => /^\d{1,4}$/.test(v) && +v >= 1 && +v <= max));
  const month = find('month', 12);
  const day = find('day', 31);
  if (month < 0 || day < 0) return;
  mapping[month] = 'birthday.month';
  mapping[day] = 'birthday.day';
  const year = find('year', 9999);
  if (year >= 0) mapping[year] = 'birthday.year';
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n']);

/** The type of a new property from its sample values: number, boolean, date, country, or text. */
export function inferType(values: string[]): PropertyType {
  if (values.length === 0) return 'string';
  if (values.every((v) => BOOLEAN_WORDS.has(v.toLowerCase()))) return 'boolean';
  if (values.every((v) => /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(v) && parseDate(v) !== undefined)) return 'date';
  // Postcodes ("01067") and phone numbers are written with digits, but they are not amounts.
  if (values.some((v) => /^0\d/.test(v)) || mostly(values, isPhoneLike)) return 'string';
  if (values.every((v) => /^[-+]?[\d\s.,]+%?$/.test(v) && Number.isFinite(parseNumber(v)))) return 'number';
  // Countries by name ("Germany", "Royaume-Uni"): two-letter codes alone could be anything (states, languages).
  if (values.every(isCountryLike) && values.some((v) => v.trim().length > 3)) return 'country';
  return 'string';
}
