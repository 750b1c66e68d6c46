// What providers tell us after a message left: it bounced (hard: the address does not work;
// soft: a temporary problem) or the recipient marked it as spam. Every format (the generic
// JSON, Postmark, Amazon SES) ends here, so the rules live in one place:
// - hard bounce: the message becomes 'bounced', the contact 'bounced', the address is
//   suppressed (reason 'bounced') and `email.bounced` goes on the spine;
// - soft bounce: only the event (the next message may well arrive);
// - complaint: the contact becomes 'complained', the address is suppressed ('complained') and
//   `email.complained` goes on the spine.
// A notification is applied once: its key (the provider's id, else its content) is recorded
// in `email_feedback` in the same transaction, and the event's message_id derives from it.
import { createHash } from 'node:crypto';
import { emailHash } from '../../contacts/gdpr.ts';
import { normalizeEmail } from '../../contacts/normalize.ts';
import type { SqlSession } from '../../db/client.ts';
import { notifyDataChanged } from '../../server/changes.ts';
import type { AppContext } from '../../server/context.ts';
import { recordEvents } from '../../events/record.ts';

export type FeedbackSource = 'generic' | 'postmark' | 'ses';
export type BounceType = 'hard' | 'soft';

export interface FeedbackInput {
  source: FeedbackSource;
  /** The recipient the notification is about. */
  email: string;
  /** Our Message-ID (`<uuid@rapport>`) or the bare id, when the provider passed it back. */
  messageId?: string | null;
  /** The provider's id of the message (SES mail.messageId, Postmark MessageID): matched in the SMTP answer we stored. */
  providerMessageId?: string | null;
  /** The provider's id of this notification, stable across its retries. */
  notificationId?: string | null;
  /** The receiving server's words (SMTP diagnostic, bounce description). */
  diagnostic?: string | null;
  /** When it happened, by the provider's clock (never later than now). */
  occurredAt?: Date | null;
}

export interface ComplaintInput extends FeedbackInput {
  /** The feedback report's type (abuse, fraud, …), when the provider says. */
  feedbackType?: string | null;
}

export interface FeedbackOutcome {
  /** applied: recorded now; duplicate: this notification was applied before. */
  status: 'applied' | 'duplicate';
  messageId: string | null;
  /** The contact with the address (null on a duplicate). */
  contactId: string | null;
}

/** Suppression reasons by strength: a stronger one replaces a weaker one, never the reverse. */
export const reasonRank = (column: string) =>
  `(case ${column} when 'erased' then 4 when 'complained' then 3 when 'bounced' then 2 when 'unsubscribed' then 1 else 0 end)`;
/** A contact's email status by the same order (subscribed and not_subscribed are the weakest). */
export const statusRank = (column: string) =>
  `(case ${column} when 'complained' then 3 when 'bounced' then 2 when 'unsubscribed' then 1 else 0 end)`;

const UUID = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:@rapport)?>?$/i;

