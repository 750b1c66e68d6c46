// Social in a shop owner's words: the networks by name, how a post was found, sentiment,
// where a post stands on each network, the rate-limit window in a sentence, links to profiles,
// and times in the workspace's time zone (the calendar's and the schedule's).
import type { Account, Delivery, Mention, Network, Post, Stream } from './model.ts';

export const NETWORK_LABELS: Record<Network, string> = { bluesky: 'Bluesky', mastodon: 'Mastodon' };
export const NETWORK_COLORS: Record<Network, string> = { bluesky: 'blue', mastodon: 'violet' };

export const SENTIMENT_LABELS = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative', unscored: 'Not scored' } as const;
export const SENTIMENT_COLORS = { positive: 'teal', neutral: 'gray', negative: 'red', unscored: 'gray' } as const;

export const KIND_LABELS: Record<string, string> = { mention: 'Mention', reply: 'Reply to your post', hashtag: 'Hashtag', keyword: 'Keyword' };

export const DELIVERY_LABELS: Record<Delivery['state'], string> = { scheduled: 'Scheduled', publishing: 'Publishing…', published: 'Published', failed: 'Failed' };
export const DELIVERY_COLORS: Record<Delivery['state'], string> = { scheduled: 'brand', publishing: 'orange', published: 'teal', failed: 'red' };

const languages = new Intl.DisplayNames('en', { type: 'language' });

/** "French" for "fr"; the code itself where the browser knows no name ("und": unknown). */
export function languageName(code: string): string | null {
  if (!code || code === 'und') return null;
  try {
    return languages.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "Not scored (French)": Rapport reads the sentiment of English posts only. */
export function sentimentText(m: Pick<Mention, 'sentiment' | 'language'>): string {
  if (m.sentiment) return SENTIMENT_LABELS[m.sentiment];
  const language = languageName(m.language);
  return language ? `Not scored (${language})` : 'Not scored';
}

/** The author's profile on their network. */
export function profileUrl(network: Network, handle: string): string | null {
  if (network === 'bluesky') return `https://bsky.app/profile/${encodeURIComponent(handle)}`;
  const [user, server] = handle.replace(/^@/, '').split('@');
  return user && server ? `https://${server}/@${user}` : null;
}

/** "@ann.bsky.social", "@ann@mastodon.social". */
export const at = (handle: string) => (handle.startsWith('@') ? handle : `@${handle}`);

/** What a stream listens for: "Mentions and replies", "#cupcakes", "“lemon drizzle”". */
export function streamName(s: Pick<Stream, 'kind' | 'query'>): string {
  if (s.kind === 'mentions') return 'Mentions and replies';
  return s.kind === 'hashtag' ? `#${s.query}` : `“${s.query}”`;
}

const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "212 of 300 requests left until 14:05" (the viewer's clock), or the budget when nothing was asked yet. */
export function rateSentence(a: Pick<Account, 'rate' | 'limits'>, now = Date.now()): string {
  const budget = a.limits.rateLimit;
  const every = budget.windowSeconds % 60 === 0 ? `${budget.windowSeconds / 60} minutes` : `${budget.windowSeconds} seconds`;
  if (!a.rate || new Date(a.rate.resetAt).getTime() <= now) return `${budget.requests.toLocaleString('en')} requests every ${every}: all of them left now`;
  return `${a.rate.remaining.toLocaleString('en')} of ${a.rate.limit.toLocaleString('en')} requests left until ${clock.format(new Date(a.rate.resetAt))}`;
}

/** "Posts up to 300 characters (graphemes …), 4 images each." */
export function limitsSentence(a: Pick<Account, 'limits'>): string {
  return `Posts of up to ${a.limits.maxChars.toLocaleString('en')} characters, counted as ${a.limits.counting}; up to ${a.limits.maxImages} images each, described in up to ${a.limits.maxAltChars.toLocaleString('en')} characters.`;
}

/** The first words of a post, for a title. */
export function postTitle(p: Pick<Post, 'text' | 'images'>, max = 60): string {
  const words = p.text.replace(/\{\{\s*coupon\.code\s*\}\}/g, 'CODE').replace(/\s+/g, ' ').trim();
  if (!words) return p.images.length ? 'Images only' : 'Empty draft';
  return words.length > max ? `${words.slice(0, max - 1)}…` : words;
}

/** Where a post stands, all its networks at once: the state the calendar colours it by. */
export function postState(p: Pick<Post, 'state' | 'deliveries'>): 'draft' | Delivery['state'] {
  if (p.state === 'draft') return 'draft';
  const states = p.deliveries.map((d) => d.state);
  if (states.includes('failed')) return 'failed';
  if (states.includes('publishing')) return 'publishing';
  if (states.length > 0 && states.every((s) => s === 'published')) return 'published';
  return 'scheduled';
}

// ---- Times in the workspace's time zone -------------------------------------------------

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}

/** "Tue 8 Dec 2026, 10:00" in the zone. */
export const dateTimeIn = (iso: string, timeZone: string) =>
  formatIn(timeZone, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

/** "GMT", "CET", "GMT+5:30": the zone's short name at that time. */
export function zoneName(timeZone: string, at = new Date()): string {
  const part = formatIn(timeZone, { timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** "Europe/London (GMT)", "UTC". */
export const zoneLabel = (timeZone: string, at = new Date()) => {
  const short = zoneName(timeZone, at);
  return short === timeZone || timeZone === 'UTC' ? timeZone : `${timeZone.replace(/_/g, ' ')} (${short})`;
};

/** The wall clock in the zone at an instant: { date: "2026-12-08", time: "10:00" }. */
export function wallClock(instant: Date, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    formatIn(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(instant: number, timeZone: string): number {
  const { date, time } = wallClock(new Date(instant), timeZone);
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  return Math.round((asUtc - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/**
 * The instant a wall-clock time in the zone names ("2026-12-08", "10:00"). The offset at a first
 * guess may differ from the offset at the answer around a change of clocks, hence the second
 * pass; a time the change skips (02:30 on the spring morning) comes out an hour on.
 */
export function instantOf(date: string, time: string, timeZone: string): Date {
  const naive = Date.parse(`${date}T${time}:00Z`);
  const first = offsetMinutes(naive, timeZone);
  let instant = naive - first * 60_000;
  const second = offsetMinutes(instant, timeZone);
  if (second !== first) {
    const other = naive - second * 60_000;
    if (offsetMinutes(other, timeZone) === second) instant = other;
    else if (offsetMinutes(instant, timeZone) !== first) instant = naive - Math.min(first, second) * 60_000;
  }
  return new Date(instant);
}
