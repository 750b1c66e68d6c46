import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../server/context.ts';
import { errorBody } from '../../server/error-handler.ts';
import { CROSS_ORIGIN_RESOURCE } from '../../server/security-headers.ts';
import { readClick, readOpenToken, recordEngagement } from './tracking.ts';

// A transparent 1×1 GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const client = (req: FastifyRequest) => ({ userAgent: req.headers['user-agent'], ip: req.ip });

/**
 * Open pixel (/t/o/<token>.gif) and click redirects (/t/c/<token>?u=<url>), public by design:
 * what they name is signed. A token or URL that does not verify is a 404, never a redirect.
 */
export function trackingPixelRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Loaded as an image by webmail pages on other sites: not same-origin only, as the rest.
    app.get<{ Params: { token: string } }>('/t/o/:token', { config: { access: 'public' } }, async (req, reply) => {
      reply.header(...CROSS_ORIGIN_RESOURCE);
      const messageId = readOpenToken(ctx.secret, req.params.token);
      if (!messageId) return reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', 'This tracking link is not recognized.'));
      await recordEngagement(ctx, 'open', messageId, client(req));
      return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, max-age=0').send(PIXEL);
    });

    app.get<{ Params: { token: string }; Querystring: { u?: string } }>('/t/c/:token', { config: { access: 'public' } }, async (req, reply) => {
      const u = typeof req.query.u === 'string' ? req.query.u : undefined;
      const click = readClick(ctx.secret, req.params.token, u);
      if (!click) return reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', 'This link is not recognized: it may have been cut short or changed.'));
      await recordEngagement(ctx, 'click', click.messageId, { ...client(req), url: click.url });
      return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(click.url);
    });
  };
}
