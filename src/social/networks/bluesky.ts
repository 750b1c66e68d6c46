// Bluesky through its official client, @atproto/api: sign-in with a handle and an app password,
// posts with rich-text facets (links, mentions, hashtags) and up to 4 images with alt text,
// mentions and replies from the notifications, hashtags and keywords from post search
// (notifications and search are served by the AppView, which the PDS proxies to).
//
// Exactly once: a post's record key is derived from its delivery (a TID built from the
// delivery's UUIDv7 time and a hash of it), and written with createRecord. The same key twice is
// the same record: the repo refuses a second one, and getRecord finds the first.
import { createHash } from 'node:crypto';
import { AtpAgent, type AtpSessionData, RichText } from '@atproto/api';
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

const POST = 'app.bsky.feed.post';

export const BLUESKY_LIMITS: Limits = {
  maxChars: 300,
  counting: 'graphemes (an emoji or an accented letter counts as one)',
  linkLength: null,
  maxImages: 4,
  maxAltChars: 2000,
  maxImageBytes: 1_000_000,
  imageTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  rateLimit: { requests: 3000, windowSeconds: 300 },
};

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
function s32(n: bigint, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = S32[Number(n % 32n)] + out;
    n /= 32n;
  }
  return out;
}

/**
 * The record key of the post published under `key` (a UUIDv7): a TID whose time is the UUID's
 * millisecond (plus microseconds from a hash of the key) and whose clock id comes from the hash.
 */
