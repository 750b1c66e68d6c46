// The social domain's tables (migration 0033_social.sql): connected accounts, streams listened
// to, the mentions found, posts and their deliveries (one per account, published once).
import { bigint, customType, integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, ts } from '../db/columns.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export const socialAccounts = pgTable('social_accounts', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  network: text('network').notNull(),
  serverUrl: text('server_url').notNull(),
  remoteId: text('remote_id').notNull(),
  handle: text('handle').notNull(),
  displayName: text('display_name').notNull().default(''),
  credentials: text('credentials').notNull(),
  session: text('session'),
  limits: jsonb('limits').$type<Record<string, unknown>>().notNull().default({}),
  state: text('state').notNull().default('connected'),
  lastError: text('last_error'),
  rateLimit: integer('rate_limit'),
  rateRemaining: integer('rate_remaining'),
  rateResetAt: ts('rate_reset_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const socialStreams = pgTable('social_streams', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  accountId: uuid('account_id').notNull(),
  kind: text('kind').notNull(),
  query: text('query').notNull().default(''),
  cursor: text('cursor'),
  nextFetchAt: ts('next_fetch_at').notNull().defaultNow(),
  lastFetchedAt: ts('last_fetched_at'),
  lastFound: integer('last_found'),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const socialMentions = pgTable('social_mentions', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  network: text('network').notNull(),
  remoteId: text('remote_id').notNull(),
  localId: text('local_id'),
  accountId: uuid('account_id'),
  streamId: uuid('stream_id'),
  kind: text('kind').notNull(),
  authorHandle: text('author_handle').notNull(),
  authorName: text('author_name').notNull().default(''),
  authorRemoteId: text('author_remote_id'),
  text: text('text').notNull(),
  url: text('url'),
  postedAt: ts('posted_at').notNull(),
  fetchedAt: ts('fetched_at').notNull(),
  language: text('language').notNull(),
  sentiment: text('sentiment'),
  score: real('score'),
  contactId: uuid('contact_id'),
  matchedBy: text('matched_by'),
  inReplyTo: text('in_reply_to'),
  deliveryId: uuid('delivery_id'),
});

export const socialPosts = pgTable('social_posts', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  text: text('text').notNull().default(''),
  variants: jsonb('variants').$type<Record<string, string>>().notNull().default({}),
  accountIds: uuid('account_ids').array().notNull().default([]),
  couponCampaignId: uuid('coupon_campaign_id'),
  couponMode: text('coupon_mode'),
  state: text('state').notNull().default('draft'),
  scheduledAt: ts('scheduled_at'),
  replyTo: text('reply_to'),
  replyToMention: uuid('reply_to_mention'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const socialPostImages = pgTable('social_post_images', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  postId: uuid('post_id').notNull(),
  position: integer('position').notNull(),
  mime: text('mime').notNull(),
  bytes: bytea('bytes').notNull(),
  alt: text('alt').notNull().default(''),
});

export const socialDeliveries = pgTable('social_deliveries', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  postId: uuid('post_id').notNull(),
  accountId: uuid('account_id').notNull(),
  network: text('network').notNull(),
  text: text('text').notNull(),
  state: text('state').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  dueAt: ts('due_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  leaseUntil: ts('lease_until'),
  remoteId: text('remote_id'),
  remoteUrl: text('remote_url'),
  error: text('error'),
  publishedAt: ts('published_at'),
  couponCode: text('coupon_code'),
  couponCodeId: bigint('coupon_code_id', { mode: 'number' }),
  clicks: integer('clicks').notNull().default(0),
  likes: integer('likes'),
  reposts: integer('reposts'),
  replies: integer('replies'),
  metricsAt: ts('metrics_at'),
  nextMetricsAt: ts('next_metrics_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const socialOauthApps = pgTable('social_oauth_apps', {
  id: idColumn(),
  workspaceId: uuid('workspace_id').notNull(),
  serverUrl: text('server_url').notNull(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
