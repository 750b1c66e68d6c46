// Posts as a person composes them: a text (with a version per network where it differs),
// images with alt text, the accounts it is for, maybe a coupon. Scheduling checks it against
// each account's network before anything is queued: a post a network would refuse is refused
// now, with the network and the limit named. A scheduled post becomes one delivery per account
// (publish.ts publishes each exactly once).
import { issueCode } from '../coupons/issue.ts';
import type { SqlSession } from '../db/client.ts';
import { conflict, invalid, notFound, type FieldIssue } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import { ADAPTERS, type AccountRow, accountOf } from './accounts.ts';
import type { Network } from './networks/types.ts';

export const COUPON_PLACEHOLDER = /\{\{\s*coupon\.code\s*\}\}/g;
/** At most this many images are kept on a post (the networks take 4; the check says so by name). */
export const MAX_IMAGES = 10;
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export interface PostInput {
  text: string;
  variants?: Partial<Record<Network, string>>;
  accountIds: string[];
  coupon?: { campaignId: string; mode: 'shared' | 'per_post' } | null;
}

export interface Delivery {
  id: string;
  accountId: string;
  network: Network;
  handle: string;
  text: string;
  state: 'scheduled' | 'publishing' | 'published' | 'failed';
  dueAt: Date;
  attempts: number;
  remoteId: string | null;
  remoteUrl: string | null;
  error: string | null;
  publishedAt: Date | null;
  couponCode: string | null;
  metrics: { likes: number; reposts: number; replies: number; at: Date } | null;
}

export interface Post {
  id: string;
  text: string;
  variants: Partial<Record<Network, string>>;
  accountIds: string[];
  coupon: { campaignId: string; mode: 'shared' | 'per_post' } | null;
  state: 'draft' | 'scheduled';
  scheduledAt: Date | null;
  replyTo: string | null;
  images: { id: string; position: number; mime: string; alt: string; bytes: number }[];
  deliveries: Delivery[];
  createdAt: Date;
  updatedAt: Date;
}

interface PostRow {
  id: string;
  text: string;
  variants: Partial<Record<Network, string>>;
  account_ids: string[];
  coupon_campaign_id: string | null;
  coupon_mode: 'shared' | 'per_post' | null;
  state: 'draft' | 'scheduled';
  scheduled_at: Date | null;
  reply_to: string | null;
  created_at: Date;
  updated_at: Date;
}

const DELIVERY_SELECT = `select d.id, d.post_id, d.account_id, d.network, a.handle, d.text, d.state, d.due_at, d.attempts, d.remote_id, d.remote_url, d.error,
  d.published_at, d.coupon_code, d.likes, d.reposts, d.replies, d.metrics_at
  from social_deliveries d join social_accounts a on a.id = d.account_id`;

interface DeliveryRow {
  id: string;
  post_id: string;
  account_id: string;
  network: Network;
  handle: string;
  text: string;
  state: Delivery['state'];
  due_at: Date;
  attempts: number;
  remote_id: string | null;
  remote_url: string | null;
  error: string | null;
  published_at: Date | null;
  coupon_code: string | null;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  metrics_at: Date | null;
}

export function deliveryOf(d: DeliveryRow): Delivery {
  return {
    id: d.id,
    accountId: d.account_id,
    network: d.network,
    handle: d.handle,
    text: d.text,
    state: d.state,
    dueAt: d.due_at,
    attempts: d.attempts,
    remoteId: d.remote_id,
    remoteUrl: d.remote_url,
    error: d.error,
    publishedAt: d.published_at,
    couponCode: d.coupon_code,
    metrics: d.metrics_at ? { likes: d.likes ?? 0, reposts: d.reposts ?? 0, replies: d.replies ?? 0, at: d.metrics_at } : null,
  };
}

