// Asking contacts to answer a survey by email: one invitation (survey_sends) per contact, the
// message queued through messaging's set-based send (the rule every send shares: consent,
// suppressions, the control group) under the key `survey:<invitation>`. Left out, and counted:
// contacts asked by any survey within the workspace's "not more than once every N days",
// contacts who already answered as often as the survey allows, and those who may not get email.
// A repeated request (the same Idempotency-Key) asks no one twice; reminders (jobs) go to those
// who did not answer, under `survey:<invitation>:reminder:<n>`.
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { recordEvents } from '../events/record.ts';
import { queueForContacts } from '../messaging/delivery/send-many.ts';
import { TEMPLATED_JOB } from '../messaging/delivery/templated.ts';
import { currentMemberIds } from '../segments/segments.ts';
import type { AppContext } from '../server/context.ts';
import type { sendBody, sendResult } from './contract.ts';
import { getFatigue, getSurvey, type SurveyRow } from './surveys.ts';

type SendResult = z.output<typeof sendResult>;
const CHUNK = 2000;

/** The contacts who already answered as often as the survey allows (SQL, `c` the contact id column). */
function answeredSql(survey: SurveyRow, c: string, now: string): string {
  if (survey.settings.answerOnce === 'always') return 'false';
  const since = survey.settings.answerOnce === 'once' ? "'-infinity'::timestamptz" : `${now} - make_interval(days => ${Number(survey.settings.periodDays)})`;
  return `exists (select 1 from survey_responses r where r.survey_id = $2 and r.contact_id = ${c} and (r.state = 'complete' or r.recorded_at is not null) and r.started_at >= ${since})`;
}

async function templateCarries(db: SqlSession, workspaceId: string, templateId: string, surveyId: string): Promise<boolean | undefined> {
  const [t] = await db.query<{ body: string }>('select body from email_templates where workspace_id = $1 and id = $2', [workspaceId, templateId]);
  if (!t) return undefined;
  return t.body.includes(`/${surveyId}`) && /\{\{\s*links\.surveys\s*\}\}/.test(t.body);
}

export type InviteOutcome =
  | { status: 'queued'; sendId: string }
  /** An earlier call with the same send key asked this contact already. */
  | { status: 'repeated' }
  | { status: 'left_out'; reason: 'recently_surveyed' | 'already_answered' | 'no_email'; detail: string };

export interface Invitations {
  survey: SurveyRow;
  templateId: string;
  now: Date;
  /** The workspace's time zone. */
  timezone: string;
  /** The workspace's fatigue rule (getFatigue). */
  minDaysBetween: number | null;
  /** One invitation per row, each with a key from its cause (a request and contact, a workflow run and step). */
  rows: { contactId: string; sendKey: string }[];
}

/**
 * Invites contacts set-based, in the caller's transaction: the fatigue and answer-once rules,
 * an invitation row per contact asked, its message queued by messaging's set-based send under
 * `survey:<invitation>`, a survey.sent event. Returns each row's outcome by send key.
 */
