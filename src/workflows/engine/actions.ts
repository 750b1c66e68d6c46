// The actions of a step, for a batch of enrollments at once, in the transaction that moves
// them on: a crash either did both or neither, and the idempotency keys
// (`workflow:<enrollment>:<step>`, unique per workspace in email_messages, webhook calls and
// events) absorb a retry. Holdout enrollments get no action; each outcome, the holdout's
// "nothing done" included, is a `workflow.step_completed` event on the contact's timeline.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { recordEvents } from '../../events/record.ts';
import { eligibilitySql } from '../../messaging/consent/eligibility.ts';
import { effectiveLimits, marketingSentSinceSql } from '../../messaging/delivery/limits.ts';
import { addToList, removeFromList } from '../../segments/lists.ts';
import type { Step } from '../graph.ts';
import { contactTimeZoneSql, waitUntilSql } from '../times.ts';
import type { LiveVersion } from '../versions.ts';
import type { RunContext } from './run-context.ts';

export interface Claimed {
  id: string;
  contact_id: string;
  holdout: boolean;
}

type ActionStep = Extract<Step, { kind: 'send_email' | 'update_contact' | 'list' | 'webhook' }>;

export interface ActionResult {
  result: string;
  detail?: string;
  /** The contact stays at the step until then (quiet hours, a frequency cap): the step is tried again. */
  wakeAt?: Date;
}

export const isAction = (s: Step): s is ActionStep => s.kind === 'send_email' || s.kind === 'update_contact' || s.kind === 'list' || s.kind === 'webhook';

/** Does the step's action for every enrollment of the batch; returns each one's result, by enrollment id. */
export async function act(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, step: ActionStep, batch: Claimed[]): Promise<Map<string, ActionResult>> {
  const results = new Map<string, ActionResult>();
  for (const e of batch) if (e.holdout) results.set(e.id, { result: 'holdout' });
  const acting = batch.filter((e) => !e.holdout);
  if (acting.length > 0) {
    switch (step.kind) {
      case 'send_email':
        await send(tx, run, version, key, step, acting, results);
        break;
      case 'update_contact':
        await update(tx, run, step, acting, results);
        break;
      case 'list':
        await list(tx, run, step, acting, results);
        break;
      case 'webhook':
        await webhook(tx, run, version, key, step, acting, results);
        break;
    }
  }
  await recordEvents(
    tx,
    run.workspaceId,
    'workflows',
    batch.map((e) => {
      const r = results.get(e.id) ?? { result: 'skipped', detail: 'the contact was deleted' };
      return {
        contactId: e.contact_id,
        name: 'workflow.step_completed',
        properties: { workflow_id: version.workflowId, workflow_name: version.workflowName, enrollment_id: e.id, step: key, step_kind: step.kind, result: r.result, ...(r.detail ? { detail: r.detail } : {}) },
        occurredAt: run.now,
        // A held send is tried again later: its event is one of its own.
        messageId: r.wakeAt ? `workflow:${e.id}:${key}:${r.result}:${run.now.getTime()}` : `workflow:${e.id}:${key}`,
      };
    }),
  );
  return results;
}

/**
 * Queues one message per eligible contact, by the rule every send shares (consent, topic,
 * suppressions), under the key `workflow:<enrollment>:<step>`. The message is rendered and
 * checked once more when it is delivered (templated.ts), so queueing costs no render.
 * Marketing email keeps the limits (limits.ts): during the contact's quiet hours the contact is
 * held at the step until they end; past the frequency cap they are skipped, or held until their
 * next day or week (the step's `whenCapped`). Either is said by an event.
 */
