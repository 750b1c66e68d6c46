import { and, desc, eq, isNull } from 'drizzle-orm';
import { randomToken, sha256 } from '../accounts/crypto.ts';
import type { AppContext } from '../server/context.ts';
import { notFound } from '../errors.ts';
import { type ApiKeyScope, apiKeys } from './schema.ts';

export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_PREFIX = 'rap_';

/** Creates a key. The returned `key` is shown once; only its hash is stored. */
export async function createApiKey(
  ctx: AppContext,
  workspaceId: string,
  createdBy: string | null,
  input: { name: string; scope: ApiKeyScope },
): Promise<{ apiKey: ApiKeyRecord; key: string }> {
  // base64url only: usable as an HTTP Basic user name (Segment's write-key convention).
  const key = KEY_PREFIX + randomToken(32);
  const [row] = await ctx.db.orm
    .insert(apiKeys)
    .values({
      workspaceId,
      name: input.name,
      scope: input.scope,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      keyHash: sha256(key),
      createdBy,
      createdAt: ctx.clock.now(),
    })
    .returning();
  return { apiKey: toRecord(row!), key };
}

export async function listApiKeys(ctx: AppContext, workspaceId: string): Promise<ApiKeyRecord[]> {
  const rows = await ctx.db.orm.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(toRecord);
}

export async function revokeApiKey(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const rows = await ctx.db.orm
    .update(apiKeys)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (rows.length === 0) throw notFound('The API key');
  const cache = cacheOf(ctx);
  for (const [hash, entry] of cache) if (entry.found.id === id) cache.delete(hash);
}

/**
 * Keys recently found live, by hash, per running app: the tracking API authenticates every
 * call, and with a query each, the first second of 1,000 calls a second queued to 650 ms.
 * A key revoked through this process stops at once (revokeApiKey forgets it); one revoked
 * through another process sharing the database stops within CACHE_MS. Unknown keys are not
 * remembered, so a key just created works at once.
 */
const CACHE_MS = 5_000;
interface Cached {
  found: { id: string; workspaceId: string; scope: ApiKeyScope };
  lastUsedAt: Date | null;
  until: number;
}
const caches = new WeakMap<AppContext, Map<string, Cached>>();
const cacheOf = (ctx: AppContext) => {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new Map()));
  return cache;
};

/** The live key behind a presented secret. */
export async function authenticateApiKey(
  ctx: AppContext,
  key: string,
): Promise<{ id: string; workspaceId: string; scope: ApiKeyScope } | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
  const hash = sha256(key);
  const cache = cacheOf(ctx);
  let entry = cache.get(hash);
  if (!entry || entry.until < performance.now()) {
    const [row] = await ctx.db.query<{ id: string; workspace_id: string; scope: ApiKeyScope; last_used_at: Date | null }>(
      'select id, workspace_id, scope, last_used_at from api_keys where key_hash = $1 and revoked_at is null',
      [hash],
    );
    if (!row) {
      cache.delete(hash);
      return undefined;
    }
    entry = { found: { id: row.id, workspaceId: row.workspace_id, scope: row.scope }, lastUsedAt: row.last_used_at, until: performance.now() + CACHE_MS };
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, entry);
  }
  // Recording every use would turn each tracked event into a write; once a minute is enough
  // (and once: the calls that arrive while it is written do not write it again).
  const now = ctx.clock.now();
  if (!entry.lastUsedAt || now.getTime() - entry.lastUsedAt.getTime() > 60_000) {
    entry.lastUsedAt = now;
    await ctx.db.query('update api_keys set last_used_at = $2 where id = $1', [entry.found.id, now]);
  }
  return entry.found;
}

function toRecord(row: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
