// Who may call what: the `onRequest` hook that authenticates every API request before its
// body is parsed. An API key (Bearer, or HTTP Basic user name as Segment's SDKs send it) or the
// session cookie; the CSRF header on cookie-authenticated writes; the member's role in the
// session's current workspace against the route's `config.access` and `config.role`
// (src/server/request.ts). Refuses with 401/403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sessionFromToken } from '../accounts/accounts.ts';
import { csrfTokenMatches } from '../accounts/csrf.ts';
import { type Role, roleAtLeast } from '../server/access.ts';
import type { AppContext } from '../server/context.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { type Access, type Auth, defaultRole, isSafeMethod, SESSION_COOKIE } from '../server/request.ts';
import { authenticateApiKey } from './apikeys.ts';
import { memberRole } from './workspaces.ts';

// A `full` key works for the whole API but cannot take an owner's decisions (ownership).
const FULL_KEY_ROLE: Role = 'admin';

function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    // Segment's convention: the write key is the user name, the password is empty.
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':', 1)[0];
  }
  return undefined;
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const config = req.routeOptions.config ?? {};
    const access: Access = config.access ?? 'workspace';
    // Routes outside the API (the web app's files) are not ours to guard.
    if (!req.routeOptions.url) return;
    if (access === 'public') {
      const auth = await optionalSession(ctx, req);
      // On a public write the cookie counts only with its CSRF token; otherwise the request
      // is treated as anonymous, so another site cannot act with the visitor's session.
      req.auth = auth && (isSafeMethod(req.method) || csrfOk(ctx, req)) ? auth : null;
      return;
    }
    req.auth = await authenticateRequest(ctx, req);
    if (!req.auth) throw unauthorized();
    const auth = req.auth;
    if (auth.kind === 'session' && !isSafeMethod(req.method) && !csrfOk(ctx, req)) {
      throw forbidden('Missing or wrong X-CSRF-Token header. Reload the page and try again.', 'csrf_failed');
    }
    if (access === 'user') {
      if (auth.kind !== 'session') throw forbidden('This route is for signed-in people, not API keys.');
      return;
    }
    if (access === 'ingest') {
      if (auth.kind !== 'apikey') throw forbidden('The tracking API takes an API key of scope "ingest", "shop" or "full".');
      return;
    }
    if (access === 'shop' && auth.kind === 'apikey') return;
    // access === 'workspace' (or 'shop' for a signed-in member)
    if (auth.kind === 'apikey' && auth.scope !== 'full') {
      throw forbidden(
        auth.scope === 'shop'
          ? 'This API key has scope "shop": it can only check and redeem coupons and send tracking data. Create a key of scope "full" for the rest of the API.'
          : 'This API key has scope "ingest": it can only send tracking data. Create a key of scope "full" for the rest of the API.',
      );
    }
    if (!auth.workspaceId || !auth.role) {
      throw forbidden('Choose a workspace first (PUT /api/v1/session/workspace).', 'no_workspace');
    }
    const needed = config.role ?? defaultRole(req.method);
    if (!roleAtLeast(auth.role, needed)) {
      throw forbidden(`Your role (${auth.role}) cannot do this; it takes ${needed} or above.`);
    }
  });
}

function csrfOk(ctx: AppContext, req: FastifyRequest): boolean {
  return csrfTokenMatches(ctx, req.cookies[SESSION_COOKIE] ?? '', req.headers['x-csrf-token']);
}

async function optionalSession(ctx: AppContext, req: FastifyRequest): Promise<Auth | null> {
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return null;
  return sessionAuth(ctx, token);
}

async function sessionAuth(ctx: AppContext, token: string): Promise<Auth | null> {
  const session = await sessionFromToken(ctx, token);
  if (!session) return null;
  const role = session.workspaceId ? ((await memberRole(ctx, session.workspaceId, session.userId)) ?? null) : null;
  return { kind: 'session', session, userId: session.userId, workspaceId: role ? session.workspaceId : null, role };
}

async function authenticateRequest(ctx: AppContext, req: FastifyRequest): Promise<Auth | null> {
  const key = presentedKey(req);
  if (key !== undefined) {
    const found = await authenticateApiKey(ctx, key);
    if (!found) throw unauthorized('This API key is not valid: it may have been revoked. Create a new one in Settings › API keys.');
    return { kind: 'apikey', apiKeyId: found.id, userId: null, workspaceId: found.workspaceId, scope: found.scope, role: FULL_KEY_ROLE };
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return null;
  const auth = await sessionAuth(ctx, token);
  if (!auth) throw unauthorized('Your session has ended. Sign in again.');
  return auth;
}
