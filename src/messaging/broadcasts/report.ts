// What a broadcast did: recipients, delivery, unique opens (machine prefetches left out; a
// click counts as an open, since a reader who clicked read it even with images off), unique
// clicks, unsubscribes and complaints it caused, and opens and clicks over time.
import type { z } from 'zod';
import type { AppContext } from '../../server/context.ts';
import type { broadcastReport } from '../broadcast-contract.ts';
import { getBroadcast } from './broadcasts.ts';

type Report = z.output<typeof broadcastReport>;

export async function broadcastReportOf(ctx: AppContext, workspaceId: string, id: string): Promise<Report> {
  const b = await getBroadcast(ctx, workspaceId, id);
  const [e] = await ctx.db.query<{ unique_opens: number; prefetch_opens: number; unique_clicks: number; first: Date | null; last: Date | null }>(
    `select count(distinct message_id) filter (where not prefetch)::int as unique_opens,
            count(distinct message_id) filter (where kind = 'open' and prefetch)::int as prefetch_opens,
            count(distinct message_id) filter (where kind = 'click' and not prefetch)::int as unique_clicks,
            min(at) as first, max(at) as last
     from email_engagement where broadcast_id = $1 and workspace_id = $2`,
    [id, workspaceId],
  );
  // Unsubscribes and complaints that came from this broadcast's messages: by the contact's
  // event after the broadcast started (an unsubscribe link names the contact, not the message).
  const [f] = await ctx.db.query<{ unsubscribes: number; complaints: number }>(
    `select count(distinct ev.contact_id) filter (where ev.name = 'email.unsubscribed')::int as unsubscribes,
            count(distinct ev.contact_id) filter (where ev.name = 'email.complained')::int as complaints
     from email_messages m
     join events ev on ev.workspace_id = m.workspace_id and ev.contact_id = m.contact_id
       and ev.name in ('email.unsubscribed', 'email.complained') and ev.occurred_at >= m.sent_at
     where m.broadcast_id = $1 and m.workspace_id = $2 and m.state in ('sent', 'bounced')`,
    [id, workspaceId],
  );
  const first = e?.first ? new Date(e.first) : null;
  const last = e?.last ? new Date(e.last) : null;
  const unit = first && last && last.getTime() - first.getTime() > 3 * 3600_000 ? 'hour' : 'minute';
  const timeline = await ctx.db.query<{ at: Date; opens: number; clicks: number }>(
    `select date_trunc('${unit}', at) as at,
            count(*) filter (where kind = 'open' and not prefetch)::int as opens,
            count(*) filter (where kind = 'click' and not prefetch)::int as clicks
     from email_engagement where broadcast_id = $1 and workspace_id = $2 group by 1 order by 1 limit 2000`,
    [id, workspaceId],
  );
  const links = await ctx.db.query<{ url: string; clicks: number; unique_clicks: number }>(
    `select url, count(*)::int as clicks, count(distinct message_id)::int as unique_clicks
     from email_engagement where broadcast_id = $1 and workspace_id = $2 and kind = 'click' and not prefetch
     group by url order by 3 desc, 2 desc limit 50`,
    [id, workspaceId],
  );
  const c = b.counts;
  const delivered = c.sent;
  const rate = (n: number) => (delivered > 0 ? Math.round((n / delivered) * 10_000) / 10_000 : 0);
  return {
    recipients: c.recipients ?? 0,
    sent: c.sent + c.bounced,
    delivered,
    bounced: c.bounced,
    failed: c.failed,
    suppressed: c.suppressed,
    uniqueOpens: e?.unique_opens ?? 0,
    prefetchOpens: e?.prefetch_opens ?? 0,
    uniqueClicks: e?.unique_clicks ?? 0,
    openRate: rate(e?.unique_opens ?? 0),
    clickThroughRate: rate(e?.unique_clicks ?? 0),
    unsubscribes: f?.unsubscribes ?? 0,
    complaints: f?.complaints ?? 0,
    timeline: timeline.map((t) => ({ at: new Date(t.at), opens: t.opens, clicks: t.clicks })),
    links: links.map((l) => ({ url: l.url, clicks: l.clicks, uniqueClicks: l.unique_clicks })),
  };
}
