// How a workspace's mail leaves: its SMTP server through a pooled Nodemailer transport, or,
// with no SMTP configured, the built-in outbox (the message row itself, shown in the app), so
// that a fresh install works end to end.
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../server/context.ts';
import { badRequest } from '../server/errors.ts';
import { closeMimePool } from './mime-pool.ts';
import { decryptSecret, encryptSecret } from './secrets.ts';

export interface EmailSettings {
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecurity: 'tls' | 'starttls' | 'none';
  smtpUser: string | null;
  /** Never returned: only whether one is stored. */
  passwordSet: boolean;
  fromName: string;
  fromEmail: string | null;
  replyTo: string | null;
}

interface SettingsRow {
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: 'tls' | 'starttls' | 'none';
  smtp_user: string | null;
  smtp_password_encrypted: string | null;
  from_name: string;
  from_email: string | null;
  reply_to: string | null;
  updated_at: Date;
}

async function loadRow(ctx: AppContext, workspaceId: string): Promise<SettingsRow | undefined> {
  const [row] = await ctx.db.query<SettingsRow>('select * from email_settings where workspace_id = $1', [workspaceId]);
  return row;
}

export async function getEmailSettings(ctx: AppContext, workspaceId: string): Promise<EmailSettings> {
  const r = await loadRow(ctx, workspaceId);
  return {
    smtpHost: r?.smtp_host ?? null,
    smtpPort: r?.smtp_port ?? null,
    smtpSecurity: r?.smtp_security ?? 'starttls',
    smtpUser: r?.smtp_user ?? null,
    passwordSet: Boolean(r?.smtp_password_encrypted),
    fromName: r?.from_name ?? '',
    fromEmail: r?.from_email ?? null,
    replyTo: r?.reply_to ?? null,
  };
}

export interface SettingsInput {
  smtpHost?: string | null;
  smtpPort?: number | null;
  smtpSecurity?: 'tls' | 'starttls' | 'none';
  smtpUser?: string | null;
  /** A new password; null removes it; left out keeps the stored one. */
  smtpPassword?: string | null;
  fromName?: string;
  fromEmail?: string | null;
  replyTo?: string | null;
}

export async function saveEmailSettings(ctx: AppContext, workspaceId: string, input: SettingsInput): Promise<EmailSettings> {
  const current = await getEmailSettings(ctx, workspaceId);
  const next = { ...current, ...input };
  if (next.smtpHost && !next.fromEmail) throw badRequest('Sending over SMTP needs a from address.', [{ path: 'body.fromEmail', message: 'is required with an SMTP host' }]);
  const password =
    input.smtpPassword === undefined ? undefined : input.smtpPassword === null || input.smtpPassword === '' ? null : encryptSecret(ctx.secret, input.smtpPassword);
  await ctx.db.query(
    `insert into email_settings (workspace_id, smtp_host, smtp_port, smtp_security, smtp_user, smtp_password_encrypted, from_name, from_email, reply_to, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (workspace_id) do update set smtp_host = $2, smtp_port = $3, smtp_security = $4, smtp_user = $5,
       smtp_password_encrypted = case when $11 then $6 else email_settings.smtp_password_encrypted end,
       from_name = $7, from_email = $8, reply_to = $9, updated_at = $10`,
    [workspaceId, next.smtpHost, next.smtpPort, next.smtpSecurity, next.smtpUser, password ?? null, next.fromName, next.fromEmail, next.replyTo, ctx.clock.now(), password !== undefined],
  );
  forgetTransport(workspaceId);
  return getEmailSettings(ctx, workspaceId);
}

/** How a workspace's SMTP pool is sized (the email benchmark's reference uses the same). */
export const POOL = { maxConnections: 8, maxMessages: 500, inFlight: 32 };

// One pooled transport per workspace and settings version, kept while the process runs.
const transports = new Map<string, { version: number; transport: Transporter }>();

function forgetTransport(workspaceId: string): void {
  transports.get(workspaceId)?.transport.close();
  transports.delete(workspaceId);
}

export interface Sender {
  kind: 'smtp' | 'outbox';
  from: { name: string; address: string };
  replyTo?: string;
  transport?: Transporter;
}

/** The workspace's way out: SMTP when configured, else the outbox. */
export async function senderFor(ctx: AppContext, workspaceId: string): Promise<Sender> {
  const r = await loadRow(ctx, workspaceId);
  const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
  const from = { name: r?.from_name || ws?.name || 'Rapport', address: r?.from_email || 'outbox@rapport.invalid' };
  if (!r?.smtp_host) return { kind: 'outbox', from };
  const version = new Date(r.updated_at).getTime();
  let cached = transports.get(workspaceId);
  if (!cached || cached.version !== version) {
    forgetTransport(workspaceId);
    const transport = nodemailer.createTransport({
      pool: true,
      // Eight connections at most, each reused for up to 500 messages (Nodemailer's default
      // of 100 reconnects often in a broadcast; most providers accept far more per connection).
      maxConnections: POOL.maxConnections,
      maxMessages: POOL.maxMessages,
      host: r.smtp_host,
      port: r.smtp_port ?? (r.smtp_security === 'tls' ? 465 : 587),
      secure: r.smtp_security === 'tls',
      requireTLS: r.smtp_security === 'starttls',
      ignoreTLS: r.smtp_security === 'none',
      auth: r.smtp_user ? { user: r.smtp_user, pass: r.smtp_password_encrypted ? decryptSecret(ctx.secret, r.smtp_password_encrypted) : '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    cached = { version, transport };
    transports.set(workspaceId, cached);
  }
  return { kind: 'smtp', from, replyTo: r.reply_to ?? undefined, transport: cached.transport };
}

/** Connects and authenticates to the configured server; a clear message when it cannot. */
export async function testConnection(ctx: AppContext, workspaceId: string): Promise<{ ok: true; kind: 'smtp' | 'outbox' }> {
  const sender = await senderFor(ctx, workspaceId);
  if (sender.kind === 'outbox') return { ok: true, kind: 'outbox' };
  try {
    await sender.transport!.verify();
    return { ok: true, kind: 'smtp' };
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; message: string };
    const hint = e.code === 'EAUTH' ? 'the server refused the user name or password' : e.code === 'ECONNECTION' || e.code === 'ESOCKET' ? 'the server could not be reached (host, port or TLS mode)' : 'the server answered with an error';
    throw badRequest(`The SMTP test failed: ${hint}. (${e.message.slice(0, 300)})`, [{ path: 'body', message: hint }]);
  }
}

/** Closes pooled connections and the message-building threads (shutdown, tests). */
export function closeTransports(): void {
  for (const id of [...transports.keys()]) forgetTransport(id);
  void closeMimePool();
}
