import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  passwordResetCheck,
  passwordResetComplete,
  passwordResetFor,
  passwordResetRequest,
  passwordResetRequested,
  passwordResetStatus,
} from '../../accounts/contract.ts';
import { checkResetLink, completePasswordReset } from '../../accounts/password-reset.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponse } from '../../shared/schemas.ts';
import { sessionInfo } from '../../workspaces/contract.ts';
import { startSession } from '../../workspaces/session-routes.ts';
import { requestPasswordReset, resetByEmailAvailable } from './reset-mail.ts';

const tags = ['Session'];

/** Forgotten passwords: public by nature, each step authenticated by the emailed token. */
export function passwordResetRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/password-reset',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'Whether this instance can mail password reset links', security: [], response: { 200: passwordResetStatus } },
      },
      async () => ({ byEmail: await resetByEmailAvailable(ctx) }),
    );

    app.post(
      '/password-reset',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Mail a password reset link to an address, if it has an account (the answer is the same either way)',
          security: [],
          body: passwordResetRequest,
          response: { 202: passwordResetRequested, 429: errorResponse },
        },
      },
      async (req, reply) => {
        await requestPasswordReset(ctx, req.body.email, req.ip);
        return reply.code(202).send({ requested: true as const });
      },
    );

    // POST, not GET with the token in the path: the token stays out of access logs.
    app.post(
      '/password-reset/check',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'The account a reset link is for', security: [], body: passwordResetCheck, response: { 200: passwordResetFor, 404: errorResponse } },
      },
      async (req) => checkResetLink(ctx, req.body.token),
    );

    app.post(
      '/password-reset/complete',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Set a new password with a reset link: ends every session of the account and signs in',
          security: [],
          body: passwordResetComplete,
          response: { 200: sessionInfo, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req, reply) => {
        const user = await completePasswordReset(ctx, req.body.token, req.body.password);
        return startSession(ctx, req, reply, user, null);
      },
    );
  };
}
