// Connected accounts: signing in to a network once (the credentials kept encrypted, like the
// SMTP password), what each account's server accepts, its rate-limit window, and opening a
// connection for the jobs. Connecting an account starts listening to its mentions.
import { ensureDefinitions } from '../contacts/properties.ts';
import type { SqlSession } from '../db/client.ts';
import { invalid, notFound } from '../errors.ts';
import { checkHost } from '../messaging/delivery/destination.ts';
import { decryptSecret, encryptSecret } from '../messaging/delivery/secrets.ts';
import type { AppContext } from '../server/context.ts';
import { HANDLE_PROPERTY } from './handles.ts';
import { bluesky } from './networks/bluesky.ts';
import { mastodonAdapter } from './networks/mastodon.ts';
import { type Adapter, type Connection, type Credentials, type Limits, type Network, NetworkError } from './networks/types.ts';

export const ADAPTERS: Record<Network, Adapter> = { bluesky, mastodon: mastodonAdapter };

export interface SocialAccount {
  id: string;
  network: Network;
  serverUrl: string;
  remoteId: string;
  handle: string;
  displayName: string;
  state: 'connected' | 'failed';
  lastError: string | null;
  limits: Limits;
  rate: { limit: number; remaining: number; resetAt: Date } | null;
  createdAt: Date;
}

export interface AccountRow {
  id: string;
  workspace_id: string;
  network: Network;
  server_url: string;
  remote_id: string;
  handle: string;
  display_name: string;
  credentials: string;
  session: string | null;
  limits: Partial<Limits>;
  state: 'connected' | 'failed';
  last_error: string | null;
  rate_limit: number | null;
  rate_remaining: number | null;
  rate_reset_at: Date | null;
  created_at: Date;
}

export function accountOf(r: AccountRow): SocialAccount {
  return {
    id: r.id,
    network: r.network,
    serverUrl: r.server_url,
    remoteId: r.remote_id,
    handle: r.handle,
    displayName: r.display_name,
    state: r.state,
    lastError: r.last_error,
    limits: { ...ADAPTERS[r.network].limits, ...r.limits },
    rate: r.rate_limit !== null && r.rate_remaining !== null && r.rate_reset_at ? { limit: r.rate_limit, remaining: r.rate_remaining, resetAt: r.rate_reset_at } : null,
    createdAt: r.created_at,
  };
}

/** https://mastodon.social from "mastodon.social", "https://mastodon.social/", "@ann@mastodon.social"… */
export function serverUrlOf(raw: string): string {
  let s = raw.trim();
  if (!s) throw invalid('invalid_server', 'Give the address of the server, such as mastodon.social or https://bsky.social.', [{ path: 'serverUrl', message: 'Required' }]);
  const acct = /^@?[\w.-]+@([\w.-]+\.\w+)$/.exec(s);
  if (acct) s = acct[1]!;
  if (!/^https?:\/\//i.test(s)) s = `https://${s}`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw invalid('invalid_server', `“${raw}” is not a server address. Give one such as mastodon.social or https://bsky.social.`, [{ path: 'serverUrl', message: 'Not an address' }]);
  }
  return url.origin;
}

/** Refuses a server on the network Rapport runs in (unless the operator allows it). */
export async function checkServer(ctx: AppContext, serverUrl: string): Promise<void> {
  const host = new URL(serverUrl).hostname;
  const checked = await checkHost(host, { allowPrivate: ctx.config.socialAllowPrivate });
  if (checked.outcome === 'unresolved') throw invalid('invalid_server', `${host} ${checked.why}; check the server's address.`, [{ path: 'serverUrl', message: checked.why }]);
  if (checked.outcome === 'refused') {
    const fix = checked.refused === 'private' || checked.refused === 'loopback' ? ' An operator can allow private addresses with RAPPORT_SOCIAL_ALLOW_PRIVATE=1.' : '';
    throw invalid('invalid_server', `The server ${host} is on a network Rapport does not call.${fix}`, [{ path: 'serverUrl', message: 'Refused address' }]);
  }
}

export interface ConnectInput {
  network: Network;
  serverUrl: string;
  /** Bluesky: the handle. */
  identifier?: string;
  /** Bluesky: an app password; Mastodon: an access token. */
  secret: string;
}

const SELECT = 'select * from social_accounts';

