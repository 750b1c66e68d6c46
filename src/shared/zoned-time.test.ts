import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createTestDatabase, type TestDatabase } from '../testing/database.ts';
import { contactTimeZoneSql, dateOccurrence, dateOccurrenceSql, validTimeZone, waitDate, waitDateSql, waitUntil, waitUntilSql, WEEKDAYS } from './zoned-time.ts';

let testDb: TestDatabase;
let db: Database;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(() => testDb?.drop());

const DAY = 86_400_000;
const utc = (iso: string) => new Date(iso);
const ms = (sql: string) => `(extract(epoch from ${sql}) * 1000)::float8`;

/** One SQL expression over $1… evaluated alone: epoch ms or null. */
async function sqlInstant(expr: string, params: unknown[]): Promise<number | null> {
  const [row] = await db.query<{ v: number | null }>(`select ${ms(expr)} as v`, params);
  return row!.v;
}

const untilSql = (weekdays: boolean) => waitUntilSql('$1::timestamptz', '$2::text', '$3::text', weekdays ? '$4::text[]' : null);

/** waitUntil, checked against the SQL of the same case. */
async function until(now: string, at: string, tz: string, weekdays?: string[]): Promise<string> {
  const ts = waitUntil(utc(now), at, tz, weekdays);
  const sql = await sqlInstant(untilSql(weekdays !== undefined), weekdays ? [now, at, tz, weekdays] : [now, at, tz]);
  expect(sql).toBe(ts.getTime());
  return ts.toISOString();
}

async function waitDateBoth(value: unknown, offsetDays: number, at: string, tz: string): Promise<string | null> {
  const ts = waitDate(value, offsetDays, at, tz);
  const sql = await sqlInstant(waitDateSql('$1::text', '$2::int', '$3::text', '$4::text'), [value, offsetDays, at, tz]);
  expect(sql).toBe(ts?.getTime() ?? null);
  return ts?.toISOString() ?? null;
}

async function occurrenceBoth(value: unknown, offsetDays: number, at: string, tz: string, yearly: boolean, from: string): Promise<string | null> {
  const ts = dateOccurrence(value, offsetDays, at, tz, yearly, utc(from));
  const params = yearly ? [value, offsetDays, at, tz, from] : [value, offsetDays, at, tz];
  const sql = await sqlInstant(dateOccurrenceSql('$1::text', '$2::int', '$3::text', '$4::text', yearly, '$5::timestamptz'), params);
  expect(sql).toBe(ts?.getTime() ?? null);
  return ts?.toISOString() ?? null;
}

