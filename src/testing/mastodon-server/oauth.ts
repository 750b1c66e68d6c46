// The OAuth side of the test Mastodon server (methods/apps, methods/oauth): registering an app,
// the authorize page, codes (PKCE S256 included) traded for tokens, client credentials, revocation.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { escapeHtml } from './text.ts';
import { html, list, queryOf, readParams, scopeList, str, type Auth, type Params } from './http.ts';
import { MastodonError, type AccountRecord, type AppRecord, type Store, type TokenRecord } from './store.ts';

export const OOB = 'urn:ietf:wg:oauth:2.0:oob';
const OAUTH_ERRORS: Record<string, string> = {
  invalid_client: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  invalid_redirect_uri: "The requested redirect uri is malformed or doesn't match client redirect URI.",
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  invalid_request: 'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  unsupported_response_type: 'The authorization server does not support this response type.',
  unauthorized_client: 'You are not authorized to revoke this token',
  access_denied: 'The resource owner or authorization server denied the request.',
};
const oauthError = (status: number, code: string) => new MastodonError(status, code, OAUTH_ERRORS[code]);

export function issueCode(store: Store, app: AppRecord, account: AccountRecord, redirectUri: string, scopes: string[], challenge?: string): string {
  const code = store.secret();
  store.codes.set(code, { appId: app.id, accountId: account.id, redirectUri, scopes, createdAt: store.o.now(), used: false, challenge });
  return code;
}

/** The checks Doorkeeper makes of an authorization request, on the page and on approval. */
export function authorizationRequest(store: Store, p: Params) {
  if (p.response_type !== 'code') throw oauthError(400, 'unsupported_response_type');
  const app = store.appByClientId(p.client_id);
  if (!app) throw oauthError(401, 'invalid_client');
  const redirectUri = str(p.redirect_uri) ?? '';
  if (!app.redirectUris.includes(redirectUri)) throw oauthError(400, 'invalid_redirect_uri');
  const scopes = scopeList(p.scope);
  if (!scopes.every((s) => app.scopes.includes(s))) throw oauthError(400, 'invalid_scope');
  const challenge = str(p.code_challenge);
  if (challenge && p.code_challenge_method !== 'S256') throw oauthError(400, 'invalid_request');
  return { app, redirectUri, scopes, challenge, state: str(p.state) };
}

