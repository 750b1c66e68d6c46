// Every message is a row with an idempotency key, queued, then delivered by a job: a cause
// sends once whatever retries happen; transient failures are retried with backoff by the job
// runner, permanent ones (5xx) stop; suppressed and unsubscribed addresses get nothing.
import type { SqlSession } from '../db/client.ts';
import { emailHash } from '../contacts/gdpr.ts';
import type { AppContext } from '../server/context.ts';
import type { SendMailOptions } from 'nodemailer';
import { DestinationError } from './destination.ts';
import { smtpErrorLine } from './smtp-errors.ts';
import { type Sender, senderFor } from './transport.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

export interface OutgoingMessage {
  contactId: string | null;
  templateId: string | null;
  kind: 'test' | 'broadcast' | 'workflow' | 'transactional';
  idempotencyKey: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Attempts before a transiently failing message is given up (the job runner spaces them out). */
export const MAX_ATTEMPTS = 5;

/**
 * Queues a message once per idempotency key, with its delivery job in the same transaction;
 * returns its id (the existing one on a repeat).
 */
export async function queueMessage(ctx: AppContext, workspaceId: string, m: OutgoingMessage): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const id = await insertMessage(ctx, tx, workspaceId, m);
    if (id.inserted) {
      await ctx.jobs.send('email.send', { messageId: id.id }, { db: { executeSql: async (text, values) => ({ rows: await tx.query(text, values) }) } });
    }
    return id.id;
  });
}

async function insertMessage(ctx: AppContext, tx: SqlSession, workspaceId: string, m: OutgoingMessage): Promise<{ id: string; inserted: boolean }> {
  const [row] = await tx.query<{ id: string; inserted: boolean }>(
    `with ins as (
       insert into email_messages (workspace_id, contact_id, template_id, kind, idempotency_key, to_email, subject, html, text, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (workspace_id, idempotency_key) do nothing
       returning id)
     select id, true as inserted from ins
     union all select id, false from email_messages where workspace_id = $1 and idempotency_key = $5 and not exists (select 1 from ins)`,
    [workspaceId, m.contactId, m.templateId, m.kind, m.idempotencyKey, m.to, m.subject, m.html, m.text, ctx.clock.now()],
  );
  return row!;
}

interface MessageRow {
  id: string;
  workspace_id: string;
  contact_id: string | null;
  kind: string;
  to_email: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
}

/** Whether an address must not get marketing mail: suppressed, or its contact unsubscribed, bounced or complained. */
async function isSuppressed(ctx: AppContext, m: MessageRow): Promise<string | undefined> {
  const [s] = await ctx.db.query<{ reason: string }>('select reason from suppressions where workspace_id = $1 and email_hash = $2', [m.workspace_id, emailHash(m.to_email)]);
  if (s) return `suppressed (${s.reason})`;
  if (!m.contact_id) return undefined;
  const [c] = await ctx.db.query<{ email_status: string }>('select email_status from contacts where id = $1 and workspace_id = $2', [m.contact_id, m.workspace_id]);
  if (c && c.email_status !== 'subscribed') return `the contact is ${c.email_status.replace('_', ' ')}`;
  return undefined;
}

/** The Nodemailer message for a row: sender, Message-ID, and for marketing mail the unsubscribe headers. */
export function mailOf(
  ctx: AppContext,
  sender: Sender,
  m: { id: string; workspaceId: string; contactId: string | null; kind: string; to: string; subject: string; html: string; text: string; unsubscribe?: string },
): SendMailOptions {
  // Marketing mail says how to leave, in the headers mail clients show as a button (RFC 8058).
  const unsubscribe = m.contactId && (m.kind === 'broadcast' || m.kind === 'workflow') ? (m.unsubscribe ?? unsubscribeUrl(ctx, m.workspaceId, m.contactId)) : undefined;
  return {
    from: sender.from,
    to: m.to,
    replyTo: sender.replyTo,
    subject: m.subject,
    html: m.html,
    text: m.text,
    // The same Message-ID on every attempt: a message that reached the server just before a
    // crash and is sent again is recognizably the same message (receivers drop duplicates).
    messageId: `<${m.id}@rapport>`,
    headers: {
      // Postmark hands X-PM-Metadata-* back in its bounce and complaint webhooks: the bounce is
      // matched to this message, not guessed from the address (other servers ignore it).
      'X-PM-Metadata-rapport-message-id': `<${m.id}@rapport>`,
      ...(unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    },
  };
}

/** A permanent SMTP refusal (5xx): retrying cannot help. */
export const isPermanent = (err: unknown) => {
  const code = (err as { responseCode?: number }).responseCode;
  return code !== undefined && code >= 500 && code < 600;
};

/**
 * Delivers one queued message (the `email.send` job). Throws on a transient failure so that
 * the runner retries it later; records a permanent one and stops.
 */
export async function deliverMessage(ctx: AppContext, messageId: string): Promise<void> {
  const [m] = await ctx.db.query<MessageRow>(
    `update email_messages set attempts = attempts + 1 where id = $1 and state = 'queued'
     returning id, workspace_id, contact_id, kind, to_email, subject, html, text, attempts`,
    [messageId],
  );
  if (!m) return; // sent, failed or suppressed already
  const finish = (state: string, fields: { transport?: string; error?: string; serverId?: string } = {}) =>
    ctx.db.query(
      `update email_messages set state = $2, transport = coalesce($3, transport), last_error = $4, server_message_id = $5,
              sent_at = case when $2 = 'sent' then $6::timestamptz else sent_at end
       where id = $1`,
      [m.id, state, fields.transport ?? null, fields.error ?? null, fields.serverId ?? null, ctx.clock.now()],
    );
  if (m.kind !== 'test' && m.kind !== 'transactional') {
    const why = await isSuppressed(ctx, m);
    if (why) return void (await finish('suppressed', { error: why }));
  }
  let sender: Sender;
  try {
    sender = await senderFor(ctx, m.workspace_id);
  } catch (err) {
    if (!(err instanceof DestinationError)) throw err;
    // A server this instance may not connect to: nothing to retry until the settings change.
    if (err.kind === 'refused' || m.attempts >= MAX_ATTEMPTS) return void (await finish('failed', { transport: 'smtp', error: err.message }));
    await ctx.db.query('update email_messages set last_error = $2 where id = $1', [m.id, err.message]);
    throw err;
  }
  if (sender.kind === 'outbox') return void (await finish('sent', { transport: 'outbox' }));
  try {
    const info = await sender.transport!.sendMail(mailOf(ctx, sender, { id: m.id, workspaceId: m.workspace_id, contactId: m.contact_id, kind: m.kind, to: m.to_email, subject: m.subject, html: m.html, text: m.text }));
    await finish('sent', { transport: 'smtp', serverId: String(info.response ?? info.messageId).slice(0, 500) });
  } catch (err) {
    // In Rapport's words: the far end may be anything listening on that port (not its banner).
    const error = smtpErrorLine(err);
    if (isPermanent(err) || m.attempts >= MAX_ATTEMPTS) return void (await finish('failed', { transport: 'smtp', error }));
    // Still queued: the runner's next attempt takes it again.
    await ctx.db.query('update email_messages set last_error = $2 where id = $1', [m.id, error]);
    throw err;
  }
}