export function recordKeyFor(key: string): string {
  const hex = key.replace(/-/g, '');
  if (!/^[0-9a-f]{12}7[0-9a-f]{19}$/i.test(hex)) throw new Error(`A Bluesky post's key must be a UUIDv7: ${key}`);
  const ms = BigInt(`0x${hex.slice(0, 12)}`);
  const h = createHash('sha256').update(key).digest();
  const micros = ms * 1000n + BigInt(h.readUInt16BE(0) % 1000);
  const clock = BigInt(h.readUInt16BE(2) % 1024);
  return s32(micros, 11) + s32(clock, 2);
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
export const graphemeCount = (s: string) => [...graphemes.segment(s)].length;

function problems(draft: Draft, limits: Limits = BLUESKY_LIMITS): string[] {
  const out: string[] = [];
  const n = graphemeCount(draft.text);
  if (n > limits.maxChars) out.push(`Bluesky allows ${limits.maxChars} characters in a post; this text has ${n}.`);
  if (Buffer.byteLength(draft.text, 'utf8') > 3000) out.push('Bluesky allows 3,000 bytes of text in a post; this text has more.');
  if (!draft.text.trim() && draft.images.length === 0) out.push('Bluesky needs some text or an image in a post.');
  if (draft.images.length > limits.maxImages) out.push(`Bluesky allows ${limits.maxImages} images in a post; this post has ${draft.images.length}.`);
  draft.images.forEach((img, i) => {
    if (!limits.imageTypes.includes(img.mime)) out.push(`Bluesky takes JPEG, PNG, GIF or WebP images; image ${i + 1} is ${img.mime}.`);
    if (img.bytes.length > limits.maxImageBytes)
      out.push(`Bluesky allows images of up to ${Math.floor(limits.maxImageBytes / 1000).toLocaleString('en')} kB; image ${i + 1} is ${Math.ceil(img.bytes.length / 1000).toLocaleString('en')} kB.`);
    if (graphemeCount(img.alt) > limits.maxAltChars) out.push(`Bluesky allows ${limits.maxAltChars} characters of alt text; image ${i + 1} has ${graphemeCount(img.alt)}.`);
  });
  return out;
}

/** The network's own words for a failed call, and whether trying later may help. */
function networkError(e: unknown): NetworkError {
  if (e instanceof NetworkError) return e;
  const err = e as { status?: number; error?: string; message?: string };
  const status = typeof err.status === 'number' ? err.status : null;
  const message = err.message || err.error || String(e);
  const transient = status === null || status === 429 || status >= 500 || status === 1;
  // Refused for the rate limit: not before its reset (seconds since the epoch, in RateLimit-Reset).
  const reset = Number((e as { headers?: Record<string, string> }).headers?.['ratelimit-reset']);
  const retryAt = status === 429 ? new Date(Number.isFinite(reset) && reset > 0 ? reset * 1000 : Date.now() + BLUESKY_LIMITS.rateLimit.windowSeconds * 1000) : null;
  return new NetworkError('bluesky', `Bluesky: ${message}`, status, transient, retryAt);
}

function webUrl(handle: string, uri: string): string {
  const rkey = uri.split('/').pop();
  return `https://bsky.app/profile/${handle}/post/${rkey}`;
}

interface PostRecord {
  text?: string;
  langs?: string[];
  createdAt?: string;
  reply?: { parent?: { uri?: string } };
}

/** A post as a notification or a search gives it, as Rapport stores it. */
function foundOf(p: { uri: string; indexedAt: string; record: unknown; author: { handle: string; did: string; displayName?: string } }, kind: FoundPost['kind']): FoundPost {
  const record = p.record as PostRecord;
  return {
    remoteId: p.uri,
    localId: p.uri,
    kind,
    authorHandle: p.author.handle,
    authorName: p.author.displayName ?? '',
    authorRemoteId: p.author.did,
    text: record.text ?? '',
    url: webUrl(p.author.handle, p.uri),
    postedAt: new Date(record.createdAt ?? p.indexedAt),
    languages: record.langs ?? [],
    inReplyTo: record.reply?.parent?.uri ?? null,
  };
}

class BlueskyConnection implements Connection {
  private window: RateWindow | null = null;
  private requests = 0;

  constructor(
    private readonly agent: AtpAgent,
    readonly account: { remoteId: string; handle: string; displayName: string },
    readonly limits: Limits,
    counter: { onResponse: (r: Response) => void },
  ) {
    counter.onResponse = (r) => this.sawResponse(r);
  }

  private sawResponse(r: Response): void {
    this.requests++;
    const limit = Number(r.headers.get('ratelimit-limit'));
    const remaining = Number(r.headers.get('ratelimit-remaining'));
    const reset = Number(r.headers.get('ratelimit-reset'));
    if (r.headers.has('ratelimit-remaining') && Number.isFinite(remaining)) {
      this.window = { limit: limit || BLUESKY_LIMITS.rateLimit.requests, remaining, resetAt: new Date(reset * 1000) };
    }
  }

  rate(): RateWindow | null {
    return this.window;
  }

  session(): string | null {
    return this.agent.session ? JSON.stringify(this.agent.session) : null;
  }

  async publish(draft: Draft, key: string, replyTo?: string | null): Promise<RemotePost> {
    const rkey = recordKeyFor(key);
    const found = await this.getOwn(rkey);
    if (found) return found;
    try {
      const rt = new RichText({ text: draft.text });
      await rt.detectFacets(this.agent);
      // A link's text stays as written; the address behind it may be the click counter's.
      for (const facet of rt.facets ?? []) {
        for (const feature of facet.features as { $type: string; uri?: string }[]) {
          if (feature.$type === 'app.bsky.richtext.facet#link' && feature.uri) feature.uri = draft.link?.(feature.uri) ?? feature.uri;
        }
      }
      const record: Record<string, unknown> = { $type: POST, text: rt.text, facets: rt.facets, createdAt: new Date().toISOString() };
      if (draft.images.length) {
        const images = [];
        for (const img of draft.images) {
          const up = await this.agent.uploadBlob(new Uint8Array(img.bytes), { encoding: img.mime });
          images.push({ image: up.data.blob, alt: img.alt });
        }
        record.embed = { $type: 'app.bsky.embed.images', images };
      }
      if (replyTo) {
        const parent = await this.agent.com.atproto.repo.getRecord(parseUri(replyTo));
        const parentRecord = parent.data.value as { reply?: { root?: { uri: string; cid: string } } };
        const parentRef = { uri: parent.data.uri, cid: parent.data.cid! };
        record.reply = { root: parentRecord.reply?.root ?? parentRef, parent: parentRef };
      }
      const res = await this.agent.com.atproto.repo.createRecord({ repo: this.account.remoteId, collection: POST, rkey, record });
      return { remoteId: res.data.uri, url: webUrl(this.account.handle, res.data.uri), publishedAt: new Date(record.createdAt as string) };
    } catch (e) {
      // A second write under the same key: the first one is there.
      const again = await this.getOwn(rkey).catch(() => null);
      if (again) return again;
      throw networkError(e);
    }
  }

  private async getOwn(rkey: string): Promise<RemotePost | null> {
    try {
      const res = await this.agent.com.atproto.repo.getRecord({ repo: this.account.remoteId, collection: POST, rkey });
      const value = res.data.value as PostRecord;
      return { remoteId: res.data.uri, url: webUrl(this.account.handle, res.data.uri), publishedAt: new Date(value.createdAt ?? Date.now()) };
    } catch (e) {
      const err = networkError(e);
      if (err.status === 400 || err.status === 404) return null;
      throw err;
    }
  }

  async findPublished(key: string): Promise<RemotePost | null> {
    return this.getOwn(recordKeyFor(key));
  }

  async fetch(stream: StreamQuery): Promise<Fetched> {
    const before = this.requests;
    try {
      const result = stream.kind === 'mentions' ? await this.fetchNotifications(stream.cursor) : await this.search(stream);
      return { ...result, requests: this.requests - before };
    } catch (e) {
      throw networkError(e);
    }
  }

  /** Mentions, quotes and replies, newest first, back to where the last fetch stopped (the newest indexedAt it saw). */
  private async fetchNotifications(cursor: string | null): Promise<Omit<Fetched, 'requests'>> {
    const items: FoundPost[] = [];
    let newest = cursor;
    let page: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const res = await this.agent.app.bsky.notification.listNotifications({ limit: 50, cursor: page, reasons: ['mention', 'reply', 'quote'] });
      let reachedSeen = false;
      for (const n of res.data.notifications) {
        if (cursor && n.indexedAt <= cursor) {
          reachedSeen = true;
          continue;
        }
        if (!newest || n.indexedAt > newest) newest = n.indexedAt;
        if (n.reason !== 'mention' && n.reason !== 'reply' && n.reason !== 'quote') continue;
        items.push(foundOf(n, n.reason === 'reply' ? 'reply' : 'mention'));
      }
      page = res.data.cursor;
      if (reachedSeen || !page || res.data.notifications.length === 0) break;
    }
    return { items, cursor: newest };
  }

  /** Posts with the hashtag or the words, newest first, since the last fetch (the newest indexedAt it saw). */
  private async search(stream: StreamQuery): Promise<Omit<Fetched, 'requests'>> {
    const items: FoundPost[] = [];
    let newest = stream.cursor;
    let page: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const res = await this.agent.app.bsky.feed.searchPosts({
        q: stream.kind === 'hashtag' ? `#${stream.query}` : stream.query,
        ...(stream.kind === 'hashtag' ? { tag: [stream.query] } : {}),
        sort: 'latest',
        since: stream.cursor ?? undefined,
        limit: 100,
        cursor: page,
      });
      for (const p of res.data.posts) {
        if (stream.cursor && p.indexedAt <= stream.cursor) continue;
        if (p.author.did === this.account.remoteId) continue;
        if (!newest || p.indexedAt > newest) newest = p.indexedAt;
        items.push(foundOf(p, stream.kind === 'hashtag' ? 'hashtag' : 'keyword'));
      }
      page = res.data.cursor;
      if (!page || res.data.posts.length === 0) break;
    }
    return { items, cursor: newest };
  }

  async metrics(remoteIds: string[]): Promise<Map<string, Metrics>> {
    const out = new Map<string, Metrics>();
    try {
      for (let i = 0; i < remoteIds.length; i += 25) {
        const res = await this.agent.app.bsky.feed.getPosts({ uris: remoteIds.slice(i, i + 25) });
        for (const p of res.data.posts) out.set(p.uri, { likes: p.likeCount ?? 0, reposts: (p.repostCount ?? 0) + (p.quoteCount ?? 0), replies: p.replyCount ?? 0 });
      }
    } catch (e) {
      throw networkError(e);
    }
    return out;
  }
}