/** The id of one of our messages in a Message-ID (`<uuid@rapport>`) or a bare uuid; undefined for anyone else's. */
export function ourMessageId(value: string | null | undefined): string | undefined {
  const m = value ? UUID.exec(value.trim()) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Our Message-ID anywhere in a text (a bounce's quoted headers, a provider's metadata). */
export function findOurMessageId(text: string | null | undefined): string | undefined {
  const m = text ? /<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@rapport>/i.exec(text) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

export function recordBounce(ctx: AppContext, workspaceId: string, input: FeedbackInput & { bounceType: BounceType }): Promise<FeedbackOutcome> {
  return recordFeedback(ctx, workspaceId, 'bounce', input);
}

export function recordComplaint(ctx: AppContext, workspaceId: string, input: ComplaintInput): Promise<FeedbackOutcome> {
  return recordFeedback(ctx, workspaceId, 'complaint', input);
}

interface MessageMatch {
  id: string;
  broadcast_id: string | null;
  state: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function addressOf(raw: string): string {
  const n = normalizeEmail(raw);
  return n.ok && n.value ? n.value : raw.trim().toLowerCase();
}

/** The message a notification is about: by our id when given (and sent to that address), else the latest sent to the address. */
async function findMessage(tx: SqlSession, workspaceId: string, address: string, ourId: string | undefined, providerId: string | null): Promise<MessageMatch | undefined> {
  if (ourId) {
    const [m] = await tx.query<MessageMatch>(
      'select id, broadcast_id, state from email_messages where id = $1 and workspace_id = $2 and lower(to_email) = $3',
      [ourId, workspaceId, address],
    );
    if (m) return m;
  }
  // The provider's own message id usually appears in the SMTP answer we stored ("250 Ok <id>"):
  // prefer that message, else the latest one sent to the address.
  const [m] = await tx.query<MessageMatch>(
    `select id, broadcast_id, state from email_messages
     where workspace_id = $1 and lower(to_email) = $2 and state in ('sent', 'bounced')
     order by ($3::text is not null and strpos(coalesce(server_message_id, ''), $3::text) > 0) desc, sent_at desc nulls last, id desc
     limit 1`,
    [workspaceId, address, providerId && providerId.length >= 6 ? providerId : null],
  );
  return m;
}

async function recordFeedback(
  ctx: AppContext,
  workspaceId: string,
  kind: 'bounce' | 'complaint',
  input: (FeedbackInput & { bounceType: BounceType }) | ComplaintInput,
): Promise<FeedbackOutcome> {
  const now = ctx.clock.now();
  const address = addressOf(input.email);
  const hash = emailHash(address);
  const bounceType = 'bounceType' in input ? input.bounceType : null;
  const ourId = ourMessageId(input.messageId);
  const providerId = input.providerMessageId?.trim() || null;
  const diagnostic = input.diagnostic?.trim().slice(0, 1000) || null;
  const occurredAt = input.occurredAt && !Number.isNaN(input.occurredAt.getTime()) && input.occurredAt < now ? input.occurredAt : now;

  const outcome = await ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'email-feedback', true)");
    const message = await findMessage(tx, workspaceId, address, ourId, providerId);
    // A retry of the same notification has the same key. Without a provider id, the content
    // says which notification it is: kind, recipient, message and diagnostic.
    const identity = input.notificationId
      ? [input.source, kind, bounceType ?? '', address, 'id', input.notificationId]
      : [input.source, kind, bounceType ?? '', address, 'content', ourId ?? providerId ?? message?.id ?? '', diagnostic ?? ''];
    const key = sha256(JSON.stringify(identity));
    const [fresh] = await tx.query<{ id: string }>(
      `insert into email_feedback (workspace_id, dedupe_key, kind, bounce_type, source, message_id, received_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (workspace_id, dedupe_key) do nothing returning id`,
      [workspaceId, key, kind, bounceType, input.source, message?.id ?? null, now],
    );
    if (!fresh) return { status: 'duplicate' as const, messageId: message?.id ?? null, contactId: null, changed: false };
    // The contact who has the address now (one who changed address since is not bounced).
    const [contact] = await tx.query<{ id: string }>('select id from contacts where workspace_id = $1 and email = $2 for update', [workspaceId, address]);

    const permanent = kind === 'complaint' || bounceType === 'hard';
    if (permanent) {
      const reason = kind === 'complaint' ? 'complained' : 'bounced';
      if (kind === 'bounce' && message) {
        await tx.query(
          "update email_messages set state = 'bounced', last_error = coalesce($3, last_error) where id = $1 and workspace_id = $2 and state = 'sent'",
          [message.id, workspaceId, diagnostic],
        );
      }
      await tx.query(
        `insert into suppressions as s (workspace_id, email_hash, reason, created_at) values ($1, $2, $3, $4)
         on conflict (workspace_id, email_hash) do update set reason = excluded.reason, created_at = excluded.created_at
         where ${reasonRank('s.reason')} < ${reasonRank('excluded.reason')}`,
        [workspaceId, hash, reason, now],
      );
      if (contact) {
        await tx.query(
          `update contacts set email_status = $3, updated_at = $4
           where id = $1 and workspace_id = $2 and ${statusRank('email_status')} < ${statusRank('$3::text')}`,
          [contact.id, workspaceId, reason, now],
        );
      }
    }
    if (contact) {
      const about = { message_id: message?.id ?? null, broadcast_id: message?.broadcast_id ?? null, provider: input.source };
      const base = { contactId: contact.id, occurredAt, receivedAt: now };
      await recordEvents(tx, workspaceId, 'email', [
        kind === 'complaint'
          ? { ...base, name: 'email.complained', properties: { ...about, feedback_type: (input as ComplaintInput).feedbackType ?? null }, messageId: `email.complained:${key}` }
          : { ...base, name: 'email.bounced', properties: { ...about, bounce_type: bounceType, diagnostic }, messageId: `email.bounced:${key}` },
      ]);
    }
    return { status: 'applied' as const, messageId: message?.id ?? null, contactId: contact?.id ?? null, changed: Boolean(contact) };
  });
  if (outcome.changed) notifyDataChanged(ctx, workspaceId);
  return { status: outcome.status, messageId: outcome.messageId, contactId: outcome.contactId };
}
