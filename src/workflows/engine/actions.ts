// The actions of a step, for a batch of enrollments at once, in the transaction that moves
// them on: a crash either did both or neither, and the idempotency keys
// (`workflow:<enrollment>:<step>`, unique per workspace in email_messages, webhook calls and
// events) absorb a retry. Holdout enrollments get no action; each outcome, the holdout's
// "nothing done" included, is a `workflow.step_completed` event on the contact's timeline.
import type { SqlSession } from '../../db/client.ts';
import { eventNameSql, insertEventsSql } from '../../events/record.ts';
import { effectiveLimits } from '../../messaging/delivery/limits.ts';
import { queueForContacts } from '../../messaging/delivery/send-many.ts';
import { setFieldOf } from '../../contacts/set-field.ts';
import { findSurvey, getFatigue } from '../../surveys/surveys.ts';
import { inviteContacts } from '../../surveys/send.ts';
import { addToList, removeFromList } from '../../segments/lists.ts';
import { issueCode } from '../../coupons/issue.ts';
import { DomainError } from '../../errors.ts';
import { awardPoints } from '../../loyalty/award.ts';
import type { Step } from '../graph.ts';
import type { LiveVersion } from '../versions.ts';
import type { RunContext } from './run-context.ts';

export interface Claimed {
  id: string;
  contact_id: string;
  holdout: boolean;
}

type ActionStep = Extract<Step, { kind: 'send_email' | 'send_survey' | 'update_contact' | 'list' | 'webhook' | 'award_points' | 'issue_coupon' }>;

export interface ActionResult {
  result: string;
  detail?: string;
  /** The contact stays at the step until then (quiet hours, a frequency cap): the step is tried again. */
  wakeAt?: Date;
}

const ACTIONS = new Set<Step['kind']>(['send_email', 'send_survey', 'update_contact', 'list', 'webhook', 'award_points', 'issue_coupon']);
export const isAction = (s: Step): s is ActionStep => ACTIONS.has(s.kind);

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
      case 'send_survey':
        await survey(tx, run, key, step, acting, results);
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
      case 'award_points': {
        const keyOf = (b: Claimed) => `workflow:${b.id}:${key}`;
        const outcomes = await awardPoints(tx, run.workspaceId, acting.map((b) => ({ contactId: b.contact_id, key: keyOf(b) })), step.points, step.reason, run.now);
        for (const b of acting) {
          const o = outcomes.get(keyOf(b));
          results.set(b.id, o === 'no_program' ? { result: 'skipped', detail: 'the points program is not set up or is paused' } : { result: 'points_awarded', detail: `${step.points} points` });
        }
        break;
      }
      case 'issue_coupon':
        await coupon(tx, run, key, step, acting, results);
        break;
    }
  }
  // The step events, set-based (arrays, not an object per row: this runs for every contact).
  const ids: string[] = [];
  const contacts: string[] = [];
  const outcomes: string[] = [];
  const details: (string | null)[] = [];
  const keys: string[] = [];
  for (const e of batch) {
    const r = results.get(e.id) ?? { result: 'skipped', detail: 'the contact was deleted' };
    ids.push(e.id);
    contacts.push(e.contact_id);
    outcomes.push(r.result);
    details.push(r.detail ?? null);
    // A held send is tried again later: its event is one of its own.
    keys.push(r.wakeAt ? `workflow:${e.id}:${key}:${r.result}:${run.now.getTime()}` : `workflow:${e.id}:${key}`);
  }
  await tx.query(
    insertEventsSql(
      `select $1::uuid, r.contact_id, ${eventNameSql('workflow.step_completed')},
              jsonb_strip_nulls(jsonb_build_object('workflow_id', $2::uuid, 'workflow_name', $3::text, 'enrollment_id', r.id, 'step', $4::text,
                                                   'step_kind', $5::text, 'result', r.result, 'detail', r.detail)),
              $6::timestamptz, $6::timestamptz, 'workflows', r.key
       from unnest($7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[]) as r(id, contact_id, result, detail, key)`,
    ),
    [run.workspaceId, version.workflowId, version.workflowName, key, step.kind, run.now, ids, contacts, outcomes, details, keys],
  );
  return results;
}

