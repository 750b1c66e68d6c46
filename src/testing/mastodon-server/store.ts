// The in-memory data of the test Mastodon server, the operations on it that the HTTP side and
// the test helpers share, and the entities as the API serializes them (snake_case, string ids).
import { randomBytes } from 'node:crypto';
import { countableLength, extractEntities, renderContent } from './text.ts';

export interface ServerOptions {
  domain: string;
  maxCharacters: number;
  maxMediaAttachments: number;
  charactersReservedPerUrl: number;
  rateLimit: number;
  fullTextSearch: boolean;
  now: () => Date;
}

/** An API error: the status code and the `error` (and OAuth's `error_description`) of the body. */
export class MastodonError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly description?: string,
  ) {
    super(message);
  }
}

export const notFound = () => new MastodonError(404, 'Record not found');

export interface AppRecord { id: string; name: string; website: string | null; scopes: string[]; redirectUris: string[]; clientId: string; clientSecret: string }
export interface AccountRecord { id: string; username: string; displayName: string; createdAt: Date }
export interface TokenRecord { id: string; value: string; appId: string | null; accountId: string | null; scopes: string[]; createdAt: Date; revoked: boolean }
export interface CodeRecord { appId: string; accountId: string; redirectUri: string; scopes: string[]; createdAt: Date; used: boolean; challenge?: string }
export interface MediaRecord { id: string; accountId: string; type: string; mime: string; bytes: Buffer; fileName: string; description: string | null; focus: { x: number; y: number } | null; statusId: string | null; meta: Record<string, unknown> }
export interface StatusRecord {
  id: string; accountId: string; text: string; spoilerText: string; visibility: string; language: string | null; sensitive: boolean;
  inReplyToId: string | null; inReplyToAccountId: string | null; mediaIds: string[]; mentionIds: string[]; tags: string[]; html: string;
  createdAt: Date; appId: string | null; favouritedBy: Set<string>; rebloggedBy: Set<string>; deleted: boolean;
}
export interface NotificationRecord { id: string; type: string; accountId: string; fromAccountId: string; statusId: string | null; createdAt: Date }

export interface StatusParams {
  status?: string | null;
  media_ids?: string[];
  in_reply_to_id?: string | null;
  visibility?: string | null;
  language?: string | null;
  spoiler_text?: string | null;
  sensitive?: boolean;
}

const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'];
const IDEMPOTENCY_MS = 3_600_000;

export const big = (id: unknown): bigint | null => (typeof id === 'string' && /^\d{1,30}$/.test(id) ? BigInt(id) : null);

export class Store {
  apps = new Map<string, AppRecord>();
  accounts = new Map<string, AccountRecord>();
  tokens = new Map<string, TokenRecord>();
  codes = new Map<string, CodeRecord>();
  media = new Map<string, MediaRecord>();
  statuses = new Map<string, StatusRecord>();
  notifications: NotificationRecord[] = [];
  private idempotency = new Map<string, { statusId: string; at: number }>();
  private lastId = 0n;

  constructor(readonly o: ServerOptions) {}

  /** Snowflake-like: milliseconds shifted left 16 bits plus a sequence, always increasing. */
  nextId(): string {
    const candidate = BigInt(this.o.now().getTime()) << 16n;
    this.lastId = candidate > this.lastId ? candidate : this.lastId + 1n;
    return this.lastId.toString();
  }

  secret(): string {
    return randomBytes(32).toString('base64url');
  }

  createAccount(username: string, displayName = username): AccountRecord {
    if (!/^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i.test(username)) throw new MastodonError(422, 'Validation failed: Username must contain only letters, numbers and underscores');
    if (this.accountByUsername(username)) throw new MastodonError(422, 'Validation failed: Username has already been taken');
    const account = { id: this.nextId(), username, displayName, createdAt: this.o.now() };
    this.accounts.set(account.id, account);
    return account;
  }

  accountByUsername(username: string): AccountRecord | undefined {
    return [...this.accounts.values()].find((a) => a.username.toLowerCase() === username.toLowerCase());
  }

  appByClientId(clientId: unknown): AppRecord | undefined {
    return [...this.apps.values()].find((a) => a.clientId === clientId);
  }

  issueToken(appId: string | null, accountId: string | null, scopes: string[]): TokenRecord {
    const token = { id: this.nextId(), value: this.secret(), appId, accountId, scopes, createdAt: this.o.now(), revoked: false };
    this.tokens.set(token.value, token);
    return token;
  }

  /** Whether `viewer` may see the status: public and unlisted to all, the rest to its author and those it mentions. */
  visible(s: StatusRecord, viewer: AccountRecord | null): boolean {
    if (s.deleted) return false;
    if (s.visibility === 'public' || s.visibility === 'unlisted') return true;
    return !!viewer && (viewer.id === s.accountId || s.mentionIds.includes(viewer.id));
  }

