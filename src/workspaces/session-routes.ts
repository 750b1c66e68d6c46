// Signing in and the current workspace: every answer here names the person's workspaces, so
// these routes belong to workspaces, not to accounts below it (sign-out, name and password:
// src/accounts/routes.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate, createSession, isSetupNeeded, setSessionWorkspace, type UserRecord } from '../accounts/accounts.ts';
import { signInBody } from '../accounts/contract.ts';
import { csrfTokenFor } from '../accounts/csrf.ts';
import { DEVICE_COOKIE, rememberDevice } from '../accounts/devices.ts';
import type { AppContext } from '../server/context.ts';
import { notFound } from '../errors.ts';
import { SESSION_COOKIE, sessionOf } from '../server/request.ts';
import { errorResponse } from '../shared/schemas.ts';
import { sessionInfo, type SessionInfo, setupBody, setupStatus } from './contract.ts';
import { mayCreateWorkspaces } from './creation.ts';
import { createUserWithWorkspace, listUserWorkspaces, memberRole } from './workspaces.ts';

const SESSION_MAX_AGE_S = 30 * 86_400;

function setSessionCookie(ctx: AppContext, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    path: '/',
    maxAge: SESSION_MAX_AGE_S,
  });
}

/** Signs a user in on this response and returns what the web app needs to go on. */
export async function startSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
  workspaceId: string | null,
): Promise<SessionInfo> {
  const workspaces = await listUserWorkspaces(ctx, user.id);
  const current = workspaces.find((w) => w.id === workspaceId) ?? workspaces[0] ?? null;
  const token = await createSession(ctx, user.id, current?.id ?? null, { userAgent: req.headers['user-agent'], ip: req.ip });
  setSessionCookie(ctx, reply, token);
  rememberDevice(ctx, req, reply, user.id);
  return { user, workspace: current, workspaces, canCreateWorkspaces: mayCreateWorkspaces(ctx.config.workspaceCreation, workspaces), csrfToken: csrfTokenFor(ctx, token) };
}

const tags = ['Session'];

export function sessionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/setup',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'Whether first-run setup is still needed', response: { 200: setupStatus } },
      },
      async () => ({ needed: await isSetupNeeded(ctx) }),
    );

    app.post(
      '/setup',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'First run: create the first user and workspace, and sign in',
          body: setupBody,
          response: { 201: sessionInfo, 409: errorResponse },
        },
      },
      async (req, reply) => {
        const { user, workspaceId } = await createUserWithWorkspace(ctx, req.body, { onlyIfFirst: true });
        return reply.code(201).send(await startSession(ctx, req, reply, user, workspaceId));
      },
    );

    app.post(
      '/session',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Sign in with email and password',
          body: signInBody,
          response: { 200: sessionInfo, 401: errorResponse, 429: errorResponse },
        },
      },
      async (req, reply) => {
        const user = await authenticate(ctx, req.body.email, req.body.password, req.ip, req.cookies[DEVICE_COOKIE]);
        return startSession(ctx, req, reply, user, null);
      },
    );

    app.get(
      '/session',
      { config: { access: 'user' }, schema: { tags, summary: 'The signed-in user, their workspaces and the CSRF token', response: { 200: sessionInfo } } },
      async (req) => {
        const session = sessionOf(req);
        const workspaces = await listUserWorkspaces(ctx, session.userId);
        return {
          user: session.user,
          workspace: workspaces.find((w) => w.id === session.workspaceId) ?? null,
          workspaces,
          canCreateWorkspaces: mayCreateWorkspaces(ctx.config.workspaceCreation, workspaces),
          csrfToken: csrfTokenFor(ctx, req.cookies[SESSION_COOKIE] ?? ''),
        };
      },
    );

    app.put(
      '/session/workspace',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Switch the current workspace',
          body: z.object({ workspaceId: z.uuid() }),
          response: { 204: z.undefined(), 404: errorResponse },
        },
      },
      async (req, reply) => {
        const session = sessionOf(req);
        if (!(await memberRole(ctx, req.body.workspaceId, session.userId))) throw notFound('The workspace');
        await setSessionWorkspace(ctx, session.id, req.body.workspaceId);
        return reply.code(204).send();
      },
    );
  };
}