async function postsOf(db: SqlSession, workspaceId: string, rows: PostRow[]): Promise<Post[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const images = await db.query<{ id: string; post_id: string; position: number; mime: string; alt: string; size: number }>(
    'select id, post_id, position, mime, alt, octet_length(bytes) as size from social_post_images where workspace_id = $1 and post_id = any($2::uuid[]) order by position',
    [workspaceId, ids],
  );
  const deliveries = await db.query<DeliveryRow>(`${DELIVERY_SELECT} where d.workspace_id = $1 and d.post_id = any($2::uuid[]) order by d.network, a.handle`, [workspaceId, ids]);
  return rows.map((r) => ({
    id: r.id,
    text: r.text,
    variants: r.variants,
    accountIds: r.account_ids,
    coupon: r.coupon_campaign_id && r.coupon_mode ? { campaignId: r.coupon_campaign_id, mode: r.coupon_mode } : null,
    state: r.state,
    scheduledAt: r.scheduled_at,
    replyTo: r.reply_to,
    images: images.filter((i) => i.post_id === r.id).map((i) => ({ id: i.id, position: i.position, mime: i.mime, alt: i.alt, bytes: Number(i.size) })),
    deliveries: deliveries.filter((d) => d.post_id === r.id).map(deliveryOf),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function getPost(db: SqlSession, workspaceId: string, id: string): Promise<Post> {
  const rows = await db.query<PostRow>('select * from social_posts where workspace_id = $1 and id = $2', [workspaceId, id]);
  const [post] = await postsOf(db, workspaceId, rows);
  if (!post) throw notFound('The post');
  return post;
}

/** Posts scheduled (or published) between two times, and every draft: the calendar. */
export async function listPosts(db: SqlSession, workspaceId: string, range: { from: Date; to: Date }): Promise<Post[]> {
  const rows = await db.query<PostRow>(
    `select * from social_posts where workspace_id = $1 and ((scheduled_at >= $2 and scheduled_at < $3) or state = 'draft')
     order by scheduled_at nulls last, created_at limit 2000`,
    [workspaceId, range.from, range.to],
  );
  return postsOf(db, workspaceId, rows);
}

async function checkAccounts(db: SqlSession, workspaceId: string, ids: string[]): Promise<AccountRow[]> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.query<AccountRow>('select * from social_accounts where workspace_id = $1 and id = any($2::uuid[]) order by network, handle', [workspaceId, unique]) : [];
  if (rows.length !== unique.length) throw invalid('unknown_account', 'One of the chosen accounts is not connected to this workspace.', [{ path: 'accountIds', message: 'Unknown account' }]);
  return rows;
}

async function checkInput(db: SqlSession, workspaceId: string, input: PostInput): Promise<void> {
  await checkAccounts(db, workspaceId, input.accountIds);
  if (input.coupon) {
    const [c] = await db.query<{ code_kind: string }>('select code_kind from coupon_campaigns where workspace_id = $1 and id = $2', [workspaceId, input.coupon.campaignId]);
    if (!c) throw invalid('unknown_campaign', 'The coupon campaign was not found.', [{ path: 'coupon.campaignId', message: 'Unknown campaign' }]);
    if (input.coupon.mode === 'shared' && c.code_kind === 'unique')
      throw invalid('campaign_unique', 'This campaign gives each post a code of its own: choose “a code of its own for this post”, or a campaign with one shared code.', [
        { path: 'coupon.mode', message: 'Unique-code campaign' },
      ]);
    if (input.coupon.mode === 'per_post' && c.code_kind === 'shared')
      throw invalid('campaign_shared', 'This campaign has one shared code: it cannot give each post a code of its own. Choose “the campaign’s code”, or a campaign with unique codes.', [
        { path: 'coupon.mode', message: 'Shared campaign' },
      ]);
  }
}

export async function createPost(ctx: AppContext, workspaceId: string, userId: string | null, input: PostInput, replyTo: { remoteId: string; mentionId: string } | null = null): Promise<Post> {
  await checkInput(ctx.db, workspaceId, input);
  const now = ctx.clock.now();
  const [row] = await ctx.db.query<{ id: string }>(
    `insert into social_posts (workspace_id, text, variants, account_ids, coupon_campaign_id, coupon_mode, reply_to, reply_to_mention, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id`,
    [workspaceId, input.text, JSON.stringify(input.variants ?? {}), input.accountIds, input.coupon?.campaignId ?? null, input.coupon?.mode ?? null, replyTo?.remoteId ?? null, replyTo?.mentionId ?? null, userId, now],
  );
  return getPost(ctx.db, workspaceId, row!.id);
}

async function draftRow(db: SqlSession, workspaceId: string, id: string): Promise<PostRow> {
  const [row] = await db.query<PostRow>('select * from social_posts where workspace_id = $1 and id = $2 for update', [workspaceId, id]);
  if (!row) throw notFound('The post');
  if (row.state !== 'draft') throw conflict('This post is scheduled: unschedule it to change it.', { postId: id }, 'post_scheduled');
  return row;
}

export async function updatePost(ctx: AppContext, workspaceId: string, id: string, input: PostInput): Promise<Post> {
  await checkInput(ctx.db, workspaceId, input);
  await ctx.db.transaction(async (tx) => {
    await draftRow(tx, workspaceId, id);
    await tx.query(
      `update social_posts set text = $3, variants = $4, account_ids = $5, coupon_campaign_id = $6, coupon_mode = $7, updated_at = $8 where workspace_id = $1 and id = $2`,
      [workspaceId, id, input.text, JSON.stringify(input.variants ?? {}), input.accountIds, input.coupon?.campaignId ?? null, input.coupon?.mode ?? null, ctx.clock.now()],
    );
  });
  return getPost(ctx.db, workspaceId, id);
}

export async function deletePost(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [busy] = await tx.query<{ n: number }>(`select count(*)::int as n from social_deliveries where workspace_id = $1 and post_id = $2 and state in ('publishing', 'published')`, [workspaceId, id]);
    if (busy && busy.n > 0) throw conflict('This post is already on a network: it stays here with its results. Delete it on the network itself.', { postId: id }, 'post_published');
    const rows = await tx.query('delete from social_posts where workspace_id = $1 and id = $2 returning id', [workspaceId, id]);
    if (rows.length === 0) throw notFound('The post');
  });
}

export async function addImage(ctx: AppContext, workspaceId: string, postId: string, image: { bytes: Buffer; mime: string; alt: string }): Promise<Post> {
  if (image.bytes.length === 0) throw invalid('empty_image', 'The image file is empty.');
  if (image.bytes.length > MAX_IMAGE_BYTES) throw invalid('image_too_large', `Images may be up to 16 MB; this one is ${(image.bytes.length / 1024 / 1024).toFixed(1)} MB.`);
  if (!/^image\/(jpeg|png|gif|webp)$/.test(image.mime)) throw invalid('image_type', `Give a JPEG, PNG, GIF or WebP image; this file is ${image.mime}.`);
  await ctx.db.transaction(async (tx) => {
    await draftRow(tx, workspaceId, postId);
    const [n] = await tx.query<{ n: number; next: number }>('select count(*)::int as n, coalesce(max(position) + 1, 0)::int as next from social_post_images where post_id = $1', [postId]);
    if (n!.n >= MAX_IMAGES) throw invalid('too_many_images', `A post keeps at most ${MAX_IMAGES} images here (Bluesky and Mastodon take 4).`);
    await tx.query('insert into social_post_images (workspace_id, post_id, position, mime, bytes, alt) values ($1, $2, $3, $4, $5, $6)', [
      workspaceId,
      postId,
      n!.next,
      image.mime,
      image.bytes,
      image.alt,
    ]);
  });
  return getPost(ctx.db, workspaceId, postId);
}

export async function updateImage(ctx: AppContext, workspaceId: string, postId: string, imageId: string, alt: string | null): Promise<Post> {
  await ctx.db.transaction(async (tx) => {
    await draftRow(tx, workspaceId, postId);
    const rows =
      alt === null
        ? await tx.query('delete from social_post_images where workspace_id = $1 and post_id = $2 and id = $3 returning id', [workspaceId, postId, imageId])
        : await tx.query('update social_post_images set alt = $4 where workspace_id = $1 and post_id = $2 and id = $3 returning id', [workspaceId, postId, imageId, alt]);
    if (rows.length === 0) throw notFound('The image');
  });
  return getPost(ctx.db, workspaceId, postId);
}

export async function imageBytes(db: SqlSession, workspaceId: string, postId: string, imageId: string): Promise<{ mime: string; bytes: Buffer }> {
  const [row] = await db.query<{ mime: string; bytes: Buffer }>('select mime, bytes from social_post_images where workspace_id = $1 and post_id = $2 and id = $3', [workspaceId, postId, imageId]);
  if (!row) throw notFound('The image');
  return row;
}

/** A line for the coupon report: where a post's code was shared. */
function channelDetail(network: Network, handle: string, text: string): string {
  const words = text.replace(COUPON_PLACEHOLDER, '').replace(/\s+/g, ' ').trim();
  return `${ADAPTERS[network].label} post by ${handle}: “${words.length > 60 ? `${words.slice(0, 59)}…` : words}”`;
}

/**
 * Schedules a draft for `at` (now when null): each account's text is made (its network's
 * version, the coupon code in it) and checked against what that account's network accepts;
 * anything over a limit refuses the whole post, naming the network and the limit.
 */
export async function schedulePost(ctx: AppContext, workspaceId: string, id: string, at: Date | null): Promise<Post> {
  const now = ctx.clock.now();
  const due = at ?? now;
  if (at && at.getTime() < now.getTime() - 60_000) throw invalid('time_passed', 'That time has passed: choose a time to come, or publish now.', [{ path: 'at', message: 'In the past' }]);
  await ctx.db.transaction(async (tx) => {
    const post = await draftRow(tx, workspaceId, id);
    if (post.account_ids.length === 0) throw invalid('no_accounts', 'Choose at least one account to post to.', [{ path: 'accountIds', message: 'Required' }]);
    const accounts = await checkAccounts(tx, workspaceId, post.account_ids);
    const images = await tx.query<{ mime: string; bytes: Buffer; alt: string }>('select mime, bytes, alt from social_post_images where post_id = $1 order by position', [id]);
    if (post.coupon_campaign_id && !new RegExp(COUPON_PLACEHOLDER.source).test(Object.values(post.variants).concat(post.text).join('\n'))) {
      throw invalid('coupon_not_in_text', 'Put {{ coupon.code }} in the text where the coupon code goes.', [{ path: 'text', message: 'No {{ coupon.code }}' }]);
    }
    const problems: FieldIssue[] = [];
    const rows: { account: AccountRow; text: string; code: string | null; codeId: string | null }[] = [];
    for (const account of accounts) {
      let text = post.variants[account.network] ?? post.text;
      let code: string | null = null;
      let codeId: string | null = null;
      if (post.coupon_campaign_id && post.coupon_mode) {
        const issued = await issueCode(tx, workspaceId, post.coupon_campaign_id, null, `social:${id}:${account.id}`, now, {
          channel: 'social',
          channelDetail: channelDetail(account.network, account.handle, text),
        });
        code = issued.code;
        codeId = issued.codeId;
        text = text.replace(COUPON_PLACEHOLDER, code);
      }
      const limits = accountOf(account).limits;
      for (const message of ADAPTERS[account.network].problems({ text, images }, limits)) problems.push({ path: `accounts.${account.id}`, message: `${message} (${account.handle})` });
      rows.push({ account, text, code, codeId });
    }
    if (problems.length) throw invalid('post_over_limits', problems.map((p) => p.message).join(' '), problems);
    const ids = await tx.query<{ id: string }>('select rapport_uuid_v7() as id from generate_series(1, $1)', [rows.length]);
    await tx.query(
      `insert into social_deliveries (id, workspace_id, post_id, account_id, network, text, state, idempotency_key, due_at, coupon_code, coupon_code_id)
       select x.id, $1, $2, x.account, x.network, x.text, 'scheduled', x.id::text, $3, x.code, x.code_id
       from unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::bigint[]) as x(id, account, network, text, code, code_id)
       on conflict (post_id, account_id) do nothing`,
      [
        workspaceId,
        id,
        due,
        ids.map((r) => r.id),
        rows.map((r) => r.account.id),
        rows.map((r) => r.account.network),
        rows.map((r) => r.text),
        rows.map((r) => r.code),
        rows.map((r) => r.codeId),
      ],
    );
    await tx.query(`update social_posts set state = 'scheduled', scheduled_at = $3, updated_at = $4 where workspace_id = $1 and id = $2`, [workspaceId, id, due, now]);
  });
  if (!at) await ctx.jobs.send('social.publish', {});
  return getPost(ctx.db, workspaceId, id);
}

/** Back to a draft: the deliveries not yet handed to a network are withdrawn. */
export async function unschedulePost(ctx: AppContext, workspaceId: string, id: string): Promise<Post> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<PostRow>('select * from social_posts where workspace_id = $1 and id = $2 for update', [workspaceId, id]);
    if (!row) throw notFound('The post');
    const [busy] = await tx.query<{ n: number }>(`select count(*)::int as n from social_deliveries where post_id = $1 and state in ('publishing', 'published')`, [id]);
    if (busy!.n > 0) throw conflict('This post is already being published: it can no longer go back to a draft.', { postId: id }, 'post_published');
    // A failed delivery stays: the network may have taken it before failing (a timeout), so only
    // "Try again" (the same key) may publish it again, never a new key.
    await tx.query(`delete from social_deliveries where post_id = $1 and state = 'scheduled'`, [id]);
    await tx.query(`update social_posts set state = 'draft', updated_at = $2 where id = $1`, [id, ctx.clock.now()]);
  });
  return getPost(ctx.db, workspaceId, id);
}

