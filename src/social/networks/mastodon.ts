// Mastodon (any server) through the `masto` client: an access token (from the OAuth flow in
// oauth-mastodon.ts, or pasted), statuses with up to 4 media and their descriptions, mentions
// and replies from the notifications, hashtags from the tag timeline, keywords from search
// (which finds statuses by their words only where the server has full-text search: the page
// says so).
//
// Exactly once: Mastodon keeps a status's Idempotency-Key for an hour, so a retry with the same
// key gives the same status. Past that hour the account's own recent statuses are looked
// through for the text before anything is posted again.
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
  maxImages: 4,
  maxAltChars: 1500,
  maxImageBytes: 16 * 1024 * 1024,
  imageTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  rateLimit: { requests: 300, windowSeconds: 300 },
};

const URL_RE = /https?:\/\/[^\s<>"]+/g;
const MENTION_RE = /(^|[^\w/])@(\w+)@[\w.-]+\w/g;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The length Mastodon counts: each link as `urlLength`, a remote mention as its @user part. */
export function mastodonLength(text: string, urlLength = 23): number {
  const replaced = text.replace(URL_RE, 'x'.repeat(urlLength)).replace(MENTION_RE, '$1@$2');
  return [...graphemes.segment(replaced)].length;
}

function problems(draft: Draft, limits: Limits = MASTODON_LIMITS): string[] {
  const out: string[] = [];
  const n = mastodonLength(draft.text);
  if (n > limits.maxChars) out.push(`Mastodon allows ${limits.maxChars} characters in a post (each link counts as 23); this text has ${n}.`);
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

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

class MastodonConnection implements Connection {
  private requests = 0;
  private window: RateWindow | null = null;

  constructor(
    private readonly client: mastodon.rest.Client,
    readonly account: { remoteId: string; handle: string; displayName: string },
    readonly limits: Limits,
    private readonly domain: string,
  ) {}

  rate(): RateWindow | null {
    return this.window;
  }

  session(): string | null {
    return null;
  }

  /** Every call goes through here: counted, and the rate-limit headers read when the call returns them. */
  private async call<T>(run: () => PromiseLike<T>): Promise<T> {
    this.requests++;
    try {
      const out = await run();
      const headers = (out as { headers?: Headers } | undefined)?.headers;
      if (headers instanceof Headers && headers.has('x-ratelimit-remaining')) {
        this.window = {
          limit: Number(headers.get('x-ratelimit-limit')) || this.limits.rateLimit.requests,
          remaining: Number(headers.get('x-ratelimit-remaining')),
          resetAt: new Date(headers.get('x-ratelimit-reset') ?? Date.now() + this.limits.rateLimit.windowSeconds * 1000),
        };
      }
      return out;
    } catch (e) {
      throw networkError(e);
    }
  }

  async publish(draft: Draft, key: string, replyTo?: string | null): Promise<RemotePost> {
    const mediaIds: string[] = [];
    for (const img of draft.images) {
      const media = await this.call(() => this.client.v2.media.create({ file: new Blob([new Uint8Array(img.bytes)], { type: img.mime }), description: img.alt }));
      mediaIds.push(media.id);
    }
    const res = await this.call(() =>
      this.client.v1.statuses.create.$raw(
        { status: draft.text, mediaIds, visibility: 'public', ...(replyTo ? { inReplyToId: replyTo } : {}) },
        { requestInit: { headers: { 'Idempotency-Key': key } } },
      ),
    );
    return this.remote(res.data);
  }

  private remote(s: mastodon.v1.Status): RemotePost {
    return { remoteId: s.id, url: s.url ?? s.uri, publishedAt: new Date(s.createdAt) };
  }

  async findPublished(_key: string, since: Date, text: string): Promise<RemotePost | null> {
    const statuses = await this.call(() => this.client.v1.accounts.$select(this.account.remoteId).statuses.list({ limit: 40 }));
    const want = text.replace(/\s+/g, ' ').trim();
    const found = statuses.find((s) => new Date(s.createdAt).getTime() >= since.getTime() - 60_000 && textFromMastodonHtml(s.content).replace(/\s+/g, ' ').trim() === want);
    return found ? this.remote(found) : null;
  }

  private found(s: mastodon.v1.Status, kind: FoundPost['kind']): FoundPost {
    const acct = s.account.acct.includes('@') ? s.account.acct : `${s.account.acct}@${this.domain}`;
    return {
      remoteId: s.id,
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
    const before = this.requests;
    const items: FoundPost[] = [];
    let cursor = stream.cursor;
    // Pages forward from the cursor (min_id: the statuses just after it), at most 20 pages a fetch.
    for (let pages = 0; pages < 20; pages++) {
      const params = { limit: 40, ...(cursor ? { minId: cursor } : {}) };
      let batch: { id: string; status: mastodon.v1.Status; kind: FoundPost['kind'] }[];
      if (stream.kind === 'mentions') {
        const notes = await this.call(() => this.client.v1.notifications.list({ ...params, types: ['mention'] }));
        batch = notes.filter((n) => n.status).map((n) => ({ id: n.id, status: n.status!, kind: n.status!.inReplyToAccountId === this.account.remoteId ? 'reply' : 'mention' }));
      } else if (stream.kind === 'hashtag') {
        const statuses = await this.call(() => this.client.v1.timelines.tag.$select(stream.query).list(params));
        batch = statuses.map((s) => ({ id: s.id, status: s, kind: 'hashtag' }));
      } else {
        const res = await this.call(() => this.client.v2.search.list({ q: stream.query, type: 'statuses', ...params }));
        batch = res.statuses.map((s) => ({ id: s.id, status: s, kind: 'keyword' }));
      }
      const fresh = batch.filter((b) => !cursor || compareIds(b.id, cursor) > 0);
      for (const b of fresh) if (b.status.account.id !== this.account.remoteId) items.push(this.found(b.status, b.kind));
      if (fresh.length === 0) break;
      cursor = fresh.map((b) => b.id).sort(compareIds).at(-1)!;
      // The first fetch of a stream takes the latest page only: no backfill of the whole history.
      if (!stream.cursor || fresh.length < 40) break;
    }
    return { items, cursor, requests: this.requests - before };
  }

  async metrics(remoteIds: string[]): Promise<Map<string, Metrics>> {
    const out = new Map<string, Metrics>();
    for (const id of remoteIds) {
      const s = await this.call(() => this.client.v1.statuses.$select(id).fetch());
      out.set(id, { likes: s.favouritesCount, reposts: s.reblogsCount, replies: s.repliesCount });
    }
    return out;
  }
}

export const mastodonAdapter: Adapter = {
  network: 'mastodon',
  label: 'Mastodon',
  limits: MASTODON_LIMITS,
  problems,
  async connect(credentials: Credentials): Promise<Connection> {
    const client = createRestAPIClient({ url: credentials.serverUrl, accessToken: credentials.secret, timeout: 30_000 });
    try {
      const me = await client.v1.accounts.verifyCredentials();
      const instance = await client.v2.instance.fetch();
      const statuses = instance.configuration.statuses;
      const limits: Limits = {
        ...MASTODON_LIMITS,
        maxChars: statuses.maxCharacters ?? MASTODON_LIMITS.maxChars,
        maxImages: statuses.maxMediaAttachments ?? MASTODON_LIMITS.maxImages,
        counting: `characters, each link as ${statuses.charactersReservedPerUrl ?? 23}`,
      };
      return new MastodonConnection(client, { remoteId: me.id, handle: `${me.username}@${instance.domain}`.toLowerCase(), displayName: me.displayName ?? '' }, limits, instance.domain);
    } catch (e) {
      const err = networkError(e);
      if (err.status === 401 || err.status === 403) throw new NetworkError('mastodon', `Mastodon refused the access token: ${err.message.replace(/^Mastodon: /, '')}`, err.status, false);
      throw err;
    }
  },
};
