// Cohort retention: customers grouped by the week or month of their first order (or of a
// chosen first event, or of becoming a contact), and how many of each cohort ordered in each
// later period ("in period k") and in that period or any later one ("in period k or later").
// Optionally split by a segment (members now or not) or a contact property's value.
import type { SqlSession } from '../db/client.ts';
import { Params } from '../db/params.ts';
import { type Grain, periodsBetween, periodStart } from '../shared/days.ts';

export type CohortBy = { kind: 'first_order' } | { kind: 'first_event'; event: string } | { kind: 'contact_created' };
export type Breakdown = { kind: 'none' } | { kind: 'segment'; segmentId: string } | { kind: 'property'; key: string };

export interface CohortInput {
  workspaceId: string;
  timezone: string;
  grain: Grain;
  /** First and last day (included): cohorts starting in the periods that contain them. */
  from: string;
  to: string;
  by: CohortBy;
  breakdown: Breakdown;
}

export interface CohortRow {
  /** The first day of the cohort's week or month. */
  start: string;
  /** The breakdown's value ('' without a breakdown). */
  group: string;
  size: number;
  /** Customers with an order in period k after the cohort's (index k), up to the last period reached. */
  exact: number[];
  /** Customers with an order in period k or any later one. */
  orLater: number[];
}

export interface Cohorts {
  grain: Grain;
  /** Periods after the first one shown (0 … periods). */
  periods: number;
  /** The last day counted: periods after it are not reached yet. */
  asOf: string;
  groups: string[];
  rows: CohortRow[];
  /** Per group: the mean share at each period, weighted by cohort size over the cohorts that reached it (null where none has). */
  mean: { group: string; exact: (number | null)[]; orLater: (number | null)[]; reached: number[] }[];
}

/** How many values a property breakdown shows (the rest are "Other"). */
const TOP_VALUES = 8;

/** The SQL that gives each contact of a cohort its start day ($1 workspace, $4 time zone). */
function startsSql(by: CohortBy, p: Params): string {
  if (by.kind === 'first_order')
    return `select contact_id, (min(first_order_at) at time zone $4)::date as first_day from contact_purchases
            where workspace_id = $1 and orders > 0 group by contact_id`;
  if (by.kind === 'first_event')
    return `select contact_id, (min(occurred_at) at time zone $4)::date as first_day from events
            where workspace_id = $1 and name = ${p.add(by.event, 'text')} group by contact_id`;
  return `select id as contact_id, (created_at at time zone $4)::date as first_day from contacts where workspace_id = $1`;
}

function groupSql(b: Breakdown, p: Params): string {
  if (b.kind === 'segment')
    return `case when exists (select 1 from segment_members sm where sm.segment_id = ${p.add(b.segmentId, 'uuid')} and sm.contact_id = s.contact_id and sm.exited_at is null) then 'Members' else 'Not members' end`;
  if (b.kind === 'property') return `coalesce(nullif(k.properties ->> ${p.add(b.key, 'text')}, ''), '(none)')`;
  return `''`;
}

/** Periods from a cohort's start (SQL over two period starts). */
function offsetSql(grain: Grain, period: string, cohort: string): string {
  return grain === 'week'
    ? `((${period} - ${cohort}) / 7)`
    : `((extract(year from ${period})::int * 12 + extract(month from ${period})::int) - (extract(year from ${cohort})::int * 12 + extract(month from ${cohort})::int))`;
}

/**
 * Cohorts by first order, in one pass over the linked order days of the span: a row is a
 * contact's first in its period when the previous order day was in an earlier period, their
 * last up to the report's end when the next order day is after it, their first ever on their
 * first day.
 */
function linkedSql(grain: Grain, by: Breakdown, p: Params): string {
  // Grouped by the two period starts as written in the statistics of migration 0027 (the
  // planner then knows there are few groups); the offset is computed after grouping.
  const period = `date_trunc('${grain}', o.day::timestamp)`;
  const cohort = `date_trunc('${grain}', o.first_day::timestamp)`;
  const group =
    by.kind === 'segment'
      ? `case when sm.contact_id is not null then 'Members' else 'Not members' end`
      : by.kind === 'property'
        ? `coalesce(nullif(k.properties ->> ${p.add(by.key, 'text')}, ''), '(none)')`
        : `''`;
  const join =
    by.kind === 'segment'
      ? `left join segment_members sm on sm.segment_id = ${p.add(by.segmentId, 'uuid')} and sm.contact_id = o.contact_id and sm.exited_at is null`
      : by.kind === 'property'
        ? 'join contacts k on k.id = o.contact_id'
        : '';
  return `select cohort::date::text as cohort, grp, ${offsetSql(grain, 'period::date', 'cohort::date')} as k, exact, last, size
          from (
            select ${cohort} as cohort, ${period} as period, ${group} as grp,
                   count(*) filter (where o.prev_day is null or date_trunc('${grain}', o.prev_day::timestamp) < ${period})::int as exact,
                   count(*) filter (where o.next_day is null or o.next_day > $3::date)::int as last,
                   count(*) filter (where o.day = o.first_day)::int as size
            from order_days o ${join}
            where o.workspace_id = $1 and o.day >= $2::date and o.day <= $3::date and o.first_day >= $2::date
              and $4::text is not null
            group by 1, 2, 3
          ) g`;
}

