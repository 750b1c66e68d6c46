// When a lot of points expires, by its rule, twice: an SQL builder for the set-based earning and
// a TypeScript twin for the reference and the pages (expiry.test.ts holds them together).
// - never: no expiry;
// - after_days N: N × 24 hours after the points were earned;
// - end_of_month / end_of_year: at midnight starting the next month or year, in the
//   workspace's time zone (points earned on 31 January 23:30 in London expire on 1 February 00:00);
// - inactivity N: the lot has no date of its own; all of a member's points expire N days after
//   their last earn or spend (kept on the member, moved by each).
import { addPeriods, dayIn, periodStart } from '../shared/days.ts';
import { waitDate } from '../shared/zoned-time.ts';

export type ExpiryRule =
  | { kind: 'never' }
  | { kind: 'after_days'; days: number }
  | { kind: 'end_of_month' }
  | { kind: 'end_of_year' }
  | { kind: 'inactivity'; days: number };

const DAY_MS = 86_400_000;

/** The instant a lot earned at `earnedAt` expires (null: not by a date of its own). */
export function lotExpiry(rule: ExpiryRule, earnedAt: Date, timezone: string): Date | null {
  switch (rule.kind) {
    case 'never':
    case 'inactivity':
      return null;
    case 'after_days':
      return new Date(earnedAt.getTime() + rule.days * DAY_MS);
    case 'end_of_month':
    case 'end_of_year': {
      const month = periodStart(dayIn(earnedAt, timezone), 'month');
      const next = rule.kind === 'end_of_month' ? addPeriods(month, 1, 'month') : addPeriods(month, 12 - Number(month.slice(5, 7)) + 1, 'month');
      return waitDate(next, 0, '00:00', timezone);
    }
  }
}

/**
 * The same in SQL: `earnedAt` and `timezone` are SQL expressions (a timestamptz and a text);
 * the rule's numbers are integers written into the statement.
 */
export function lotExpirySql(rule: ExpiryRule, earnedAt: string, timezone: string): string {
  switch (rule.kind) {
    case 'never':
    case 'inactivity':
      return 'null::timestamptz';
    case 'after_days':
      return `(${earnedAt} + ${Math.trunc(rule.days)} * interval '24 hours')`;
    case 'end_of_month':
    case 'end_of_year': {
      const unit = rule.kind === 'end_of_month' ? 'month' : 'year';
      return `((date_trunc('${unit}', ${earnedAt} at time zone ${timezone}) + interval '1 ${unit}') at time zone ${timezone})`;
    }
  }
}
