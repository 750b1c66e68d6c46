// When waits and date triggers fall due, twice: SQL builders for the set-based engine and
// TypeScript twins for the in-memory interpreter. A local date and time becomes an instant as
// PostgreSQL's `timestamp at time zone tz` makes it: in a spring-forward gap with the offset
// from before the change (02:30 in New York on the change day is 03:30 EDT), in a fall-back
// overlap the later of the two instants (01:30 EST). times.test.ts holds the two sides together.

const DAY_MS = 86_400_000;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

// The same patterns run in PostgreSQL (`~`, ARE) and in JavaScript: ASCII classes only.
/** An IANA name (Area/Location…) or UTC/GMT: abbreviations (PST, IST) and POSIX strings (UTC+3) mean other things to PostgreSQL than to Intl. */
const TZ_NAME = '^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+)$';
// Years 0001 to 9999 (PostgreSQL has no year 0), months 01 to 12, days 01 to 31 (whether the day exists is checked apart).
const DATE = '^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])';
const DATE_ONLY = `${DATE}$`;
const INSTANT = `${DATE}[T ]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(\\.[0-9]{1,6})?)?(Z|[+-](?:0[0-9]|1[0-4])(?::?[0-5][0-9])?)$`;
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

const TZ_NAME_RE = new RegExp(TZ_NAME, 'i');
const DATE_ONLY_RE = new RegExp(DATE_ONLY);
const INSTANT_RE = new RegExp(INSTANT);

// ---------------------------------------------------------------------------------------------
// SQL. Inputs are SQL expressions, evaluated once per row (contactTimeZoneSql calls a plpgsql
// function); a bad contact value yields null, never an error.

/** The contact's time zone: its `timezone` property when PostgreSQL knows that IANA name, else the workspace's. */
export function contactTimeZoneSql(contactAlias: string, workspaceTzExpr: string): string {
  const name = `(${contactAlias}.properties ->> 'timezone')`;
  return `coalesce(rapport_valid_tz(case when ${name} ~* '${TZ_NAME}' then ${name} end), ${workspaceTzExpr})`;
}

/** The first instant ≥ now at local time `at` ('HH:MM') on one of `weekdays` (text[], null: any day) in `tz`. */
export function waitUntilSql(nowExpr: string, atExpr: string, tzExpr: string, weekdaysExpr: string | null): string {
  const d0 = `(t.t_now at time zone t.t_tz)::date`;
  const c0 = `((${d0} + t.t_at) at time zone t.t_tz)`;
  if (weekdaysExpr === null) {
    return once({ t_now: `(${nowExpr})::timestamptz`, t_at: `(${atExpr})::time`, t_tz: `(${tzExpr})::text` }, `case when ${c0} >= t.t_now then ${c0} else ((${d0} + 1) + t.t_at) at time zone t.t_tz end`);
  }
  // Today when it fits and its instant is not past, else the next day that fits (a later day's
  // instant is always after now). Monday to Sunday as seven '1'/'0'; no known day means any day.
  const mask = WEEKDAYS.map((w) => `case when '${w}' = any(${weekdaysExpr}) then '1' else '0' end`).join(' || ');
  const dow = `extract(isodow from ${d0})::int`;
  const fitsD0 = `(substr(t.t_mask, ${dow}, 1) = '1' or t.t_mask = '0000000')`;
  const ahead = `greatest(1, position('1' in substr(t.t_mask || t.t_mask, ${dow} + 1, 7)))`;
  return once(
    { t_now: `(${nowExpr})::timestamptz`, t_at: `(${atExpr})::time`, t_tz: `(${tzExpr})::text`, t_mask: `(${mask})` },
    `case when ${fitsD0} and ${c0} >= t.t_now then ${c0} else ((${d0} + ${ahead}) + t.t_at) at time zone t.t_tz end`,
  );
}

/** A date value's local date plus `offsetDays`, at `at`, in `tz`; null without a date. */
export function waitDateSql(valueExpr: string, offsetDaysExpr: string, atExpr: string, tzExpr: string): string {
  return once(
    { t_value: `(${valueExpr})::text`, t_offset: `(${offsetDaysExpr})::int`, t_at: `(${atExpr})::time`, t_tz: `(${tzExpr})::text` },
    `((${localDateSql('t.t_value', 't.t_tz')} + t.t_offset) + t.t_at) at time zone t.t_tz`,
  );
}

