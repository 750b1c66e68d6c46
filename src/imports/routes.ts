import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../server/context.ts';

/** Imports of contacts and order history (/api/v1/imports). */
export function importRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    void app;
    void ctx;
  };
}
