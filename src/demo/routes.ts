import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../server/context.ts';

/** The demo data set (/api/v1/demo). */
export function demoRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    void app;
    void ctx;
  };
}
