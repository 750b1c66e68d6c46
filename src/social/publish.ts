// Publishing: each delivery (a post on one account) is handed to its network exactly once.
//
// 1. A worker claims due deliveries (for update skip locked), marks them `publishing` with a
//    lease and an attempt, and commits before calling the network.
// 2. It publishes under the delivery's key: the network itself refuses a second post for the
//    same key (Bluesky: the record key; Mastodon: the Idempotency-Key header).
// 3. It records the post as published.
// A process that dies between 2 and 3 leaves the delivery `publishing`; when its lease is over,
// another worker claims it again and, since it was tried before, first looks the post up on the
// network: found, it is recorded; not found, it is published under the same key. Never two
// posts, never a post stuck. A network's refusal is kept in its own words, with a retry.
import type { AppContext } from '../server/context.ts';
import { ADAPTERS, type AccountRow, openConnection, saveConnection } from './accounts.ts';
import { trackedLink } from './feed.ts';
import { type Adapter, type Connection, type Network, NetworkError } from './networks/types.ts';

/** Attempts before a passing fault (rate limit, server down) counts as a failure. */
export const MAX_ATTEMPTS = 6;
const BACKOFF_SECONDS = [60, 300, 900, 1800, 3600];

interface ClaimedDelivery {
  id: string;
  workspace_id: string;
  post_id: string;
  account_id: string;
  network: Network;
  text: string;
  idempotency_key: string;
  attempts: number;
  created_at: Date;
  reply_to: string | null;
}

export interface PublishTotals {
  published: number;
  /** Found on the network after an interrupted attempt, and recorded. */
  reconciled: number;
  failed: number;
  retrying: number;
}

export interface PublishOptions {
  adapters?: Record<Network, Adapter>;
  /** Called after the network accepted a post and before it is recorded (tests stop the process here). */
  afterAccepted?: (deliveryId: string) => Promise<void> | void;
}

export async function publishDue(ctx: AppContext, options: PublishOptions = {}): Promise<PublishTotals> {
  const now = ctx.clock.now();
  const claimed = await ctx.db.query<ClaimedDelivery>(
    `update social_deliveries d set state = 'publishing', attempts = d.attempts + 1, lease_until = $1::timestamptz + make_interval(secs => $2)
     from social_posts p
     where p.id = d.post_id and d.id in (
       select id from social_deliveries
       where (state = 'scheduled' and due_at <= $1) or (state = 'publishing' and lease_until <= $1)
       order by due_at limit 20 for update skip locked)
     returning d.id, d.workspace_id, d.post_id, d.account_id, d.network, d.text, d.idempotency_key, d.attempts, d.created_at, p.reply_to`,
    [now, ctx.config.socialLeaseSeconds],
  );
  const totals: PublishTotals = { published: 0, reconciled: 0, failed: 0, retrying: 0 };
  const byAccount = new Map<string, ClaimedDelivery[]>();
  for (const d of claimed) byAccount.set(d.account_id, [...(byAccount.get(d.account_id) ?? []), d]);
  for (const [accountId, deliveries] of byAccount) {
    const [row] = await ctx.db.query<AccountRow>('select * from social_accounts where id = $1', [accountId]);
    if (!row) continue;
    let connection: Connection;
    try {
      connection = await openConnection(ctx, row, options.adapters ?? ADAPTERS);
    } catch (e) {
      for (const d of deliveries) await settleFailure(ctx, d, e, totals);
      continue;
    }
    for (const d of deliveries) await publishOne(ctx, connection, d, totals, options);
    await saveConnection(ctx, row, connection, 0);
  }
  return totals;
}