  /** PostStatusService, in its order: idempotency, media, reply target, then the status's own validations. */
  createStatus(account: AccountRecord, p: StatusParams, appId: string | null, idempotencyKey?: string): StatusRecord {
    const now = this.o.now();
    const key = idempotencyKey ? `${account.id}:${idempotencyKey}` : null;
    const earlier = key ? this.idempotency.get(key) : undefined;
    if (earlier && now.getTime() - earlier.at < IDEMPOTENCY_MS) {
      const status = this.statuses.get(earlier.statusId);
      if (status && !status.deleted) return status;
    }
    const mediaIds = [...new Set((p.media_ids ?? []).map(String))];
    if (mediaIds.length > this.o.maxMediaAttachments) throw new MastodonError(422, `Cannot attach more than ${this.o.maxMediaAttachments} files`);
    const missing = mediaIds.filter((id) => { const m = this.media.get(id); return !m || m.accountId !== account.id || m.statusId !== null; });
    if (missing.length) throw new MastodonError(422, `Media ${missing.join(', ')} not found or already attached to another post`);
    let parent: StatusRecord | undefined;
    if (p.in_reply_to_id) {
      parent = this.statuses.get(String(p.in_reply_to_id));
      if (!parent || !this.visible(parent, account)) throw new MastodonError(404, 'The post you are trying to reply to does not appear to exist.');
    }
    const visibility = p.visibility || 'public';
    if (!VISIBILITIES.includes(visibility)) throw new MastodonError(422, 'Validation failed: Visibility is not included in the list');
    const text = (p.status ?? '').trim();
    const spoilerText = (p.spoiler_text ?? '').trim();
    if (!text && !mediaIds.length) throw new MastodonError(422, "Validation failed: Text can't be blank");
    if (countableLength(text, spoilerText, this.o.charactersReservedPerUrl) > this.o.maxCharacters) {
      throw new MastodonError(422, `Validation failed: Text character limit of ${this.o.maxCharacters} exceeded`);
    }
    const mentioned = extractEntities(text)
      .filter((e) => e.kind === 'mention' && (!e.domain || e.domain.toLowerCase() === this.o.domain.toLowerCase()))
      .map((e) => this.accountByUsername(e.value))
      .filter((a): a is AccountRecord => !!a);
    const tags = extractEntities(text).filter((e) => e.kind === 'hashtag').map((e) => e.value.toLowerCase());
    const status: StatusRecord = {
      id: this.nextId(), accountId: account.id, text, spoilerText, visibility, language: p.language || null, sensitive: !!p.sensitive || !!spoilerText,
      inReplyToId: parent?.id ?? null, inReplyToAccountId: parent?.accountId ?? null, mediaIds, mentionIds: [...new Set(mentioned.map((a) => a.id))],
      tags: [...new Set(tags)], createdAt: now, appId, favouritedBy: new Set(), rebloggedBy: new Set(), deleted: false,
      html: text && renderContent(text, {
        mention: (username, domain) => {
          const a = !domain || domain.toLowerCase() === this.o.domain.toLowerCase() ? this.accountByUsername(username) : undefined;
          return a ? { url: this.profileUrl(a), username: a.username } : null;
        },
        tagUrl: (name) => `https://${this.o.domain}/tags/${encodeURIComponent(name)}`,
      }),
    };
    this.statuses.set(status.id, status);
    for (const id of mediaIds) this.media.get(id)!.statusId = status.id;
    for (const id of status.mentionIds) this.notify('mention', id, account.id, status.id);
    if (key) this.idempotency.set(key, { statusId: status.id, at: now.getTime() });
    return status;
  }

  /** NotifyService: nobody is notified of their own doing. */
  notify(type: string, accountId: string, fromAccountId: string, statusId: string | null): void {
    if (accountId === fromAccountId) return;
    this.notifications.push({ id: this.nextId(), type, accountId, fromAccountId, statusId, createdAt: this.o.now() });
  }

  interact(kind: 'favourite' | 'reblog', statusId: string, byAccountId: string): StatusRecord {
    const status = this.statuses.get(statusId);
    const by = this.accounts.get(byAccountId);
    if (!status || !by || !this.visible(status, by)) throw notFound();
    const set = kind === 'favourite' ? status.favouritedBy : status.rebloggedBy;
    if (!set.has(by.id)) {
      set.add(by.id);
      this.notify(kind, status.accountId, by.id, status.id);
    }
    return status;
  }

  deleteStatus(status: StatusRecord): void {
    status.deleted = true;
    this.notifications = this.notifications.filter((n) => n.statusId !== status.id);
  }

  live(): StatusRecord[] {
    return [...this.statuses.values()].filter((s) => !s.deleted);
  }

  profileUrl(a: AccountRecord): string {
    return `https://${this.o.domain}/@${a.username}`;
  }

  actorUri(a: AccountRecord): string {
    return `https://${this.o.domain}/users/${a.username}`;
  }

  /** The status's web page (`url`) and its ActivityPub id (`uri`). */
  statusLinks(s: StatusRecord): { url: string; uri: string } {
    const author = this.accounts.get(s.accountId)!;
    return { url: `${this.profileUrl(author)}/${s.id}`, uri: `${this.actorUri(author)}/statuses/${s.id}` };
  }

