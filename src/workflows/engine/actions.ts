// The actions of a step, for a batch of enrollments at once, in the transaction that moves
// them on: a crash either did both or neither, and the idempotency keys
// (`workflow:<enrollment>:<step>`, unique per workspace in email_messages, webhook calls and
// events) absorb a retry. Holdout enrollments get no action; each outcome, the holdout's
// "nothing done" included, is a `workflow.step_completed` event on the contact's timeline.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { recordEvents } from '../../events/record.ts';
import { eligibilitySql } from '../../messaging/consent/eligibility.ts';
import { addToList, removeFromList } from '../../segments/lists.ts';
import type { Step } from '../graph.ts';
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
        await send(tx, run, key, step, acting, results);
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
        messageId: `workflow:${e.id}:${key}`,
      };
    }),
  );
  return results;
}

/**
 * Queues one message per eligible contact, by the rule every send shares (consent, topic,
 * suppressions), under the key `workflow:<enrollment>:<step>`. The message is rendered and
 * checked once more when it is delivered (delivery.ts), so queueing costs no render.
 */
async function send(tx: SqlSession, run: RunContext, key: string, step: Extract<Step, { kind: 'send_email' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const e = eligibilitySql({ workspace: '$1', topic: '$4', transactional: step.transactional, topicOf: "step's" });
  const rows = await tx.query<{ enrollment_id: string; left_out: string | null; why: string | null; queued: boolean }>(
    `with r as (
       select x.id as enrollment_id, c.id as contact_id, c.email, ${e.leftOut} as left_out, ${e.why} as why
       from workflow_enrollments x join contacts c on c.id = x.contact_id and c.workspace_id = $1
       ${e.join}
       where x.id = any($2::uuid[])),
     ins as (
       insert into email_messages (workspace_id, contact_id, template_id, topic_id, kind, idempotency_key, to_email, created_at)
       select $1, r.contact_id, $3, $4, $7, 'workflow:' || r.enrollment_id || ':' || $5, r.email, $6 from r where r.left_out is null
       on conflict (workspace_id, idempotency_key) do nothing
       returning idempotency_key)
     select r.enrollment_id, r.left_out, r.why, r.left_out is null as queued from r`,
    [run.workspaceId, batch.map((b) => b.id), step.templateId, step.topicId ?? null, key, run.now, step.transactional ? 'transactional' : 'workflow'],
  );
  for (const r of rows) results.set(r.enrollment_id, r.queued ? { result: 'queued' } : { result: 'skipped', detail: r.why ?? r.left_out ?? undefined });
  run.queued.emails += rows.filter((r) => r.queued).length;
}

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
