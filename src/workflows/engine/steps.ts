// What each kind of step does with a batch of enrollments that reached it, and with a batch
// whose wait is over. A batch is walked on through every step that does not wait, in memory
// and in the transaction that claimed it: decisions are made for the whole batch with one
// statement per condition (branch paths are evaluated set-based by the segments compiler),
// actions are done set-based, and where each run stops (a wait, an end) is written once by
// `land` (moves.ts), however many steps it passed.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { eventFiltersSql } from '../../segments/compile.ts';
import type { Step } from '../graph.ts';
import { contactTimeZoneSql, waitDateSql, waitUntilSql } from '../../shared/zoned-time.ts';
import type { LiveVersion } from '../versions.ts';
import { act, type Claimed, isAction } from './actions.ts';
import { type At, type Landing, land, type Outcome, type Wait } from './moves.ts';
import { meeting, type RunContext, splitPath } from './run-context.ts';

const MINUTE = 60_000;
const durationMs = (d: { days: number; hours: number; minutes: number }) => ((d.days * 24 + d.hours) * 60 + d.minutes) * MINUTE;

/** A date field as text for the wait: a custom property, or when the contact was created. */
function dateValueSql(field: string, p: Params): string {
  if (field === 'created_at') return `to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  return `(c.properties ->> ${p.add(field.replace(/^properties\./, ''), 'text')})`;
}

type WaitStep = Extract<Step, { kind: 'wait' | 'wait_until' | 'wait_date' | 'wait_event' }>;
const isWait = (s: Step): s is WaitStep => s.kind === 'wait' || s.kind === 'wait_until' || s.kind === 'wait_date' || s.kind === 'wait_event';

/** Until when a run that reaches a wait step now waits there. */
function waitOf(run: RunContext, step: WaitStep): Wait {
  switch (step.kind) {
    case 'wait':
      return { wakeSql: (p) => p.add(new Date(run.now.getTime() + durationMs(step.for)), 'timestamptz'), waitingFor: null };
    case 'wait_until':
      return {
        wakeSql: (p) =>
          waitUntilSql(p.add(run.now, 'timestamptz'), p.add(step.at, 'text'), contactTimeZoneSql('c', p.add(run.timezone, 'text')), step.weekdays ? p.add(step.weekdays, 'text[]') : null),
        waitingFor: null,
      };
    case 'wait_date':
      return {
        wakeSql: (p) => waitDateSql(dateValueSql(step.field, p), p.add(step.offsetDays, 'int'), p.add(step.at, 'text'), contactTimeZoneSql('c', p.add(run.timezone, 'text'))),
        waitingFor: null,
      };
    case 'wait_event':
      return { wakeSql: (p) => p.add(new Date(run.now.getTime() + durationMs(step.timeout)), 'timestamptz'), waitingFor: step.event };
  }
}

interface Decided {
  at: At;
  /** The next step; null ends the run. */
  next: string | null;
  end?: { outcome: Outcome; reason: string; detail: string | null };
}

/**
 * Walks runs from the steps they are to start (`from`: step → runs) through every step that
 * does not wait, then writes where each stopped. Returns how many runs were written.
 */
async function walk(tx: SqlSession, run: RunContext, version: LiveVersion, from: Map<string, At[]>, landings: Landing[] = [], passed = new Map<string, number>()): Promise<number> {
  const g = version.graph;
  let queue = from;
  // Each round takes runs one step further; a graph has no cycles, so a run passes each step once.
  for (let round = 0; queue.size > 0; round++) {
    const next = new Map<string, At[]>();
    for (const [key, rows] of queue) {
      const step = g.steps[key];
      if (!step || round > Object.keys(g.steps).length) {
        // Not possible for a validated version; ended rather than stuck for ever.
        landings.push({ step: key, rows, end: { outcome: 'failed', reason: 'failed', detail: step ? `the runs went round the steps more than once at "${key}"` : `the step "${key}" is not in version ${version.number}` } });
        continue;
      }
      if (isWait(step)) {
        landings.push({ step: key, rows, wait: waitOf(run, step) });
        continue;
      }
      const decided = await decide(tx, run, version, key, step, rows, landings);
      follow(key, decided, next, landings, passed);
    }
    queue = next;
  }
  return land(tx, run, version, landings, passed);
}

/** Sends decided runs on: ended at `key`, or queued at their next step. */
function follow(key: string, decided: Decided[], next: Map<string, At[]>, landings: Landing[], passed: Map<string, number>): void {
  if (decided.length === 0) return;
  passed.set(key, (passed.get(key) ?? 0) + decided.length);
  const ends = new Map<string, Landing>();
  for (const d of decided) {
    if (d.next === null) {
      const end = d.end ?? { outcome: 'completed' as const, reason: 'completed', detail: null };
      const k = JSON.stringify(end);
      if (!ends.has(k)) ends.set(k, { step: key, rows: [], end });
      ends.get(k)!.rows.push(d.at);
    } else {
      if (!next.has(d.next)) next.set(d.next, []);
      next.get(d.next)!.push({ ...d.at, entered: [...d.at.entered, d.next] });
    }
  }
  landings.push(...ends.values());
}

/** What a step that does not wait does with the runs that reached it, and where each goes next. */
async function decide(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, step: Exclude<Step, WaitStep>, rows: At[], landings: Landing[]): Promise<Decided[]> {
  switch (step.kind) {
    case 'branch': {
      const sets = await meeting(tx, run, step.paths.map((p) => p.condition), rows.map((b) => b.contact_id));
      return rows.map((at) => {
        const i = sets.findIndex((s) => s.has(at.contact_id));
        return { at, next: i >= 0 ? step.paths[i]!.next : step.otherwise };
      });
    }
    case 'split': {
      const percents = step.paths.map((p) => p.percent);
      return rows.map((at) => ({ at, next: step.paths[splitPath(version.workflowId, key, at.contact_id, percents)]!.next }));
    }
    case 'exit':
      return rows.map((at) => ({ at, next: null, end: { outcome: 'exited', reason: 'exit_step', detail: key } }));
    default: {
      if (!isAction(step)) throw new Error(`unknown step kind ${(step as Step).kind}`);
      const results = await act(tx, run, version, key, step, rows);
      // Held (quiet hours) or capped with "wait": they stay at the step until then, and try again.
      const staying = rows.filter((b) => results.get(b.id)?.wakeAt);
      if (staying.length > 0) landings.push({ step: key, rows: staying, wait: { until: staying.map((b) => results.get(b.id)!.wakeAt!) } });
      return rows.filter((b) => !results.get(b.id)?.wakeAt).map((at) => ({ at, next: step.next }));
    }
  }
}

/** Starts the step for a batch that reached it, and walks them on. Returns how many runs were written. */
export async function start(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, batch: Claimed[]): Promise<number> {
  return walk(tx, run, version, new Map([[key, batch.map((b) => ({ ...b, entered: [] }))]]));
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

/** Moves on a batch whose wait at `key` is over (or, for a wait for an event, whose event came), and walks them on. */
export async function wake(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, batch: Claimed[], onlyHappened = false): Promise<number> {
  const step = version.graph.steps[key];
  const rows = batch.map((b): At => ({ ...b, entered: [] }));
  if (!step || !isWait(step)) {
    // Only waits wait; an action holding runs (quiet hours, a cap) is tried again, and a step
    // not in the version (not possible) ends them.
    return walk(tx, run, version, new Map([[key, rows]]));
  }
  let decided: Decided[];
  if (step.kind === 'wait_event') {
    const happened = await eventHappened(tx, run, step, batch.map((b) => b.id));
    decided = rows.filter((b) => !onlyHappened || happened.has(b.id)).map((at) => ({ at, next: happened.has(at.id) ? step.happened : step.timedOut }));
  } else {
    decided = rows.map((at) => ({ at, next: step.next }));
  }
  const next = new Map<string, At[]>();
  const landings: Landing[] = [];
  const passed = new Map<string, number>();
  follow(key, decided, next, landings, passed);
  return walk(tx, run, version, next, landings, passed);
}
