// A local Mastodon server for tests: an in-memory peer that speaks the parts of the Mastodon REST
// API that Rapport's social module uses, written from Mastodon's published API documentation
// (docs.joinmastodon.org) and checked against Mastodon's source where the docs are silent
// (StatusLengthValidator, Paginable, rack_attack.rb, the notifications controller). In memory;
// the pieces live in mastodon-server/: text.ts (length, entities, HTML), store.ts (data and
// entities), http.ts (params, tokens, rate limits, Link headers), oauth.ts (apps and OAuth).
//
// Speaks: POST /api/v1/apps, GET /api/v1/apps/verify_credentials; GET+POST /oauth/authorize
// (a small HTML page, redirect with ?code=, or the code shown for urn:ietf:wg:oauth:2.0:oob; PKCE
// S256), POST /oauth/token (authorization_code, client_credentials), POST /oauth/revoke;
// GET /api/v1/accounts/verify_credentials, /api/v1/accounts/:id, /api/v1/accounts/:id/statuses;
// GET /api/v2/instance; POST /api/v2/media (and v1), GET /api/v1/media/:id, the uploaded bytes
// under /system/media_attachments/…; POST /api/v1/statuses (Idempotency-Key kept for an hour),
// GET and DELETE /api/v1/statuses/:id; GET /api/v1/notifications (and /:id);
// GET /api/v1/timelines/tag/:hashtag; GET /api/v2/search. JSON, form and multipart bodies;
// Link headers for pagination; X-RateLimit-* headers on every /api response and 429 past the limit.
//
// Leaves out: federation (remote accounts are never resolved: `@user@elsewhere` stays text),
// follows and home/public timelines, favourite/reblog/bookmark endpoints (favourites and reblogs
// exist only through the test helpers, as counts and notifications, without reblog statuses),
// status edits, polls, scheduled statuses, media updates and asynchronous processing (uploads are
// processed at once: 200 with `url`), link cards, custom emoji, filters, grouped notifications,
// streaming, the per-endpoint rate limits (media, deletes) and sessions (the authorize page asks
// for a username instead of a login).
import type { AddressInfo } from 'node:net';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyRequest } from 'fastify';
import { Auth, bool, configure, list, queryOf, rateLimiter, readParams, setLink, str, type Params } from './mastodon-server/http.ts';
import { authorizationRequest, issueCode, oauthRoutes } from './mastodon-server/oauth.ts';
import { MastodonError, Store, big, notFound, paginate, type ServerOptions, type StatusParams } from './mastodon-server/store.ts';

export { MastodonError } from './mastodon-server/store.ts';
export type { ServerOptions as MastodonServerOptions } from './mastodon-server/store.ts';

/** A Status entity as this server serializes it (the fields tests usually read, typed). */
export interface StatusJson {
  id: string; content: string; url: string; uri: string; created_at: string; visibility: string; language: string | null;
  in_reply_to_id: string | null; in_reply_to_account_id: string | null; favourites_count: number; reblogs_count: number; replies_count: number;
  account: { id: string; username: string; acct: string };
  mentions: { id: string; username: string; acct: string; url: string }[];
  tags: { name: string; url: string }[];
  media_attachments: { id: string; type: string; url: string; description: string | null }[];
  [field: string]: unknown;
}

export interface TestAccount { id: string; username: string; acct: string; token: string }

export interface MastodonServer {
  /** `http://127.0.0.1:PORT`, the base URL to give a client. */
  url: string;
  domain: string;
  close(): Promise<void>;
  /** A local account with an access token (scopes read write follow push profile) ready to use. */
  createAccount(username: string, displayName?: string): TestAccount;
  /** What approving the authorize page does: an authorization code for `username`, for POST /oauth/token. */
  authorizeCode(clientId: string, redirectUri: string, username: string, scope?: string): string;
  /** Posts as the token's account (a customer mentioning the shop), as POST /api/v1/statuses would. */
  post(token: string, params: StatusParams & { status: string }, idempotencyKey?: string): StatusJson;
  favourite(statusId: string, byAccountId: string): StatusJson;
  reblog(statusId: string, byAccountId: string): StatusJson;
  /** Every status on the server that is not deleted, oldest first. */
  statuses(): StatusJson[];
  /** HTTP requests received, of any kind. */
  readonly requestCount: number;
}

const DESCRIPTION_LIMIT = 1500;
const MIME_TYPES = [
  'image/jpeg', 'image/png', 'image/gif', 'image/heic', 'image/heif', 'image/webp', 'image/avif', 'video/webm', 'video/mp4', 'video/quicktime', 'video/ogg',
  'audio/wave', 'audio/wav', 'audio/x-wav', 'audio/x-pn-wave', 'audio/vnd.wave', 'audio/ogg', 'audio/vorbis', 'audio/mpeg', 'audio/mp3', 'audio/webm',
  'audio/flac', 'audio/aac', 'audio/m4a', 'audio/x-m4a', 'audio/mp4', 'audio/3gpp', 'video/x-ms-asf',
];