/** Signs in, then keeps the account (again: its credentials are replaced) and listens to its mentions. */
export async function connectAccount(ctx: AppContext, workspaceId: string, userId: string | null, input: ConnectInput): Promise<SocialAccount> {
  const adapter = ADAPTERS[input.network];
  const serverUrl = serverUrlOf(input.serverUrl);
  await checkServer(ctx, serverUrl);
  const credentials: Credentials = { serverUrl, identifier: input.identifier?.trim().replace(/^@/, ''), secret: input.secret.trim() };
  let connection: Connection;
  try {
    connection = await adapter.connect(credentials);
  } catch (e) {
    if (e instanceof NetworkError) throw invalid('connect_failed', e.message, [{ path: 'secret', message: e.message }]);
    throw e;
  }
  const sealed = encryptSecret(ctx.secret, JSON.stringify(credentials));
  const session = connection.session();
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<AccountRow>(
      `insert into social_accounts (workspace_id, network, server_url, remote_id, handle, display_name, credentials, session, limits, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       on conflict (workspace_id, network, server_url, remote_id) do update set server_url = excluded.server_url, handle = excluded.handle,
         display_name = excluded.display_name, credentials = excluded.credentials, session = excluded.session, limits = excluded.limits,
         state = 'connected', last_error = null, updated_at = excluded.updated_at
       returning *`,
      [
        workspaceId,
        input.network,
        serverUrl,
        connection.account.remoteId,
        connection.account.handle,
        connection.account.displayName,
        sealed,
        session ? encryptSecret(ctx.secret, session) : null,
        JSON.stringify(connection.limits),
        userId,
        now,
      ],
    );
    await tx.query(`insert into social_streams (workspace_id, account_id, kind, query, next_fetch_at) values ($1, $2, 'mentions', '', $3) on conflict do nothing`, [workspaceId, row!.id, now]);
    // The contact field that ties a contact to their handle on this network.
    await ensureDefinitions(tx, workspaceId, [{ key: HANDLE_PROPERTY[input.network], type: 'string', label: `${adapter.label} handle` }], now);
    return accountOf(row!);
  });
}

export async function listAccounts(db: SqlSession, workspaceId: string): Promise<SocialAccount[]> {
  const rows = await db.query<AccountRow>(`${SELECT} where workspace_id = $1 order by network, handle`, [workspaceId]);
  return rows.map(accountOf);
}

export async function accountRow(db: SqlSession, workspaceId: string, id: string): Promise<AccountRow> {
  const [row] = await db.query<AccountRow>(`${SELECT} where workspace_id = $1 and id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The social account');
  return row;
}

/** Disconnects: the account, its streams and its deliveries go; the mentions found stay. */
export async function removeAccount(db: SqlSession, workspaceId: string, id: string): Promise<void> {
  const rows = await db.query('delete from social_accounts where workspace_id = $1 and id = $2 returning id', [workspaceId, id]);
  if (rows.length === 0) throw notFound('The social account');
}

/** Signs in with the kept credentials (or the kept session). A refusal marks the account failed, in the network's words. */
export async function openConnection(ctx: AppContext, row: AccountRow, adapters: Record<Network, Adapter> = ADAPTERS): Promise<Connection> {
  const credentials = JSON.parse(decryptSecret(ctx.secret, row.credentials)) as Credentials;
  try {
    await checkServer(ctx, row.server_url);
    const session = row.session ? decryptSecret(ctx.secret, row.session) : null;
    return await adapters[row.network].connect(credentials, session);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof NetworkError) || !e.transient) {
      await ctx.db.query(`update social_accounts set state = 'failed', last_error = $2, updated_at = $3 where id = $1`, [row.id, message, ctx.clock.now()]);
    }
    throw e;
  }
}

/** Keeps what a connection learnt: its session, its rate-limit window (reported, or counted where the network reports none). */
export async function saveConnection(ctx: AppContext, row: AccountRow, connection: Connection, requests: number): Promise<void> {
  const now = ctx.clock.now();
  const reported = connection.rate();
  const session = connection.session();
  let window = reported;
  if (!window) {
    const budget = connection.limits.rateLimit;
    const fresh = !row.rate_reset_at || row.rate_reset_at <= now;
    window = fresh
      ? { limit: budget.requests, remaining: Math.max(0, budget.requests - requests), resetAt: new Date(now.getTime() + budget.windowSeconds * 1000) }
      : { limit: row.rate_limit ?? budget.requests, remaining: Math.max(0, (row.rate_remaining ?? budget.requests) - requests), resetAt: row.rate_reset_at! };
  }
  await ctx.db.query(
    `update social_accounts set session = coalesce($2, session), rate_limit = $3, rate_remaining = $4, rate_reset_at = $5,
       state = 'connected', last_error = null, updated_at = $6 where id = $1`,
    [row.id, session ? encryptSecret(ctx.secret, session) : null, window.limit, window.remaining, window.resetAt, now],
  );
}

/** Requests the account may still make in its window (the whole budget once the window has passed). */
export function budgetLeft(row: AccountRow, now: Date): number {
  const budget = row.rate_limit ?? ADAPTERS[row.network].limits.rateLimit.requests;
  if (row.rate_remaining === null || !row.rate_reset_at || row.rate_reset_at <= now) return budget;
  return row.rate_remaining;
}
