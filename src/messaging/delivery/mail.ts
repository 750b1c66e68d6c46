// A message as it leaves, the same for broadcasts and single messages: the Nodemailer message
// (sender, Message-ID, unsubscribe headers for marketing mail), built into MIME on a worker
// thread (mime-pool.ts), and handed to the workspace's pooled SMTP transport as it is.
import type { SendMailOptions } from 'nodemailer';
import type { AppContext } from '../../server/context.ts';
import { unsubscribeUrl } from '../consent/unsubscribe.ts';
import { buildMime } from './mime-pool.ts';
import type { Sender } from './transport.ts';

export interface MailFields {
  id: string;
  workspaceId: string;
  contactId: string | null;
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The contact's unsubscribe link when the caller has it already. */
  unsubscribe?: string;
}

/** The Nodemailer message for a row: sender, Message-ID, and for marketing mail the unsubscribe headers. */
export function mailOf(ctx: AppContext, sender: Sender, m: MailFields): SendMailOptions {
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

/**
 * Sends one message over SMTP: built on a worker thread (MIME is most of what sending costs in
 * Node), then given to the pooled transport raw, with its envelope. Throws what Nodemailer
 * throws (see isPermanent, smtp-errors.ts).
 */
export async function transmit(ctx: AppContext, sender: Sender, m: MailFields): Promise<{ response?: string; messageId?: string }> {
  const raw = await buildMime(mailOf(ctx, sender, m));
  return sender.transport!.sendMail({ envelope: { from: sender.from.address, to: [m.to] }, raw });
}

/** A permanent SMTP refusal (5xx): retrying cannot help. */
export const isPermanent = (err: unknown) => {
  const code = (err as { responseCode?: number }).responseCode;
  return code !== undefined && code >= 500 && code < 600;
};