export async function inviteContacts(tx: SqlSession, inv: Invitations): Promise<Map<string, InviteOutcome>> {
  const out = new Map<string, InviteOutcome>();
  if (inv.rows.length === 0) return out;
  const { survey, now } = inv;
  // Two invitations of the same contact at once see each other: one waits.
  await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.survey:' || c::text, 0)) from unnest($1::uuid[]) c order by c", [[...new Set(inv.rows.map((r) => r.contactId))].sort()]);
  const rows = await tx.query<{ send_key: string; contact_id: string; why: string | null; send_id: string | null }>(
    `with c as (
       select k.k as send_key, c.id from jsonb_to_recordset($3::jsonb) as k(c uuid, k text) join contacts c on c.id = k.c and c.workspace_id = $1),
     classified as (
       select c.send_key, c.id,
         case
           when exists (select 1 from survey_sends s where s.survey_id = $2 and s.send_key = c.send_key) then 'repeated'
           when ${answeredSql(survey, 'c.id', '$4::timestamptz')} then 'already_answered'
           when $5::int is not null and exists (select 1 from survey_sends s where s.workspace_id = $1 and s.contact_id = c.id and s.state = 'queued'
                  and s.created_at > $4::timestamptz - make_interval(days => $5::int)) then 'recently_surveyed'
         end as why
       from c),
     ins as (
       insert into survey_sends (workspace_id, survey_id, contact_id, send_key, template_id, state, created_at)
       select $1, $2, k.id, k.send_key, $6, 'queued', $4 from classified k where k.why is null
       on conflict (survey_id, send_key) do nothing
       returning id, send_key)
     select k.send_key, k.id as contact_id, k.why, ins.id as send_id from classified k left join ins on ins.send_key = k.send_key`,
    [survey.workspace_id, survey.id, JSON.stringify(inv.rows.map((r) => ({ c: r.contactId, k: r.sendKey }))), now, inv.minDaysBetween, inv.templateId],
  );
  for (const r of rows) {
    if (r.why === 'repeated') out.set(r.send_key, { status: 'repeated' });
    else if (r.why === 'already_answered') out.set(r.send_key, { status: 'left_out', reason: 'already_answered', detail: 'already answered this survey as often as it allows' });
    else if (r.why === 'recently_surveyed') out.set(r.send_key, { status: 'left_out', reason: 'recently_surveyed', detail: `asked by a survey in the last ${inv.minDaysBetween} days` });
  }
  const fresh = rows.filter((r) => r.send_id);
  const outcomes = await queueForContacts(tx, {
    workspaceId: survey.workspace_id,
    templateId: inv.templateId,
    timezone: inv.timezone,
    now,
    rows: fresh.map((r) => ({ contactId: r.contact_id, key: `survey:${r.send_id}` })),
  });
  const skipped: { id: string; why: string }[] = [];
  const queued: { contactId: string; sendId: string }[] = [];
  for (const r of fresh) {
    const o = outcomes.get(`survey:${r.send_id}`);
    if (o?.status === 'queued') {
      queued.push({ contactId: r.contact_id, sendId: r.send_id! });
      out.set(r.send_key, { status: 'queued', sendId: r.send_id! });
    } else {
      const why = o && 'detail' in o ? o.detail : 'not sent';
      skipped.push({ id: r.send_id!, why });
      out.set(r.send_key, { status: 'left_out', reason: 'no_email', detail: why });
    }
  }
  if (skipped.length)
    await tx.query("update survey_sends s set state = 'skipped', skip_reason = k.why from jsonb_to_recordset($1::jsonb) as k(id uuid, why text) where s.id = k.id", [JSON.stringify(skipped)]);
  await recordEvents(
    tx,
    survey.workspace_id,
    'surveys',
    queued.map((q) => ({
      contactId: q.contactId,
      name: 'survey.sent' as const,
      occurredAt: now,
      messageId: `survey.sent:${q.sendId}`,
      properties: { survey_id: survey.id, survey_name: survey.name, send_id: q.sendId, reminder: 0 },
    })),
  );
  for (const r of inv.rows) if (!out.has(r.sendKey)) out.set(r.sendKey, { status: 'left_out', reason: 'no_email', detail: 'the contact was deleted' });
  return out;
}

/** Checks that a survey can be sent with a template: active, and the template carries its block. */
export async function checkSendable(db: SqlSession, workspaceId: string, survey: SurveyRow, templateId: string): Promise<void> {
  if (survey.state !== 'active') throw conflict('Activate the survey first: a draft or closed survey takes no answers.', [{ path: 'state', message: `is ${survey.state}` }], 'not_active');
  const carries = await templateCarries(db, workspaceId, templateId, survey.id);
  if (carries === undefined) throw badRequest('The email template was not found in this workspace.', [{ path: 'templateId', message: 'is not a template of this workspace' }]);
  if (!carries)
    throw badRequest('This email template does not carry the survey: add the survey’s question block to it (Surveys › Send › Copy the block), or use the template made with the survey.', [
      { path: 'templateId', message: 'does not contain this survey’s block' },
    ]);
}