/**
 * A date trigger's occurrence: as waitDateSql, or when `yearly` the anniversary (29 February
 * on 1 March in other years) plus the offset whose instant is the first after `from`. A
 * contact is due in (from, to] when from < occurrence ≤ to.
 */
export function dateOccurrenceSql(valueExpr: string, offsetDaysExpr: string, atExpr: string, tzExpr: string, yearly: boolean, fromExpr: string): string {
  if (!yearly) return waitDateSql(valueExpr, offsetDaysExpr, atExpr, tzExpr);
  const inputs = { t_value: `(${valueExpr})::text`, t_offset: `(${offsetDaysExpr})::int`, t_at: `(${atExpr})::time`, t_tz: `(${tzExpr})::text`, t_from: `(${fromExpr})::timestamptz` };
  const date = { t_date: localDateSql('t.t_value', 't.t_tz'), t_offset: 't.t_offset', t_at: 't.t_at', t_tz: 't.t_tz', t_from: 't.t_from' };
  // The year whose anniversary, less the offset, is the local date of `from`: the answer is it or a neighbour.
  const year = `extract(year from (t.t_from at time zone t.t_tz)::date - t.t_offset)::int`;
  const occurrence = (y: string) =>
    `((make_date(${y}, extract(month from t.t_date)::int, 1) + (extract(day from t.t_date)::int - 1) + t.t_offset) + t.t_at) at time zone t.t_tz`;
  const candidates = { t_before: occurrence(`${year} - 1`), t_same: occurrence(year), t_after: occurrence(`${year} + 1`), t_from: 't.t_from' };
  const first = 'case when t.t_before > t.t_from then t.t_before when t.t_same > t.t_from then t.t_same else t.t_after end';
  return once(inputs, once(date, once(candidates, first)));
}

/** `body` over t.<input name>, each input evaluated once per row (`offset 0` keeps PostgreSQL from copying them into `body`). */
function once(inputs: Record<string, string>, body: string): string {
  const columns = Object.entries(inputs).map(([name, sql]) => `${sql} as ${name}`);
  return `(select ${body} from (select ${columns.join(', ')} offset 0) as t)`;
}

/** A text value's local date in `tz`: 'YYYY-MM-DD' as written, an ISO instant converted; anything else null. */
function localDateSql(v: string, tz: string): string {
  const m = `substr(${v}, 6, 2)::int`;
  const day = `(make_date(substr(${v}, 1, 4)::int, ${m}, 1) + (substr(${v}, 9, 2)::int - 1))`;
  // The day of the month exists when adding it to the 1st stays in the month (no 30 February).
  const exists = `extract(month from ${day}) = ${m}`;
  return `(case when ${v} ~ '${DATE_ONLY}' then case when ${exists} then ${day} end
    when ${v} ~ '${INSTANT}' then case when ${exists} then (${v}::timestamptz at time zone ${tz})::date end end)`;
}

// ---------------------------------------------------------------------------------------------
// TypeScript twins.

/** The name when it is an IANA time zone (or UTC/GMT) Intl knows, else undefined; mirrors contactTimeZoneSql. */
export function validTimeZone(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length > 64 || !TZ_NAME_RE.test(name)) return undefined;
  try {
    formatter(name);
    return name;
  } catch {
    return undefined;
  }
}

/** The first instant ≥ now at local time `at` on one of `weekdays` (absent or none known: any day) in `tz`. */
export function waitUntil(now: Date, at: string, tz: string, weekdays?: readonly string[]): Date {
  const atMs = timeOfDay(at);
  const wanted = new Set<number>();
  for (const w of weekdays ?? []) if ((WEEKDAYS as readonly string[]).includes(w)) wanted.add(WEEKDAYS.indexOf(w as Weekday) + 1);
  const d0 = localDay(now.getTime(), tz);
  for (let k = 0; k <= 7; k++) {
    const candidate = zonedInstant((d0 + k) * DAY_MS + atMs, tz);
    if (candidate >= now.getTime() && (wanted.size === 0 || wanted.has(isoWeekday(d0 + k)))) return new Date(candidate);
  }
  throw new Error(`no instant at ${at} in the coming week in ${tz}`);
}

/** A date value's local date plus `offsetDays`, at `at`, in `tz`; null without a date. */
export function waitDate(value: unknown, offsetDays: number, at: string, tz: string): Date | null {
  const atMs = timeOfDay(at);
  const day = localDate(value, tz);
  return day === null ? null : new Date(zonedInstant((day + offsetDays) * DAY_MS + atMs, tz));
}

