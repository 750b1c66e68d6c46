import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { SESSION_COOKIE, sessionOf } from '../server/request.ts';
import { errorResponse } from '../shared/schemas.ts';
import { changePassword, endSession, updateProfile } from './accounts.ts';
import { changePasswordBody, profileBody, userInfo } from './contract.ts';

const tags = ['Session'];

/**
 * The signed-in person's own account: sign out, name, password. Signing in, first-run setup
 * and the current workspace answer with the person's workspaces: src/workspaces/session-routes.ts;
 * forgotten passwords are mailed: src/messaging/account-mail/reset-routes.ts.
 */
export function accountRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/session',
      { config: { access: 'user' }, schema: { tags, summary: 'Sign out', response: { 204: z.undefined() } } },
      async (req, reply) => {
        await endSession(ctx, sessionOf(req).id);
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send();
      },
    );

    app.patch(
      '/session/profile',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Change your name', body: profileBody, response: { 200: userInfo } },
      },
      async (req) => updateProfile(ctx, sessionOf(req).userId, req.body),
    );

    app.put(
      '/session/password',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Change your password', body: changePasswordBody, response: { 204: z.undefined(), 400: errorResponse } },
      },
      async (req, reply) => {
        const session = sessionOf(req);
        await changePassword(ctx, session.userId, req.body.currentPassword, req.body.newPassword, session.id);
        return reply.code(204).send();
      },
    );
  };
}
