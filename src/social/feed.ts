// The public side of social, by signed token: the calendar of posts as an iCalendar feed for
// the team's calendar apps (made by ical-generator), and the redirect that counts clicks on a
// post's links. A token that does not verify is a 404; the redirect only goes to a link the
// post itself holds, so it is no open redirect.
import type { FastifyPluginAsync } from 'fastify';
import ical, { ICalEventStatus } from 'ical-generator';
import { signIds, verifyIds } from '../messaging/tokens.ts';
import type { AppContext } from '../server/context.ts';
import { errorBody } from '../server/error-handler.ts';
import { ADAPTERS } from './accounts.ts';
import type { Network } from './networks/types.ts';

const FEED = 'social-calendar';
const CLICK = 'social-click';

/** The feed's address: the workspace signed, so whoever has it reads the calendar and nothing else. */
export function feedUrl(ctx: AppContext, workspaceId: string, origin: string): string {
  return `${ctx.config.publicUrl?.replace(/\/$/, '') ?? origin}/feeds/social/${signIds(ctx.secret, FEED, [workspaceId])}.ics`;
}

/** The tracked address of a link in a delivery (null without a public address: clicks are not counted then). */
export function trackedLink(ctx: AppContext, deliveryId: string, url: string): string | null {
  if (!ctx.config.publicUrl) return null;
  return `${ctx.config.publicUrl.replace(/\/$/, '')}/go/${signIds(ctx.secret, CLICK, [deliveryId])}?u=${encodeURIComponent(url)}`;
}

export async function calendarFeed(ctx: AppContext, workspaceId: string): Promise<string> {
  const now = ctx.clock.now();
  const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
  const rows = await ctx.db.query<{ id: string; text: string; scheduled_at: Date; updated_at: Date; deliveries: { network: Network; handle: string; state: string }[] }>(
    `select p.id, p.text, p.scheduled_at, p.updated_at,
       coalesce(jsonb_agg(jsonb_build_object('network', d.network, 'handle', a.handle, 'state', d.state) order by d.network) filter (where d.id is not null), '[]') as deliveries
     from social_posts p left join social_deliveries d on d.post_id = p.id left join social_accounts a on a.id = d.account_id
     where p.workspace_id = $1 and p.state = 'scheduled' and p.scheduled_at >= $2 and p.scheduled_at < $3
     group by p.id order by p.scheduled_at limit 5000`,
    [workspaceId, new Date(now.getTime() - 90 * 86_400_000), new Date(now.getTime() + 366 * 86_400_000)],
  );
  const cal = ical({ name: `${ws?.name ?? 'Rapport'}: social posts`, prodId: { company: 'Rapport', product: 'social calendar', language: 'EN' } });
  const base = ctx.config.publicUrl?.replace(/\/$/, '');
  for (const r of rows) {
    const words = r.text.replace(/\s+/g, ' ').trim();
    const where = r.deliveries.map((d) => `${ADAPTERS[d.network].label} (${d.handle}): ${d.state}`).join('\n');
    cal.createEvent({
      id: `${r.id}@rapport`,
      start: r.scheduled_at,
      end: new Date(r.scheduled_at.getTime() + 15 * 60_000),
      stamp: r.updated_at,
      summary: `Post: ${words.length > 60 ? `${words.slice(0, 59)}…` : words || '(images only)'}`,
      description: `${r.text}\n\n${where}`,
      status: ICalEventStatus.CONFIRMED,
      ...(base ? { url: `${base}/social/posts/${r.id}` } : {}),
    });
  }
  return cal.toString();
}

export function socialPublicRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { token: string } }>('/feeds/social/:token', { config: { access: 'public' } }, async (req, reply) => {
      const [workspaceId] = verifyIds(ctx.secret, FEED, req.params.token.replace(/\.ics$/, ''), 1) ?? [];
      if (!workspaceId) return reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', 'This calendar address is not recognized.'));
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(await calendarFeed(ctx, workspaceId));
    });
    app.get<{ Params: { token: string }; Querystring: { u?: string } }>('/go/:token', { config: { access: 'public' } }, async (req, reply) => {
      const [deliveryId] = verifyIds(ctx.secret, CLICK, req.params.token, 1) ?? [];
      const url = typeof req.query.u === 'string' ? req.query.u : '';
      const [d] = deliveryId ? await ctx.db.query<{ text: string }>('select text from social_deliveries where id = $1', [deliveryId]) : [];
      if (!d || !url || !/^https?:\/\//i.test(url) || !d.text.includes(url)) {
        return reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', 'This link is not recognized: it may have been cut short or changed.'));
      }
      await ctx.db.query('update social_deliveries set clicks = clicks + 1 where id = $1', [deliveryId]);
      return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url);
    });
  };
}
