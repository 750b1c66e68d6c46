// What an account listens for beyond its own mentions and replies: hashtags and keywords.
import type { SqlSession } from '../db/client.ts';
import { conflict, notFound } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import { accountRow } from './accounts.ts';

export interface Stream {
  id: string;
  accountId: string;
  kind: 'mentions' | 'hashtag' | 'keyword';
  query: string;
  lastFetchedAt: Date | null;
  nextFetchAt: Date;
  lastFound: number | null;
  lastError: string | null;
}

const SELECT = `select id, account_id as "accountId", kind, query, last_fetched_at as "lastFetchedAt", next_fetch_at as "nextFetchAt",
  last_found as "lastFound", last_error as "lastError" from social_streams`;

export async function streamsOf(db: SqlSession, workspaceId: string): Promise<Stream[]> {
  return db.query<Stream>(`${SELECT} where workspace_id = $1 order by kind <> 'mentions', kind, query`, [workspaceId]);
}

export async function addStream(ctx: AppContext, workspaceId: string, input: { accountId: string; kind: 'hashtag' | 'keyword'; query: string }): Promise<Stream> {
  await accountRow(ctx.db, workspaceId, input.accountId);
  const [row] = await ctx.db.query<Stream>(
    `insert into social_streams (workspace_id, account_id, kind, query, next_fetch_at) values ($1, $2, $3, $4, $5) on conflict do nothing
     returning id, account_id as "accountId", kind, query, last_fetched_at as "lastFetchedAt", next_fetch_at as "nextFetchAt", last_found as "lastFound", last_error as "lastError"`,
    [workspaceId, input.accountId, input.kind, input.query, ctx.clock.now()],
  );
  if (!row) throw conflict(`This account already listens for ${input.kind === 'hashtag' ? `#${input.query}` : `“${input.query}”`}.`, { accountId: input.accountId }, 'stream_exists');
  return row;
}

export async function removeStream(db: SqlSession, workspaceId: string, id: string): Promise<void> {
  const rows = await db.query<{ kind: string }>(`delete from social_streams where workspace_id = $1 and id = $2 and kind <> 'mentions' returning kind`, [workspaceId, id]);
  if (rows.length === 0) throw notFound('The hashtag or keyword');
}