  accountJson(a: AccountRecord): Record<string, unknown> {
    const own = this.live().filter((s) => s.accountId === a.id);
    const avatar = `https://${this.o.domain}/avatars/original/missing.png`;
    const header = `https://${this.o.domain}/headers/original/missing.png`;
    return {
      id: a.id, username: a.username, acct: a.username, display_name: a.displayName, locked: false, bot: false, discoverable: true,
      indexable: false, group: false, created_at: `${a.createdAt.toISOString().slice(0, 10)}T00:00:00.000Z`, note: '',
      url: this.profileUrl(a), uri: this.actorUri(a), avatar, avatar_static: avatar, header, header_static: header,
      followers_count: 0, following_count: 0, statuses_count: own.length,
      last_status_at: own.length ? own.at(-1)!.createdAt.toISOString().slice(0, 10) : null,
      hide_collections: false, noindex: false, emojis: [], roles: [], fields: [],
    };
  }

  credentialAccountJson(a: AccountRecord): Record<string, unknown> {
    return {
      ...this.accountJson(a),
      source: { privacy: 'public', sensitive: false, language: '', note: '', fields: [], follow_requests_count: 0, hide_collections: false, discoverable: true, indexable: false, attribution_domains: [] },
      role: { id: '-99', name: '', permissions: '65536', color: '', highlighted: false },
    };
  }

  mediaJson(m: MediaRecord): Record<string, unknown> {
    const file = (style: string) => `https://${this.o.domain}/system/media_attachments/files/${m.id}/${style}/${m.fileName}`;
    return {
      id: m.id, type: m.type, url: file('original'), preview_url: file('small'), remote_url: null, preview_remote_url: null, text_url: null,
      meta: m.focus ? { ...m.meta, focus: m.focus } : m.meta, description: m.description, blurhash: null,
    };
  }

  statusJson(s: StatusRecord, viewer: AccountRecord | null, withSource = false): Record<string, unknown> {
    const app = s.appId ? this.apps.get(s.appId) : undefined;
    const mentions = s.mentionIds.map((id) => this.accounts.get(id)!).map((a) => ({ id: a.id, username: a.username, url: this.profileUrl(a), acct: a.username }));
    return {
      id: s.id, created_at: s.createdAt.toISOString(), in_reply_to_id: s.inReplyToId, in_reply_to_account_id: s.inReplyToAccountId,
      sensitive: s.sensitive, spoiler_text: s.spoilerText, visibility: s.visibility, language: s.language,
      ...this.statusLinks(s),
      replies_count: this.live().filter((r) => r.inReplyToId === s.id).length, reblogs_count: s.rebloggedBy.size, favourites_count: s.favouritedBy.size,
      edited_at: null, content: s.html, reblog: null, ...(app ? { application: { name: app.name, website: app.website } } : {}),
      account: this.accountJson(this.accounts.get(s.accountId)!), media_attachments: s.mediaIds.map((id) => this.mediaJson(this.media.get(id)!)),
      mentions, tags: s.tags.map((name) => ({ name, url: `https://${this.o.domain}/tags/${encodeURIComponent(name)}` })),
      emojis: [], card: null, poll: null,
      ...(viewer ? { favourited: s.favouritedBy.has(viewer.id), reblogged: s.rebloggedBy.has(viewer.id), muted: false, bookmarked: false, ...(viewer.id === s.accountId ? { pinned: false } : {}) } : {}),
      ...(withSource ? { text: s.text } : {}),
    };
  }

  notificationJson(n: NotificationRecord, viewer: AccountRecord): Record<string, unknown> {
    const status = n.statusId ? this.statuses.get(n.statusId) : undefined;
    return {
      id: n.id, type: n.type, group_key: `ungrouped-${n.id}`, created_at: n.createdAt.toISOString(),
      account: this.accountJson(this.accounts.get(n.fromAccountId)!), ...(status ? { status: this.statusJson(status, viewer) } : {}),
    };
  }
}

/**
 * Paginable#to_a_paginated_by_id: newest first under `max_id` and above `since_id`; with `min_id`,
 * the page immediately above it (still returned newest first).
 */
export function paginate<T extends { id: string }>(items: T[], q: Record<string, unknown>, defaultLimit: number, maxLimit: number): T[] {
  const limit = q.limit === undefined ? defaultLimit : Math.min(Math.abs(Number.parseInt(String(q.limit), 10)) || 0, maxLimit);
  const [maxId, sinceId, minId] = [big(q.max_id), big(q.since_id), big(q.min_id)];
  const within = items.filter((x) => {
    const id = BigInt(x.id);
    return (maxId === null || id < maxId) && (sinceId === null || id > sinceId) && (minId === null || id > minId);
  });
  const ascending = within.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return minId !== null ? ascending.slice(0, limit).reverse() : ascending.reverse().slice(0, limit);
}