function parseUri(uri: string): { repo: string; collection: string; rkey: string } {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) throw new NetworkError('bluesky', `Not a Bluesky post address: ${uri}`, null, false);
  return { repo: m[1]!, collection: m[2]!, rkey: m[3]! };
}

export const bluesky: Adapter = {
  network: 'bluesky',
  label: 'Bluesky',
  limits: BLUESKY_LIMITS,
  length: graphemeCount,
  problems,
  async connect(credentials: Credentials, session?: string | null): Promise<Connection> {
    const counter = { onResponse: (_r: Response) => {} };
    const agent = new AtpAgent({
      service: credentials.serverUrl,
      fetch: async (input, init) => {
        const res = await globalThis.fetch(input, init);
        counter.onResponse(res);
        return res;
      },
    });
    try {
      let resumed = false;
      if (session) {
        try {
          await agent.resumeSession(JSON.parse(session) as AtpSessionData);
          resumed = true;
        } catch {
          resumed = false;
        }
      }
      if (!resumed) {
        if (!credentials.identifier) throw new NetworkError('bluesky', 'Bluesky: a handle is needed to sign in.', null, false);
        await agent.login({ identifier: credentials.identifier, password: credentials.secret });
      }
      const did = agent.session!.did;
      const profile = await agent.com.atproto.repo
        .getRecord({ repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' })
        .then((r) => (r.data.value as { displayName?: string }).displayName ?? '')
        .catch(() => '');
      return new BlueskyConnection(agent, { remoteId: did, handle: agent.session!.handle, displayName: profile }, BLUESKY_LIMITS, counter);
    } catch (e) {
      const err = networkError(e);
      if (err.status === 401) throw new NetworkError('bluesky', `Bluesky refused the sign-in: ${err.message.replace(/^Bluesky: /, '')}. Check the handle and the app password.`, 401, false);
      throw err;
    }
  },
};
