// How a workspace's mail leaves: its SMTP server through a pooled Nodemailer transport, or,
// with no SMTP configured, the built-in outbox (the message row itself, shown in the app), so
// that a fresh install works end to end. Where it may connect is checked first
// (destination.ts), and the connection goes to the address that was checked.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { AppContext } from '../../server/context.ts';
import { badRequest } from '../../errors.ts';
import { checkDestination, type Destination, DestinationError } from './destination.ts';
import { closeMimePool } from './mime-pool.ts';
import { decryptSecret, encryptSecret } from './secrets.ts';
import { describeSmtpError } from './smtp-errors.ts';

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

/** The port connected to: the one set, else the usual one for the security mode. */
const portOf = (port: number | null, security: 'tls' | 'starttls' | 'none') => port ?? (security === 'tls' ? 465 : 587);

/** The destination rules of this instance (RAPPORT_SMTP_ALLOW_PRIVATE). */
const rulesOf = (ctx: AppContext) => ({ allowPrivate: ctx.config.smtpAllowPrivate });

/** A refused destination as the 400 that says which setting to change. */
export function destinationRefusal(err: DestinationError) {
  return badRequest(err.message, [{ path: err.field, message: err.issue }]);
}

export async function saveEmailSettings(ctx: AppContext, workspaceId: string, input: SettingsInput): Promise<EmailSettings> {
  const current = await getEmailSettings(ctx, workspaceId);
  const next = { ...current, ...input };
  if (next.smtpHost && !next.fromEmail) throw badRequest('Sending over SMTP needs a from address.', [{ path: 'fromEmail', message: 'is required with an SMTP host' }]);
  if (next.smtpHost && (input.smtpHost !== undefined || input.smtpPort !== undefined || input.smtpSecurity !== undefined)) {
    // Checked on save so that the form says at once what cannot work; checked again at every
    // connection, since DNS answers change. A name that does not resolve (yet) may be saved.
    try {
      await checkDestination(next.smtpHost, portOf(next.smtpPort, next.smtpSecurity), rulesOf(ctx));
    } catch (err) {
      if (!(err instanceof DestinationError)) throw err;
      if (err.kind === 'refused') throw destinationRefusal(err);
    }
  }
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

/** How long a checked address is used before the name is resolved and checked again. */
const RECHECK_MS = 5 * 60_000;

interface CachedTransport {
  version: number;
  transport: Transporter;
  destination: Destination;
  checkedAt: number;
}
// One pooled transport per workspace and settings version, kept while the process runs.
const transports = new Map<string, CachedTransport>();

function forgetTransport(workspaceId: string): void {
  transports.get(workspaceId)?.transport.close();
  transports.delete(workspaceId);
}

/** Nodemailer's options for a workspace's server, connecting to the checked address. */
function transportOptions(ctx: AppContext, r: SettingsRow, destination: Destination): SMTPPool.Options {
  return {
    host: destination.address,
    port: destination.port,
    // The certificate is verified against the name typed, not the address connected to.
    ...(destination.servername ? { servername: destination.servername, tls: { servername: destination.servername } } : {}),
    secure: r.smtp_security === 'tls',
    requireTLS: r.smtp_security === 'starttls',
    ignoreTLS: r.smtp_security === 'none',
    auth: r.smtp_user ? { user: r.smtp_user, pass: r.smtp_password_encrypted ? decryptSecret(ctx.secret, r.smtp_password_encrypted) : '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

function createPooledTransport(ctx: AppContext, r: SettingsRow, destination: Destination): Transporter {
  return nodemailer.createTransport({
    ...transportOptions(ctx, r, destination),
    pool: true,
    // Eight connections at most, each reused for up to 500 messages (Nodemailer's default
    // of 100 reconnects often in a broadcast; most providers accept far more per connection).
    maxConnections: POOL.maxConnections,
    maxMessages: POOL.maxMessages,
  });
}

export interface Sender {
  kind: 'smtp' | 'outbox';
  from: { name: string; address: string };
  replyTo?: string;
  transport?: Transporter;
}

/** The checked destination of a workspace's transport: reused, or checked again when it is old. */
async function currentDestination(ctx: AppContext, host: string, r: SettingsRow, cached: CachedTransport | undefined): Promise<{ destination: Destination; checked: boolean }> {
  if (cached && Date.now() - cached.checkedAt < RECHECK_MS) return { destination: cached.destination, checked: false };
  try {
    const fresh = await checkDestination(host, portOf(r.smtp_port, r.smtp_security), rulesOf(ctx));
    // Still among the addresses the name has: keep the connections open to it.
    return { destination: cached && fresh.addresses.includes(cached.destination.address) ? cached.destination : fresh, checked: true };
  } catch (err) {
    // DNS briefly failing does not stop mail going to the address checked before.
    if (err instanceof DestinationError && err.kind === 'unresolved' && cached) return { destination: cached.destination, checked: true };
    throw err;
  }
}

/**
 * The workspace's way out: SMTP when configured, else the outbox. Throws a DestinationError
 * when the SMTP server may not (or cannot, DNS) be connected to now.
 */
export async function senderFor(ctx: AppContext, workspaceId: string): Promise<Sender> {
  const r = await loadRow(ctx, workspaceId);
  const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
  const from = { name: r?.from_name || ws?.name || 'Rapport', address: r?.from_email || 'outbox@rapport.invalid' };
  if (!r?.smtp_host) return { kind: 'outbox', from };
  const version = new Date(r.updated_at).getTime();
  let cached = transports.get(workspaceId);
  if (cached && cached.version !== version) {
    forgetTransport(workspaceId);
    cached = undefined;
  }
  let current: { destination: Destination; checked: boolean };
  try {
    current = await currentDestination(ctx, r.smtp_host, r, cached);
  } catch (err) {
    forgetTransport(workspaceId);
    throw err;
  }
  const { destination } = current;
  if (cached?.destination === destination) {
    if (current.checked) cached.checkedAt = Date.now();
  } else {
    forgetTransport(workspaceId);
    cached = { version, transport: createPooledTransport(ctx, r, destination), destination, checkedAt: Date.now() };
    transports.set(workspaceId, cached);
  }
  return { kind: 'smtp', from, replyTo: r.reply_to ?? undefined, transport: cached.transport };
}

/** Somewhere to put what the far server said (never shown to the user). */
export interface DetailLog {
  warn(detail: object, message: string): void;
}

/**
 * Connects and authenticates to the configured server, freshly checked, on a connection of
 * its own; a clear message when it cannot, in Rapport's words only.
 */
export async function testConnection(ctx: AppContext, workspaceId: string, log?: DetailLog): Promise<{ ok: true; kind: 'smtp' | 'outbox' }> {
  const r = await loadRow(ctx, workspaceId);
  if (!r?.smtp_host) return { ok: true, kind: 'outbox' };
  let destination: Destination;
  try {
    destination = await checkDestination(r.smtp_host, portOf(r.smtp_port, r.smtp_security), rulesOf(ctx));
  } catch (err) {
    if (!(err instanceof DestinationError)) throw err;
    if (err.kind === 'refused') throw destinationRefusal(err);
    throw badRequest(`The SMTP test failed: ${err.message}`, [{ path: 'smtpHost', message: err.issue }]);
  }
  const transport = nodemailer.createTransport(transportOptions(ctx, r, destination));
  try {
    await transport.verify();
    return { ok: true, kind: 'smtp' };
  } catch (err) {
    const failure = describeSmtpError(err);
    const e = err as { message?: string; response?: string; command?: string };
    log?.warn({ workspaceId, host: r.smtp_host, address: destination.address, port: destination.port, code: failure.code, command: e.command, detail: String(e.message ?? '').slice(0, 500) }, 'SMTP connection test failed');
    throw badRequest(`The SMTP test of ${r.smtp_host} port ${destination.port} failed: ${failure.message} (${failure.code}).`, [{ path: 'body', message: failure.message }]);
  } finally {
    transport.close();
  }
}

/** Closes pooled connections and the message-building threads (shutdown, tests). */
export function closeTransports(): void {
  for (const id of [...transports.keys()]) forgetTransport(id);
  void closeMimePool();
}