/**
 * Queues one message per eligible contact through the set-based send (messaging's
 * send-many.ts) under the key `workflow:<enrollment>:<step>`. Held for quiet hours, the contact
 * stays at the step until they end; capped, they are skipped or stay until the cap allows one
 * (the step's `whenCapped`). Either is said by an event.
 */
async function send(tx: SqlSession, run: RunContext, version: LiveVersion, key: string, step: Extract<Step, { kind: 'send_email' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const keyOf = (b: Claimed) => `workflow:${b.id}:${key}`;
  const outcomes = await queueForContacts(tx, {
    workspaceId: run.workspaceId,
    templateId: step.templateId,
    topicId: step.topicId ?? null,
    transactional: step.transactional,
    topicOf: "step's",
    limits: effectiveLimits(run.limits, version.emailLimits),
    timezone: run.timezone,
    now: run.now,
    rows: batch.map((b) => ({ contactId: b.contact_id, key: keyOf(b) })),
  });
  for (const b of batch) {
    const o = outcomes.get(keyOf(b))!;
    if (o.status === 'queued') {
      results.set(b.id, { result: 'queued' });
      run.queued.emails++;
    } else if (o.status === 'skipped') results.set(b.id, { result: 'skipped', detail: o.detail });
    else if (o.status === 'held') results.set(b.id, { result: 'held', detail: o.detail, wakeAt: o.until });
    else if (step.whenCapped === 'wait') results.set(b.id, { result: 'capped', detail: `${o.detail}; waits until it allows one`, wakeAt: o.until });
    else results.set(b.id, { result: 'skipped', detail: o.detail });
  }
}

/**
 * Invites each contact to the step's survey (surveys/send.ts: the fatigue and answer-once rules,
 * the invitation, its message) under the send key `workflow:<enrollment>:<step>`. A survey that
 * was deleted, archived or closed since publishing skips the contact, saying why.
 */
async function survey(tx: SqlSession, run: RunContext, key: string, step: Extract<Step, { kind: 'send_survey' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const s = await findSurvey(tx, step.surveyId);
  if (!s || s.workspace_id !== run.workspaceId || s.state !== 'active') {
    for (const b of batch) results.set(b.id, { result: 'skipped', detail: `the survey is ${s && s.workspace_id === run.workspaceId ? s.state : 'deleted'}` });
    return;
  }
  const templateId = step.templateId ?? s.email_template_id;
  if (!templateId) {
    for (const b of batch) results.set(b.id, { result: 'skipped', detail: 'the survey has no email template' });
    return;
  }
  const keyOf = (b: Claimed) => `workflow:${b.id}:${key}`;
  const outcomes = await inviteContacts(tx, {
    survey: s,
    templateId,
    now: run.now,
    timezone: run.timezone,
    minDaysBetween: (await getFatigue(tx, run.workspaceId)).minDaysBetween,
    rows: batch.map((b) => ({ contactId: b.contact_id, sendKey: keyOf(b) })),
  });
  for (const b of batch) {
    const o = outcomes.get(keyOf(b))!;
    if (o.status === 'queued') {
      results.set(b.id, { result: 'survey_queued' });
      run.queued.emails++;
    } else if (o.status === 'repeated') results.set(b.id, { result: 'survey_queued' });
    else results.set(b.id, { result: 'skipped', detail: o.detail });
  }
}

/** Gives each contact a code of the campaign (coupons' issueCode, once per enrollment and step); a campaign paused or over skips them, saying why. */
async function coupon(tx: SqlSession, run: RunContext, key: string, step: Extract<Step, { kind: 'issue_coupon' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  for (const b of batch) {
    try {
      const issued = await issueCode(tx, run.workspaceId, step.campaignId, b.contact_id, `workflow:${b.id}:${key}`, run.now);
      results.set(b.id, { result: 'coupon_issued', detail: issued.code });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.set(b.id, { result: 'skipped', detail: err.message });
    }
  }
}

/** Sets a field or property on every contact of the batch (contacts' set-based write: their change history records it). */
async function update(tx: SqlSession, run: RunContext, step: Extract<Step, { kind: 'update_contact' }>, batch: Claimed[], results: Map<string, ActionResult>) {
  const changed = await setFieldOf(tx, run.workspaceId, batch.map((b) => b.contact_id), step.field, step.value, 'workflow', run.now);
  for (const b of batch) results.set(b.id, { result: changed.has(b.contact_id) ? 'updated' : 'unchanged' });
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
