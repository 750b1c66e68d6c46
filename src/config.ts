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
  /** How long a process running an import may go without renewing its hold on it (RAPPORT_IMPORT_LEASE_SECONDS). */
  importLeaseSeconds: number;
  /**
   * How long a social post being handed to its network is left to the process doing it
   * (RAPPORT_SOCIAL_LEASE_SECONDS); past it, another process looks the post up on the network
   * and records it, or publishes it under the same key.
   */
  socialLeaseSeconds: number;
  /**
   * The instance's own SMTP server (smtp:// or smtps://user:pass@host:port), for mail that
   * belongs to no workspace: password resets. Unset: a workspace's SMTP settings are used.
   */
  smtpUrl: string | undefined;
  /** The From of the instance's own mail, e.g. `Rapport <no-reply@example.com>`. */
  smtpFrom: string | undefined;
  /**
   * Whether workspaces' SMTP settings may point at loopback and private network addresses
   * (RAPPORT_SMTP_ALLOW_PRIVATE): off by default, so that "Test connection" cannot probe the
   * network the server runs in; on for an instance whose mail relay is on the LAN or localhost.
   * Link-local, metadata and unspecified addresses are refused whatever this says.
   */
  smtpAllowPrivate: boolean;
  /**
   * Whether workflows' webhook steps may call loopback and private network addresses
   * (RAPPORT_WEBHOOK_ALLOW_PRIVATE): off by default, so that a URL typed by a workspace member
   * cannot reach the network the server runs in. Metadata and link-local addresses never.
   */
  webhookAllowPrivate: boolean;
  /**
   * Whether social accounts may live on loopback and private network addresses
   * (RAPPORT_SOCIAL_ALLOW_PRIVATE): off by default, so that a server address typed by a
   * workspace member cannot reach the network Rapport runs in; on for a Mastodon server on the LAN.
   */
  socialAllowPrivate: boolean;
  /**
   * Who may create a workspace from the app or the API (RAPPORT_WORKSPACE_CREATION): `anyone`
   * signed in, `admins` (owners and admins of a workspace, the default) or `operators` (only
   * first-run setup and the `rapport` command).
   */
  workspaceCreation: WorkspaceCreation;
}

export const WORKSPACE_CREATION = ['anyone', 'admins', 'operators'] as const;
export type WorkspaceCreation = (typeof WORKSPACE_CREATION)[number];

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = (env[name] ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  throw new Error(`${name} must be 1 or 0 (true or false), got "${env[name]}"`);
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
  const importLeaseSeconds = Number(env.RAPPORT_IMPORT_LEASE_SECONDS ?? 60);
  if (!Number.isFinite(importLeaseSeconds) || importLeaseSeconds < 1) {
    throw new Error(`RAPPORT_IMPORT_LEASE_SECONDS must be a number of seconds (1 or more), got "${env.RAPPORT_IMPORT_LEASE_SECONDS}"`);
  }
  const socialLeaseSeconds = Number(env.RAPPORT_SOCIAL_LEASE_SECONDS ?? 120);
  if (!Number.isFinite(socialLeaseSeconds) || socialLeaseSeconds < 1) {
    throw new Error(`RAPPORT_SOCIAL_LEASE_SECONDS must be a number of seconds (1 or more), got "${env.RAPPORT_SOCIAL_LEASE_SECONDS}"`);
  }
  const smtpUrl = env.RAPPORT_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    throw new Error('RAPPORT_SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  const workspaceCreation = (env.RAPPORT_WORKSPACE_CREATION || 'admins') as WorkspaceCreation;
  if (!WORKSPACE_CREATION.includes(workspaceCreation)) {
    throw new Error(`RAPPORT_WORKSPACE_CREATION must be one of ${WORKSPACE_CREATION.join(', ')}, got "${env.RAPPORT_WORKSPACE_CREATION}"`);
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
    importLeaseSeconds,
    socialLeaseSeconds,
    smtpUrl,
    smtpFrom: env.RAPPORT_SMTP_FROM || undefined,
    smtpAllowPrivate: flag(env, 'RAPPORT_SMTP_ALLOW_PRIVATE'),
    webhookAllowPrivate: flag(env, 'RAPPORT_WEBHOOK_ALLOW_PRIVATE'),
    socialAllowPrivate: flag(env, 'RAPPORT_SOCIAL_ALLOW_PRIVATE'),
    workspaceCreation,
  };
}