function imageMeta(bytes: Buffer, mime: string): Params {
  let size: [number, number] | null = null;
  if (mime === 'image/png' && bytes.length >= 24) size = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  if (mime === 'image/gif' && bytes.length >= 10) size = [bytes.readUInt16LE(6), bytes.readUInt16LE(8)];
  if (!size || !size[1]) return {};
  const dims = { width: size[0], height: size[1], size: `${size[0]}x${size[1]}`, aspect: size[0] / size[1] };
  return { original: dims, small: dims };
}

export async function startMastodonServer(options: Partial<ServerOptions> = {}): Promise<MastodonServer> {
  const o: ServerOptions = {
    domain: 'social.test', maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23, rateLimit: 300, fullTextSearch: false,
    now: () => new Date(), ...options,
  };
  const store = new Store(o);
  const auth = new Auth(store);
  const withinLimit = rateLimiter(o);
  let requestCount = 0;

  const server = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  await server.register(fastifyMultipart, { limits: { fileSize: 16 * 1024 * 1024, files: 2 } });
  configure(server);
  server.addHook('onRequest', async (req, reply) => {
    requestCount++;
    const token = auth.read(req);
    if (req.url.startsWith('/api/') && !withinLimit(token ? `token:${token.id}` : `ip:${req.ip}`, reply)) {
      return reply.code(429).send({ error: 'Too many requests' });
    }
  });
  oauthRoutes(server, store, auth);

  // --- Accounts and instance ------------------------------------------------------------------
  server.get('/api/v1/accounts/verify_credentials', async (req) => store.credentialAccountJson(auth.user(req, ['read:accounts', 'profile']).account));

  server.get('/api/v1/accounts/:id', async (req) => {
    auth.optional(req, ['read:accounts']);
    const account = store.accounts.get((req.params as { id: string }).id);
    if (!account) throw notFound();
    return store.accountJson(account);
  });

  server.get('/api/v1/accounts/:id/statuses', async (req, reply) => {
    const viewer = auth.optional(req, ['read:statuses']);
    const account = store.accounts.get((req.params as { id: string }).id);
    if (!account) throw notFound();
    const q = queryOf(req);
    const tagged = str(q.tagged)?.replace(/^#/, '').toLowerCase();
    const items = store.live().filter((s) =>
      s.accountId === account.id && s.visibility !== 'direct' && (s.visibility !== 'private' || viewer?.id === account.id) &&
      !(bool(q.exclude_replies) && s.inReplyToId && s.inReplyToAccountId !== account.id) && !(bool(q.only_media) && !s.mediaIds.length) &&
      !(tagged && !s.tags.includes(tagged)) && !bool(q.pinned));
    const page = paginate(items, q, 20, 40);
    setLink(req, reply, page);
    return page.map((s) => store.statusJson(s, viewer));
  });

  server.get('/api/v2/instance', async () => ({
    domain: o.domain, title: `Mastodon test server (${o.domain})`, version: '4.3.0', source_url: 'https://github.com/mastodon/mastodon',
    description: 'A local Mastodon API peer for tests.', usage: { users: { active_month: store.accounts.size } },
    thumbnail: { url: `https://${o.domain}/packs/media/images/preview.png` }, icon: [], languages: ['en'],
    configuration: {
      urls: { streaming: `wss://${o.domain}`, status: null, about: `https://${o.domain}/about`, privacy_policy: `https://${o.domain}/privacy-policy`, terms_of_service: null },
      vapid: { public_key: '' },
      accounts: { max_featured_tags: 10, max_pinned_statuses: 5, max_profile_fields: 4, profile_field_name_limit: 255, profile_field_value_limit: 255 },
      statuses: { max_characters: o.maxCharacters, max_media_attachments: o.maxMediaAttachments, characters_reserved_per_url: o.charactersReservedPerUrl },
      media_attachments: {
        description_limit: DESCRIPTION_LIMIT, image_matrix_limit: 33_177_600, image_size_limit: 16_777_216, supported_mime_types: MIME_TYPES,
        video_frame_rate_limit: 120, video_matrix_limit: 8_294_400, video_size_limit: 103_809_024,
      },
      polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2_629_746 },
      translation: { enabled: false },
    },
    registrations: { enabled: false, approval_required: false, message: null, url: null },
    api_versions: { mastodon: 2 },
    contact: { email: `admin@${o.domain}`, account: null },
    rules: [],
  }));

  // --- Media ----------------------------------------------------------------------------------
  const upload = async (req: FastifyRequest) => {
    const { account } = auth.user(req, ['write:media']);
    const { p, files } = await readParams(req);
    const file = files.get('file');
    if (!file) throw new MastodonError(422, "Validation failed: File can't be blank");
    if (!MIME_TYPES.includes(file.mime)) throw new MastodonError(422, 'Validation failed: File content type is invalid, File is invalid');
    const description = str(p.description) ?? null;
    if (description && [...description].length > DESCRIPTION_LIMIT) throw new MastodonError(422, `Validation failed: Description is too long (maximum is ${DESCRIPTION_LIMIT} characters)`);
    const [x, y] = (str(p.focus) ?? '').split(',').map(Number);
    const kind = file.mime === 'image/gif' ? 'gifv' : file.mime.split('/')[0]!;
    const media = {
      id: store.nextId(), accountId: account.id, type: ['image', 'gifv', 'video', 'audio'].includes(kind) ? kind : 'unknown', mime: file.mime, bytes: file.bytes,
      fileName: `${store.secret().slice(0, 16)}.${file.mime.split('/')[1]}`, description, statusId: null, meta: imageMeta(file.bytes, file.mime),
      focus: Number.isFinite(x) && Number.isFinite(y) ? { x: x!, y: y! } : null,
    };
    store.media.set(media.id, media);
    return store.mediaJson(media);
  };
  server.post('/api/v2/media', upload);
  server.post('/api/v1/media', upload);

  server.get('/api/v1/media/:id', async (req) => {
    const { account } = auth.user(req, ['write:media']);
    const media = store.media.get((req.params as { id: string }).id);
    if (!media || media.accountId !== account.id) throw notFound();
    return store.mediaJson(media);
  });

  server.get('/system/media_attachments/files/:id/:style/:name', async (req, reply) => {
    const media = store.media.get((req.params as { id: string }).id);
    if (!media) throw notFound();
    return reply.type(media.mime).send(media.bytes);
  });

  // --- Statuses -------------------------------------------------------------------------------
  server.post('/api/v1/statuses', async (req) => {
    const { token, account } = auth.user(req, ['write:statuses']);
    const { p } = await readParams(req);
    if (p.poll !== undefined || p.scheduled_at !== undefined) throw new MastodonError(422, 'This test server does not implement polls or scheduled statuses');
    const key = req.headers['idempotency-key'];
    const status = store.createStatus(account, {
      status: str(p.status), media_ids: list(p.media_ids), in_reply_to_id: str(p.in_reply_to_id), visibility: str(p.visibility),
      language: str(p.language), spoiler_text: str(p.spoiler_text), sensitive: bool(p.sensitive),
    }, token.appId, typeof key === 'string' && key ? key : undefined);
    return store.statusJson(status, account);
  });

  server.get('/api/v1/statuses/:id', async (req) => {
    const viewer = auth.optional(req, ['read:statuses']);
    const status = store.statuses.get((req.params as { id: string }).id);
    if (!status || !store.visible(status, viewer)) throw notFound();
    return store.statusJson(status, viewer);
  });

  server.delete('/api/v1/statuses/:id', async (req) => {
    const { account } = auth.user(req, ['write:statuses']);
    const status = store.statuses.get((req.params as { id: string }).id);
    if (!status || status.deleted || status.accountId !== account.id) throw notFound();
    store.deleteStatus(status);
    return store.statusJson(status, account, true);
  });

  // --- Notifications, tag timeline, search ----------------------------------------------------
  server.get('/api/v1/notifications', async (req, reply) => {
    const { account } = auth.user(req, ['read:notifications']);
    const q = queryOf(req);
    const [types, excluded] = [list(q.types), list(q.exclude_types)];
    const items = store.notifications.filter((n) =>
      n.accountId === account.id && (!types.length || types.includes(n.type)) && !excluded.includes(n.type) && (!q.account_id || n.fromAccountId === q.account_id));
    const page = paginate(items, q, 40, 80);
    setLink(req, reply, page);
    return page.map((n) => store.notificationJson(n, account));
  });

  server.get('/api/v1/notifications/:id', async (req) => {
    const { account } = auth.user(req, ['read:notifications']);
    const n = store.notifications.find((x) => x.id === (req.params as { id: string }).id && x.accountId === account.id);
    if (!n) throw notFound();
    return store.notificationJson(n, account);
  });

  server.get('/api/v1/timelines/tag/:hashtag', async (req, reply) => {
    const viewer = auth.optional(req, ['read:statuses']);
    const tag = (req.params as { hashtag: string }).hashtag.replace(/^#/, '').toLowerCase();
    const q = queryOf(req);
    const items = store.live().filter((s) => s.visibility === 'public' && s.tags.includes(tag) && (!bool(q.only_media) || s.mediaIds.length > 0));
    const page = paginate(items, q, 20, 40);
    setLink(req, reply, page);
    return page.map((s) => store.statusJson(s, viewer));
  });

  server.get('/api/v2/search', async (req) => {
    const viewer = auth.optional(req, ['read:search']);
    const q = queryOf(req);
    const text = str(q.q)?.trim();
    if (!text) throw new MastodonError(400, 'param is missing or the value is empty: q');
    const offset = Math.abs(Number.parseInt(str(q.offset) ?? '0', 10)) || 0;
    if (!viewer && (bool(q.resolve) || offset)) throw new MastodonError(401, 'Search queries that resolve remote resources are not supported without authentication');
    const limit = q.limit === undefined ? 20 : Math.min(Math.abs(Number.parseInt(str(q.limit) ?? '', 10)) || 0, 40);
    const window = <T>(xs: T[]) => xs.slice(offset, offset + limit);
    const wants = (type: string) => !q.type || q.type === type;
    const result = { accounts: [] as Params[], statuses: [] as Params[], hashtags: [] as Params[] };
    if (/^https?:\/\//i.test(text) && bool(q.resolve)) {
      // A URL resolves to the one status or account it names, and nothing else is searched.
      const status = store.live().find((s) => Object.values(store.statusLinks(s)).includes(text));
      const account = [...store.accounts.values()].find((a) => [store.profileUrl(a), store.actorUri(a)].includes(text));
      if (status && wants('statuses') && store.visible(status, viewer)) result.statuses.push(store.statusJson(status, viewer));
      if (account && wants('accounts')) result.accounts.push(store.accountJson(account));
      return result;
    }
    if (wants('accounts')) {
      const [username = '', domain] = text.replace(/^@/, '').toLowerCase().split('@');
      const matches = domain && domain !== o.domain.toLowerCase() ? [] : [...store.accounts.values()].filter((a) =>
        a.username.toLowerCase().startsWith(username) || a.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(username)));
      matches.sort((a, b) => Number(b.username.toLowerCase() === username) - Number(a.username.toLowerCase() === username));
      result.accounts = window(matches).map((a) => store.accountJson(a));
    }
    if (wants('hashtags')) {
      const name = text.replace(/^#/, '').toLowerCase();
      const known = [...new Set(store.live().flatMap((s) => s.tags))].filter((t) => t.startsWith(name)).sort();
      // TagSearchService puts the exact tag first, even one nobody has used yet.
      const names = /^[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*$/u.test(name) ? [name, ...known.filter((t) => t !== name)] : known;
      result.hashtags = window(names).map((t) => ({ name: t, url: `https://${o.domain}/tags/${encodeURIComponent(t)}`, history: [], ...(viewer ? { following: false } : {}) }));
    }
    if (wants('statuses') && o.fullTextSearch && viewer) {
      const terms = text.toLowerCase().split(/\s+/);
      const accountId = str(q.account_id);
      const [minId, maxId] = [big(q.min_id), big(q.max_id)];
      const hits = store.live().filter((s) => store.visible(s, viewer) && terms.every((t) => s.text.toLowerCase().includes(t)) &&
        (!accountId || s.accountId === accountId) && (minId === null || BigInt(s.id) > minId) && (maxId === null || BigInt(s.id) < maxId)).reverse();
      result.statuses = window(hits).map((s) => store.statusJson(s, viewer));
    }
    return result;
  });

  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;

  const helperToken = (token: string) => {
    const record = store.tokens.get(token);
    const account = record && !record.revoked && record.accountId ? store.accounts.get(record.accountId) : undefined;
    if (!record || !account) throw new MastodonError(401, 'The access token is invalid');
    return { record, account };
  };
  return {
    url: `http://127.0.0.1:${port}`,
    domain: o.domain,
    close: () => server.close(),
    createAccount(username, displayName) {
      const account = store.createAccount(username, displayName);
      const token = store.issueToken(null, account.id, ['read', 'write', 'follow', 'push', 'profile']);
      return { id: account.id, username: account.username, acct: account.username, token: token.value };
    },
    authorizeCode(clientId, redirectUri, username, scope) {
      const request = authorizationRequest(store, { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope });
      const account = store.accountByUsername(username);
      if (!account) throw notFound();
      return issueCode(store, request.app, account, redirectUri, request.scopes);
    },
    post(token, params, idempotencyKey) {
      const { record, account } = helperToken(token);
      return store.statusJson(store.createStatus(account, params, record.appId, idempotencyKey), account) as StatusJson;
    },
    favourite: (statusId, byAccountId) => store.statusJson(store.interact('favourite', statusId, byAccountId), null) as StatusJson,
    reblog: (statusId, byAccountId) => store.statusJson(store.interact('reblog', statusId, byAccountId), null) as StatusJson,
    statuses: () => store.live().map((s) => store.statusJson(s, null) as StatusJson),
    get requestCount() {
      return requestCount;
    },
  };
}
