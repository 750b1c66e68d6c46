import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../../server/request.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponse, uuidParam } from '../../shared/schemas.ts';
import { emailSettings, emailSettingsBody, messageDetail, messageListQuery, messageSummary, workspaceEmailLimits } from '../contract.ts';
import { getEmailLimits, saveEmailLimits } from './limits.ts';
import { getMessage, listMessages } from './messages.ts';
import { getEmailSettings, saveEmailSettings, testConnection } from './transport.ts';

const tags = ['Email'];
const idParam = uuidParam('id');

/** How a workspace sends (its SMTP server, or the outbox) and the messages it sent (/api/v1/email/…). */
export function deliveryRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/email/settings', { schema: { tags, summary: 'How this workspace sends email (the password is never returned)', response: { 200: emailSettings } } }, async (req) =>
      getEmailSettings(ctx, workspaceOf(req).workspaceId),
    );
    app.put(
      '/email/settings',
      { config: { role: 'admin' }, schema: { tags, summary: 'Set the SMTP server and sender (the password is stored encrypted; 400 for a server this instance may not connect to)', body: emailSettingsBody, response: { 200: emailSettings, 400: errorResponse } } },
      async (req) => saveEmailSettings(ctx, workspaceOf(req).workspaceId, req.body),
    );
    app.get('/email/limits', { schema: { tags, summary: 'Marketing email limits: frequency cap, quiet hours, control group', response: { 200: workspaceEmailLimits } } }, async (req) =>
      getEmailLimits(ctx.db, workspaceOf(req).workspaceId),
    );
    app.put(
      '/email/limits',
      {
        config: { role: 'admin' },
        schema: { tags, summary: 'Set the frequency cap (per contact, their day and week), quiet hours (their time) and the control group percentage', body: workspaceEmailLimits, response: { 200: workspaceEmailLimits, 400: errorResponse } },
      },
      async (req) => saveEmailLimits(ctx.db, workspaceOf(req).workspaceId, req.body),
    );
    app.post(
      '/email/settings/test',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Connect and sign in to the SMTP server (400 with what went wrong in plain words; refused for addresses this instance may not connect to)',
          response: { 200: z.object({ ok: z.boolean(), kind: z.enum(['smtp', 'outbox']) }), 400: errorResponse },
        },
      },
      async (req) => testConnection(ctx, workspaceOf(req).workspaceId, req.log),
    );
    app.get(
      '/email/messages',
      {
        schema: {
          tags,
          summary: 'Messages, latest first (the outbox when no SMTP server is set); the next page with ?before=<id of the last one>',
          querystring: messageListQuery,
          response: { 200: z.array(messageSummary), 400: errorResponse },
        },
      },
      async (req) => listMessages(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/email/messages/:id', { schema: { tags, summary: 'One message as it was sent', params: idParam, response: { 200: messageDetail, 404: errorResponse } } }, async (req) =>
      getMessage(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
  };
}