export function oauthRoutes(server: FastifyInstance, store: Store, auth: Auth): void {
  server.post('/api/v1/apps', async (req) => {
    const { p } = await readParams(req);
    const name = str(p.client_name)?.trim();
    if (!name) throw new MastodonError(422, "Validation failed: Name can't be blank");
    const redirectUris = list(p.redirect_uris).flatMap((u) => u.split('\n')).map((u) => u.trim()).filter(Boolean);
    if (!redirectUris.length) throw new MastodonError(422, "Validation failed: Redirect URI can't be blank");
    if (redirectUris.some((u) => u !== OOB && !URL.canParse(u))) throw new MastodonError(422, 'Validation failed: Redirect URI must be an absolute URI.');
    const app = { id: store.nextId(), name, website: str(p.website) || null, scopes: scopeList(p.scopes), redirectUris, clientId: store.secret(), clientSecret: store.secret() };
    store.apps.set(app.id, app);
    return { id: app.id, name, website: app.website, scopes: app.scopes, redirect_uri: redirectUris.join('\n'), redirect_uris: redirectUris, client_id: app.clientId, client_secret: app.clientSecret, client_secret_expires_at: 0 };
  });

  server.get('/api/v1/apps/verify_credentials', async (req) => {
    const app = store.apps.get(auth.need(req, ['read', 'write', 'follow', 'push', 'profile'], false).token.appId ?? '');
    if (!app) throw new MastodonError(401, 'The access token is invalid');
    return { id: app.id, name: app.name, website: app.website, scopes: app.scopes, redirect_uri: app.redirectUris.join('\n'), redirect_uris: app.redirectUris };
  });

  server.get('/oauth/authorize', async (req, reply) => {
    const p = queryOf(req);
    reply.type('text/html; charset=utf-8');
    try {
      const { app } = authorizationRequest(store, p);
      const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']
        .filter((k) => str(p[k]) !== undefined)
        .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(str(p[k])!)}">`)
        .join('');
      const first = [...store.accounts.values()][0]?.username ?? '';
      return html(`Authorize ${app.name}`, `<p>${escapeHtml(app.name)} asks for: ${escapeHtml(scopeList(p.scope).join(' '))}</p><form method="post" action="/oauth/authorize">${hidden}` +
        `<label>Username <input name="username" value="${escapeHtml(first)}"></label><button type="submit" name="decision" value="approve">Authorize</button>` +
        `<button type="submit" name="decision" value="deny">Deny</button></form>`);
    } catch (err) {
      if (!(err instanceof MastodonError)) throw err;
      return reply.code(400).send(html('An error has occurred', `<p class="error">${escapeHtml(err.message)}: ${escapeHtml(err.description ?? '')}</p>`));
    }
  });

  server.post('/oauth/authorize', async (req, reply) => {
    const { p } = await readParams(req);
    const request = authorizationRequest(store, p);
    const back = (params: Record<string, string | undefined>) => {
      const target = new URL(request.redirectUri);
      for (const [k, v] of Object.entries(params)) if (v !== undefined) target.searchParams.set(k, v);
      return reply.redirect(target.toString(), 302);
    };
    if (p.decision === 'deny') return back({ error: 'access_denied', error_description: OAUTH_ERRORS.access_denied, state: request.state });
    const account = store.accountByUsername(str(p.username) ?? '');
    if (!account) return reply.code(422).type('text/html; charset=utf-8').send(html('Unknown account', '<p>No account has that username.</p>'));
    const code = issueCode(store, request.app, account, request.redirectUri, request.scopes, request.challenge);
    if (request.redirectUri === OOB) return reply.redirect(`/oauth/authorize/native?code=${encodeURIComponent(code)}`, 302);
    return back({ code, state: request.state });
  });

  server.get('/oauth/authorize/native', async (req, reply) => {
    const code = str((req.query as Params).code) ?? '';
    return reply.type('text/html; charset=utf-8').send(html('Authorization code', `<p>Copy this code into the application.</p><input class="oauth-code" readonly value="${escapeHtml(code)}">`));
  });

  server.post('/oauth/token', async (req, reply) => {
    const { p } = await readParams(req);
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const app = store.appByClientId(str(p.client_id) ?? basicId);
    const grantType = str(p.grant_type);
    if (!grantType) throw oauthError(400, 'invalid_request');
    if (grantType !== 'authorization_code' && grantType !== 'client_credentials') throw oauthError(400, 'unsupported_grant_type');
    if (!app || app.clientSecret !== (str(p.client_secret) ?? basicSecret)) throw oauthError(401, 'invalid_client');
    let token: TokenRecord;
    if (grantType === 'authorization_code') {
      const code = store.codes.get(str(p.code) ?? '');
      const verifier = str(p.code_verifier);
      const fresh = code && !code.used && code.appId === app.id && code.redirectUri === p.redirect_uri && store.o.now().getTime() - code.createdAt.getTime() < 600_000;
      const proven = !code?.challenge || (!!verifier && createHash('sha256').update(verifier).digest('base64url') === code.challenge);
      if (!code || !fresh || !proven) throw oauthError(400, 'invalid_grant');
      code.used = true;
      token = store.issueToken(app.id, code.accountId, code.scopes);
    } else {
      const scopes = scopeList(p.scope);
      if (!scopes.every((s) => app.scopes.includes(s))) throw oauthError(400, 'invalid_scope');
      token = store.issueToken(app.id, null, scopes);
    }
    reply.header('Cache-Control', 'no-store');
    return { access_token: token.value, token_type: 'Bearer', scope: token.scopes.join(' '), created_at: Math.floor(token.createdAt.getTime() / 1000) };
  });

  server.post('/oauth/revoke', async (req) => {
    const { p } = await readParams(req);
    const app = store.appByClientId(p.client_id);
    if (!app || app.clientSecret !== p.client_secret) throw oauthError(403, 'unauthorized_client');
    const token = store.tokens.get(str(p.token) ?? '');
    if (token && token.appId !== app.id) throw oauthError(403, 'unauthorized_client');
    if (token) token.revoked = true;
    return {};
  });
}
