// Open and click tracking: every link of a marketing message goes through /t/c/<token>?u=<url>
// and an invisible image loads /t/o/<token>. Tokens carry the message id and an HMAC (over
// the target URL too, for clicks): a changed token or URL is unknown (404), so the redirect
// can never be used to send someone elsewhere. Opens by mail-privacy proxies and link
// scanners are recorded with `prefetch` so that reports can leave them out.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { notifyDataChanged } from '../../server/changes.ts';
import type { AppContext } from '../../server/context.ts';
import { recordEvents } from '../../events/record.ts';
import { signIds, verifyIds } from '../tokens.ts';

const OPEN = 'open';
const CLICK = 'click';
const MAC_BYTES = 16;

const clickMac = (secret: string, token: string, url: string) => createHmac('sha256', secret).update(`${CLICK}\n${token}\n${url}`).digest().subarray(0, MAC_BYTES);

/** Entities an href may carry in HTML, decoded to the URL a browser would follow. */
const decodeHref = (s: string) =>
  s.replace(/&(amp|quot|apos|#39|#x27|lt|gt);/g, (_m, e: string) => ({ amp: '&', quot: '"', apos: "'", '#39': "'", '#x27': "'", lt: '<', gt: '>' })[e]!);

export interface TrackingLinks {
  /** The message's open pixel URL. */
  open: string;
  /** The tracked URL for a link of the message. */
  click(url: string): string;
}

export function trackingLinks(secret: string, base: string, messageId: string): TrackingLinks {
  const token = signIds(secret, OPEN, [messageId]);
  const idPart = signIds(secret, CLICK, [messageId]);
  return {
    open: `${base}/t/o/${token}.gif`,
    click: (url) => `${base}/t/c/${idPart}.${clickMac(secret, idPart, url).toString('base64url')}?u=${encodeURIComponent(url)}`,
  };
}

/**
 * The message's HTML with every http(s) link tracked (except the sender's own unsubscribe and
 * preference links) and the open pixel at the end of the body.
 */
export function addTracking(html: string, links: TrackingLinks, base: string): string {
  // The sender's own pages: unsubscribe, preferences and survey answers (which record nothing on a
  // GET, so that a scanner opening every link changes nothing).
  const own = [`${base}/u/`, `${base}/p/`, `${base}/s/`];
  const tracked = html.replace(/(<a\b[^>]*?\shref\s*=\s*)(["'])(.*?)\2/gis, (whole, start: string, quote: string, raw: string) => {
    const url = decodeHref(raw.trim());
    if (!/^https?:\/\//i.test(url) || own.some((p) => url.startsWith(p)) || /\{\{|\{%/.test(url)) return whole;
    return `${start}${quote}${links.click(url)}${quote}`;
  });
  const pixel = `<img src="${links.open}" width="1" height="1" alt="" style="display:block;height:1px;width:1px;border:0" />`;
  const end = tracked.search(/<\/body>/i);
  return end < 0 ? tracked + pixel : tracked.slice(0, end) + pixel + tracked.slice(end);
}

export function readOpenToken(secret: string, token: string): string | undefined {
  return verifyIds(secret, OPEN, token.replace(/\.gif$/, ''), 1)?.[0];
}

/** The message and target of a click, or undefined when the token or the URL was changed. */
export function readClick(secret: string, token: string, url: string | undefined): { messageId: string; url: string } | undefined {
  if (!url || url.length > 4000 || !/^https?:\/\//i.test(url)) return undefined;
  const [idPart, macPart] = token.split('.');
  if (!idPart || !macPart) return undefined;
  const messageId = verifyIds(secret, CLICK, idPart, 1)?.[0];
  if (!messageId) return undefined;
  const given = Buffer.from(macPart, 'base64url');
  const expected = clickMac(secret, idPart, url);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { messageId, url };
}

// Who fetches images and links that is not the reader:
// - Apple Mail Privacy Protection loads every image on delivery through Apple's proxies
//   (17.0.0.0/8), announcing itself only as "Mozilla/5.0";
// - security gateways and link scanners (Microsoft Defender Safe Links, Mimecast, Proofpoint,
//   Barracuda, …) and scripts;
// - anything within seconds of delivery (no person opens mail that fast).
const SCANNER_UA = /barracuda|mimecast|proofpoint|safelinks|microsoft office\/.*\(safe ?links|symantec|trendmicro|forcepoint|bot\b|crawler|spider|headlesschrome|python-requests|curl\/|wget\/|go-http-client|java\/|okhttp|libwww/i;
const PREFETCH_SECONDS = 2;

export function isPrefetch(userAgent: string | undefined, ip: string | undefined, sentAt: Date | null, now: Date): boolean {
  const ua = (userAgent ?? '').trim();
  if (ua === '' || ua === 'Mozilla/5.0') return true;
  if (ip && /^(::ffff:)?17\./.test(ip)) return true;
  if (SCANNER_UA.test(ua)) return true;
  return sentAt !== null && now.getTime() - sentAt.getTime() < PREFETCH_SECONDS * 1000;
}

/**
 * Records an open or a click of a message: a row for reports (every one) and an event on the
 * contact's spine (the first human open of a message, the first click of each link).
 */
export async function recordEngagement(
  ctx: AppContext,
  kind: 'open' | 'click',
  messageId: string,
  request: { userAgent?: string; ip?: string; url?: string },
): Promise<boolean> {
  const [m] = await ctx.db.query<{ workspace_id: string; contact_id: string | null; broadcast_id: string | null; template_id: string | null; subject: string | null; sent_at: Date | null }>(
    "select workspace_id, contact_id, broadcast_id, template_id, subject, sent_at from email_messages where id = $1 and state in ('sent', 'bounced')",
    [messageId],
  );
  if (!m) return false;
  const now = ctx.clock.now();
  const prefetch = isPrefetch(request.userAgent, request.ip, m.sent_at ? new Date(m.sent_at) : null, now);
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `insert into email_engagement (workspace_id, message_id, broadcast_id, contact_id, kind, url, prefetch, at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [m.workspace_id, messageId, m.broadcast_id, m.contact_id, kind, request.url ?? null, prefetch, now],
    );
    if (!m.contact_id || prefetch) return;
    const message = { message_id: messageId, broadcast_id: m.broadcast_id, template_id: m.template_id, subject: m.subject };
    const base = { contactId: m.contact_id, occurredAt: now };
    await recordEvents(tx, m.workspace_id, 'email', [
      kind === 'open'
        ? { ...base, name: 'email.opened', properties: message, messageId: `email.opened:${messageId}` }
        : {
            ...base,
            name: 'email.clicked',
            properties: { ...message, url: request.url ?? '' },
            messageId: `email.clicked:${messageId}:${createHash('sha256').update(request.url ?? '').digest('hex').slice(0, 16)}`,
          },
    ]);
  });
  if (m.contact_id && !prefetch) notifyDataChanged(ctx, m.workspace_id);
  return true;
}
