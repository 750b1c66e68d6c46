// Single messages: each is a row with an idempotency key, queued with its delivery job in one
// transaction, then delivered by the `email.send` job. A cause sends once whatever retries
// happen; transient failures are retried with backoff by the job runner, permanent ones (5xx)
// stop. Just before a message leaves it is checked again by the rule every send shares
// (consent/eligibility.ts): whoever unsubscribed, bounced or was deleted since gets nothing.
// It is built and sent as a broadcast's messages are (mail.ts: MIME on a worker thread), and
// a message that reached a contact goes on their timeline as `email.sent`.
// Messages from a template to a contact are queued by send-one.ts; test sends by
// templates/test-send.ts.
import type { SqlSession } from '../../db/client.ts';
import { uuidv7 } from '../../db/ids.ts';
import { recordEvents } from '../../events/record.ts';
import type { AppContext } from '../../server/context.ts';
import { eligibilitySql, type LeftOut } from '../consent/eligibility.ts';
import { DestinationError } from './destination.ts';
import { isPermanent, transmit } from './mail.ts';
import { smtpErrorLine } from './smtp-errors.ts';
import { type Sender, senderFor } from './transport.ts';

export type MessageKind = 'test' | 'broadcast' | 'workflow' | 'transactional';

export interface OutgoingMessage {
  /** The row's id, when the content already names it (tracking links); a new one otherwise. */
  id?: string;
  contactId: string | null;
  templateId: string | null;
  kind: MessageKind;
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
  return (await enqueueMessage(ctx, workspaceId, m)).id;
}

/** queueMessage, saying whether this call queued it (false: the key had a message already, whose id it returns). */
export async function enqueueMessage(ctx: AppContext, workspaceId: string, m: OutgoingMessage): Promise<{ id: string; inserted: boolean }> {
  return ctx.db.transaction(async (tx) => {
    const row = await insertMessage(ctx, tx, workspaceId, m);
    if (row.inserted) {
      await ctx.jobs.send('email.send', { messageId: row.id }, { db: { executeSql: async (text, values) => ({ rows: await tx.query(text, values) }) } });
    }
    return row;
  });
}

async function insertMessage(ctx: AppContext, tx: SqlSession, workspaceId: string, m: OutgoingMessage): Promise<{ id: string; inserted: boolean }> {
  const [row] = await tx.query<{ id: string }>(
    `insert into email_messages (id, workspace_id, contact_id, template_id, kind, idempotency_key, to_email, subject, html, text, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (workspace_id, idempotency_key) do nothing
     returning id`,
    [m.id ?? uuidv7(), workspaceId, m.contactId, m.templateId, m.kind, m.idempotencyKey, m.to, m.subject, m.html, m.text, ctx.clock.now()],
  );
  if (row) return { id: row.id, inserted: true };
  // The key was taken, maybe by a call that committed while this one waited on the unique
  // index: a statement of its own sees that row (the insert's snapshot did not).
  const [first] = await tx.query<{ id: string }>('select id from email_messages where workspace_id = $1 and idempotency_key = $2', [workspaceId, m.idempotencyKey]);
  return { id: first!.id, inserted: false };
}

interface MessageRow {
  id: string;
  workspace_id: string;
  contact_id: string | null;
  template_id: string | null;
  kind: MessageKind;
  to_email: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
}

/**
 * Why the message must not leave now (undefined: it may), by the shared rule for its address
 * and contact; a message whose contact was deleted goes nowhere. Test sends go to the team and
 * are not checked.
 */
async function leftOutNow(ctx: AppContext, m: MessageRow): Promise<string | undefined> {
  if (m.kind === 'test') return undefined;
  const e = eligibilitySql({ workspace: '$1', topic: 'null', contact: 'c', email: 'x.email', transactional: m.kind === 'transactional' });
  const [r] = await ctx.db.query<{ left_out: LeftOut | null; suppressed: string | null; email_status: string | null; known: boolean }>(
    `select ${e.leftOut} as left_out, sp.reason as suppressed, c.email_status, c.id is not null as known
     from (select $3::text as email) x
     left join contacts c on c.id = $2::uuid and c.workspace_id = $1
     ${e.join}`,
    [m.workspace_id, m.contact_id, m.to_email],
  );
  if (m.contact_id && !r?.known) return 'the contact was deleted';
  if (!r?.left_out) return undefined;
  // In the words single messages have always recorded.
  return r.left_out === 'suppressed' ? `suppressed (${r.suppressed})` : `the contact is ${(r.email_status ?? 'unknown').replace('_', ' ')}`;
}

/**
 * Delivers one queued message (the `email.send` job). Throws on a transient failure so that
 * the runner retries it later; records a permanent one and stops.
 */
export async function deliverMessage(ctx: AppContext, messageId: string): Promise<void> {
  const [m] = await ctx.db.query<MessageRow>(
    `update email_messages set attempts = attempts + 1 where id = $1 and state = 'queued'
     returning id, workspace_id, contact_id, template_id, kind, to_email, subject, html, text, attempts`,
    [messageId],
  );
  if (!m) return; // sent, failed or suppressed already
  const finish = (state: string, fields: { transport?: string; error?: string; serverId?: string } = {}) =>
    ctx.db.transaction(async (tx) => {
      const now = ctx.clock.now();
      await tx.query(
        `update email_messages set state = $2, transport = coalesce($3, transport), last_error = $4, server_message_id = $5,
                sent_at = case when $2 = 'sent' then $6::timestamptz else sent_at end
         where id = $1`,
        [m.id, state, fields.transport ?? null, fields.error ?? null, fields.serverId ?? null, now],
      );
      // On the contact's timeline, as a broadcast's messages are (a test send reached no contact).
      if (state === 'sent' && m.contact_id && m.kind !== 'test') {
        await recordEvents(tx, m.workspace_id, 'email', [
          {
            contactId: m.contact_id,
            name: 'email.sent',
            properties: { message_id: m.id, ...(m.template_id ? { template_id: m.template_id } : {}), subject: m.subject },
            occurredAt: now,
            messageId: `email.sent:${m.id}`,
          },
        ]);
      }
    });
  const why = await leftOutNow(ctx, m);
  if (why) return void (await finish('suppressed', { error: why }));
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
    const info = await transmit(ctx, sender, { id: m.id, workspaceId: m.workspace_id, contactId: m.contact_id, kind: m.kind, to: m.to_email, subject: m.subject, html: m.html, text: m.text });
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
