// The Segment-compatible tracking API's request and response shapes (Segment's HTTP
// Tracking API spec: https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/).
// These schemas document the API (OpenAPI) and validate each message on its own, so that
// one bad message of a batch is reported without refusing the others (see messages.ts).
import { z } from 'zod';

/** Segment's limits: 32 KB per call (and per message of a batch), 500 KB per batch. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Segment accepts ids as strings; RudderStack's SDK stringifies numbers, older clients send them raw. */
const id = z.union([z.string().max(255), z.number()]);
/** ISO 8601 (what every SDK sends; JSON has no date type). */
const time = z.string().max(64);
const object = z.record(z.string(), z.unknown());

const common = {
  type: z.enum(MESSAGE_TYPES).optional().describe('Required in a batch; implied by the path otherwise.'),
  messageId: z.union([z.string().min(1).max(255), z.number()]).optional().describe('Deduplicates retries; generated when missing.'),
  userId: id.nullish().describe('Your id of the person: the contact’s external id.'),
  anonymousId: id.nullish().describe('A device or cookie id, for people not known yet; merged into the contact on identify or alias.'),
  timestamp: time.nullish().describe('When it happened (client clock); corrected for clock skew with sentAt.'),
  originalTimestamp: time.nullish().describe('RudderStack’s name for timestamp.'),
  sentAt: time.nullish().describe('When the client sent it (client clock).'),
  context: object.nullish().describe('ip, userAgent, page, campaign, library…: kept with the event as properties.$context.'),
  integrations: object.nullish().describe('Accepted and ignored (destination settings).'),
};

export const identifyMessage = z.object({ ...common, traits: object.nullish() });
export const trackMessage = z.object({ ...common, event: z.string().trim().min(1).max(200), properties: object.nullish() });
export const pageMessage = z.object({ ...common, name: z.string().max(200).nullish(), category: z.string().max(200).nullish(), properties: object.nullish() });
export const screenMessage = pageMessage;
export const groupMessage = z.object({ ...common, groupId: id, traits: object.nullish() });
export const aliasMessage = z.object({ ...common, previousId: id, userId: id });

export const MESSAGE_SCHEMAS = {
  identify: identifyMessage,
  track: trackMessage,
  page: pageMessage,
  screen: screenMessage,
  group: groupMessage,
  alias: aliasMessage,
} as const satisfies Record<MessageType, z.ZodType>;

export const batchRequest = z.object({
  batch: z
    .array(
      z.discriminatedUnion('type', [
        identifyMessage.extend({ type: z.literal('identify') }),
        trackMessage.extend({ type: z.literal('track') }),
        pageMessage.extend({ type: z.literal('page') }),
        screenMessage.extend({ type: z.literal('screen') }),
        groupMessage.extend({ type: z.literal('group') }),
        aliasMessage.extend({ type: z.literal('alias') }),
      ]),
    )
    .describe('Messages, each with its type. Invalid ones are skipped and listed in `errors`; the rest are stored.'),
  sentAt: time.nullish(),
  context: object.nullish().describe('Applies to every message (a message’s own context wins).'),
  integrations: object.nullish(),
  writeKey: z.string().optional().describe('Sent by Segment’s SDKs; authentication is the Authorization header.'),
});

const issue = z.object({
  index: z.number().int().describe('Position in the batch (0 for a single call).'),
  messageId: z.string().optional(),
  message: z.string(),
});
export type TrackingIssue = z.infer<typeof issue>;

/**
 * 200 as Segment answers. `errors`: messages that were not stored (invalid), `warnings`:
 * parts of stored messages that were dropped (a trait of the wrong type, an email that
 * belongs to another contact). A retried message (same messageId) is stored once.
 */
export const trackingResponse = z.object({
  success: z.literal(true),
  errors: z.array(issue).optional(),
  warnings: z.array(issue).optional(),
});
export type TrackingResponse = z.infer<typeof trackingResponse>;

/**
 * Refusals carry Segment's `{success:false, message}` and Rapport's `error` object, so
 * that both kinds of client understand them. Segment's and RudderStack's SDKs do not
 * retry a 400, so a bad payload is never sent again and again.
 */
export const trackingErrorResponse = z.object({
  success: z.literal(false),
  message: z.string(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
