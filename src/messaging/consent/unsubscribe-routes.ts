import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../server/context.ts';
import { preferencesUrl } from './preferences.ts';
import { escapeHtml, page, PREVIEW_TOKEN, previewLink, unknownLink as unknown } from './public-page.ts';
import { readUnsubscribeToken, unsubscribe } from './unsubscribe.ts';

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
    app.get<{ Params: { token: string } }>('/u/:token', { config: { access: 'public' } }, async (req, reply) => {
      if (req.params.token === PREVIEW_TOKEN) return previewLink(reply, 'lets the reader unsubscribe');
      const who = readUnsubscribeToken(ctx, req.params.token);
      if (!who) return unknown(reply);
      const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [who.workspaceId]);
      return page(
        reply,
        200,
        'Unsubscribe',
        `<h1>Unsubscribe from ${escapeHtml(ws?.name ?? 'these emails')}?</h1><p>You will not get marketing email from ${escapeHtml(ws?.name ?? 'us')} any more.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>
<p>Or <a href="${escapeHtml(preferencesUrl(ctx, who.workspaceId, who.contactId))}">choose which emails you get</a>.</p>`,
      );
    });

    app.post<{ Params: { token: string } }>('/u/:token', { config: { access: 'public' } }, async (req, reply) => {
      const who = readUnsubscribeToken(ctx, req.params.token);
      if (!who) return unknown(reply);
      const oneClick = req.headers['content-type']?.startsWith('multipart/') || req.headers['content-type']?.includes('urlencoded');
      const done = await unsubscribe(ctx, who.workspaceId, who.contactId, oneClick ? 'one-click' : 'link');
      return page(reply, 200, 'Unsubscribed', `<h1>You are unsubscribed</h1><p>${escapeHtml(done.workspace || 'The sender')} will not send you marketing email any more.</p>
<p>Changed your mind? <a href="${escapeHtml(preferencesUrl(ctx, who.workspaceId, who.contactId))}">Manage your email preferences</a>.</p>`);
    });
  };
}
