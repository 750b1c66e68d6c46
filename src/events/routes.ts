import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../server/context.ts';

/** The Segment-compatible tracking API (/v1/identify, /v1/track, ..., /v1/batch). */
export function trackingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    void app;
    void ctx;
  };
}