async function publishOne(ctx: AppContext, connection: Connection, d: ClaimedDelivery, totals: PublishTotals, options: PublishOptions): Promise<void> {
  try {
    // Tried before and not recorded: the network may have it already.
    const earlier = d.attempts > 1 ? await connection.findPublished(d.idempotency_key, d.created_at, d.text) : null;
    let remote = earlier;
    if (!remote) {
      const images = await ctx.db.query<{ mime: string; bytes: Buffer; alt: string }>('select mime, bytes, alt from social_post_images where post_id = $1 order by position', [d.post_id]);
      remote = await connection.publish({ text: d.text, images, link: (url) => trackedLink(ctx, d.id, url) }, d.idempotency_key, d.reply_to);
      await options.afterAccepted?.(d.id);
    }
    const now = ctx.clock.now();
    await ctx.db.query(
      `update social_deliveries set state = 'published', remote_id = $2, remote_url = $3, published_at = $4, lease_until = null, error = null,
         next_metrics_at = $5::timestamptz + interval '15 minutes'
       where id = $1 and state = 'publishing'`,
      [d.id, remote.remoteId, remote.url, remote.publishedAt, now],
    );
    if (earlier) totals.reconciled++;
    else totals.published++;
  } catch (e) {
    await settleFailure(ctx, d, e, totals);
  }
}

/** A passing fault is tried again later (the same key); a refusal is shown in the network's words. */
async function settleFailure(ctx: AppContext, d: ClaimedDelivery, e: unknown, totals: PublishTotals): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  const transient = !(e instanceof NetworkError) || e.transient;
  const now = ctx.clock.now();
  if (transient && d.attempts < MAX_ATTEMPTS) {
    const backoff = BACKOFF_SECONDS[Math.min(d.attempts - 1, BACKOFF_SECONDS.length - 1)]!;
    // A rate limit's reset comes first, when the network said when.
    const wait = e instanceof NetworkError && e.retryAt ? Math.max(backoff, Math.ceil((e.retryAt.getTime() - now.getTime()) / 1000)) : backoff;
    // Still `publishing`: the network may have taken it, so the next attempt looks it up first.
    await ctx.db.query(`update social_deliveries set lease_until = $2::timestamptz + make_interval(secs => $3), error = $4 where id = $1 and state = 'publishing'`, [
      d.id,
      now,
      wait,
      `${message} (trying again)`,
    ]);
    totals.retrying++;
    return;
  }
  await ctx.db.query(`update social_deliveries set state = 'failed', lease_until = null, error = $2 where id = $1 and state = 'publishing'`, [d.id, message]);
  totals.failed++;
}

/** Likes, reposts and replies of published posts: every hour for a day, then daily for a week. */
export async function refreshMetrics(ctx: AppContext, options: { adapters?: Record<Network, Adapter> } = {}): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.query<{ id: string; account_id: string; remote_id: string; published_at: Date }>(
    `update social_deliveries set next_metrics_at = $1::timestamptz + interval '10 minutes'
     where id in (select id from social_deliveries where next_metrics_at <= $1 and state = 'published' order by next_metrics_at limit 200 for update skip locked)
     returning id, account_id, remote_id, published_at`,
    [now],
  );
  let refreshed = 0;
  const byAccount = new Map<string, typeof due>();
  for (const d of due) byAccount.set(d.account_id, [...(byAccount.get(d.account_id) ?? []), d]);
  for (const [accountId, deliveries] of byAccount) {
    const [row] = await ctx.db.query<AccountRow>('select * from social_accounts where id = $1', [accountId]);
    if (!row) continue;
    try {
      const connection = await openConnection(ctx, row, options.adapters ?? ADAPTERS);
      const metrics = await connection.metrics(deliveries.map((d) => d.remote_id));
      for (const d of deliveries) {
        const m = metrics.get(d.remote_id);
        const age = now.getTime() - d.published_at.getTime();
        const next = age < 86_400_000 ? 3_600_000 : age < 7 * 86_400_000 ? 86_400_000 : null;
        await ctx.db.query(
          `update social_deliveries set likes = coalesce($2, likes), reposts = coalesce($3, reposts), replies = coalesce($4, replies),
             metrics_at = case when $2::int is null then metrics_at else $5 end, next_metrics_at = $6 where id = $1`,
          [d.id, m?.likes ?? null, m?.reposts ?? null, m?.replies ?? null, now, next === null ? null : new Date(now.getTime() + next)],
        );
        if (m) refreshed++;
      }
      await saveConnection(ctx, row, connection, 0);
    } catch {
      // Tried again in ten minutes (the claim moved them on).
    }
  }
  return refreshed;
}
