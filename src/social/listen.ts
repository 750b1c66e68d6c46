// The listening job: every minute, the streams that are due are claimed (a stream is fetched by
// one worker at a time), grouped by account, and fetched from where they stopped; what they
// found goes into the stream (mentions.ts). An account that has used its rate-limit window waits
// for the window to pass; a network's refusal is kept on the stream in the network's words.
import type { AppContext } from '../server/context.ts';
import { notifyDataChanged } from '../server/changes.ts';
import { ADAPTERS, type AccountRow, budgetLeft, openConnection, saveConnection } from './accounts.ts';
import { matchUnmatched, storeMentions } from './mentions.ts';
import { type Adapter, type Network, NetworkError, type StreamKind } from './networks/types.ts';

/** How often a stream is fetched. */
export const FETCH_EVERY_SECONDS = 60;
/** Left in an account's window for publishing: listening stops short of it. */
const KEEP_FOR_PUBLISHING = 20;

interface DueStream {
  id: string;
  workspace_id: string;
  account_id: string;
  kind: StreamKind;
  query: string;
  cursor: string | null;
}

export interface ListenTotals {
  streams: number;
  found: number;
  stored: number;
  matched: number;
  failed: number;
}

export async function fetchDueStreams(ctx: AppContext, options: { adapters?: Record<Network, Adapter>; workspaceId?: string } = {}): Promise<ListenTotals> {
  const now = ctx.clock.now();
  // Claimed by moving their next time on: another worker passes them by.
  const due = await ctx.db.query<DueStream>(
    `update social_streams s set next_fetch_at = $1::timestamptz + interval '5 minutes'
     where s.id in (select s2.id from social_streams s2 join social_accounts a on a.id = s2.account_id
                    where s2.next_fetch_at <= $1 and a.state = 'connected' and ($2::uuid is null or s2.workspace_id = $2)
                    order by s2.next_fetch_at limit 200 for update of s2 skip locked)
     returning s.id, s.workspace_id, s.account_id, s.kind, s.query, s.cursor`,
    [now, options.workspaceId ?? null],
  );
  const totals: ListenTotals = { streams: 0, found: 0, stored: 0, matched: 0, failed: 0 };
  const byAccount = new Map<string, DueStream[]>();
  for (const s of due) byAccount.set(s.account_id, [...(byAccount.get(s.account_id) ?? []), s]);
  const workspaces = new Set<string>();
  for (const [accountId, streams] of byAccount) {
    const [row] = await ctx.db.query<AccountRow>('select * from social_accounts where id = $1', [accountId]);
    if (!row) continue;
    // Signing in takes up to 2 requests, each stream 1 or more; a tenth of the window (at most
    // KEEP_FOR_PUBLISHING) stays for publishing.
    const reserve = Math.min(KEEP_FOR_PUBLISHING, Math.floor((row.rate_limit ?? ADAPTERS[row.network].limits.rateLimit.requests) / 10));
    if (budgetLeft(row, now) < reserve + 2 + streams.length) {
      await ctx.db.query('update social_streams set next_fetch_at = $2 where id = any($1::uuid[])', [streams.map((s) => s.id), row.rate_reset_at ?? now]);
      continue;
    }
    let connection;
    try {
      connection = await openConnection(ctx, row, options.adapters ?? ADAPTERS);
    } catch (e) {
      if (await waitForWindow(ctx, row, streams, e)) continue;
      await failStreams(ctx, streams, e, now);
      totals.failed += streams.length;
      continue;
    }
    let requests = 0;
    for (const [n, stream] of streams.entries()) {
      try {
        const fetched = await connection.fetch({ kind: stream.kind, query: stream.query, cursor: stream.cursor });
        requests += fetched.requests;
        const result = await ctx.db.transaction(async (tx) => {
          const r = await storeMentions(tx, row.workspace_id, row.network, fetched.items, { accountId: row.id, streamId: stream.id }, now);
          await tx.query(
            `update social_streams set cursor = $2, last_fetched_at = $3, last_found = $4, last_error = null,
               next_fetch_at = $3::timestamptz + make_interval(secs => $5) where id = $1`,
            [stream.id, fetched.cursor, now, r.stored, FETCH_EVERY_SECONDS],
          );
          return r;
        });
        totals.streams++;
        totals.found += fetched.items.length;
        totals.stored += result.stored;
        totals.matched += result.matched;
        if (result.matched) workspaces.add(row.workspace_id);
      } catch (e) {
        // Refused for the rate limit: this stream and the account's others wait for the window.
        if (await waitForWindow(ctx, row, streams.slice(n), e)) break;
        await failStreams(ctx, [stream], e, now);
        totals.failed++;
      }
    }
    await saveConnection(ctx, row, connection, requests);
  }
  for (const workspaceId of new Set(due.map((s) => s.workspace_id))) {
    const matched = await ctx.db.transaction((tx) => matchUnmatched(tx, workspaceId, now));
    if (matched) workspaces.add(workspaceId);
  }
  for (const workspaceId of workspaces) notifyDataChanged(ctx, workspaceId);
  return totals;
}

/** After a 429: the streams wait until the network's window resets, and the account's window is kept as spent. True when that was the case. */
async function waitForWindow(ctx: AppContext, row: AccountRow, streams: DueStream[], e: unknown): Promise<boolean> {
  if (!(e instanceof NetworkError) || !e.retryAt) return false;
  await ctx.db.query('update social_streams set next_fetch_at = $2, last_error = null where id = any($1::uuid[])', [streams.map((s) => s.id), e.retryAt]);
  await ctx.db.query('update social_accounts set rate_remaining = 0, rate_reset_at = $2, rate_limit = coalesce(rate_limit, $3) where id = $1', [
    row.id,
    e.retryAt,
    ADAPTERS[row.network].limits.rateLimit.requests,
  ]);
  return true;
}

async function failStreams(ctx: AppContext, streams: DueStream[], e: unknown, now: Date): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  // A passing fault (rate limit, server error) is tried again in a minute; a refusal in five.
  const wait = e instanceof NetworkError && e.transient ? FETCH_EVERY_SECONDS : 300;
  await ctx.db.query(`update social_streams set last_error = $2, next_fetch_at = $3::timestamptz + make_interval(secs => $4) where id = any($1::uuid[])`, [
    streams.map((s) => s.id),
    message,
    now,
    wait,
  ]);
}