export async function sendSurvey(ctx: AppContext, workspaceId: string, surveyId: string, body: z.output<typeof sendBody>, requestKey: string): Promise<SendResult> {
  const survey = await getSurvey(ctx.db, workspaceId, surveyId);
  await checkSendable(ctx.db, workspaceId, survey, body.templateId);
  let ids: string[];
  if ('segmentId' in body.audience) {
    const [seg] = await ctx.db.query('select 1 from segments where workspace_id = $1 and id = $2', [workspaceId, body.audience.segmentId]);
    if (!seg) throw notFound('The segment');
    ids = await currentMemberIds(ctx.db, workspaceId, body.audience.segmentId);
  } else ids = [...new Set(body.audience.contactIds.map((id) => id.toLowerCase()))].sort();

  const { minDaysBetween } = await getFatigue(ctx.db, workspaceId);
  const [ws] = await ctx.db.query<{ timezone: string }>('select timezone from workspaces where id = $1', [workspaceId]);
  const result: SendResult = { audience: ids.length, queued: 0, repeated: 0, leftOut: { recentlySurveyed: 0, alreadyAnswered: 0, noEmail: 0 } };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const now = ctx.clock.now();
    const outcomes = await ctx.db.transaction((tx) =>
      inviteContacts(tx, { survey, templateId: body.templateId, now, timezone: ws?.timezone ?? 'UTC', minDaysBetween, rows: chunk.map((c) => ({ contactId: c, sendKey: `${requestKey}:${c}` })) }),
    );
    for (const o of outcomes.values()) {
      if (o.status === 'queued') result.queued++;
      else if (o.status === 'repeated') result.repeated++;
      else if (o.reason === 'already_answered') result.leftOut.alreadyAnswered++;
      else if (o.reason === 'recently_surveyed') result.leftOut.recentlySurveyed++;
      else result.leftOut.noEmail++;
    }
  }
  if (result.queued > 0) await ctx.jobs.send(TEMPLATED_JOB, { workspaceId });
  return result;
}

/**
 * Reminds those who did not answer (not even in part) `afterDays` after they were asked (or last
 * reminded), up to the survey's count; returns how many reminders were queued.
 */
export async function sendReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.query<{ id: string; workspace_id: string; survey_id: string; contact_id: string; template_id: string; reminders: number; name: string; timezone: string }>(
    `select s.id, s.workspace_id, s.survey_id, s.contact_id, s.template_id, s.reminders, v.name, w.timezone
     from surveys v
     join survey_sends s on s.survey_id = v.id
     join workspaces w on w.id = v.workspace_id
     where v.state = 'active' and coalesce((v.settings -> 'reminders' ->> 'count')::int, 0) > s.reminders and s.state = 'queued'
       and coalesce(s.reminded_at, s.created_at) <= $1::timestamptz - make_interval(days => coalesce((v.settings -> 'reminders' ->> 'afterDays')::int, 3))
       and not exists (select 1 from survey_responses r where r.survey_id = v.id and r.contact_id = s.contact_id and r.started_at >= s.created_at)
     order by s.workspace_id, s.created_at
     limit 5000`,
    [now],
  );
  const byWorkspace = new Map<string, typeof due>();
  for (const d of due) byWorkspace.set(d.workspace_id, [...(byWorkspace.get(d.workspace_id) ?? []), d]);
  let total = 0;
  for (const [workspaceId, rows] of byWorkspace) {
    let queuedHere = 0;
    await ctx.db.transaction(async (tx) => {
      const byTemplate = new Map<string, typeof rows>();
      for (const r of rows) byTemplate.set(r.template_id, [...(byTemplate.get(r.template_id) ?? []), r]);
      for (const [templateId, group] of byTemplate) {
        const key = (r: (typeof rows)[number]) => `survey:${r.id}:reminder:${r.reminders + 1}`;
        const outcomes = await queueForContacts(tx, { workspaceId, templateId, timezone: group[0]!.timezone, now, rows: group.map((r) => ({ contactId: r.contact_id, key: key(r) })) });
        const sent = group.filter((r) => outcomes.get(key(r))?.status === 'queued');
        // Reminded or not (a contact who unsubscribed since), the invitation moves on: no retry every hour.
        await tx.query('update survey_sends set reminders = reminders + 1, reminded_at = $2 where id = any($1::uuid[])', [group.map((r) => r.id), now]);
        await recordEvents(
          tx,
          workspaceId,
          'surveys',
          sent.map((r) => ({
            contactId: r.contact_id,
            name: 'survey.sent' as const,
            occurredAt: now,
            messageId: `survey.sent:${r.id}:reminder:${r.reminders + 1}`,
            properties: { survey_id: r.survey_id, survey_name: r.name, send_id: r.id, reminder: r.reminders + 1 },
          })),
        );
        queuedHere += sent.length;
      }
    });
    if (queuedHere > 0) await ctx.jobs.send(TEMPLATED_JOB, { workspaceId });
    total += queuedHere;
  }
  return total;
}
