// Rendering a claimed message from a prepared template and handing it to the mail server (or
// the outbox), and writing the outcomes back with their `email.sent` events: the same for a
// broadcast's messages (broadcasts/run.ts) and for messages queued without content, rendered
// when they leave (templated.ts: workflow sends).
import { eventNameSql, insertEventsSql } from '../../events/record.ts';
import type { ScoreRow, SummaryRow } from '../../purchases/summary.ts';
import type { AppContext } from '../../server/context.ts';
import type { PreparedTemplate } from '../templates/prepared.ts';
import type { RenderData } from '../templates/render.ts';
import { addTracking, trackingLinks } from '../tracking/tracking.ts';
import { isPermanent, transmit } from './mail.ts';
import { MAX_ATTEMPTS } from './send.ts';
import { smtpErrorLine } from './smtp-errors.ts';
import type { Sender } from './transport.ts';

/** A claimed message with what rendering and the last check need (its contact, their orders, suppression, topic). */
export interface Claimed {
  id: string;
  contact_id: string;
  to_email: string;
  attempts: number;
  email: string | null;
  email_status: string | null;
  external_id: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  lifecycle_stage: string | null;
  properties: Record<string, unknown> | null;
  /** The contact's purchase summary rows (one per currency, most orders first). */
  purchases: SummaryRow[] | null;
  /** Their retention scores, when they have been scored. */
  scores: ScoreRow | null;
  /** What later domains add under roots of their own (loyalty), loaded after the claim. */
  extra?: Record<string, unknown>;
  suppressed: string | null;
  left_topic: boolean;
}

export interface Outcome {
  id: string;
  contact_id: string;
  state: 'sent' | 'failed' | 'suppressed' | 'queued';
  subject?: string | null;
  html?: string | null;
  text?: string | null;
  transport?: string | null;
  server?: string | null;
  error?: string | null;
  /** A transient failure of the connection, not of this message: the attempt is not counted. */
  uncount?: boolean;
  /** Refused for now: the next attempt waits this long. */
  retryInSeconds?: number;
}

/** The first wait after a message is refused for now (4xx); it doubles with each attempt. */
const RETRY_SECONDS = 30;

/** Connection problems that say nothing about the message: wait and try again later. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EPROTOCOL']);

/** Why a recipient must not get the message any more (they may have left since the start). */
export function stopReason(m: Claimed): string | undefined {
  if (m.email_status === null) return 'the contact was deleted';
  if (m.suppressed) return `on the suppression list (${m.suppressed})`;
  if (m.email_status !== 'subscribed') return `the contact is ${m.email_status.replace('_', ' ')}`;
  if (m.left_topic) return "the contact left the broadcast's topic";
  if (m.email !== m.to_email) return 'the contact changed address';
  return undefined;
}

export async function deliver(ctx: AppContext, sender: Sender, prepared: PreparedTemplate, m: Claimed, data: RenderData, base: string, ws: string, kind: 'broadcast' | 'workflow' | 'transactional'): Promise<Outcome> {
  const why = stopReason(m);
  if (why) return { id: m.id, contact_id: m.contact_id, state: 'suppressed', error: why };
  let rendered;
  try {
    rendered = await prepared.render(data);
  } catch (err) {
    return { id: m.id, contact_id: m.contact_id, state: 'failed', error: `the template could not be rendered: ${(err as Error).message.slice(0, 500)}` };
  }
  const html = addTracking(rendered.html, trackingLinks(ctx.secret, base, m.id), base);
  if (sender.kind === 'outbox') return { id: m.id, contact_id: m.contact_id, state: 'sent', subject: rendered.subject, html, text: rendered.text, transport: 'outbox' };
  try {
    const info = await transmit(ctx, sender, { id: m.id, workspaceId: ws, contactId: m.contact_id, kind, to: m.to_email, subject: rendered.subject, html, text: rendered.text, unsubscribe: data.links?.unsubscribe });
    return { id: m.id, contact_id: m.contact_id, state: 'sent', subject: rendered.subject, transport: 'smtp', server: String(info.response ?? '').slice(0, 500) };
  } catch (err) {
    const e = err as { code?: string };
    // In Rapport's words: the far end may be anything listening on that port (not its banner).
    const error = smtpErrorLine(err);
    if (isPermanent(err)) return { id: m.id, contact_id: m.contact_id, state: 'failed', subject: rendered.subject, transport: 'smtp', error };
    if (e.code && CONNECTION_CODES.has(e.code)) return { id: m.id, contact_id: m.contact_id, state: 'queued', error, uncount: true };
    if (m.attempts >= MAX_ATTEMPTS) return { id: m.id, contact_id: m.contact_id, state: 'failed', subject: rendered.subject, error };
    return { id: m.id, contact_id: m.contact_id, state: 'queued', subject: rendered.subject, error, retryInSeconds: RETRY_SECONDS * 2 ** (m.attempts - 1) };
  }
}

/** Outcomes and their `email.sent` events, in one transaction. */
export async function writeOutcomes(ctx: AppContext, workspaceId: string, broadcastId: string | null, templateId: string | null, outcomes: Outcome[]): Promise<void> {
  const now = ctx.clock.now();
  const rows = JSON.stringify(outcomes.map((o) => ({ ...o, uncount: o.uncount ?? false, retry_at: o.retryInSeconds ? new Date(now.getTime() + o.retryInSeconds * 1000) : null })));
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `update email_messages m set state = r.state, subject = coalesce(r.subject, m.subject), html = r.html, text = r.text,
              transport = coalesce(r.transport, m.transport), server_message_id = r.server, last_error = r.error,
              attempts = m.attempts - case when r.uncount then 1 else 0 end, retry_at = r.retry_at,
              sent_at = case when r.state = 'sent' then $2::timestamptz end
       from json_to_recordset($1::json) as r(id uuid, state text, subject text, html text, text text, transport text, server text, error text, uncount boolean, retry_at timestamptz)
       where m.id = r.id and m.state = 'sending'`,
      [rows, now],
    );
    await tx.query(
      insertEventsSql(
        `select $2, r.contact_id, ${eventNameSql('email.sent')}, jsonb_strip_nulls(jsonb_build_object('message_id', r.id, 'broadcast_id', $3::uuid, 'template_id', $4::uuid, 'subject', r.subject)), $5, $5, 'email', 'email.sent:' || r.id
         from json_to_recordset($1::json) as r(id uuid, contact_id uuid, state text, subject text)
         where r.state = 'sent'`,
      ),
      [rows, workspaceId, broadcastId, templateId, now],
    );
  });
}

