// One comparison as SQL: a typed value (a column, a JSON property read as its type, an
// aggregate) against a bound value, as definition.ts defines the operators. The compiler
// (compile.ts) puts these together into statements.
import type { Params } from '../db/params.ts';
import { dayEnd, parseMoment } from './validate.ts';
import type { FieldOp } from './vocabulary.ts';

export const DAY_MS = 86_400_000;

export const SQL_COMPARE = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** A JSON property read as a typed SQL value; a JSON value of another type reads as null. */
export function typedJson(object: string, key: string, type: 'string' | 'number' | 'boolean' | 'date'): string {
  switch (type) {
    case 'string':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'string' then ${object} ->> ${key} end)`;
    case 'number':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'number' then (${object} ->> ${key})::numeric end)`;
    case 'boolean':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'boolean' then (${object} ->> ${key})::boolean end)`;
    case 'date':
      // Dates are stored validated ("YYYY-MM-DD" or an ISO instant); sessions run in UTC.
      return `(case when jsonb_typeof(${object} -> ${key}) = 'string' then (${object} ->> ${key})::timestamptz end)`;
  }
}

/** eq, neq, in and not_in on text without regard to case; undefined for the other operators. */
export function ignoringCase(p: Params, x: string, op: FieldOp, value: unknown): string | undefined {
  const co = (sql: string) => `coalesce(${sql}, false)`;
  switch (op) {
    case 'eq':
      return co(`lower(${x}) = lower(${p.add(value, 'text')})`);
    case 'neq':
      return `not ${co(`lower(${x}) = lower(${p.add(value, 'text')})`)}`;
    case 'in':
      return co(`lower(${x}) = any(${p.add((value as string[]).map((v) => v.toLowerCase()), 'text[]')})`);
    case 'not_in':
      return `not ${co(`lower(${x}) = any(${p.add((value as string[]).map((v) => v.toLowerCase()), 'text[]')})`)}`;
    default:
      return undefined;
  }
}

/**
 * A condition on a typed SQL value, two-valued: a missing value makes a positive test false
 * and its negation (neq, not_in, not_contains, is_not_set) true, as definition.ts says.
 * `bare`: the caller needs the positive tests only where null counts as false (a required
 * condition in the WHERE clause), so they go without their coalesce.
 */
export function predicate(p: Params, x: string, type: 'string' | 'number' | 'boolean' | 'date', op: FieldOp, value: unknown, now: Date, bare = false): string {
  const cast = type === 'number' ? 'numeric' : type === 'boolean' ? 'boolean' : type === 'date' ? 'timestamptz' : 'text';
  const co = (sql: string) => `coalesce(${sql}, false)`;
  // Negations always keep theirs: NOT of an unknown would leave out the contacts without a value.
  const pos = (sql: string) => (bare ? `(${sql})` : co(sql));
  switch (op) {
    case 'is_set':
      return `(${x} is not null)`;
    case 'is_not_set':
      return `(${x} is null)`;
    case 'eq':
      return pos(`${x} = ${p.add(value, cast)}`);
    case 'neq':
      return `not ${co(`${x} = ${p.add(value, cast)}`)}`;
    case 'in':
      return pos(`${x} = any(${p.add(value, `${cast}[]`)})`);
    case 'not_in':
      return `not ${co(`${x} = any(${p.add(value, `${cast}[]`)})`)}`;
    case 'contains':
      return pos(`strpos(lower(${x}), lower(${p.add(value, 'text')})) > 0`);
    case 'not_contains':
      return `not ${co(`strpos(lower(${x}), lower(${p.add(value, 'text')})) > 0`)}`;
    case 'starts_with':
      return pos(`starts_with(lower(${x}), lower(${p.add(value, 'text')}))`);
    case 'between':
      if (type === 'date') {
        const [from, to] = value as [string, string];
        return pos(`${x} between ${p.add(parseMoment(from), 'timestamptz')} and ${p.add(dayEnd(to), 'timestamptz')}`);
      }
      return pos(numberTest(p, x, op, value as [number, number], 'numeric'));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return pos(numberTest(p, x, op, value as number, 'numeric'));
    case 'before':
      return pos(`${x} < ${p.add(parseMoment(value as string), 'timestamptz')}`);
    case 'after':
      return pos(`${x} > ${p.add(dayEnd(value as string), 'timestamptz')}`);
    case 'within_last_days':
    case 'more_than_days_ago':
      return pos(timeTest(p, x, op, value as number, now));
    case 'within_next_days':
      return pos(`(${x} >= ${p.add(now, 'timestamptz')} and ${x} <= ${p.add(new Date(now.getTime() + (value as number) * DAY_MS), 'timestamptz')})`);
    case 'anniversary_within_days': {
      const today = p.add(now.toISOString().slice(0, 10), 'date');
      return pos(`rapport_next_anniversary(${x}, ${today}) <= ${today} + ${p.add(value, 'int')}`);
    }
  }
}

export function numberTest(p: Params, x: string, op: string, value: number | [number, number], cast: string): string {
  if (op === 'between') {
    const [low, high] = value as [number, number];
    return `${x} between ${p.add(low, cast)} and ${p.add(high, cast)}`;
  }
  return `${x} ${SQL_COMPARE[op as keyof typeof SQL_COMPARE]} ${p.add(value, cast)}`;
}

export function timeTest(p: Params, x: string, op: string, value: string | number, now: Date): string {
  switch (op) {
    case 'before':
      return `${x} < ${p.add(parseMoment(value as string), 'timestamptz')}`;
    case 'after':
      return `${x} > ${p.add(dayEnd(value as string), 'timestamptz')}`;
    case 'within_last_days':
      return `(${x} >= ${p.add(new Date(now.getTime() - (value as number) * DAY_MS), 'timestamptz')} and ${x} <= ${p.add(now, 'timestamptz')})`;
    default: // more_than_days_ago
      return `${x} < ${p.add(new Date(now.getTime() - (value as number) * DAY_MS), 'timestamptz')}`;
  }
}
