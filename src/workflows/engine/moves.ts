// Where a batch's runs land at the end of a pass, each group of them in one statement:
// - waiting at a step until `wake_at` (or a matching event);
// - done: the end of a path, an exit step, a failure;
// - finish: leave wherever they are (converted to the goal, an exit condition met).
// A batch is walked through every step that does not wait (steps.ts) in memory and in the
// transaction that claimed it, so each run is written once per pass however many steps it
// passed. Every run that ends writes its `workflow.exited` or `workflow.converted` event, keyed
// by the enrollment, and the steps passed add to their counts of contacts.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { eventNameSql, insertEventsSql } from '../../events/record.ts';
import type { LiveVersion } from '../versions.ts';
import type { RunContext } from './run-context.ts';

/** How a run ends. */
export type Outcome = 'converted' | 'exited' | 'completed' | 'failed' | 'removed';

/** A run at a step, with the steps it entered in this pass (added to its path). */
export interface At {
  id: string;
  contact_id: string;
  holdout: boolean;
  entered: string[];
}

/** How the runs of a landing wait: until `wakeSql` (over the enrollment `x` and its contact `c`; null: at once), or each until its own instant. */
export type Wait = { wakeSql: (p: Params) => string; waitingFor: string | null } | { until: Date[] };

/** Runs that stop at `step` in this pass: waiting there, or ending there. */
export interface Landing {
  step: string;
  rows: At[];
  wait?: Wait;
  end?: { outcome: Outcome; reason: string; detail: string | null };
}

/** Ended runs' events: `workflow.converted` for a goal reached, `workflow.exited` otherwise. */
function endedEventsSql(from: string): string {
  return insertEventsSql(
    `select e.workspace_id, e.contact_id,
            case when e.outcome = 'converted' then ${eventNameSql('workflow.converted')} else ${eventNameSql('workflow.exited')} end,
            case when e.outcome = 'converted'
                 then jsonb_build_object('workflow_id', e.workflow_id, 'workflow_name', w.name, 'enrollment_id', e.id)
                 else jsonb_strip_nulls(jsonb_build_object('workflow_id', e.workflow_id, 'workflow_name', w.name, 'enrollment_id', e.id,
                        'reason', coalesce(e.reason, e.outcome), 'detail', e.outcome_detail)) end,
            e.left_at, e.left_at, 'workflows', 'workflow:' || e.id || ':' || case when e.outcome = 'converted' then 'converted' else 'exited' end
     from ${from} e join workflows w on w.id = e.workflow_id
     where e.outcome is not null`,
  );
}

/**
 * Writes where the runs of a batch landed (one statement per landing and path taken) and the
 * steps they passed. The caller holds the rows (claimed `for update`), in the same transaction.
 * Returns how many runs were written.
 */
export async function land(tx: SqlSession, run: RunContext, version: LiveVersion, landings: Landing[], passed: Map<string, number>): Promise<number> {
  let n = 0;
  for (const l of landings) {
    // Runs that took the same way here share a statement.
    const byWay = new Map<string, number[]>();
    l.rows.forEach((r, i) => {
      const way = r.entered.join('\u0000');
      if (!byWay.has(way)) byWay.set(way, []);
      byWay.get(way)!.push(i);
    });
    for (const idx of byWay.values()) n += await landGroup(tx, run, l, idx);
  }
  const counted = [...passed].filter(([, k]) => k > 0);
  if (counted.length > 0) {
    await tx.query(
      `insert into workflow_step_counts (version_id, step, passed) select $1, s.step, s.n from unnest($2::text[], $3::bigint[]) as s(step, n)
       on conflict (version_id, step) do update set passed = workflow_step_counts.passed + excluded.passed`,
      [version.id, counted.map(([k]) => k), counted.map(([, k]) => k)],
    );
  }
  return n;
}

async function landGroup(tx: SqlSession, run: RunContext, l: Landing, idx: number[]): Promise<number> {
  const rows = idx.map((i) => l.rows[i]!);
  const entered = rows[0]!.entered;
  const p = new Params([rows.map((r) => r.id), run.now, l.step, entered]);
  const perRow = l.wait && 'until' in l.wait ? l.wait.until : null;
  const source = perRow ? `unnest($1::uuid[], ${p.add(idx.map((i) => perRow[i]!), 'timestamptz[]')}) as d(id, at)` : 'unnest($1::uuid[]) as d(id)';
  let at = 'null::timestamptz';
  let joins = '';
  if (perRow) at = 'd.at';
  else if (l.wait && 'wakeSql' in l.wait) {
    at = l.wait.wakeSql(p);
    // A wake time over the run or its contact (a time of day in their zone, a date field) reads them.
    if (/\b[xc]\./.test(at)) joins = ` join workflow_enrollments x on x.id = d.id${/\bc\./.test(at) ? ' left join contacts c on c.id = x.contact_id' : ''}`;
  }
  const waitingFor = l.wait && 'waitingFor' in l.wait ? p.add(l.wait.waitingFor, 'text') : 'null::text';
  const done = Boolean(l.end);
  const [outcome, detail, reason] = [p.add(l.end?.outcome ?? null, 'text'), p.add(l.end?.detail ?? null, 'text'), p.add(l.end?.reason ?? null, 'text')];
  const [r] = await tx.query<{ n: number }>(
    `with w as (select d.id, ${at} as at from ${source}${joins}),
     moved as (
       update workflow_enrollments e set
         step = $3, path = e.path || $4::text[],
         state = ${done ? "'done'" : "'waiting'"}, outcome = ${outcome}, outcome_detail = ${detail},
         left_at = ${done ? '$2::timestamptz' : 'null'},
         step_entered_at = case when cardinality($4::text[]) > 0 then $2::timestamptz else e.step_entered_at end,
         wake_at = ${done ? 'null' : 'coalesce(w.at, $2::timestamptz)'}, waiting_for = ${waitingFor}
       from w where e.id = w.id and e.state <> 'done'
       returning e.id, e.workspace_id, e.workflow_id, e.contact_id, e.outcome, e.outcome_detail, e.left_at, ${reason} as reason)
     ${done ? `, written as (${endedEventsSql('moved')})` : ''}
     select count(*)::int as n from moved`,
    p.values,
  );
  return r!.n;
}

/**
 * Ends the runs of `contactIds` in a version, wherever they are (a goal reached, an exit
 * condition met). Rows another process holds are waited for, then ended if still running.
 */
export async function finish(tx: SqlSession, run: RunContext, version: LiveVersion, contactIds: string[], outcome: 'converted' | 'exited', reason: string, detail: string | null): Promise<number> {
  if (contactIds.length === 0) return 0;
  const [r] = await tx.query<{ n: number }>(
    `with ended as (
       update workflow_enrollments e set state = 'done', outcome = $4, outcome_detail = $6, left_at = $5, wake_at = null, waiting_for = null
       where e.version_id = $1 and e.contact_id = any($2::uuid[]) and e.state <> 'done' and e.workspace_id = $3
       returning e.id, e.workspace_id, e.workflow_id, e.contact_id, e.outcome, e.outcome_detail, e.left_at, $7::text as reason)
     , written as (${endedEventsSql('ended')})
     select count(*)::int as n from ended`,
    [version.id, contactIds, run.workspaceId, outcome, run.now, detail, reason],
  );
  return r!.n;
}