describe('wait until a time of day', () => {
  it('09:00 in London on the day summer time starts is 08:00 UTC', async () => {
    expect(await until('2026-03-29T00:30:00Z', '09:00', 'Europe/London')).toBe('2026-03-29T08:00:00.000Z');
  });

  it('09:00 in New York on both change days follows the clock on the wall', async () => {
    // Midnight EST, then 09:00 EDT the same day; midnight EDT, then 09:00 EST.
    expect(await until('2026-03-08T05:00:00Z', '09:00', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
    expect(await until('2026-11-01T04:00:00Z', '09:00', 'America/New_York')).toBe('2026-11-01T14:00:00.000Z');
    // After 09:00: the next morning.
    expect(await until('2026-03-07T15:00:00Z', '09:00', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
  });

  it('next Monday at 09:00', async () => {
    // Wednesday 4 March 2026, noon in London.
    expect(await until('2026-03-04T12:00:00Z', '09:00', 'Europe/London', ['mon'])).toBe('2026-03-09T09:00:00.000Z');
    // A Monday before 09:00: today; after it: a week later.
    expect(await until('2026-03-09T08:00:00Z', '09:00', 'Europe/London', ['mon'])).toBe('2026-03-09T09:00:00.000Z');
    expect(await until('2026-03-09T10:00:00Z', '09:00', 'Europe/London', ['mon'])).toBe('2026-03-16T09:00:00.000Z');
    // Weekdays only, from Friday evening: Monday.
    expect(await until('2026-03-06T18:00:00Z', '09:00', 'Europe/London', ['mon', 'tue', 'wed', 'thu', 'fri'])).toBe('2026-03-09T09:00:00.000Z');
    // Late Sunday in Kolkata is already Monday: 09:00 IST that Monday.
    expect(await until('2026-03-08T20:00:00Z', '09:00', 'Asia/Kolkata', ['mon'])).toBe('2026-03-09T03:30:00.000Z');
  });

  it('now, exactly at the time, is the time', async () => {
    expect(await until('2026-07-01T08:00:00Z', '09:00', 'Europe/London')).toBe('2026-07-01T08:00:00.000Z');
    expect(await until('2026-07-01T08:00:00.001Z', '09:00', 'Europe/London')).toBe('2026-07-02T08:00:00.000Z');
  });

  it("02:30 on the spring-forward day is 03:30 summer time; 01:30 on the fall-back day is the second 01:30", async () => {
    // PostgreSQL reads a time in the gap with the offset from before the change (EST) and an ambiguous one as the later instant.
    expect(await until('2026-03-08T05:00:00Z', '02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(await until('2026-11-01T04:00:00Z', '01:30', 'America/New_York')).toBe('2026-11-01T06:30:00.000Z');
    // Between the first 01:30 (05:30Z) and the second: the second.
    expect(await until('2026-11-01T05:45:00Z', '01:30', 'America/New_York')).toBe('2026-11-01T06:30:00.000Z');
    // Lord Howe moves by half an hour: 02:15 does not exist on 4 October 2026 and is 02:45 (+11).
    expect(await until('2026-10-03T13:00:00Z', '02:15', 'Australia/Lord_Howe')).toBe('2026-10-03T15:45:00.000Z');
  });
});

describe('wait until a date', () => {
  it('a date field plus days, at a time of day in the contact’s zone', async () => {
    expect(await waitDateBoth('2026-05-10', 3, '10:00', 'Europe/Berlin')).toBe('2026-05-13T08:00:00.000Z');
    expect(await waitDateBoth('2026-05-10', -1, '10:00', 'America/Sao_Paulo')).toBe('2026-05-09T13:00:00.000Z');
    // An instant is first read as a date where the contact lives: 23:30 UTC is already 1 July in Berlin.
    expect(await waitDateBoth('2026-06-30T23:30:00.000Z', 0, '10:00', 'Europe/Berlin')).toBe('2026-07-01T08:00:00.000Z');
    expect(await waitDateBoth('2026-06-30T23:30:00.000Z', 0, '10:00', 'America/New_York')).toBe('2026-06-30T14:00:00.000Z');
    expect(await waitDateBoth('2026-07-01 08:00:00+05:30', 0, '10:00', 'UTC')).toBe('2026-07-01T10:00:00.000Z');
  });

  it('no date, a day that does not exist or anything else is null, in SQL without an error', async () => {
    const bad = [null, '', 'soon', '2026-02-30', '2027-02-29', '2026-13-01', '0000-01-01', '2026-1-5', '20260105', '2026-02-28T24:00:00Z', '2026-02-28T10:00:00', '2026-02-28T10:00:00+25:00', '２０２６-01-05', '٢٠٢٦-01-05', 12];
    for (const value of bad) expect(await waitDateBoth(value, 0, '09:00', 'Europe/London')).toBeNull();
    // All in one statement with good ones: the bad rows do not fail it.
    const rows = await db.query<{ v: number | null }>(
      `select ${ms(waitDateSql('x.v', '0', "'09:00'", "'Europe/London'"))} as v from unnest($1::text[]) with ordinality as x(v, i) order by x.i`,
      [[...bad.filter((b) => typeof b !== 'number'), '2026-05-10']],
    );
    expect(rows.map((r) => r.v)).toEqual([...bad.filter((b) => typeof b !== 'number').map(() => null), Date.parse('2026-05-10T08:00:00Z')]);
  });
});

describe('date triggers', () => {
  it('a birthday on 29 February comes round on 1 March in other years', async () => {
    expect(await occurrenceBoth('1992-02-29', 0, '09:00', 'Europe/London', true, '2027-01-01T00:00:00Z')).toBe('2027-03-01T09:00:00.000Z');
    expect(await occurrenceBoth('1992-02-29', 0, '09:00', 'Europe/London', true, '2027-12-01T00:00:00Z')).toBe('2028-02-29T09:00:00.000Z');
    // 1990 was not a leap year: there is no such date.
    expect(await occurrenceBoth('1990-02-29', 0, '09:00', 'Europe/London', true, '2027-01-01T00:00:00Z')).toBeNull();
  });

  it('a week before the birthday, this year or next, and once when not yearly', async () => {
    expect(await occurrenceBoth('1985-06-15', -7, '10:00', 'America/New_York', true, '2026-06-01T00:00:00Z')).toBe('2026-06-08T14:00:00.000Z');
    expect(await occurrenceBoth('1985-06-15', -7, '10:00', 'America/New_York', true, '2026-06-08T14:00:00Z')).toBe('2027-06-08T14:00:00.000Z');
    expect(await occurrenceBoth('1985-06-15', -7, '10:00', 'America/New_York', false, '2026-06-01T00:00:00Z')).toBe('1985-06-08T14:00:00.000Z');
    // 30 days after the first order, a renewal date one year on.
    expect(await occurrenceBoth('2026-01-20T15:00:00.000Z', 30, '09:00', 'UTC', false, '2026-01-01T00:00:00Z')).toBe('2026-02-19T09:00:00.000Z');
  });

  it('a 15-minute window picks the contacts whose occurrence falls in it', async () => {
    const from = '2026-06-08T13:50:00Z';
    const to = '2026-06-08T14:05:00Z';
    const rows = await db.query<{ name: string }>(
      `select x.name from jsonb_to_recordset($1::jsonb) as x(name text, birthday text)
       where ${dateOccurrenceSql('x.birthday', '-7', "'10:00'", "'America/New_York'", true, '$2::timestamptz')} <= $3::timestamptz
       order by x.name`,
      [JSON.stringify([{ name: 'due', birthday: '1985-06-15' }, { name: 'tomorrow', birthday: '1985-06-16' }, { name: 'garbage', birthday: 'x' }]), from, to],
    );
    expect(rows.map((r) => r.name)).toEqual(['due']);
  });
});

describe('time zones', () => {
  it('a contact’s own zone when it is a real IANA name, else the workspace’s', async () => {
    const names = ['Europe/London', 'europe/london', 'Asia/Calcutta', 'UTC', 'Etc/GMT+3', 'Mars/Olympus_Mons', 'PST', 'IST', 'UTC+3', '+05:30', '', 'x'.repeat(65), null, 42];
    const rows = await db.query<{ tz: string }>(
      `select ${contactTimeZoneSql('c', "'America/New_York'")} as tz from jsonb_array_elements($1::jsonb) with ordinality as x(v, i)
       cross join lateral (select jsonb_build_object('timezone', x.v) as properties) c order by x.i`,
      [JSON.stringify(names)],
    );
    expect(rows.map((r) => r.tz)).toEqual(names.map((n) => validTimeZone(n) ?? 'America/New_York'));
    expect(rows.map((r) => r.tz).slice(0, 6)).toEqual(['Europe/London', 'europe/london', 'Asia/Calcutta', 'UTC', 'Etc/GMT+3', 'America/New_York']);
  });
});

// ---------------------------------------------------------------------------------------------
// The property: SQL and TypeScript agree on random cases.

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo', 'UTC', 'Europe/Berlin', 'America/St_Johns'];
const START = Date.UTC(2024, 0, 1);
const END = Date.UTC(2029, 0, 1);

const offsetFormats = new Map(ZONES.map((tz) => [tz, new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })]));

/** Intl's own offset name ("GMT+05:30"), independent of times.ts. */
function offsetMinutes(tz: string, t: number): number {
  const name = offsetFormats.get(tz)!.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The instants 2024–2028 at which the zones' offsets change. */
const TRANSITIONS = ZONES.flatMap((tz) => {
  const found: number[] = [];
  for (let t = START, offset = offsetMinutes(tz, t); t < END; t += DAY) {
    const next = offsetMinutes(tz, t + DAY);
    if (next === offset) continue;
    offset = next;
    let [lo, hi] = [t, t + DAY];
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(tz, mid) === offsetMinutes(tz, lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
});

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const instant = fc.oneof(
  fc.integer({ min: START, max: END }),
  // Near a change, often on a whole minute.
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }), fc.constantFrom(0, 0, 0, 1, 999)).map(([t, minutes, extra]) => t + minutes * 60_000 + extra),
);

const timeOfDay = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.oneof(fc.constantFrom(0, 15, 30, 45, 59), fc.integer({ min: 0, max: 59 }))),
).map(([h, m]) => `${pad(h)}:${pad(m)}`);

const offsetText = fc.constantFrom('Z', 'Z', '+00:00', '+05:30', '-08:00', '+0545', '-03', '+14:00', '-09:30', '+12:45');

function offsetOf(text: string): number {
  if (text === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  return (text[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

const isoInstant = fc
  .tuple(
    fc.oneof(instant, fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.integer({ min: -62_000_000_000_000, max: 250_000_000_000_000 })),
    offsetText,
    fc.constantFrom('T', ' '),
    fc.constantFrom('seconds', 'minutes', 'ms', 'micro', 'tenth'),
  )
  .map(([t, offset, sep, precision]) => {
    const local = new Date(t + offsetOf(offset) * 60_000).toISOString();
    const fraction = { seconds: '', minutes: '', ms: local.slice(19, 23), micro: `${local.slice(19, 23)}456`, tenth: local.slice(19, 21) }[precision];
    return `${local.slice(0, 10)}${sep}${local.slice(11, precision === 'minutes' ? 16 : 19)}${fraction}${offset}`;
  });

const dateValue = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1900, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1896, max: 2030 }), fc.constant(2), fc.constant(29)) },
).map(([y, m, d]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`);

const value = fc.oneof(
  { weight: 5, arbitrary: dateValue },
  { weight: 3, arbitrary: isoInstant },
  { weight: 1, arbitrary: fc.constantFrom(null, '', 'garbage', '2026-02-30', '2026-04-31', '0000-06-01', '2026-13-01', '2026-00-10', '2026-6-1', '2026-06-01T24:00:00Z', '2026-06-01T10:00:00', '2026-06-01T10:00:60Z', '2026-06-01T10:00:00+15:00', '2026-06-01T10:00:00.1234567Z', '1e5', ' 2026-06-01') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const weekdays = fc.option(fc.oneof({ weight: 5, arbitrary: fc.subarray([...WEEKDAYS]) }, { weight: 1, arbitrary: fc.subarray([...WEEKDAYS, 'xyz', 'Mon']) }), { nil: null });

const testCase = fc.record({
  now: instant,
  at: timeOfDay,
  timezone: fc.constantFrom<string | null>(...ZONES, ...ZONES, 'Mars/Olympus_Mons', null, 'PST', '+05:30', 'europe/berlin'),
  ws: fc.constantFrom(...ZONES),
  weekdays,
  value,
  off: fc.oneof(fc.constant(0), fc.integer({ min: -7, max: 7 }), fc.integer({ min: -366, max: 366 })),
  // Sometimes `now` is moved onto an answer, for the boundaries (t ≥ now, occurrence > from).
  snap: fc.constantFrom('none', 'none', 'none', 'until', 'occurrence'),
});
type Case = ReturnType<(typeof testCase)['generate']>['value'];

interface Result {
  tz: string;
  until: number;
  untilAny: number;
  date: number | null;
  yearly: number | null;
  once: number | null;
}

function expected(c: Case): Result {
  const tz = validTimeZone(c.timezone) ?? c.ws;
  const now = new Date(c.now);
  const time = (d: Date | null) => d?.getTime() ?? null;
  return {
    tz,
    until: waitUntil(now, c.at, tz, c.weekdays ?? undefined).getTime(),
    untilAny: waitUntil(now, c.at, tz).getTime(),
    date: time(waitDate(c.value, c.off, c.at, tz)),
    yearly: time(dateOccurrence(c.value, c.off, c.at, tz, true, now)),
    once: time(dateOccurrence(c.value, c.off, c.at, tz, false, now)),
  };
}

function snapped(c: Case): number {
  const tz = validTimeZone(c.timezone) ?? c.ws;
  if (c.snap === 'until') return waitUntil(new Date(c.now), c.at, tz, c.weekdays ?? undefined).getTime();
  const occurrence = c.snap === 'occurrence' ? dateOccurrence(c.value, c.off, c.at, tz, true, new Date(c.now)) : null;
  return occurrence?.getTime() ?? c.now;
}

/** The engine's way: one statement for the batch, the time zone read inline from the contact. */
const BATCH_SQL = (() => {
  const tz = contactTimeZoneSql('c', 'c.ws');
  return `select ${tz} as tz,
      ${ms(waitUntilSql('c.now', 'c.at', tz, 'c.weekdays'))} as until,
      ${ms(waitUntilSql('c.now', 'c.at', tz, null))} as "untilAny",
      ${ms(waitDateSql('c.value', 'c.off', 'c.at', tz))} as date,
      ${ms(dateOccurrenceSql('c.value', 'c.off', 'c.at', tz, true, 'c.now'))} as yearly,
      ${ms(dateOccurrenceSql('c.value', 'c.off', 'c.at', tz, false, 'c.now'))} as once
    from jsonb_to_recordset($1::jsonb) as c(i int, now timestamptz, at text, properties jsonb, ws text, weekdays text[], value text, off int)
    order by c.i`;
})();

describe('SQL and TypeScript', () => {
  it('compute the same instants for random cases near and away from clock changes', async () => {
    expect(TRANSITIONS.length).toBeGreaterThan(50);
    await fc.assert(
      fc.asyncProperty(fc.array(testCase, { minLength: 200, maxLength: 200 }), async (generated) => {
        const cases = generated.map((c) => ({ ...c, now: snapped(c) }));
        const payload = cases.map((c, i) => ({ i, now: new Date(c.now).toISOString(), at: c.at, properties: { timezone: c.timezone }, ws: c.ws, weekdays: c.weekdays, value: c.value, off: c.off }));
        const rows = await db.query<Result>(BATCH_SQL, [JSON.stringify(payload)]);
        const mismatches = cases.flatMap((c, i) => {
          const want = expected(c);
          const got = rows[i]!;
          return (Object.keys(want) as (keyof Result)[]).some((k) => want[k] !== got[k]) ? [{ case: payload[i], ts: want, sql: got }] : [];
        });
        if (mismatches.length > 0) throw new Error(`SQL and TypeScript differ:\n${JSON.stringify(mismatches.slice(0, 3), null, 2)}`);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });
});
