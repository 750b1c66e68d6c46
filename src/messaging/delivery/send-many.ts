// The set-based sibling of the send to one contact (send-one.ts): one template to many
// contacts in one statement, each under the caller's idempotency key, by the rule every send
// shares (consent/eligibility.ts: consent, topic, suppressions, the control group). The rows
// are queued without content and rendered when they leave (templated.ts), so queueing costs no
// render. Marketing email keeps the limits (limits.ts): during the contact's quiet hours the
// message is held (not written) until they end; past the frequency cap it is capped (not
// written), with the moment the cap allows one. Runs in the caller's transaction.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { contactTimeZoneSql, waitUntilSql } from '../../shared/zoned-time.ts';
import { eligibilitySql } from '../consent/eligibility.ts';
import { type EmailLimits, marketingSentSinceSql } from './limits.ts';

export interface SendMany {
  workspaceId: string;
  templateId: string;
  topicId?: string | null;
  transactional?: boolean;
  /** Whose sends these are, for the reason a left-out contact gets ("the step's topic"). */
  topicOf?: string;
  /** Marketing limits in force (ignored for transactional mail). */
  limits?: EmailLimits;
  /** The workspace's time zone (a contact's own `timezone` property wins). */
  timezone: string;
  now: Date;
  /** One message per row: the contact and the idempotency key of what caused it. */
  rows: { contactId: string; key: string }[];
}

export type ManyOutcome =
  | { status: 'queued' }
  | { status: 'skipped'; detail: string }
  | { status: 'held'; until: Date; detail: string }
  | { status: 'capped'; until: Date; detail: string };

const describeCap = (l: EmailLimits) => [l.perDay ? `${l.perDay} a day` : '', l.perWeek ? `${l.perWeek} a week` : ''].filter(Boolean).join(' and ');

/** Queues the messages that may go; returns each row's outcome by key (a deleted contact: skipped). */
export async function queueForContacts(tx: SqlSession, m: SendMany): Promise<Map<string, ManyOutcome>> {
  const out = new Map<string, ManyOutcome>();
  if (m.rows.length === 0) return out;
  const transactional = m.transactional ?? false;
  const e = eligibilitySql({ workspace: '$1', topic: '$4', transactional, topicOf: m.topicOf });
  const limits: EmailLimits = transactional ? {} : (m.limits ?? {});
  const p = new Params([m.workspaceId, JSON.stringify(m.rows.map((r) => ({ c: r.contactId, k: r.key }))), m.templateId, m.topicId ?? null, transactional ? 'transactional' : 'workflow', m.now, m.timezone]);
  let held = 'null::timestamptz';
  let capped = 'null::timestamptz';
  if (limits.quietHours) {
    const from = p.add(limits.quietHours.from, 'text');
    const to = p.add(limits.quietHours.to, 'text');
    const t = `(($6::timestamptz at time zone r.tz)::time)`;
    held = `case when (${from}::time < ${to}::time and ${t} >= ${from}::time and ${t} < ${to}::time)
                   or (${from}::time > ${to}::time and (${t} >= ${from}::time or ${t} < ${to}::time))
              then ${waitUntilSql('$6::timestamptz', to, 'r.tz', null)} end`;
  }
  if (limits.perDay || limits.perWeek) {
    const parts: string[] = [];
    const start = (unit: 'day' | 'week') => `(date_trunc('${unit}', $6::timestamptz at time zone r.tz) at time zone r.tz)`;
    const next = (unit: 'day' | 'week') => `((date_trunc('${unit}', $6::timestamptz at time zone r.tz) + interval '1 ${unit}') at time zone r.tz)`;
    if (limits.perDay) parts.push(`when ${marketingSentSinceSql('$1', 'r.contact_id', start('day'))} >= ${p.add(limits.perDay, 'int')} then ${next('day')}`);
    if (limits.perWeek) parts.push(`when ${marketingSentSinceSql('$1', 'r.contact_id', start('week'))} >= ${p.add(limits.perWeek, 'int')} then ${next('week')}`);
    capped = `case ${parts.join(' ')} end`;
    // Two sends to the same contact at once count each other's messages: one waits for the other.
    await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.cap:' || c::text, 0)) from unnest($1::uuid[]) c order by c", [[...new Set(m.rows.map((r) => r.contactId))].sort()]);
  }
  const zoned = held !== 'null::timestamptz' || capped !== 'null::timestamptz';
  const rows = await tx.query<{ key: string; left_out: string | null; why: string | null; held_until: Date | null; capped_until: Date | null }>(
    `with r as materialized (
       select k.k as key, c.id as contact_id, c.email, ${e.leftOut} as left_out, ${e.why} as why, ${zoned ? contactTimeZoneSql('c', '$7::text') : '$7::text'} as tz
       from jsonb_to_recordset($2::jsonb) as k(c uuid, k text)
       join contacts c on c.id = k.c and c.workspace_id = $1
       ${e.join}),
     l as materialized (
       select r.*, case when r.left_out is null then ${held} end as held_until, case when r.left_out is null then ${capped} end as capped_until from r),
     ins as (
       insert into email_messages (workspace_id, contact_id, template_id, topic_id, kind, idempotency_key, to_email, created_at)
       select $1, l.contact_id, $3, $4, $5, l.key, l.email, $6 from l
       where l.left_out is null and l.held_until is null and l.capped_until is null
       on conflict (workspace_id, idempotency_key) do nothing
       returning idempotency_key)
     select l.key, l.left_out, l.why, l.held_until, l.capped_until from l`,
    p.values,
  );
  for (const r of rows) {
    if (r.left_out) out.set(r.key, { status: 'skipped', detail: r.why ?? r.left_out });
    else if (r.held_until) out.set(r.key, { status: 'held', until: new Date(r.held_until), detail: `quiet hours until ${limits.quietHours!.to} their time` });
    else if (r.capped_until) out.set(r.key, { status: 'capped', until: new Date(r.capped_until), detail: `reached the limit of ${describeCap(limits)} marketing emails` });
    else out.set(r.key, { status: 'queued' });
  }
  for (const r of m.rows) if (!out.has(r.key)) out.set(r.key, { status: 'skipped', detail: 'the contact was deleted' });
  return out;
}
