// What each kind of step does with a batch of enrollments that reached it (`start`), and with
// a batch whose wait is over (`wake`). Decisions are made for the whole batch with one
// statement per condition (branch paths are evaluated set-based by the segments compiler),
// then applied by one move.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { eventFiltersSql } from '../../segments/compile.ts';
import type { Step } from '../graph.ts';
import { contactTimeZoneSql, waitDateSql, waitUntilSql } from '../../shared/zoned-time.ts';
import type { LiveVersion } from '../versions.ts';
import { act, type Claimed, isAction } from './actions.ts';
import { type Decision, move, park } from './moves.ts';
import { meeting, type RunContext, splitPath } from './run-context.ts';

const MINUTE = 60_000;
const durationMs = (d: { days: number; hours: number; minutes: number }) => ((d.days * 24 + d.hours) * 60 + d.minutes) * MINUTE;

/** A date field as text for the wait: a custom property, or when the contact was created. */
function dateValueSql(field: string, p: Params): string {
  if (field === 'created_at') return `to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  return `(c.properties ->> ${p.add(field.replace(/^properties\./, ''), 'text')})`;
}

/** Starts the step for a batch that just reached it. Returns how many moved on (parked ones did not). */
export async function start(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, batch: Claimed[]): Promise<number> {
  const step = version.graph.steps[key];
  const ids = batch.map((b) => b.id);
  if (!step) {
    // Not possible for a validated version; ended rather than stuck for ever.
    return move(tx, run, version, key, ids.map((id) => ({ id, next: null, outcome: 'failed', reason: 'failed', detail: `the step "${key}" is not in version ${version.number}` })));
  }
  switch (step.kind) {
    case 'wait':
      await park(tx, run, ids, '$1::timestamptz', [new Date(run.now.getTime() + durationMs(step.for))], null);
      return 0;
    case 'wait_until': {
      const p = new Params([run.now, step.at, run.timezone, ...(step.weekdays ? [step.weekdays] : [])]);
      await park(tx, run, ids, waitUntilSql('$1::timestamptz', '$2::text', contactTimeZoneSql('c', '$3::text'), step.weekdays ? '$4::text[]' : null), p.values, null);
      return 0;
    }
    case 'wait_date': {
      const p = new Params([step.offsetDays, step.at, run.timezone]);
      const value = dateValueSql(step.field, p);
      await park(tx, run, ids, waitDateSql(value, '$1::int', '$2::text', contactTimeZoneSql('c', '$3::text')), p.values, null);
      return 0;
    }
    case 'wait_event':
      await park(tx, run, ids, '$1::timestamptz', [new Date(run.now.getTime() + durationMs(step.timeout))], step.event);
      return 0;
    case 'branch': {
      const sets = await meeting(tx, run, step.paths.map((p) => p.condition), batch.map((b) => b.contact_id));
      return move(
        tx,
        run,
        version,
        key,
        batch.map((b) => {
          const i = sets.findIndex((s) => s.has(b.contact_id));
          return { id: b.id, next: i >= 0 ? step.paths[i]!.next : step.otherwise };
        }),
      );
    }
    case 'split': {
      const percents = step.paths.map((p) => p.percent);
      return move(tx, run, version, key, batch.map((b) => ({ id: b.id, next: step.paths[splitPath(version.workflowId, key, b.contact_id, percents)]!.next })));
    }
    case 'exit':
      return move(tx, run, version, key, ids.map((id) => ({ id, next: null, outcome: 'exited', reason: 'exit_step', detail: key })));
    default: {
      if (!isAction(step)) throw new Error(`unknown step kind ${(step as Step).kind}`);
      const results = await act(tx, run, version, key, step, batch);
      const staying = batch.filter((b) => results.get(b.id)?.wakeAt);
      if (staying.length > 0) {
        await tx.query(
          `update workflow_enrollments e set state = 'waiting', wake_at = s.at from jsonb_to_recordset($1::jsonb) as s(id uuid, at timestamptz)
           where e.id = s.id and e.state = 'active'`,
          [JSON.stringify(staying.map((b) => ({ id: b.id, at: results.get(b.id)!.wakeAt })))],
        );
      }
      return move(tx, run, version, key, batch.filter((b) => !results.get(b.id)?.wakeAt).map((b) => ({ id: b.id, next: step.next })));
    }
  }
}

/**
 * The enrollments of `ids` waiting at a wait-for-event step whose event happened: a matching
 * event (its filters hold) that occurred after they reached the step and before the wait
 * ended (its timeout, or now).
 */
export async function eventHappened(tx: SqlSession, run: RunContext, step: Extract<Step, { kind: 'wait_event' }>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const p = new Params([run.workspaceId, ids, step.event, run.now]);
  const filters = eventFiltersSql(step.where, p, run.now);
  const rows = await tx.query<{ id: string }>(
    `select x.id from workflow_enrollments x
     where x.id = any($2::uuid[]) and exists (
       select 1 from events ev
       where ev.workspace_id = $1 and ev.contact_id = x.contact_id and ev.name = $3
         and ev.occurred_at > x.step_entered_at and ev.occurred_at <= least(x.wake_at, $4::timestamptz) and ${filters})`,
    p.values,
  );
  return new Set(rows.map((r) => r.id));
}

/** Moves on a batch whose wait at `key` is over (or, for a wait for an event, whose event came). */
export async function wake(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, batch: Claimed[], onlyHappened = false): Promise<number> {
  const step = version.graph.steps[key];
  if (!step) return move(tx, run, version, key, batch.map((b) => ({ id: b.id, next: null, outcome: 'failed', reason: 'failed', detail: `the step "${key}" is not in version ${version.number}` })));
  let decisions: Decision[];
  if (step.kind === 'wait_event') {
    const happened = await eventHappened(tx, run, step, batch.map((b) => b.id));
    decisions = batch.filter((b) => !onlyHappened || happened.has(b.id)).map((b) => ({ id: b.id, next: happened.has(b.id) ? step.happened : step.timedOut }));
  } else if (step.kind === 'wait' || step.kind === 'wait_until' || step.kind === 'wait_date') {
    decisions = batch.map((b) => ({ id: b.id, next: step.next }));
  } else {
    // Only waits wait; anything else parked here (not possible) is started again.
    await tx.query("update workflow_enrollments set state = 'active', wake_at = null where id = any($1::uuid[]) and state = 'waiting'", [batch.map((b) => b.id)]);
    return 0;
  }
  return move(tx, run, version, key, decisions);
}
