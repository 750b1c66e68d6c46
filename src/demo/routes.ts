import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../server/request.ts';
import type { AppContext } from '../server/context.ts';
import { errorResponse } from '../shared/schemas.ts';
import { demoLoadBody, demoStatus as demoStatusSchema } from './contract.ts';
import { demoStatus, startDemoLoad } from './demo.ts';

/** The demo data set (/api/v1/demo). */
export function demoRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/demo',
      {
        schema: {
          tags: ['Demo'],
          summary: 'Whether the workspace holds demo data, and how its latest load went',
          response: { 200: demoStatusSchema },
        },
      },
      async (req) => demoStatus(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/demo',
      {
        // It writes thousands of contacts into the workspace: an admin's decision.
        config: { role: 'admin' },
        schema: {
          tags: ['Demo'],
          summary: 'Fill the workspace with the demo retail shop, in the background',
          description:
            'Generates contacts with purchase histories, email engagement and page views (deterministic for a seed) ' +
            'and loads them as a background job. Loading again adds nothing that is already there. ' +
            'While a load is queued or running, answers with that one instead of starting another.',
          body: demoLoadBody,
          response: { 202: demoStatusSchema, 400: errorResponse, 403: errorResponse },
        },
      },
      async (req, reply) => reply.code(202).send(await startDemoLoad(ctx, workspaceOf(req).workspaceId, req.body)),
    );
  };
}
