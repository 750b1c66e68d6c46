// Enrolling contacts in a version: who may enter (the enrollment filter, the workspace's
// control group, the re-entry policy), with which entry key, and on which side of the
// holdout. The re-entry policy is enforced by unique indexes, never by a check and then an
// insert: a second enrollment under the same key, or a second live run of the same contact,
// is not written (`on conflict do nothing`), whoever tries at the same time.
import type { SqlSession } from '../../db/client.ts';
import { eventNameSql, insertEventsSql } from '../../events/record.ts';
import type { LiveVersion } from '../versions.ts';
import { inControlGroup, inHoldout, meeting, type RunContext } from './run-context.ts';

export interface Candidate {
  contactId: string;
  /** The event that enrolls them (event triggers). */
  eventId?: string;
  /** What makes this entry distinct under "every time": a key property's value, a request, an occurrence. */
  occasion?: string;
}

export interface Enrolled {
  id: string;
  contact_id: string;
  holdout: boolean;
}

/** The entry key that enforces the version's re-entry policy (see migration 0025). */
function entryKeySql(version: LiveVersion): string {
  const r = version.graph.reentry;
  switch (r.policy) {
    case 'once':
      return `'contact:' || k.contact_id`;
    case 'after_leaving':
      // The n-th run: earlier runs are done (one live run at most), so n = their count + 1.
      return `'contact:' || k.contact_id || ':' || (1 + (select count(*) from workflow_enrollments x where x.workflow_id = $2 and x.contact_id = k.contact_id))`;
    case 'every_time':
      return `coalesce(k.occasion, 'event:' || k.event_id::text, 'contact:' || k.contact_id || ':' || $10::text)`;
  }
}

/**
 * Enrolls the candidates who may enter, at the version's start step, and writes their
 * `workflow.entered` events. Returns the new enrollments.
 */
export async function enroll(tx: SqlSession, run: RunContext, version: LiveVersion, candidates: Candidate[]): Promise<Enrolled[]> {
  const g = version.graph;
  // In order: a candidate whose entry key is taken (the same order again) leaves the next
  // one of the same contact its chance; the unique indexes decide, row by row.
  const allowedHere = candidates.filter((c) => !inControlGroup(c.contactId, run.controlBp));
  if (allowedHere.length === 0) return [];
  let allowed: Set<string> | undefined;
  if (g.filter) {
    [allowed] = await meeting(tx, run, [g.filter], [...new Set(allowedHere.map((c) => c.contactId))]);
  }
  const rows = allowedHere
    .filter((c) => !allowed || allowed.has(c.contactId))
    .map((c, n) => ({ n, contact_id: c.contactId, event_id: c.eventId ?? null, occasion: c.occasion ?? null, holdout: inHoldout(version.workflowId, c.contactId, version.holdoutBp) }));
  if (rows.length === 0) return [];
  const minInterval = g.reentry.policy === 'every_time' ? g.reentry.minIntervalHours : 0;
  return tx.query<Enrolled>(
    `with k as (select * from jsonb_to_recordset($4::jsonb) as k(n int, contact_id uuid, event_id uuid, occasion text, holdout boolean)),
     ins as (
       insert into workflow_enrollments (workspace_id, workflow_id, version_id, contact_id, entry_key, step, state, holdout, path, trigger_event_id, entered_at, step_entered_at)
       select $1, $2, $3, k.contact_id, ${entryKeySql(version)}, $6, 'active', k.holdout, array[$6::text], k.event_id, $5, $5
       from k join contacts c on c.id = k.contact_id and c.workspace_id = $1
       where $7::int = 0 or not exists (
         select 1 from workflow_enrollments x where x.workflow_id = $2 and x.contact_id = k.contact_id and x.entered_at > $5::timestamptz - make_interval(hours => $7::int))
       order by k.n
       on conflict do nothing
       returning id, contact_id, holdout),
     written as (
       ${insertEventsSql(
         `select $1, i.contact_id, ${eventNameSql('workflow.entered')},
                 jsonb_build_object('workflow_id', $2::uuid, 'workflow_name', $8::text, 'enrollment_id', i.id, 'version', $9::int, 'holdout', i.holdout),
                 $5, $5, 'workflows', 'workflow:' || i.id || ':entered'
          from ins i`,
       )})
     select id, contact_id, holdout from ins`,
    [
      run.workspaceId,
      version.workflowId,
      version.id,
      JSON.stringify(rows),
      run.now,
      g.start,
      minInterval,
      version.workflowName,
      version.number,
      // The moment as text, for "every time" entries without an event or occasion ($10).
      ...(g.reentry.policy === 'every_time' ? [String(run.now.getTime())] : []),
    ],
  );
}
