import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../../server/request.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponse, uuidParam } from '../../shared/schemas.ts';
import { estimateAudience } from './audience.ts';
import { listFromBroadcast } from './lists.ts';
import { audienceEstimate, audienceQuery, broadcast, broadcastBody, broadcastListBody, broadcastListCreated, broadcastPatch, broadcastReport, sendBody } from '../broadcast-contract.ts';
import { broadcastReportOf } from './report.ts';
import { cancelBroadcast, createBroadcast, deleteBroadcast, getBroadcast, listBroadcasts, sendBroadcast, updateBroadcast } from './broadcasts.ts';

const tags = ['Email'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };

/** Broadcasts, their audience estimates, reports and follow-up lists (/api/v1/email/…). */
export function broadcastRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/email/broadcasts', { schema: { tags, summary: 'Broadcasts, newest first, with their counts', response: { 200: z.array(broadcast) } } }, async (req) =>
      listBroadcasts(ctx, workspaceOf(req).workspaceId),
    );
    app.get(
      '/email/audience',
      {
        schema: {
          tags,
          summary: 'Who a broadcast to this segment or list (and topic) would reach now, and who it would leave out and why',
          querystring: audienceQuery,
          response: { 200: audienceEstimate, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => estimateAudience(ctx, workspaceOf(req).workspaceId, req.query.segmentId, req.query.topicId ?? null),
    );
    app.post(
      '/email/broadcasts',
      { schema: { tags, summary: 'Create a draft broadcast: a template for a segment or list', body: broadcastBody, response: { 201: broadcast, ...errors } } },
      async (req, reply) => {
        const ws = workspaceOf(req);
        return reply.code(201).send(await createBroadcast(ctx, ws.workspaceId, ws.userId, req.body));
      },
    );
    app.get('/email/broadcasts/:id', { schema: { tags, summary: 'A broadcast', params: idParam, response: { 200: broadcast, 404: errorResponse } } }, async (req) =>
      getBroadcast(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.patch(
      '/email/broadcasts/:id',
      { schema: { tags, summary: 'Change a draft or scheduled broadcast', params: idParam, body: broadcastPatch, response: { 200: broadcast, ...errors } } },
      async (req) => updateBroadcast(ctx, workspaceOf(req).workspaceId, req.params.id, req.body),
    );
    app.delete(
      '/email/broadcasts/:id',
      { schema: { tags, summary: 'Delete a broadcast that was never sent', params: idParam, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteBroadcast(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/email/broadcasts/:id/send',
      {
        schema: {
          tags,
          summary: 'Send now (the audience is frozen at once) or at a later time',
          params: idParam,
          body: sendBody,
          response: { 200: broadcast, ...errors },
        },
      },
      async (req) => sendBroadcast(ctx, workspaceOf(req).workspaceId, req.params.id, req.body.at ? new Date(req.body.at) : undefined),
    );
    app.post(
      '/email/broadcasts/:id/cancel',
      { schema: { tags, summary: 'Stop a scheduled or sending broadcast (what was sent stays sent)', params: idParam, response: { 200: broadcast, ...errors } } },
      async (req) => cancelBroadcast(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.post(
      '/email/broadcasts/:id/lists',
      {
        schema: {
          tags,
          summary: 'A static list of the recipients who opened, did not open, clicked, did not click, or were delivered to (a snapshot, for a follow-up)',
          params: idParam,
          body: broadcastListBody,
          response: { 201: broadcastListCreated, ...errors },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        return reply.code(201).send(await listFromBroadcast(ctx, ws.workspaceId, ws.userId, req.params.id, req.body));
      },
    );
    app.get(
      '/email/broadcasts/:id/report',
      { schema: { tags, summary: 'Delivery, opens, clicks, unsubscribes and their timeline', params: idParam, response: { 200: broadcastReport, 404: errorResponse } } },
      async (req) => broadcastReportOf(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
  };
}