/** Moves a scheduled post to another time (the calendar's drag): only what has not been handed to a network moves. */
export async function reschedulePost(ctx: AppContext, workspaceId: string, id: string, at: Date): Promise<Post> {
  const now = ctx.clock.now();
  if (at.getTime() < now.getTime() - 60_000) throw invalid('time_passed', 'That time has passed: choose a time to come.', [{ path: 'at', message: 'In the past' }]);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<PostRow>('select * from social_posts where workspace_id = $1 and id = $2 for update', [workspaceId, id]);
    if (!row) throw notFound('The post');
    if (row.state === 'draft') throw conflict('This post is a draft: schedule it first.', { postId: id }, 'post_draft');
    const moved = await tx.query(`update social_deliveries set due_at = $2 where post_id = $1 and state = 'scheduled' returning id`, [id, at]);
    if (moved.length === 0) throw conflict('This post has already been published: it cannot move.', { postId: id }, 'post_published');
    await tx.query('update social_posts set scheduled_at = $2, updated_at = $3 where id = $1', [id, at, now]);
  });
  return getPost(ctx.db, workspaceId, id);
}

/** A failed delivery tried again now (the same key: still one post on the network). */
export async function retryDelivery(ctx: AppContext, workspaceId: string, deliveryId: string): Promise<void> {
  const rows = await ctx.db.query(`update social_deliveries set state = 'scheduled', due_at = $3, error = null where workspace_id = $1 and id = $2 and state = 'failed' returning id`, [
    workspaceId,
    deliveryId,
    ctx.clock.now(),
  ]);
  if (rows.length === 0) throw conflict('Only a post that failed can be tried again.', { deliveryId }, 'not_failed');
  await ctx.jobs.send('social.publish', {});
}