/** A date trigger's occurrence, as dateOccurrenceSql. */
export function dateOccurrence(value: unknown, offsetDays: number, at: string, tz: string, yearly: boolean, from: Date): Date | null {
  if (!yearly) return waitDate(value, offsetDays, at, tz);
  const atMs = timeOfDay(at);
  const day = localDate(value, tz);
  if (day === null) return null;
  const { month, dayOfMonth } = civil(day);
  // Anniversaries are at least 365 days apart, so the first after `from` is the earliest one.
  for (let year = civil(localDay(from.getTime(), tz) - offsetDays).year - 2; ; year++) {
    const anniversary = dayNumber(year, month, 1) + dayOfMonth - 1;
    const occurrence = zonedInstant((anniversary + offsetDays) * DAY_MS + atMs, tz);
    if (occurrence > from.getTime()) return new Date(occurrence);
  }
}

/** A value's local date in `tz` as a day number (days since 1970-01-01): the twin of localDateSql. */
function localDate(value: unknown, tz: string): number | null {
  if (typeof value !== 'string') return null;
  const date = DATE_ONLY_RE.exec(value);
  if (date) return existingDay(Number(date[1]), Number(date[2]), Number(date[3]));
  const m = INSTANT_RE.exec(value);
  if (!m) return null;
  const [, year, month, dayOfMonth, hour, minute, second = '0', fraction = '', offset = 'Z'] = m;
  const day = existingDay(Number(year), Number(month), Number(dayOfMonth));
  if (day === null) return null;
  // Microseconds cut to milliseconds: the local date cannot change within a second.
  const ms = Number(`${fraction.slice(1)}000`.slice(0, 3));
  const digits = offset.slice(1).replace(':', '');
  const offsetMinutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  return localDay(day * DAY_MS + Number(hour) * 3_600_000 + Number(minute) * 60_000 + Number(second) * 1000 + ms - offsetMinutes * 60_000, tz);
}

/**
 * The instant of a local date and time (`local`: ms since 1970-01-01 00:00 on the wall clock)
 * in `tz`, as PostgreSQL decides (DetermineTimeZoneOffset): with the offsets a day either side,
 * the reading that holds; in an overlap, where both hold, and in a gap, where neither does,
 * the later instant.
 */
function zonedInstant(local: number, tz: string): number {
  const before = offsetAt(local - DAY_MS, tz);
  const after = offsetAt(local + DAY_MS, tz);
  if (before === after) return local - before;
  const early = local - before;
  const late = local - after;
  const earlyHolds = offsetAt(early, tz) === before;
  const lateHolds = offsetAt(late, tz) === after;
  if (earlyHolds !== lateHolds) return earlyHolds ? early : late;
  return Math.max(early, late);
}

function timeOfDay(at: string): number {
  const m = TIME_OF_DAY.exec(at);
  if (!m) throw new RangeError(`"${at}" is not a time of day as HH:MM`);
  return Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock in `tz` at instant `t` (whole seconds), as ms since 1970-01-01 00:00 on that clock. */
function wallClock(t: number, tz: string): number {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(t)) p[part.type] = part.value;
  const year = p.era === 'BC' ? 1 - Number(p.year) : Number(p.year);
  return dayNumber(year, Number(p.month), Number(p.day)) * DAY_MS + (Number(p.hour) % 24) * 3_600_000 + Number(p.minute) * 60_000 + Number(p.second) * 1000;
}

/** The UTC offset of `tz` at instant `t`, in ms. */
function offsetAt(t: number, tz: string): number {
  const second = Math.floor(t / 1000) * 1000;
  return wallClock(second, tz) - second;
}

function localDay(t: number, tz: string): number {
  return Math.floor(wallClock(Math.floor(t / 1000) * 1000, tz) / DAY_MS);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical years: 0 is 1 BC), as PostgreSQL counts. */
function dayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / DAY_MS);
}

function existingDay(year: number, month: number, day: number): number | null {
  const n = dayNumber(year, month, day);
  return civil(n).month === month ? n : null;
}

function civil(n: number): { year: number; month: number; dayOfMonth: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

/** 1 (Monday) to 7 (Sunday); day 0 was a Thursday. */
function isoWeekday(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}