/** Cohorts by a first event or by becoming a contact: orders of each cohort's contacts in each period. */
function startsJoinSql(grain: Grain, start: CohortBy, by: Breakdown, p: Params): string {
  return `with starts as (${startsSql(start, p)}),
     cohort as (
       select s.contact_id, date_trunc('${grain}', s.first_day)::date as cohort, ${groupSql(by, p)} as grp
       from starts s ${by.kind === 'property' ? 'join contacts k on k.id = s.contact_id' : ''}
       where s.first_day >= $2::date and s.first_day <= $3::date
     ),
     activity as (
       select distinct o.contact_id, date_trunc('${grain}', o.day)::date as p
       from order_days o
       where o.workspace_id = $1 and o.day >= $2::date and o.day <= $3::date
     ),
     offsets as (
       select c.contact_id, c.cohort, c.grp, ${offsetSql(grain, 'a.p', 'c.cohort')} as k
       from cohort c join activity a on a.contact_id = c.contact_id and a.p >= c.cohort
     )
     select cohort::text, grp, k, count(*)::int as exact, 0 as last, 0 as size from offsets group by 1, 2, 3
     union all
     select cohort::text, grp, k, 0, count(*)::int, 0 from (select cohort, grp, max(k) as k from offsets group by contact_id, cohort, grp) x group by 1, 2, 3
     union all
     select cohort::text, grp, 0, 0, 0, count(*)::int from cohort group by 1, 2`;
}

export async function cohortsOf(db: SqlSession, input: CohortInput): Promise<Cohorts> {
  const { grain } = input;
  const first = periodStart(input.from, grain);
  const asOf = input.to;
  const periods = periodsBetween(first, periodStart(asOf, grain), grain);
  const by = input.breakdown;
  const p = new Params([input.workspaceId, first, asOf, input.timezone]);
  const rows = await db.query<{ cohort: string; grp: string; k: number; exact: number; last: number; size: number }>(
    input.by.kind === 'first_order' ? linkedSql(grain, by, p) : startsJoinSql(grain, input.by, by, p),
    p.values,
  );
  const groupSizes = new Map<string, number>();
  for (const r of rows) if (r.size) groupSizes.set(r.grp, (groupSizes.get(r.grp) ?? 0) + r.size);
  // A property breakdown keeps its largest values; the others are one group.
  const ranked = [...groupSizes.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([g]) => g);
  const kept = new Set(by.kind === 'property' ? ranked.slice(0, TOP_VALUES) : ranked);
  const groupOf = (g: string) => (kept.has(g) ? g : 'Other');
  const byKey = new Map<string, CohortRow>();
  for (const r of rows) {
    const group = groupOf(r.grp);
    const key = `${r.cohort}|${group}`;
    let row = byKey.get(key);
    if (!row) {
      const reached = periodsBetween(r.cohort, periodStart(asOf, grain), grain);
      byKey.set(key, (row = { start: r.cohort, group, size: 0, exact: Array.from({ length: reached + 1 }, () => 0), orLater: Array.from({ length: reached + 1 }, () => 0) }));
    }
    row.size += r.size;
    if (r.k < row.exact.length) {
      row.exact[r.k]! += r.exact;
      row.orLater[r.k]! += r.last;
    }
  }
  const out = [...byKey.values()].sort((x, y) => x.start.localeCompare(y.start) || x.group.localeCompare(y.group));
  // "Or later": those whose last order period is k or after.
  for (const row of out) for (let k = row.orLater.length - 2; k >= 0; k--) row.orLater[k]! += row.orLater[k + 1]!;
  const groups = [...new Set(out.map((r) => r.group))].sort((x, y) => (groupSizes.get(y) ?? 0) - (groupSizes.get(x) ?? 0) || x.localeCompare(y));
  const mean = groups.map((group) => {
    const mine = out.filter((r) => r.group === group);
    const exact: (number | null)[] = [];
    const orLater: (number | null)[] = [];
    const reached: number[] = [];
    for (let k = 0; k <= periods; k++) {
      const at = mine.filter((r) => r.exact.length > k);
      const size = at.reduce((s, r) => s + r.size, 0);
      reached.push(at.length);
      exact.push(size > 0 ? at.reduce((s, r) => s + r.exact[k]!, 0) / size : null);
      orLater.push(size > 0 ? at.reduce((s, r) => s + r.orLater[k]!, 0) / size : null);
    }
    return { group, exact, orLater, reached };
  });
  return { grain, periods, asOf, groups, rows: out, mean };
}
