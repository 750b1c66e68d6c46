import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../server/context.ts';

/** Contacts API (/api/v1/contacts, properties, timeline, export, GDPR). */
export function contactRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    void app;
    void ctx;
  };
}
