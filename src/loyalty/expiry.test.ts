import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { type ExpiryRule, lotExpiry, lotExpirySql } from './expiry.ts';

const t = useHarness();

async function inSql(rule: ExpiryRule, earnedAt: Date, tz: string): Promise<Date | null> {
  const [row] = await t.h.db.query<{ at: Date | null }>(`select ${lotExpirySql(rule, '$1::timestamptz', '$2::text')} as at, $1::timestamptz as earned, $2::text as tz`, [earnedAt, tz]);
  return row!.at === null ? null : new Date(row!.at);
}

describe('when points expire', () => {
  it('at midnight starting the next month, in the workspace’s time zone', async () => {
    const earned = new Date('2026-01-31T23:30:00Z'); // 31 January 23:30 in London, 1 February 08:30 in Tokyo
    expect(lotExpiry({ kind: 'end_of_month' }, earned, 'Europe/London')).toEqual(new Date('2026-02-01T00:00:00Z'));
    expect(lotExpiry({ kind: 'end_of_month' }, earned, 'Asia/Tokyo')).toEqual(new Date('2026-02-28T15:00:00Z'));
    expect(await inSql({ kind: 'end_of_month' }, earned, 'Asia/Tokyo')).toEqual(new Date('2026-02-28T15:00:00Z'));
  });

  it('at the end of the year, across a summer-time change', async () => {
    const earned = new Date('2026-07-01T12:00:00Z');
    expect(lotExpiry({ kind: 'end_of_year' }, earned, 'America/New_York')).toEqual(new Date('2027-01-01T05:00:00Z'));
    expect(await inSql({ kind: 'end_of_year' }, earned, 'America/New_York')).toEqual(new Date('2027-01-01T05:00:00Z'));
  });

  it('N days of 24 hours after they were earned, or never', async () => {
    const earned = new Date('2026-03-01T10:00:00Z');
    expect(lotExpiry({ kind: 'after_days', days: 365 }, earned, 'UTC')).toEqual(new Date('2027-03-01T10:00:00Z'));
    expect(lotExpiry({ kind: 'never' }, earned, 'UTC')).toBeNull();
    expect(lotExpiry({ kind: 'inactivity', days: 365 }, earned, 'UTC')).toBeNull();
    expect(await inSql({ kind: 'never' }, earned, 'UTC')).toBeNull();
  });

  it('SQL and TypeScript agree for any instant, rule and zone', async () => {
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const rules: ExpiryRule[] = [{ kind: 'end_of_month' }, { kind: 'end_of_year' }, { kind: 'after_days', days: 90 }];
    await fc.assert(
      fc.asyncProperty(fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), fc.constantFrom(...zones), fc.constantFrom(...rules), async (at, tz, rule) => {
        expect(await inSql(rule, at, tz)).toEqual(lotExpiry(rule, at, tz));
      }),
      { numRuns: 150 },
    );
  });
});
