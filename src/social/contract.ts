// Requests and responses of the social API (/api/v1/social…). The web app imports the types.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';

export const NETWORK_NAMES = ['bluesky', 'mastodon'] as const;
const network = z.enum(NETWORK_NAMES);

const limits = z.object({
  maxChars: z.number().int(),
  counting: z.string(),
  maxImages: z.number().int(),
  maxAltChars: z.number().int(),
  maxImageBytes: z.number().int(),
  imageTypes: z.array(z.string()),
  rateLimit: z.object({ requests: z.number().int(), windowSeconds: z.number().int() }),
});

export const streamResult = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  kind: z.enum(['mentions', 'hashtag', 'keyword']),
  query: z.string(),
  lastFetchedAt: dateTime.nullable(),
  nextFetchAt: dateTime,
  lastFound: z.number().int().nullable(),
  lastError: z.string().nullable(),
});

export const accountResult = z.object({
  id: z.uuid(),
  network,
  serverUrl: z.string(),
  remoteId: z.string(),
  handle: z.string(),
  displayName: z.string(),
  state: z.enum(['connected', 'failed']),
  lastError: z.string().nullable(),
  limits,
  rate: z.object({ limit: z.number().int(), remaining: z.number().int(), resetAt: dateTime }).nullable(),
  createdAt: dateTime,
  streams: z.array(streamResult),
  /** What listening can do on this network, in a sentence for the page. */
  listening: z.string(),
});

export const accountsResult = z.object({ accounts: z.array(accountResult) });

export const connectBody = z.discriminatedUnion('network', [
  z.object({
    network: z.literal('bluesky'),
    serverUrl: z.string().trim().max(300).default('https://bsky.social'),
    identifier: z.string().trim().min(1, 'is required: the account’s handle, such as shop.bsky.social').max(300),
    secret: z.string().min(1, 'is required: an app password made in Bluesky’s settings').max(500),
  }),
  z.object({
    network: z.literal('mastodon'),
    serverUrl: z.string().trim().min(1, 'is required: the server, such as mastodon.social').max(300),
    secret: z.string().min(1, 'is required: an access token').max(500),
  }),
]);

export const authorizeBody = z.object({ serverUrl: z.string().trim().min(1, 'is required: the server, such as mastodon.social').max(300) });
export const authorizeResult = z.object({ authorizeUrl: z.string(), serverUrl: z.string(), redirectUri: z.string() });
export const authorizeFinishBody = z.object({ serverUrl: z.string().trim().min(1).max(300), code: z.string().trim().min(1, 'is required: the code Mastodon showed').max(500), redirectUri: z.string().max(500) });

export const streamBody = z.object({
  accountId: z.uuid(),
  kind: z.enum(['hashtag', 'keyword']),
  query: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100)
    .transform((s) => s.replace(/^#/, '')),
});

export const mentionResult = z.object({
  id: z.uuid(),
  network,
  kind: z.string(),
  authorHandle: z.string(),
  authorName: z.string(),
  text: z.string(),
  url: z.string().nullable(),
  postedAt: dateTime,
  language: z.string(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).nullable(),
  score: z.number().nullable(),
  contact: z.object({ id: z.uuid(), name: z.string(), email: z.string().nullable() }).nullable(),
  matchedBy: z.enum(['handle', 'hand']).nullable(),
  postId: z.uuid().nullable(),
});

export const streamFilterQuery = z.object({
  network: network.optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative', 'unscored']).optional(),
  q: z.string().trim().max(200).optional(),
  known: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  contactId: z.uuid().optional(),
  kind: z.enum(['mention', 'reply', 'hashtag', 'keyword']).optional(),
  postId: z.uuid().optional(),
});

export const mentionsQuery = streamFilterQuery.extend({
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const mentionsResult = z.object({ mentions: z.array(mentionResult), next: z.string().nullable() });

export const summaryQuery = streamFilterQuery.extend({ days: z.coerce.number().int().min(1).max(365).default(30) });
const counts = { positive: z.number().int(), neutral: z.number().int(), negative: z.number().int(), unscored: z.number().int() };
export const summaryResult = z.object({
  days: z.array(z.object({ day: z.string(), ...counts })),
  authors: z.array(
    z.object({ network, handle: z.string(), name: z.string(), mentions: z.number().int(), negative: z.number().int(), contact: z.object({ id: z.uuid(), name: z.string() }).nullable() }),
  ),
  totals: z.object({ mentions: z.number().int(), known: z.number().int(), ...counts }),
  timeZone: z.string(),
});

export const linkBody = z.object({ contactId: z.uuid().nullable() });
export const replyBody = z.object({ text: z.string().trim().min(1, 'is required').max(5000) });

export const couponChoice = z.object({ campaignId: z.uuid(), mode: z.enum(['shared', 'per_post']) });

export const postBody = z.object({
  text: z.string().max(20_000),
  variants: z.partialRecord(network, z.string().max(20_000)).default({}),
  accountIds: z.array(z.uuid()).max(20).default([]),
  coupon: couponChoice.nullish(),
});

const metrics = z.object({ likes: z.number().int(), reposts: z.number().int(), replies: z.number().int(), at: dateTime });

export const deliveryResult = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  network,
  handle: z.string(),
  text: z.string(),
  state: z.enum(['scheduled', 'publishing', 'published', 'failed']),
  dueAt: dateTime,
  attempts: z.number().int(),
  remoteId: z.string().nullable(),
  remoteUrl: z.string().nullable(),
  error: z.string().nullable(),
  publishedAt: dateTime.nullable(),
  couponCode: z.string().nullable(),
  metrics: metrics.nullable(),
});

export const postResult = z.object({
  id: z.uuid(),
  text: z.string(),
  variants: z.partialRecord(network, z.string()),
  accountIds: z.array(z.uuid()),
  coupon: couponChoice.nullable(),
  state: z.enum(['draft', 'scheduled']),
  scheduledAt: dateTime.nullable(),
  replyTo: z.string().nullable(),
  images: z.array(z.object({ id: z.uuid(), position: z.number().int(), mime: z.string(), alt: z.string(), bytes: z.number().int() })),
  deliveries: z.array(deliveryResult),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const postsQuery = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) });
export const postsResult = z.object({ posts: z.array(postResult), timeZone: z.string() });

export const scheduleBody = z.object({
  /** null: publish now. */
  at: z.iso.datetime({ offset: true }).nullable(),
});
export const moveBody = z.object({ at: z.iso.datetime({ offset: true }) });
export const imageAltBody = z.object({ alt: z.string().max(5000) });

export const checkResult = z.object({
  networks: z.array(z.object({ accountId: z.uuid(), network, handle: z.string(), length: z.number().int(), maxChars: z.number().int(), counting: z.string(), problems: z.array(z.string()) })),
});

const money = z.object({ currency: z.string(), orders: z.number().int(), discount: z.number().int(), redemptions: z.number().int() });
export const postResultsResult = z.object({
  post: postResult,
  deliveries: z.array(
    z.object({
      deliveryId: z.uuid(),
      network,
      handle: z.string(),
      code: z.string().nullable(),
      /** Per currency: amounts in different currencies are never added. */
      revenue: z.array(money),
      clicks: z.number().int(),
      replies: z.number().int(),
    }),
  ),
  /** A shared code's redemptions are the campaign's: they cannot be told apart by post. */
  sharedCode: z.boolean(),
  /** Clicks are counted through Rapport's redirect, which needs a public address (RAPPORT_PUBLIC_URL). */
  clicksCounted: z.boolean(),
});

export const feedResult = z.object({ url: z.string() });
