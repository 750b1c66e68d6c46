import path from 'node:path';

/** Everything Rapport reads from the environment, in one place (see README, "Configuration"). */
export interface Config {
  port: number;
  host: string;
  /** postgres://… when running on a PostgreSQL server; undefined means embedded PGlite. */
  databaseUrl: string | undefined;
  /** Where the embedded database, the instance secret and the lock file live. */
  dataDir: string;
  /** Key material for signing (CSRF, tracking links) and encrypting secrets at rest. */
  secret: string | undefined;
  /** Public base URL used in links the app shows (invitations). */
  publicUrl: string | undefined;
  logLevel: string;
  /** Mark session cookies `Secure` (on by default behind https public URLs). */
  secureCookies: boolean;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /**
   * How long a process sending a broadcast holds it without renewing (it renews after every
   * batch); when the process dies, another takes over after this long.
   */
  emailLeaseSeconds: number;
  /**
   * The instance's own SMTP server (smtp:// or smtps://user:pass@host:port), for mail that
   * belongs to no workspace: password resets. Unset: a workspace's SMTP settings are used.
   */
  smtpUrl: string | undefined;
  /** The From of the instance's own mail, e.g. `Rapport <no-reply@example.com>`. */
  smtpFrom: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number between 0 and 65535, got "${env.PORT}"`);
  }
  const publicUrl = env.RAPPORT_PUBLIC_URL || undefined;
  const bodyLimit = Number(env.RAPPORT_BODY_LIMIT ?? 1024 * 1024);
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new Error(`RAPPORT_BODY_LIMIT must be a positive number of bytes, got "${env.RAPPORT_BODY_LIMIT}"`);
  }
  const emailLeaseSeconds = Number(env.RAPPORT_EMAIL_LEASE_SECONDS ?? 60);
  if (!Number.isFinite(emailLeaseSeconds) || emailLeaseSeconds < 1) {
    throw new Error(`RAPPORT_EMAIL_LEASE_SECONDS must be a number of seconds (1 or more), got "${env.RAPPORT_EMAIL_LEASE_SECONDS}"`);
  }
  const smtpUrl = env.RAPPORT_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    throw new Error('RAPPORT_SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.RAPPORT_DATA_DIR ?? '.rapport'),
    secret: env.RAPPORT_SECRET || undefined,
    publicUrl,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.RAPPORT_SECURE_COOKIES
      ? env.RAPPORT_SECURE_COOKIES === 'true'
      : Boolean(publicUrl?.startsWith('https://')),
    bodyLimit,
    emailLeaseSeconds,
    smtpUrl,
    smtpFrom: env.RAPPORT_SMTP_FROM || undefined,
  };
}
