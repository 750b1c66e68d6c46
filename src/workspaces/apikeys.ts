import { and, desc, eq, isNull } from 'drizzle-orm';
import { randomToken, sha256 } from '../accounts/crypto.ts';
import type { AppContext } from '../server/context.ts';
import { notFound } from '../server/errors.ts';
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
}

/** The live key behind a presented secret; checked on every request, so a revoked key stops at once. */
export async function authenticateApiKey(
  ctx: AppContext,
  key: string,
): Promise<{ id: string; workspaceId: string; scope: ApiKeyScope } | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
  const [row] = await ctx.db.orm
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, scope: apiKeys.scope, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  const now = ctx.clock.now();
  // Recording every use would turn each tracked event into a write; once a minute is enough.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await ctx.db.orm.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { id: row.id, workspaceId: row.workspaceId, scope: row.scope };
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
