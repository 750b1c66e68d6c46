// Working off the queue of things that happened to contacts which a workflow reads (filled by
// the triggers of migration 0025 in the writer's transaction): enrollments from event triggers
// (segment and list triggers are their `segment.entered` / `segment.exited` events), goals and
// exit conditions, and waits for an event that came, for the contacts concerned only. One
// transaction per batch, under the workspace's lock, so that the queue's rows are taken and
// acted on together: a crash loses nothing and doubles nothing.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { eventFiltersSql } from '../../segments/compile.ts';
import type { EventFilter } from '../../segments/definition.ts';
import type { Trigger } from '../graph.ts';
import type { LiveVersion } from '../versions.ts';
import { type Candidate, enroll } from './entry.ts';
import { finish } from './moves.ts';
import { meeting, type RunContext } from './run-context.ts';
import { wake } from './steps.ts';

const BATCH = 5_000;

/** The event that starts a version, with its property filters (segment and list triggers included). */
export function triggerEvent(t: Trigger): { event: string; where: EventFilter[]; keyBy?: string } | undefined {
  switch (t.kind) {
    case 'event':
      return { event: t.event, where: t.where, keyBy: t.keyBy };
    case 'segment_entered':
    case 'list_added':
      return { event: 'segment.entered', where: [{ property: 'segment_id', type: 'string', op: 'eq', value: t.kind === 'list_added' ? t.listId : t.segmentId }] };
    case 'segment_exited':
      return { event: 'segment.exited', where: [{ property: 'segment_id', type: 'string', op: 'eq', value: t.segmentId }] };
    default:
      return undefined;
  }
}

async function lockWorkspace(tx: SqlSession, workspaceId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.workflows:' || $1::text, 0))", [workspaceId]);
}

interface PendingRow {
  contact_id: string;
  reason: string;
  event_id: string | null;
}

/** One batch of the queue; returns how many rows it took (0: the queue is empty). */
export async function processPending(tx: SqlSession, run: RunContext, versions: LiveVersion[]): Promise<number> {
  await lockWorkspace(tx, run.workspaceId);
  const rows = await tx.query<PendingRow>(
    `delete from workflow_pending where id in (
       select id from workflow_pending where workspace_id = $1 order by id limit $2 for update skip locked)
     returning contact_id, reason, event_id`,
    [run.workspaceId, BATCH],
  );
  if (rows.length === 0) return 0;

  // Entries: the events that start a live version.
  for (const v of versions) {
    if (!v.live) continue;
    const t = triggerEvent(v.graph.trigger);
    if (!t) continue;
    const eventIds = rows.filter((r) => r.reason === t.event && r.event_id).map((r) => r.event_id!);
    if (eventIds.length === 0) continue;
    const p = new Params([run.workspaceId, eventIds, t.event]);
    const key = t.keyBy ? p.add(t.keyBy, 'text') : 'null::text';
    const events = await tx.query<{ id: string; contact_id: string; key: string | null }>(
      `select ev.id, ev.contact_id, ev.properties ->> ${key} as key from events ev
       where ev.id = any($2::uuid[]) and ev.workspace_id = $1 and ev.name = $3 and ${eventFiltersSql(t.where, p, run.now)}
       order by ev.occurred_at, ev.id`,
      p.values,
    );
    const candidates: Candidate[] = events.map((e) => ({ contactId: e.contact_id, eventId: e.id, ...(t.keyBy && e.key !== null ? { occasion: `key:${e.contact_id}:${e.key}` } : {}) }));
    await enroll(tx, run, v, candidates);
  }

  // Goals and exit conditions of the contacts concerned, first: a contact who reached the goal
  // leaves as converted, even when the same event is one a wait of theirs waits for.
  const contacts = [...new Set(rows.map((r) => r.contact_id))];
  for (const v of versions) await checkEnds(tx, run, v, contacts);

  // Waits for an event that may have come.
  for (const v of versions) {
    for (const [key, step] of Object.entries(v.graph.steps)) {
      if (step.kind !== 'wait_event') continue;
      const contacts = [...new Set(rows.filter((r) => r.reason === step.event).map((r) => r.contact_id))];
      if (contacts.length === 0) continue;
      const batch = await tx.query<{ id: string; contact_id: string; holdout: boolean }>(
        `select id, contact_id, holdout from workflow_enrollments
         where version_id = $1 and step = $2 and state = 'waiting' and contact_id = any($3::uuid[])
         order by id for update skip locked`,
        [v.id, key, contacts],
      );
      if (batch.length > 0) await wake(tx, run, v, key, batch, true);
    }
  }

  return rows.length;
}

/**
 * Ends the runs in `version` of those of `contactIds` who reached its goal (converted) or meet
 * one of its exit conditions (exited), wherever they are in it.
 */
export async function checkEnds(tx: SqlSession, run: RunContext, version: LiveVersion, contactIds: string[]): Promise<void> {
  const g = version.graph;
  if ((!g.goal && g.exits.length === 0) || contactIds.length === 0) return;
  const live = await tx.query<{ contact_id: string }>("select contact_id from workflow_enrollments where version_id = $1 and state <> 'done' and contact_id = any($2::uuid[])", [
    version.id,
    contactIds,
  ]);
  let ids = live.map((r) => r.contact_id);
  if (ids.length === 0) return;
  if (g.goal?.kind === 'event_since_entry') {
    const p = new Params([version.id, ids, run.workspaceId, g.goal.event, run.now]);
    const filters = eventFiltersSql(g.goal.where, p, run.now);
    const reached = await tx.query<{ contact_id: string }>(
      `select x.contact_id from workflow_enrollments x
       where x.version_id = $1 and x.contact_id = any($2::uuid[]) and x.state <> 'done' and exists (
         select 1 from events ev where ev.workspace_id = $3 and ev.contact_id = x.contact_id and ev.name = $4
           and ev.occurred_at > x.entered_at and ev.occurred_at <= $5::timestamptz and ${filters})`,
      p.values,
    );
    await finish(tx, run, version, reached.map((r) => r.contact_id), 'converted', 'converted', null);
    const done = new Set(reached.map((r) => r.contact_id));
    ids = ids.filter((id) => !done.has(id));
  } else if (g.goal?.kind === 'condition') {
    const [met] = await meeting(tx, run, [g.goal.condition], ids);
    await finish(tx, run, version, [...met!], 'converted', 'converted', null);
    ids = ids.filter((id) => !met!.has(id));
  }
  if (g.exits.length === 0 || ids.length === 0) return;
  const sets = await meeting(tx, run, g.exits, ids);
  const taken = new Set<string>();
  for (const [i, set] of sets.entries()) {
    const these = [...set].filter((id) => !taken.has(id));
    these.forEach((id) => taken.add(id));
    await finish(tx, run, version, these, 'exited', 'exit_condition', `exit condition ${i + 1}`);
  }
}
