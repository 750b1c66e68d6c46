// What an authenticated request carries, and what every domain's routes read from it.
// Floor: no domain imports. src/workspaces/authenticate.ts is the hook that fills `req.auth`
// (API keys, sessions, CSRF, roles) before the body is parsed.
import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope, Role } from './access.ts';
import { unauthorized } from '../errors.ts';

/**
 * Who may call a route:
 * - `public`: anyone (sign-in, first-run setup, health, later the tracking pixel);
 * - `user`: a signed-in person, whatever workspace (their workspaces, sign-out);
 * - `workspace`: a member of the current workspace, or a `full` API key (the default);
 * - `ingest`: an API key of scope `ingest`, `shop` or `full` (the tracking API);
 * - `shop`: an API key of scope `shop` or `full`, or a member of the workspace (the coupon API a
 *   shop's checkout calls).
 */
export type Access = 'public' | 'user' | 'workspace' | 'ingest' | 'shop';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Least role for `workspace` routes; default viewer for reads, marketer for writes. */
    role?: Role;
  }
  interface FastifyRequest {
    auth: Auth | null;
  }
}

/** A live session as the hook found it behind the cookie (src/accounts/accounts.ts: sessionFromToken). */
export interface SessionRecord {
  id: string;
  tokenHash: string;
  userId: string;
  workspaceId: string | null;
  user: { id: string; email: string; name: string };
}

export type Auth =
  | { kind: 'session'; session: SessionRecord; userId: string; workspaceId: string | null; role: Role | null }
  | { kind: 'apikey'; apiKeyId: string; userId: null; workspaceId: string; scope: ApiKeyScope; role: Role };

/** What a `workspace` route handler works with; the workspace never comes from the body. */
export interface WorkspaceAuth {
  workspaceId: string;
  role: Role;
  userId: string | null;
}

export const SESSION_COOKIE = 'rapport_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads: they need no CSRF token, and the viewer role is enough unless the route says more. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

export function defaultRole(method: string): Role {
  return isSafeMethod(method) ? 'viewer' : 'marketer';
}

/** The caller's workspace, for handlers of `workspace` routes (the hook has checked it). */
export function workspaceOf(req: FastifyRequest): WorkspaceAuth {
  const auth = req.auth;
  if (!auth?.workspaceId || !auth.role) throw unauthorized();
  return { workspaceId: auth.workspaceId, role: auth.role, userId: auth.userId };
}

/** The caller's session, for handlers of `user` routes. */
export function sessionOf(req: FastifyRequest): SessionRecord {
  const auth = req.auth;
  if (auth?.kind !== 'session') throw unauthorized();
  return auth.session;
}
