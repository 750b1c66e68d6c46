// The HTTP ground of the test Mastodon server: parameters read as Rails reads them, bearer tokens
// and OAuth scopes as Doorkeeper checks them, rate limits as rack-attack counts them, Link headers,
// and errors in Mastodon's `{ "error": … }` shape.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from './text.ts';
import { MastodonError, type AccountRecord, type ServerOptions, type Store, type TokenRecord } from './store.ts';

export type Params = Record<string, unknown>;
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
export const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1';
export const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(str).filter((s): s is string => s !== undefined);
export const scopeList = (v: unknown): string[] => (str(v) || 'read').split(/[\s+]+/).filter(Boolean);

/** Rails-style keys (`types[]`, `media_ids[0]`) folded into arrays; later entries win. */
export function normalize(entries: [string, unknown][]): Params {
  const out: Params = {};
  for (const [key, value] of entries) {
    const m = /^([^[\]]+)\[(\d*)\]$/.exec(key);
    if (!m) out[key] = value;
    else out[m[1]!] = [...(Array.isArray(out[m[1]!]) ? (out[m[1]!] as unknown[]) : []), ...(Array.isArray(value) ? value : [value])];
  }
  return out;
}

export const queryOf = (req: FastifyRequest): Params => normalize(Object.entries((req.query ?? {}) as Params));

export interface Upload { mime: string; bytes: Buffer }

/** Query and body merged, as Rails' params are: JSON, form or multipart (files kept apart). */
export async function readParams(req: FastifyRequest): Promise<{ p: Params; files: Map<string, Upload> }> {
  const entries: [string, unknown][] = Object.entries((req.query ?? {}) as Params);
  const files = new Map<string, Upload>();
  if (req.isMultipart()) {
    for await (const part of req.parts()) {
      if (part.type === 'file') files.set(part.fieldname, { mime: part.mimetype, bytes: await part.toBuffer() });
      else entries.push([part.fieldname, part.value]);
    }
  } else if (req.body && typeof req.body === 'object') entries.push(...Object.entries(req.body as Params));
  return { p: normalize(entries), files };
}

export const html = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** `read` grants `read:statuses` and the like. */
const grants = (granted: string[], wanted: string) => granted.includes(wanted) || granted.includes(wanted.split(':')[0]!);

export class Auth {
  /** The request's bearer token: undefined without one, null for one that is unknown or revoked. */
  private tokens = new WeakMap<FastifyRequest, TokenRecord | null>();

  constructor(private store: Store) {}

  read(req: FastifyRequest): TokenRecord | null {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? this.store.tokens.get(bearer) : undefined;
    this.tokens.set(req, token && !token.revoked ? token : null);
    return this.tokens.get(req)!;
  }

  /** doorkeeper_authorize! with any of `scopes`, then require_user! unless `user` is false. */
  need(req: FastifyRequest, scopes: string[], user = true): { token: TokenRecord; account: AccountRecord | null } {
    const token = this.tokens.get(req);
    if (!token) throw new MastodonError(401, 'The access token is invalid');
    if (!scopes.some((s) => grants(token.scopes, s))) throw new MastodonError(403, 'This action is outside the authorized scopes');
    const account = token.accountId ? this.store.accounts.get(token.accountId)! : null;
    if (user && !account) throw new MastodonError(422, 'This method requires an authenticated user');
    return { token, account };
  }

  user(req: FastifyRequest, scopes: string[]): { token: TokenRecord; account: AccountRecord } {
    const { token, account } = this.need(req, scopes);
    return { token, account: account! };
  }

  /** Public methods: no token is fine, a bad one is not (authorize_if_got_token!). */
  optional(req: FastifyRequest, scopes: string[]): AccountRecord | null {
    return req.headers.authorization ? this.need(req, scopes, false).account : null;
  }
}

const RATE_PERIOD_MS = 300_000;

/**
 * rack-attack's throttle: a fixed 5-minute window per token (per address without one), counted
 * before the request runs; the headers of the window on every /api response, 429 past the limit.
 */
export function rateLimiter(o: ServerOptions) {
  const windows = new Map<string, { window: number; count: number }>();
  return (key: string, reply: FastifyReply): boolean => {
    const window = Math.floor(o.now().getTime() / RATE_PERIOD_MS);
    const slot = windows.get(key)?.window === window ? windows.get(key)! : { window, count: 0 };
    windows.set(key, slot);
    slot.count++;
    reply.header('X-RateLimit-Limit', String(o.rateLimit));
    reply.header('X-RateLimit-Remaining', String(Math.max(0, o.rateLimit - slot.count)));
    reply.header('X-RateLimit-Reset', new Date((window + 1) * RATE_PERIOD_MS).toISOString());
    return slot.count <= o.rateLimit;
  };
}

/** The Link header of a page (api/guidelines#pagination): `max_id` of its last item, `min_id` of its first. */
export function setLink(req: FastifyRequest, reply: FastifyReply, items: { id: string }[]): void {
  if (!items.length) return;
  const base = `http://${req.headers.host}${req.url.split('?')[0]}`;
  const kept = Object.entries(queryOf(req)).filter(([k]) => !['max_id', 'min_id', 'since_id'].includes(k));
  const url = (cursor: string, id: string) => {
    const sp = new URLSearchParams();
    for (const [k, v] of kept) for (const x of Array.isArray(v) ? v : [v]) sp.append(Array.isArray(v) ? `${k}[]` : k, String(x));
    sp.append(cursor, id);
    return `${base}?${sp}`;
  };
  reply.header('Link', `<${url('max_id', items.at(-1)!.id)}>; rel="next", <${url('min_id', items[0]!.id)}>; rel="prev"`);
}

/** Body parsers for JSON (an empty body allowed) and forms, and errors in Mastodon's shape. */
export function configure(server: FastifyInstance): void {
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body ? JSON.parse(body as string) : {});
    } catch {
      done(new MastodonError(400, 'Error occurred while parsing request parameters'), undefined);
    }
  });
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = k in out ? [out[k]!].flat().concat(v) : v;
    done(null, out);
  });
  server.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof MastodonError) return reply.code(err.statusCode).send({ error: err.message, ...(err.description ? { error_description: err.description } : {}) });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ error: err.message });
  });
  server.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'Record not found' }));
}