export interface PostCheck {
  networks: { accountId: string; network: Network; handle: string; length: number; maxChars: number; counting: string; problems: string[] }[];
}

/** The post's length as each chosen account's network counts it, and what it would refuse (the composer shows it as one types). */
export async function checkPost(ctx: AppContext, workspaceId: string, id: string): Promise<PostCheck> {
  const [post] = await ctx.db.query<PostRow>('select * from social_posts where workspace_id = $1 and id = $2', [workspaceId, id]);
  if (!post) throw notFound('The post');
  const accounts = post.account_ids.length ? await checkAccounts(ctx.db, workspaceId, post.account_ids) : [];
  const images = await ctx.db.query<{ mime: string; bytes: Buffer; alt: string }>('select mime, bytes, alt from social_post_images where post_id = $1 order by position', [id]);
  let sample: string | null = null;
  if (post.coupon_campaign_id) {
    // The code's length as it will be: the shared code, or one of the campaign's look.
    const [c] = await ctx.db.query<{ code: string | null; length: number }>(
      `select (select code from coupon_codes where campaign_id = c.id order by id limit 1) as code,
         coalesce((c.code_spec ->> 'length')::int, 8) + length(coalesce(c.code_spec ->> 'prefix', '')) + length(coalesce(c.code_spec ->> 'suffix', '')) as length
       from coupon_campaigns c where c.id = $1`,
      [post.coupon_campaign_id],
    );
    sample = post.coupon_mode === 'shared' ? (c?.code ?? 'CODE') : 'X'.repeat(c?.length ?? 8);
  }
  return {
    networks: accounts.map((a) => {
      const text = (post.variants[a.network] ?? post.text).replace(COUPON_PLACEHOLDER, sample ?? '{{ coupon.code }}');
      const adapter = ADAPTERS[a.network];
      const limits = accountOf(a).limits;
      return { accountId: a.id, network: a.network, handle: a.handle, length: adapter.length(text), maxChars: limits.maxChars, counting: limits.counting, problems: adapter.problems({ text, images }, limits) };
    }),
  };
}
