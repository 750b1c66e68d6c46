import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../server/context.ts';

export function socialRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
