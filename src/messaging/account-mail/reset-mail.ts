// Password reset links by email (the tokens: src/accounts/password-reset.ts). A request is
// answered the same whether or not the address has an account (no enumeration) and at once:
// looking the person up, making the link and talking to the SMTP server happen after the
// answer, so neither the answer nor its timing tells.
//
// Where the link is mailed from: the instance's own SMTP server (RAPPORT_SMTP_URL) first;
// else the SMTP settings of a workspace the person belongs to, the one where they have the
// highest role. Never the built-in outbox: every member of a workspace can read its outbox,
// and the link lets whoever holds it into the account.
import nodemailer, { type Transporter } from 'nodemailer';
import { findUserByEmail } from '../../accounts/accounts.ts';
import { issueResetToken, RESET_LINK_MINUTES, resetLink, throttleResetRequest, withdrawResetToken } from '../../accounts/password-reset.ts';
import type { AppContext } from '../../server/context.ts';
import { senderFor } from '../delivery/transport.ts';

const pending = new Set<Promise<void>>();

/** Resolves when every reset mail asked for so far has been sent or given up (tests, shutdown). */
export async function passwordResetMailsSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Asks for a reset link. Throttled per address and per client address whether or not the
 * address has an account; the mail itself goes out after this returns.
 */
export async function requestPasswordReset(ctx: AppContext, email: string, ip: string): Promise<void> {
  await throttleResetRequest(ctx, email, ip);
  const work = mailResetLink(ctx, email).catch((err: unknown) => {
    // Nobody waits for this; the person asks again if nothing arrives.
    process.stderr.write(`password reset mail not sent: ${(err as Error).message}\n`);
  });
  pending.add(work);
  void work.finally(() => pending.delete(work));
}

async function mailResetLink(ctx: AppContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx, email);
  if (!user) return;
  const sender = await resetMailSender(ctx, user.id);
  if (!sender) return;
  const { id, token } = await issueResetToken(ctx, user.id);
  const message = resetMessage(resetLink(ctx, token), user.email, RESET_LINK_MINUTES);
  try {
    await sender.transport.sendMail({ from: sender.from, to: user.email, ...message });
  } catch (err) {
    await withdrawResetToken(ctx, id);
    throw err;
  }
}

export interface ResetMailSender {
  transport: Transporter;
  from: { name: string; address: string } | string;
  /** For the log: which SMTP settings sent it. */
  via: 'instance' | { workspaceId: string };
}

let instanceTransport: { url: string; transport: Transporter } | undefined;

// The instance's server is not held to the destination rules of workspaces' SMTP settings
// (src/messaging/delivery/destination.ts: no private addresses unless RAPPORT_SMTP_ALLOW_PRIVATE):
// the operator sets it in the environment, no workspace member can, and a relay on localhost
// is the usual case. A workspace's settings used below go through senderFor and its rules.
function instanceSender(ctx: AppContext): ResetMailSender | undefined {
  const url = ctx.config.smtpUrl;
  if (!url) return undefined;
  if (instanceTransport?.url !== url) {
    // Not pooled: a reset is a rare single message.
    instanceTransport = { url, transport: nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }) };
  }
  const host = new URL(ctx.config.publicUrl ?? 'http://localhost').hostname;
  return { transport: instanceTransport.transport, from: ctx.config.smtpFrom ?? { name: 'Rapport', address: `no-reply@${host}` }, via: 'instance' };
}

const ROLE_ORDER = `case m.role when 'owner' then 0 when 'admin' then 1 when 'marketer' then 2 else 3 end`;

/** The sender for one user's reset mail, or undefined when none can send it. */
export async function resetMailSender(ctx: AppContext, userId: string): Promise<ResetMailSender | undefined> {
  const instance = instanceSender(ctx);
  if (instance) return instance;
  const [ws] = await ctx.db.query<{ workspace_id: string }>(
    `select m.workspace_id from workspace_members m
     join email_settings s on s.workspace_id = m.workspace_id and s.smtp_host is not null and s.from_email is not null
     where m.user_id = $1 order by ${ROLE_ORDER}, m.created_at limit 1`,
    [userId],
  );
  if (!ws) return undefined;
  const sender = await senderFor(ctx, ws.workspace_id);
  if (sender.kind !== 'smtp' || !sender.transport) return undefined;
  return { transport: sender.transport, from: sender.from, via: { workspaceId: ws.workspace_id } };
}

/**
 * Whether reset links can be mailed on this instance at all: its own SMTP server, or any
 * workspace's. Said on the form before an address is typed, so it reveals nothing about one.
 */
export async function resetByEmailAvailable(ctx: AppContext): Promise<boolean> {
  if (ctx.config.smtpUrl) return true;
  const [row] = await ctx.db.query<{ any: boolean }>(
    'select exists (select 1 from email_settings where smtp_host is not null and from_email is not null) as any',
  );
  return Boolean(row?.any);
}

export function resetMessage(link: string, email: string, minutes: number): { subject: string; text: string; html: string } {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const lines = [
    `Someone asked to reset the password of the Rapport account ${email}.`,
    'To choose a new password, open this link:',
    link,
    `It works once, for ${minutes} minutes. Choosing a new password signs the account out everywhere.`,
    'If it was not you, ignore this email: your password stays as it is.',
  ];
  const html =
    `<p>${escape(lines[0]!)}</p><p>${escape(lines[1]!)}</p>` +
    `<p><a href="${escape(link)}">Choose a new password</a></p>` +
    `<p>${escape(lines[3]!)}</p><p>${escape(lines[4]!)}</p>`;
  return { subject: 'Reset your Rapport password', text: lines.join('\n\n') + '\n', html };
}

/** Closes the instance transport (tests). */
export function closeResetTransport(): void {
  instanceTransport?.transport.close();
  instanceTransport = undefined;
}