async function send(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, step: Extract<Step, { kind: 'send_email' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const e = eligibilitySql({ workspace: '$1', topic: '$4', transactional: step.transactional, topicOf: "step's" });
  const limits = step.transactional ? {} : effectiveLimits(run.limits, version.emailLimits);
  const p = new Params([run.workspaceId, batch.map((b) => b.id), step.templateId, step.topicId ?? null, key, run.now, step.transactional ? 'transactional' : 'workflow', run.timezone]);
  const tests: string[] = [];
  let held = 'null::timestamptz';
  let capped = 'null::timestamptz';
  if (limits.quietHours) {
    const from = p.add(limits.quietHours.from, 'text');
    const to = p.add(limits.quietHours.to, 'text');
    const t = `(($6::timestamptz at time zone r.tz)::time)`;
    held = `case when (${from}::time < ${to}::time and ${t} >= ${from}::time and ${t} < ${to}::time)
                   or (${from}::time > ${to}::time and (${t} >= ${from}::time or ${t} < ${to}::time))
              then ${waitUntilSql('$6::timestamptz', to, 'r.tz', null)} end`;
    tests.push(held);
  }
  if (limits.perDay || limits.perWeek) {
    const parts: string[] = [];
    const start = (unit: 'day' | 'week') => `(date_trunc('${unit}', $6::timestamptz at time zone r.tz) at time zone r.tz)`;
    const next = (unit: 'day' | 'week') => `((date_trunc('${unit}', $6::timestamptz at time zone r.tz) + interval '1 ${unit}') at time zone r.tz)`;
    if (limits.perDay) parts.push(`when ${marketingSentSinceSql('$1', 'r.contact_id', start('day'))} >= ${p.add(limits.perDay, 'int')} then ${next('day')}`);
    if (limits.perWeek) parts.push(`when ${marketingSentSinceSql('$1', 'r.contact_id', start('week'))} >= ${p.add(limits.perWeek, 'int')} then ${next('week')}`);
    capped = `case ${parts.join(' ')} end`;
    // Two workflows sending to the same contact at once count each other's messages: one waits.
    await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.cap:' || c::text, 0)) from unnest($1::uuid[]) c order by c", [[...new Set(batch.map((b) => b.contact_id))].sort()]);
  }
  const rows = await tx.query<{ enrollment_id: string; left_out: string | null; why: string | null; held_until: Date | null; capped_until: Date | null }>(
    `with r as materialized (
       select x.id as enrollment_id, c.id as contact_id, c.email, ${e.leftOut} as left_out, ${e.why} as why${tests.length > 0 || capped !== 'null::timestamptz' ? `, ${contactTimeZoneSql('c', '$8::text')} as tz` : ', $8::text as tz'}
       from workflow_enrollments x join contacts c on c.id = x.contact_id and c.workspace_id = $1
       ${e.join}
       where x.id = any($2::uuid[])),
     l as materialized (
       select r.*, case when r.left_out is null then ${held} end as held_until, case when r.left_out is null then ${capped} end as capped_until from r),
     ins as (
       insert into email_messages (workspace_id, contact_id, template_id, topic_id, kind, idempotency_key, to_email, created_at)
       select $1, l.contact_id, $3, $4, $7, 'workflow:' || l.enrollment_id || ':' || $5, l.email, $6 from l
       where l.left_out is null and l.held_until is null and l.capped_until is null
       on conflict (workspace_id, idempotency_key) do nothing
       returning idempotency_key)
     select l.enrollment_id, l.left_out, l.why, l.held_until, l.capped_until from l`,
    p.values,
  );
  for (const r of rows) {
    if (r.left_out) results.set(r.enrollment_id, { result: 'skipped', detail: r.why ?? r.left_out });
    else if (r.held_until) results.set(r.enrollment_id, { result: 'held', detail: `quiet hours until ${limits.quietHours!.to} their time`, wakeAt: new Date(r.held_until) });
    else if (r.capped_until) {
      const detail = `reached the limit of ${describeCap(limits)} marketing emails`;
      results.set(r.enrollment_id, step.whenCapped === 'wait' ? { result: 'capped', detail: `${detail}; waits until it allows one`, wakeAt: new Date(r.capped_until) } : { result: 'skipped', detail });
    } else {
      results.set(r.enrollment_id, { result: 'queued' });
      run.queued.emails++;
    }
  }
}

const describeCap = (l: { perDay?: number | null; perWeek?: number | null }) => [l.perDay ? `${l.perDay} a day` : '', l.perWeek ? `${l.perWeek} a week` : ''].filter(Boolean).join(' and ');

const BUILT_IN_COLUMNS: Record<string, string> = { first_name: 'first_name', last_name: 'last_name', lifecycle_stage: 'lifecycle_stage', phone: 'phone' };

/** Sets a field or property on every contact of the batch (recorded in their change history, as any write is). */
async function update(tx: SqlSession, run: RunContext, step: Extract<Step, { kind: 'update_contact' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  await tx.query("select set_config('rapport.change_source', 'workflow', true), set_config('rapport.import_id', '', true)");
  const p = new Params([run.workspaceId, batch.map((b) => b.contact_id), run.now]);
  let set: string;
  let differs: string;
  const column = BUILT_IN_COLUMNS[step.field];
  if (column) {
    const v = p.add(step.value === null ? null : String(step.value), 'text');
    set = `${column} = ${v}`;
    differs = `c.${column} is distinct from ${v}`;
  } else {
    const k = p.add(step.field.replace(/^properties\./, ''), 'text');
    const v = p.add(JSON.stringify(step.value), 'jsonb');
    set = `properties = case when ${v} = 'null'::jsonb then c.properties - ${k} else jsonb_set(c.properties, array[${k}], ${v}) end`;
    differs = `(c.properties -> ${k}) is distinct from nullif(${v}, 'null'::jsonb)`;
  }
  const changed = await tx.query<{ id: string }>(`update contacts c set ${set}, updated_at = $3 where c.workspace_id = $1 and c.id = any($2::uuid[]) and ${differs} returning c.id`, p.values);
  const ids = new Set(changed.map((r) => r.id));
  for (const b of batch) results.set(b.id, { result: ids.has(b.contact_id) ? 'updated' : 'unchanged' });
}

async function list(tx: SqlSession, run: RunContext, step: Extract<Step, { kind: 'list' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const ids = batch.map((b) => b.contact_id);
  const moved = step.action === 'add' ? await addToList(tx, run.workspaceId, step.listId, ids, run.now) : await removeFromList(tx, run.workspaceId, step.listId, ids, run.now);
  const set = new Set(moved);
  for (const b of batch) results.set(b.id, { result: set.has(b.contact_id) ? (step.action === 'add' ? 'added' : 'removed') : 'unchanged' });
}

/** Writes the calls to the outbox; the `workflows.webhooks` job sends them, signed, with retries. */
async function webhook(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, step: Extract<Step, { kind: 'webhook' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  await tx.query(
    `insert into workflow_webhook_calls (workspace_id, workflow_id, enrollment_id, contact_id, step, idempotency_key, url, body, next_attempt_at, created_at)
     select $1, $2, x.id, x.contact_id, $4, 'workflow:' || x.id || ':' || $4, $5,
            jsonb_build_object(
              'type', 'workflow.step', 'workflow', jsonb_build_object('id', $2::uuid, 'name', $6::text, 'version', $7::int),
              'step', $4::text, 'enrollment_id', x.id, 'occurred_at', $8::timestamptz,
              'contact', jsonb_build_object('id', c.id, 'email', c.email, 'external_id', c.external_id, 'first_name', c.first_name,
                                            'last_name', c.last_name, 'properties', c.properties)),
            $8, $8
     from workflow_enrollments x join contacts c on c.id = x.contact_id and c.workspace_id = $1
     where x.id = any($3::uuid[])
     on conflict (workspace_id, idempotency_key) do nothing`,
    [run.workspaceId, version.workflowId, batch.map((b) => b.id), key, step.url, version.workflowName, version.number, run.now],
  );
  for (const b of batch) results.set(b.id, { result: 'webhook_queued' });
  run.queued.webhooks += batch.length;
}
