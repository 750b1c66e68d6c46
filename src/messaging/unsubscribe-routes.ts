import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { readUnsubscribeToken, unsubscribe } from './unsubscribe.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#4c6ef5;color:#fff;cursor:pointer}</style></head>
<body>${body}</body></html>`);
}

/**
 * The unsubscribe link (/u/<token>), public by design. GET shows a page with a button (link
 * scanners and previews follow GETs, so a GET never unsubscribes); POST unsubscribes, which
 * is also what mail clients do with RFC 8058's one-click header.
 */
export function unsubscribeRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // The one-click POST carries "List-Unsubscribe=One-Click" in either form encoding; the
    // token in the URL is all that matters, so the body is read and ignored.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 10_000 }, (_req, _body, done) => done(null, {}));
    }
    const unknown = (reply: FastifyReply) => page(reply, 404, 'Link not recognized', '<h1>This link is not recognized</h1><p>It may have been cut short or changed. Use the link in the email again.</p>');

    app.get<{ Params: { token: string } }>('/u/:token', { config: { access: 'public' } }, async (req, reply) => {
      const who = readUnsubscribeToken(ctx, req.params.token);
      if (!who) return unknown(reply);
      const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [who.workspaceId]);
      return page(
        reply,
        200,
        'Unsubscribe',
        `<h1>Unsubscribe from ${escapeHtml(ws?.name ?? 'these emails')}?</h1><p>You will not get marketing email from ${escapeHtml(ws?.name ?? 'us')} any more.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
      );
    });

    app.post<{ Params: { token: string } }>('/u/:token', { config: { access: 'public' } }, async (req, reply) => {
      const who = readUnsubscribeToken(ctx, req.params.token);
      if (!who) return unknown(reply);
      const oneClick = req.headers['content-type']?.startsWith('multipart/') || req.headers['content-type']?.includes('urlencoded');
      const done = await unsubscribe(ctx, who.workspaceId, who.contactId, oneClick ? 'one-click' : 'link');
      return page(reply, 200, 'Unsubscribed', `<h1>You are unsubscribed</h1><p>${escapeHtml(done.workspace || 'The sender')} will not send you marketing email any more.</p>`);
    });
  };
}
