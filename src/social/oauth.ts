// Connecting a Mastodon account by OAuth (docs.joinmastodon.org/client/token): Rapport registers
// itself as an app on the member's server, once per workspace, server and redirect address (kept
// in social_oauth_apps, the client secret encrypted like the account's credentials), sends the
// member to the server's page where they allow it, and trades the code the server gives back
// for an access token, which then connects the account as a pasted token does (accounts.ts).
// Without a redirect address (Rapport not reachable from the server, or a member at a desk),
// the server shows the code on its page and the member copies it into Rapport.
import { createOAuthAPIClient, createRestAPIClient } from 'masto';
import { invalid } from '../errors.ts';
import { decryptSecret, encryptSecret } from '../messaging/delivery/secrets.ts';
import type { AppContext } from '../server/context.ts';
import { checkServer, connectAccount, serverUrlOf, type SocialAccount } from './accounts.ts';

/** The redirect that has the server show the code instead of sending the member back. */
export const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';
/** Reading mentions and notifications, posting with media: nothing about follows or the profile. */
const SCOPES = 'read write';
const TIMEOUT_MS = 30_000;

interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

/** A refusal in the server's own words (masto's MastoHttpError: `error`, and OAuth's `error_description`), or why it did not answer. */
function serverWords(e: unknown): string {
  const err = e as { description?: string; message?: string; cause?: { message?: string; code?: string } } | null;
  const words = err?.description || err?.message || String(e);
  const cause = err?.cause && !(err.cause instanceof Response) ? err.cause.code || err.cause.message : null;
  return (cause ? `${words} (${cause})` : words).replace(/\.$/, '');
}

async function storedApp(ctx: AppContext, workspaceId: string, serverUrl: string, redirectUri: string): Promise<OAuthApp | null> {
  const [row] = await ctx.db.query<{ client_id: string; client_secret: string }>(
    'select client_id, client_secret from social_oauth_apps where workspace_id = $1 and server_url = $2 and redirect_uri = $3',
    [workspaceId, serverUrl, redirectUri],
  );
  return row ? { clientId: row.client_id, clientSecret: decryptSecret(ctx.secret, row.client_secret) } : null;
}

/** The app Rapport registered on the server for this workspace and redirect, registered now if there is none. */
async function registeredApp(ctx: AppContext, workspaceId: string, serverUrl: string, redirectUri: string): Promise<OAuthApp> {
  const kept = await storedApp(ctx, workspaceId, serverUrl, redirectUri);
  if (kept) return kept;
  let app: { clientId?: string | null; clientSecret?: string | null };
  try {
    const client = createRestAPIClient({ url: serverUrl, timeout: TIMEOUT_MS });
    app = await client.v1.apps.create({ clientName: 'Rapport', redirectUris: redirectUri, scopes: SCOPES, website: ctx.config.publicUrl ?? null });
  } catch (e) {
    const message = `${new URL(serverUrl).host} did not let Rapport register as an app: ${serverWords(e)}.`;
    throw invalid('connect_failed', message, [{ path: 'serverUrl', message }]);
  }
  if (!app.clientId || !app.clientSecret) throw invalid('connect_failed', `${new URL(serverUrl).host} registered Rapport without giving it a client id and secret: is it a Mastodon server?`);
  // Two members starting at once: the first app kept is the one used (the other stays unused on the server).
  await ctx.db.query(
    `insert into social_oauth_apps (workspace_id, server_url, client_id, client_secret, redirect_uri) values ($1, $2, $3, $4, $5)
     on conflict (workspace_id, server_url, redirect_uri) do nothing`,
    [workspaceId, serverUrl, app.clientId, encryptSecret(ctx.secret, app.clientSecret), redirectUri],
  );
  return (await storedApp(ctx, workspaceId, serverUrl, redirectUri))!;
}

/**
 * The first step: Rapport registered on the server (once), and the server's page where the
 * member allows Rapport to read and post for their account. `redirectUri` null: the server
 * shows the code, for the member to copy.
 */
export async function startMastodonAuthorization(
  ctx: AppContext,
  workspaceId: string,
  serverUrlRaw: string,
  redirectUri: string | null,
): Promise<{ authorizeUrl: string; serverUrl: string }> {
  const serverUrl = serverUrlOf(serverUrlRaw);
  await checkServer(ctx, serverUrl);
  const redirect = redirectUri ?? OUT_OF_BAND;
  const app = await registeredApp(ctx, workspaceId, serverUrl, redirect);
  const url = new URL('/oauth/authorize', serverUrl);
  url.search = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: redirect, scope: SCOPES }).toString();
  return { authorizeUrl: url.toString(), serverUrl };
}

/** The second step: the code the server gave traded for an access token, and the account connected with it. */
export async function finishMastodonAuthorization(
  ctx: AppContext,
  workspaceId: string,
  userId: string | null,
  input: { serverUrl: string; code: string; redirectUri: string | null },
): Promise<SocialAccount> {
  const serverUrl = serverUrlOf(input.serverUrl);
  await checkServer(ctx, serverUrl);
  const redirect = input.redirectUri ?? OUT_OF_BAND;
  const app = await storedApp(ctx, workspaceId, serverUrl, redirect);
  if (!app) throw invalid('connect_failed', `Rapport is not registered on ${new URL(serverUrl).host} for this workspace yet: start connecting the account again.`, [{ path: 'serverUrl', message: 'Not started' }]);
  let accessToken: string;
  try {
    const oauth = createOAuthAPIClient({ url: serverUrl, timeout: TIMEOUT_MS });
    const token = await oauth.token.create({ grantType: 'authorization_code', clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: redirect, code: input.code.trim(), scope: SCOPES });
    accessToken = token.accessToken;
  } catch (e) {
    const message = `Mastodon refused the code: ${serverWords(e)}. Start again to get a new code (each code works once, for a few minutes).`;
    throw invalid('connect_failed', message, [{ path: 'code', message }]);
  }
  return connectAccount(ctx, workspaceId, userId, { network: 'mastodon', serverUrl, secret: accessToken });
}
