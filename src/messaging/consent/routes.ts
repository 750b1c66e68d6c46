import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../../server/request.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponse, uuidParam } from '../../shared/schemas.ts';
import { topic, topicBody, topicPatch } from '../broadcast-contract.ts';
import { suppression, suppressionBody, suppressionEmailParam, suppressionPage, suppressionQuery, suppressionRemoved } from '../webhook-contract.ts';
import { addSuppression, listSuppressions, removeSuppression } from './suppressions.ts';
import { createTopic, deleteTopic, listTopics, updateTopic } from './topics.ts';

const tags = ['Email'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };
const admin = { role: 'admin' as const };

/** Subscription topics and the suppression list (/api/v1/email/…); the public unsubscribe and preference pages are unsubscribe-routes.ts and preferences-routes.ts. */
export function consentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/email/topics', { schema: { tags, summary: 'Subscription topics of the preference page', response: { 200: z.array(topic) } } }, async (req) =>
      listTopics(ctx, workspaceOf(req).workspaceId),
    );
    app.post('/email/topics', { schema: { tags, summary: 'Add a topic', body: topicBody, response: { 201: topic, ...errors } } }, async (req, reply) =>
      reply.code(201).send(await createTopic(ctx, workspaceOf(req).workspaceId, req.body)),
    );
    app.patch(
      '/email/topics/:id',
      { schema: { tags, summary: 'Rename or describe a topic', params: idParam, body: topicPatch, response: { 200: topic, ...errors } } },
      async (req) => updateTopic(ctx, workspaceOf(req).workspaceId, req.params.id, req.body),
    );
    app.delete('/email/topics/:id', { schema: { tags, summary: 'Delete a topic', params: idParam, response: { 204: z.null(), 404: errorResponse } } }, async (req, reply) => {
      await deleteTopic(ctx, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });

    app.get(
      '/email/suppressions',
      { schema: { tags, summary: 'Addresses no marketing email goes to, newest first (the address shows where a contact has it)', querystring: suppressionQuery, response: { 200: suppressionPage, 400: errorResponse } } },
      async (req) => listSuppressions(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.post(
      '/email/suppressions',
      {
        config: admin,
        schema: { tags, summary: 'Add an address (or change the reason of one already there)', body: suppressionBody, response: { 200: suppression, 201: suppression, 400: errorResponse } },
      },
      async (req, reply) => {
        const added = await addSuppression(ctx, workspaceOf(req).workspaceId, req.body);
        return reply.code(added.created ? 201 : 200).send(added.suppression);
      },
    );
    app.delete(
      '/email/suppressions/:email',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Take an address off the list (a bounced contact with it is subscribed again; unsubscribed and complained contacts stay so)',
          params: suppressionEmailParam,
          response: { 200: suppressionRemoved, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => removeSuppression(ctx, workspaceOf(req).workspaceId, req.params.email),
    );
  };
}
