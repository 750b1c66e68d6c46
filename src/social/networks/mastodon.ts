// Mastodon (any server) through the `masto` client: an access token (from the OAuth flow in
// ../oauth.ts, or pasted), statuses with up to 4 media and their descriptions, mentions
// and replies from the notifications, hashtags from the tag timeline, keywords from search
// (which finds statuses by their words only where the server has full-text search: the page
// says so).
//
// Exactly once: Mastodon keeps a status's Idempotency-Key for an hour, so a retry with the same
// key gives the same status. A delivery tried before is first looked for among the account's
// statuses since it was made (by its words: links and mentions are shown differently), which
// covers a retry past that hour; not found, it is posted again under the same key.
//
// Rate limit: every answer (a refusal too: a 429 says when its window ends) carries the
// X-RateLimit-* headers, read into the window the jobs keep on the account; every call is made
// `$raw` for that, since masto gives the headers only then.
import { createRestAPIClient, type mastodon } from 'masto';
import { textFromMastodonHtml } from '../sentiment.ts';
import {
  type Adapter,
  type Connection,
  type Credentials,
  type Draft,
  type Fetched,
  type FoundPost,
  type Limits,
  type Metrics,
  NetworkError,
  type RateWindow,
  type RemotePost,
  type StreamQuery,
} from './types.ts';

export const MASTODON_LIMITS: Limits = {
  maxChars: 500,
  counting: 'characters, each link as 23',
  linkLength: 23,
  maxImages: 4,
  maxAltChars: 1500,
  maxImageBytes: 16 * 1024 * 1024,
  imageTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  rateLimit: { requests: 300, windowSeconds: 300 },
};

