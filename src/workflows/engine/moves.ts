// The three ways an enrollment changes, each one statement for a whole batch:
// - move: on to the next step (to be started at once: 'active'), or the end of the run;
// - park: wait at the step until `wake_at` (or a matching event);
// - finish: leave wherever they are (converted to the goal, an exit condition met).
// Every run that ends writes its `workflow.exited` or `workflow.converted` event, keyed by the
// enrollment, and each move adds to the step's count of contacts that passed it.
import type { SqlSession } from '../../db/client.ts';
import { eventNameSql, insertEventsSql } from '../../events/record.ts';
import type { LiveVersion } from '../versions.ts';
import type { RunContext } from './run-context.ts';

/** How a run ends. */
export type Outcome = 'converted' | 'exited' | 'completed' | 'failed' | 'removed';

export interface Decision {
  id: string;
  /** The next step; null ends the run with `outcome`. */
  next: string | null;
  /** When `next` is null: completed (the end of a path) by default. */
  outcome?: Outcome;
  /** Why, for exits ("exit_step", "exit_condition"…). */
  reason?: string;
  detail?: string;
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
 * Applies the decisions of one batch at one step (rows still running only). Returns how many
 * moved. The caller holds the rows (claimed `for update`), in the same transaction.
 */
export async function move(tx: SqlSession, run: RunContext, version: LiveVersion, step: string, decisions: Decision[]): Promise<number> {
  if (decisions.length === 0) return 0;
  // Most steps send everyone the same way: ids and one next step, no per-row payload.
  const first = decisions[0]!;
  const uniform = decisions.every((d) => d.next === first.next && d.outcome === first.outcome && d.reason === first.reason && d.detail === first.detail);
  const outcomeOf = (d: Decision) => (d.next === null ? (d.outcome ?? 'completed') : null);
  const source = uniform
    ? `select unnest($1::uuid[]) as id, $5::text as next, $6::text as outcome, $7::text as reason, $8::text as detail`
    : `select * from jsonb_to_recordset($1::jsonb) as d(id uuid, next text, outcome text, reason text, detail text)`;
  const payload = uniform
    ? [decisions.map((d) => d.id), run.now, version.id, step, first.next, outcomeOf(first), first.reason ?? null, first.detail ?? null]
    : [JSON.stringify(decisions.map((d) => ({ id: d.id, next: d.next, outcome: outcomeOf(d), reason: d.reason ?? null, detail: d.detail ?? null }))), run.now, version.id, step];
  const [r] = await tx.query<{ n: number }>(
    `with d as (${source}),
     moved as (
       update workflow_enrollments e set
         step = coalesce(d.next, e.step),
         state = case when d.outcome is null then 'active' else 'done' end,
         outcome = d.outcome,
         outcome_detail = d.detail,
         left_at = case when d.outcome is null then null else $2::timestamptz end,
         step_entered_at = $2, wake_at = null, waiting_for = null,
         path = case when d.outcome is null then e.path || d.next else e.path end
       from d where e.id = d.id and e.state <> 'done'
       returning e.id, e.workspace_id, e.workflow_id, e.contact_id, e.outcome, e.outcome_detail, e.left_at, d.reason),
     written as (${endedEventsSql('moved')}),
     counted as (
       insert into workflow_step_counts (version_id, step, passed) select $3, $4, count(*) from moved having count(*) > 0
       on conflict (version_id, step) do update set passed = workflow_step_counts.passed + excluded.passed)
     select count(*)::int as n from moved`,
    payload,
  );
  return r!.n;
}

/**
 * Parks a batch at its step until its own `wake_at`: `wakeSql` is a timestamptz over the
 * enrollment `x` and its contact `c` (null: at once). `waitingFor` names the event a
 * wait-for-event step waits for.
 */
export async function park(tx: SqlSession, run: RunContext, ids: string[], wakeSql: string, params: unknown[], waitingFor: string | null): Promise<void> {
  if (ids.length === 0) return;
  const n = params.length;
  await tx.query(
    `update workflow_enrollments e set state = 'waiting', wake_at = coalesce(w.at, $${n + 2}::timestamptz), waiting_for = $${n + 3}::text
     from (select x.id, ${wakeSql} as at
           from workflow_enrollments x${/\bc\./.test(wakeSql) ? ' left join contacts c on c.id = x.contact_id' : ''}
           where x.id = any($${n + 1}::uuid[])) w
     where e.id = w.id and e.state = 'active'`,
    [...params, ids, run.now, waitingFor],
  );
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