const URL_RE = /https?:\/\/[^\s<>"]+/g;
const MENTION_RE = /(^|[^\w/])@(\w+)@[\w.-]+\w/g;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Each link of a text replaced, the link as Mastodon finds it: the punctuation that ends a
 * sentence after it, and a closing parenthesis it did not open, are not part of it (twitter-text).
 */
function replaceLinks(text: string, by: (url: string) => string): string {
  return text.replace(URL_RE, (match) => {
    let url = match;
    for (;;) {
      if (/[.,:;!?'"]$/.test(url)) url = url.slice(0, -1);
      else if (url.endsWith(')') && url.split('(').length < url.split(')').length) url = url.slice(0, -1);
      else break;
    }
    return by(url) + match.slice(url.length);
  });
}

/** The length Mastodon counts: each link as `urlLength`, a remote mention as its @user part. */
export function mastodonLength(text: string, urlLength = 23): number {
  const replaced = replaceLinks(text, () => 'x'.repeat(urlLength)).replace(MENTION_RE, '$1@$2');
  return [...graphemes.segment(replaced)].length;
}

function problems(draft: Draft, limits: Limits = MASTODON_LIMITS): string[] {
  const out: string[] = [];
  const n = mastodonLength(draft.text, limits.linkLength ?? 23);
  if (n > limits.maxChars) out.push(`Mastodon allows ${limits.maxChars} characters in a post (each link counts as ${limits.linkLength ?? 23}); this text has ${n}.`);
  if (!draft.text.trim() && draft.images.length === 0) out.push('Mastodon needs some text or an image in a post.');
  if (draft.images.length > limits.maxImages) out.push(`Mastodon allows ${limits.maxImages} images in a post; this post has ${draft.images.length}.`);
  draft.images.forEach((img, i) => {
    if (!limits.imageTypes.includes(img.mime)) out.push(`Mastodon takes JPEG, PNG, GIF or WebP images here; image ${i + 1} is ${img.mime}.`);
    if (img.bytes.length > limits.maxImageBytes)
      out.push(`Mastodon allows images of up to ${Math.floor(limits.maxImageBytes / 1024 / 1024)} MB; image ${i + 1} is ${(img.bytes.length / 1024 / 1024).toFixed(1)} MB.`);
    if ([...graphemes.segment(img.alt)].length > limits.maxAltChars) out.push(`Mastodon allows ${limits.maxAltChars} characters of image description; image ${i + 1} has more.`);
  });
  return out;
}

function networkError(e: unknown): NetworkError {
  if (e instanceof NetworkError) return e;
  const err = e as { statusCode?: number; message?: string; description?: string };
  const status = typeof err.statusCode === 'number' ? err.statusCode : null;
  const message = err.description || err.message || String(e);
  return new NetworkError('mastodon', `Mastodon: ${message}`, status, status === null || status === 429 || status >= 500);
}

/**
 * Ids are strings ("cast from an integer, but not guaranteed to be a number", says the API): decimal
 * on Mastodon, ULIDs on GoToSocial, base62 on Akkoma; each sorts by length, then character by character.
 */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** The window an answer's X-RateLimit-* headers describe, if it has them. */
function windowOf(headers: Headers | undefined): RateWindow | null {
  if (!headers?.has('x-ratelimit-remaining')) return null;
  const budget = MASTODON_LIMITS.rateLimit;
  const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '');
  return {
    limit: Number(headers.get('x-ratelimit-limit')) || budget.requests,
    remaining: Number(headers.get('x-ratelimit-remaining')) || 0,
    resetAt: new Date(Number.isNaN(reset) ? Date.now() + budget.windowSeconds * 1000 : reset),
  };
}

/** Counts a client's requests and keeps the window the last answer reported (masto hangs a refusal's Response on its `cause`). */
class Meter {
  requests = 0;
  window: RateWindow | null = null;

  async call<T>(run: () => PromiseLike<{ headers: Headers; data: T }>): Promise<T> {
    this.requests++;
    try {
      const res = await run();
      this.window = windowOf(res.headers) ?? this.window;
      return res.data;
    } catch (e) {
      const cause = (e as { cause?: unknown } | null)?.cause;
      this.window = (cause instanceof Response ? windowOf(cause.headers) : null) ?? this.window;
      const err = networkError(e);
      // Refused for the rate limit: not before the window resets.
      if (err.status === 429) throw new NetworkError('mastodon', err.message, 429, true, this.window?.resetAt ?? new Date(Date.now() + MASTODON_LIMITS.rateLimit.windowSeconds * 1000));
      throw err;
    }
  }
}

class MastodonConnection implements Connection {
  constructor(
    private readonly client: mastodon.rest.Client,
    readonly account: { remoteId: string; handle: string; displayName: string },
    readonly limits: Limits,
    private readonly domain: string,
    private readonly meter: Meter,
  ) {}

  rate(): RateWindow | null {
    return this.meter.window;
  }

  session(): string | null {
    return null;
  }

  private call<T>(run: () => PromiseLike<{ headers: Headers; data: T }>): Promise<T> {
    return this.meter.call(run);
  }

  async publish(draft: Draft, key: string, replyTo?: string | null): Promise<RemotePost> {
    const mediaIds: string[] = [];
    for (const img of draft.images) {
      const media = await this.call(() => this.client.v2.media.create.$raw({ file: new Blob([new Uint8Array(img.bytes)], { type: img.mime }), description: img.alt, skipPolling: true }));
      mediaIds.push(media.id);
    }
    const status = await this.call(() =>
      this.client.v1.statuses.create.$raw(
        { status: draft.link ? replaceLinks(draft.text, (url) => draft.link!(url) ?? url) : draft.text, mediaIds, visibility: 'public', ...(replyTo ? { inReplyToId: replyTo } : {}) },
        { requestInit: { headers: { 'Idempotency-Key': key } } },
      ),
    );
    return this.remote(status);
  }

  private remote(s: mastodon.v1.Status): RemotePost {
    return { remoteId: s.id, url: s.url ?? s.uri, publishedAt: new Date(s.createdAt) };
  }

  async findPublished(_key: string, since: Date, text: string): Promise<RemotePost | null> {
    // Compared without links (a link may have been sent as the click counter's address) and with
    // mentions as Mastodon shows them (@ann, not @ann@server).
    const words = (t: string) => replaceLinks(t, () => '').replace(MENTION_RE, '$1@$2').replace(/\s+/g, ' ').trim();
    const want = words(text);
    const from = since.getTime() - 60_000;
    // The account's statuses, newest first, back to when the delivery was made (at most 10 pages).
    let maxId: string | null = null;
    for (let page = 0; page < 10; page++) {
      const params = { limit: 40, ...(maxId ? { maxId } : {}) };
      const statuses: mastodon.v1.Status[] = await this.call(() => this.client.v1.accounts.$select(this.account.remoteId).statuses.list.$raw(params));
      for (const s of statuses) {
        if (new Date(s.createdAt).getTime() < from) return null;
        if (words(textFromMastodonHtml(s.content)) === want) return this.remote(s);
      }
      if (statuses.length === 0) return null;
      maxId = statuses.at(-1)!.id;
    }
    return null;
  }

  private found(s: mastodon.v1.Status, kind: FoundPost['kind']): FoundPost {
    const acct = s.account.acct.includes('@') ? s.account.acct : `${s.account.acct}@${this.domain}`;
    return {
      // The ActivityPub URI is the status's name on every server; the id is this server's.
      remoteId: s.uri,
      localId: s.id,
      kind,
      authorHandle: acct.toLowerCase(),
      authorName: s.account.displayName ?? '',
      authorRemoteId: s.account.id,
      text: textFromMastodonHtml(s.content),
      url: s.url ?? s.uri,
      postedAt: new Date(s.createdAt),
      languages: s.language ? [s.language] : [],
      inReplyTo: s.inReplyToId ?? null,
    };
  }

  async fetch(stream: StreamQuery): Promise<Fetched> {
    const before = this.meter.requests;
    const items: FoundPost[] = [];
    let cursor = stream.cursor;
    // Pages forward from the cursor (min_id: the statuses just after it), at most 20 pages a fetch.
    for (let pages = 0; pages < 20; pages++) {
      const params = { limit: 40, ...(cursor ? { minId: cursor } : {}) };
      let batch: { id: string; status: mastodon.v1.Status; kind: FoundPost['kind'] }[];
      if (stream.kind === 'mentions') {
        const notes = await this.call(() => this.client.v1.notifications.list.$raw({ ...params, types: ['mention'] }));
        batch = notes.filter((n) => n.status).map((n) => ({ id: n.id, status: n.status!, kind: n.status!.inReplyToAccountId === this.account.remoteId ? 'reply' : 'mention' }));
      } else if (stream.kind === 'hashtag') {
        const statuses = await this.call(() => this.client.v1.timelines.tag.$select(stream.query).list.$raw(params));
        batch = statuses.map((s) => ({ id: s.id, status: s, kind: 'hashtag' }));
      } else {
        const res = await this.call(() => this.client.v2.search.list.$raw({ q: stream.query, type: 'statuses', ...params }));
        batch = res.statuses.map((s) => ({ id: s.id, status: s, kind: 'keyword' }));
      }
      const fresh = batch.filter((b) => !cursor || compareIds(b.id, cursor) > 0);
      for (const b of fresh) if (b.status.account.id !== this.account.remoteId) items.push(this.found(b.status, b.kind));
      if (fresh.length === 0) break;
      cursor = fresh.map((b) => b.id).sort(compareIds).at(-1)!;
      // The first fetch of a stream takes the latest page only: no backfill of the whole history.
      if (!stream.cursor || fresh.length < 40) break;
    }
    return { items, cursor, requests: this.meter.requests - before };
  }

  async metrics(remoteIds: string[]): Promise<Map<string, Metrics>> {
    const out = new Map<string, Metrics>();
    for (const id of remoteIds) {
      const s = await this.call(() => this.client.v1.statuses.$select(id).fetch.$raw());
      out.set(id, { likes: s.favouritesCount, reposts: s.reblogsCount, replies: s.repliesCount });
    }
    return out;
  }
}

export const mastodonAdapter: Adapter = {
  network: 'mastodon',
  label: 'Mastodon',
  limits: MASTODON_LIMITS,
  length: (text) => mastodonLength(text),
  problems,
  async connect(credentials: Credentials): Promise<Connection> {
    const client = createRestAPIClient({ url: credentials.serverUrl, accessToken: credentials.secret, timeout: 30_000 });
    const meter = new Meter();
    try {
      const me = await meter.call(() => client.v1.accounts.verifyCredentials.$raw());
      const instance = await meter.call(() => client.v2.instance.fetch.$raw());
      const statuses = instance.configuration.statuses;
      const limits: Limits = {
        ...MASTODON_LIMITS,
        maxChars: statuses.maxCharacters ?? MASTODON_LIMITS.maxChars,
        maxImages: statuses.maxMediaAttachments ?? MASTODON_LIMITS.maxImages,
        counting: `characters, each link as ${statuses.charactersReservedPerUrl ?? 23}`,
        linkLength: statuses.charactersReservedPerUrl ?? 23,
      };
      return new MastodonConnection(client, { remoteId: me.id, handle: `${me.username}@${instance.domain}`.toLowerCase(), displayName: me.displayName ?? '' }, limits, instance.domain, meter);
    } catch (e) {
      const err = networkError(e);
      if (err.status === 401 || err.status === 403) throw new NetworkError('mastodon', `Mastodon refused the access token: ${err.message.replace(/^Mastodon: /, '')}`, err.status, false);
      throw err;
    }
  },
};
