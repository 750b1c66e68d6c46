// The bounce and complaint webhooks: the per-workspace secret their URLs carry, and the three
// payload formats (generic JSON, Postmark, Amazon SES through SNS) read into the feedback of
// src/messaging/feedback.ts.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sha256 } from '../../accounts/crypto.ts';
import { normalizeEmail } from '../../contacts/normalize.ts';
import type { AppContext } from '../../server/context.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { type BounceType, type ComplaintInput, type FeedbackInput, findOurMessageId, ourMessageId } from './feedback.ts';
import { decryptSecret, encryptSecret } from '../delivery/secrets.ts';
import { baseUrl } from '../consent/unsubscribe.ts';
import { genericFeedback } from '../webhook-contract.ts';

// ---------------------------------------------------------------------------------------------
// The secret

export interface WebhookUrls {
  generic: string;
  postmark: string;
  ses: string;
  createdAt: Date;
  rotatedAt: Date | null;
}

/** 256 random bits, base64url: 43 characters, well under Fastify's 100-character path parameter limit. */
const newSecret = () => randomBytes(32).toString('base64url');
const SECRET_SHAPE = /^[A-Za-z0-9_-]{32,64}$/;

function urlsOf(ctx: AppContext, row: { secret_encrypted: string; created_at: Date | string; rotated_at: Date | string | null }): WebhookUrls {
  const base = `${baseUrl(ctx)}/hooks/email/${decryptSecret(ctx.secret, row.secret_encrypted)}`;
  return {
    generic: `${base}/generic`,
    postmark: `${base}/postmark`,
    ses: `${base}/ses`,
    createdAt: new Date(row.created_at),
    rotatedAt: row.rotated_at ? new Date(row.rotated_at) : null,
  };
}

/** The workspace's webhook URLs, made on first use. */
export async function webhookUrls(ctx: AppContext, workspaceId: string): Promise<WebhookUrls> {
  const secret = newSecret();
  await ctx.db.query(
    `insert into email_webhook_secrets (workspace_id, secret_encrypted, secret_hash, created_at) values ($1, $2, $3, $4)
     on conflict (workspace_id) do nothing`,
    [workspaceId, encryptSecret(ctx.secret, secret), sha256(secret), ctx.clock.now()],
  );
  const [row] = await ctx.db.query<{ secret_encrypted: string; created_at: Date; rotated_at: Date | null }>(
    'select secret_encrypted, created_at, rotated_at from email_webhook_secrets where workspace_id = $1',
    [workspaceId],
  );
  return urlsOf(ctx, row!);
}

/** A new secret: the old URLs stop working at once (answer 404). */
export async function rotateWebhookSecret(ctx: AppContext, workspaceId: string): Promise<WebhookUrls> {
  const secret = newSecret();
  const now = ctx.clock.now();
  const [row] = await ctx.db.query<{ secret_encrypted: string; created_at: Date; rotated_at: Date | null }>(
    `insert into email_webhook_secrets (workspace_id, secret_encrypted, secret_hash, created_at) values ($1, $2, $3, $4)
     on conflict (workspace_id) do update set secret_encrypted = excluded.secret_encrypted, secret_hash = excluded.secret_hash, rotated_at = excluded.created_at
     returning secret_encrypted, created_at, rotated_at`,
    [workspaceId, encryptSecret(ctx.secret, secret), sha256(secret), now],
  );
  return urlsOf(ctx, row!);
}

/**
 * The workspace whose secret this is. Looked up by its sha256 through a unique index: the
 * comparison runs on a hash of what the caller sent, so its timing tells nothing about the secret.
 */
export async function workspaceForSecret(ctx: AppContext, secret: string): Promise<string | undefined> {
  if (!SECRET_SHAPE.test(secret)) return undefined;
  const [row] = await ctx.db.query<{ workspace_id: string }>('select workspace_id from email_webhook_secrets where secret_hash = $1', [sha256(secret)]);
  return row?.workspace_id;
}

// ---------------------------------------------------------------------------------------------
// Payload formats

export type FeedbackAction =
  | { kind: 'bounce'; input: FeedbackInput & { bounceType: BounceType } }
  | { kind: 'complaint'; input: ComplaintInput }
  | { kind: 'ignore'; why: string };

/** Parses with a zod schema, or a 400 naming each invalid field as `body.…` (like route validation). */
function parse<S extends z.ZodType>(schema: S, value: unknown, prefix: (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(result.error.issues.map((i) => ({ path: ['body', ...prefix, ...i.path.map(String)].join('.'), message: i.message })));
}

function invalid(details: FieldIssue[]): AppError {
  const fields = [...new Set(details.map((d) => d.path))].join(', ');
  return new AppError(400, 'validation_failed', `The request is not valid: check ${fields}.`, details);
}

const when = (s: string | null | undefined) => {
  const d = s ? new Date(s) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

// Generic ----------------------------------------------------------------------------------------

export const MAX_GENERIC = 1000;

/** `{type, email, messageId?, bounceType?, reason?, id?, occurredAt?}` or an array of up to 1000 of them. */
export function readGeneric(body: unknown): FeedbackAction[] {
  if (body === undefined || body === null || body === '') throw invalid([{ path: 'body', message: 'is required: send a notification object or an array of them' }]);
  const many = Array.isArray(body);
  if (many && body.length === 0) throw invalid([{ path: 'body', message: 'must not be an empty array' }]);
  if (many && body.length > MAX_GENERIC) throw invalid([{ path: 'body', message: `must have at most ${MAX_GENERIC} notifications; send the rest in another call` }]);
  const items = many ? parse(z.array(genericFeedback), body) : [parse(genericFeedback, body)];
  const bad: FieldIssue[] = [];
  items.forEach((item, i) => {
    if (!normalizeEmail(item.email).ok) bad.push({ path: ['body', ...(many ? [i] : []), 'email'].join('.'), message: 'is not an email address' });
    if (item.type === 'complaint' && item.bounceType) bad.push({ path: ['body', ...(many ? [i] : []), 'bounceType'].join('.'), message: 'is for bounces only' });
  });
  if (bad.length > 0) throw invalid(bad);
  return items.map((item): FeedbackAction => {
    const input: FeedbackInput = {
      source: 'generic',
      email: item.email,
      messageId: item.messageId ?? null,
      notificationId: item.id ?? null,
      diagnostic: item.reason ?? null,
      occurredAt: when(item.occurredAt),
    };
    return item.type === 'complaint' ? { kind: 'complaint', input } : { kind: 'bounce', input: { ...input, bounceType: item.bounceType ?? 'hard' } };
  });
}

// Postmark ---------------------------------------------------------------------------------------

// Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types). The
// address does not work: hard. Not about delivering to the address at all (an out-of-office
// reply, a challenge, a subscribe request, a virus warning, an inbound problem): ignored.
// Everything else (SoftBounce, Transient, DnsError, Blocked, SpamNotification, DMARCPolicy,
// Unknown, types added later) is a soft bounce: recorded, nothing suppressed.
const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
const POSTMARK_NOT_A_BOUNCE = new Set(['AutoResponder', 'Subscribe', 'Unsubscribe', 'AddressChange', 'OpenRelayTest', 'ChallengeVerification', 'VirusNotification', 'InboundError']);

export function postmarkBounceType(type: string): BounceType | 'complaint' | 'ignore' {
  if (type === 'SpamComplaint') return 'complaint';
  if (POSTMARK_HARD.has(type)) return 'hard';
  if (POSTMARK_NOT_A_BOUNCE.has(type)) return 'ignore';
  return 'soft';
}

const postmarkRecord = z.looseObject({ RecordType: z.string().min(1).max(100) });
const postmarkBounce = z.looseObject({
  RecordType: z.string(),
  ID: z.union([z.number(), z.string().max(100)]).nullish(),
  Type: z.string().min(1).max(100),
  MessageID: z.string().max(300).nullish(),
  Email: z.string().trim().min(1, 'must not be empty').max(254),
  Description: z.string().nullish(),
  Details: z.string().nullish(),
  BouncedAt: z.string().max(100).nullish(),
  Content: z.string().nullish(),
  Metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** Our message id in Postmark's Metadata (X-PM-Metadata-* headers) or in the bounce's quoted headers. */
function postmarkOurId(b: z.output<typeof postmarkBounce>): string | undefined {
  for (const [key, value] of Object.entries(b.Metadata ?? {})) {
    if (typeof value !== 'string') continue;
    const id = findOurMessageId(value) ?? (/rapport|message.?id/i.test(key) ? ourMessageId(value) : undefined);
    if (id) return id;
  }
  return findOurMessageId(b.Content);
}

/** Postmark's bounce webhook (RecordType "Bounce") and spam complaint webhook ("SpamComplaint"); other record types are ignored. */
export function readPostmark(body: unknown): FeedbackAction[] {
  const record = parse(postmarkRecord, body);
  if (record.RecordType !== 'Bounce' && record.RecordType !== 'SpamComplaint') {
    return [{ kind: 'ignore', why: `Postmark ${record.RecordType} records are not bounces or complaints` }];
  }
  const b = parse(postmarkBounce, body);
  const kind = record.RecordType === 'SpamComplaint' ? 'complaint' : postmarkBounceType(b.Type);
  if (kind === 'ignore') return [{ kind: 'ignore', why: `Postmark bounce type ${b.Type} is not about delivery to the address` }];
  const input: FeedbackInput = {
    source: 'postmark',
    email: b.Email,
    messageId: postmarkOurId(b) ?? null,
    providerMessageId: b.MessageID ?? null,
    notificationId: b.ID === null || b.ID === undefined ? null : String(b.ID),
    diagnostic: [b.Type, b.Details || b.Description].filter(Boolean).join(': '),
    occurredAt: when(b.BouncedAt),
  };
  if (kind === 'complaint') return [{ kind: 'complaint', input }];
  return [{ kind: 'bounce', input: { ...input, bounceType: kind } }];
}

// Amazon SES through SNS -----------------------------------------------------------------------

const snsEnvelope = z.looseObject({
  Type: z.string().min(1).max(100),
  MessageId: z.string().max(200).nullish(),
  TopicArn: z.string().max(500).nullish(),
  Message: z.string().nullish(),
  SubscribeURL: z.string().max(4000).nullish(),
});

const sesMail = z
  .looseObject({
    messageId: z.string().max(300).nullish(),
    headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullish(),
    commonHeaders: z.looseObject({ messageId: z.string().max(1000).nullish() }).nullish(),
  })
  .nullish();
const sesRecipient = z.looseObject({ emailAddress: z.string().trim().min(1, 'must not be empty').max(254), diagnosticCode: z.string().nullish(), status: z.string().nullish() });
const sesNotification = z.looseObject({ notificationType: z.string().max(100).nullish(), eventType: z.string().max(100).nullish(), mail: sesMail });
const sesBounce = z.looseObject({
  bounce: z.looseObject({
    bounceType: z.string().max(100),
    bounceSubType: z.string().max(100).nullish(),
    bouncedRecipients: z.array(sesRecipient).min(1).max(1000),
    timestamp: z.string().max(100).nullish(),
    feedbackId: z.string().max(300).nullish(),
  }),
});
const sesComplaint = z.looseObject({
  complaint: z.looseObject({
    complainedRecipients: z.array(sesRecipient).min(1).max(1000),
    complaintFeedbackType: z.string().max(100).nullish(),
    timestamp: z.string().max(100).nullish(),
    feedbackId: z.string().max(300).nullish(),
  }),
});

export type SesRequest = { kind: 'confirm'; subscribeUrl: URL } | { kind: 'feedback'; actions: FeedbackAction[] };

/**
 * Where SNS says to confirm a subscription, if it is SNS's own confirmation endpoint:
 * https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription… in the topic's region. Nothing
 * else is ever fetched (the body is the caller's: anything else would let them make us request
 * any URL).
 */
export function snsSubscribeUrl(raw: string, topicArn: string | null | undefined): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  const host = /^sns\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname);
  if (!host) return undefined;
  const topicRegion = topicArn?.split(':')[3];
  if (topicRegion && topicRegion !== host[1]) return undefined;
  if (url.searchParams.get('Action') !== 'ConfirmSubscription') return undefined;
  return url;
}

/** An SNS message (Notification, SubscriptionConfirmation, UnsubscribeConfirmation), or an SES notification delivered raw. */
export function readSes(body: unknown): SesRequest {
  if (body && typeof body === 'object' && !Array.isArray(body) && ('notificationType' in body || 'eventType' in body)) {
    return { kind: 'feedback', actions: readSesNotification(body, [], null) };
  }
  const envelope = parse(snsEnvelope, body);
  switch (envelope.Type) {
    case 'SubscriptionConfirmation': {
      const url = envelope.SubscribeURL ? snsSubscribeUrl(envelope.SubscribeURL, envelope.TopicArn) : undefined;
      if (!url) {
        throw invalid([{ path: 'body.SubscribeURL', message: 'must be https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription… in the region of the topic; nothing else is fetched' }]);
      }
      return { kind: 'confirm', subscribeUrl: url };
    }
    case 'UnsubscribeConfirmation':
      return { kind: 'feedback', actions: [{ kind: 'ignore', why: 'the subscription was ended' }] };
    case 'Notification': {
      if (!envelope.Message) throw invalid([{ path: 'body.Message', message: 'is required: the SES notification as a JSON string' }]);
      let message: unknown;
      try {
        message = JSON.parse(envelope.Message);
      } catch {
        throw invalid([{ path: 'body.Message', message: 'is not JSON: expected the SES notification as a JSON string' }]);
      }
      return { kind: 'feedback', actions: readSesNotification(message, ['Message'], envelope.MessageId ?? null) };
    }
    default:
      throw invalid([{ path: 'body.Type', message: 'must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation' }]);
  }
}

function readSesNotification(value: unknown, prefix: string[], snsMessageId: string | null): FeedbackAction[] {
  const n = parse(sesNotification, value, prefix);
  // notificationType for SES notifications, eventType for event publishing (configuration sets).
  const type = n.notificationType ?? n.eventType;
  if (!type) throw invalid([{ path: ['body', ...prefix, 'notificationType'].join('.'), message: 'is required' }]);
  const messageHeader = n.mail?.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value;
  const common = {
    source: 'ses' as const,
    messageId: ourMessageId(messageHeader) ?? ourMessageId(n.mail?.commonHeaders?.messageId) ?? null,
    providerMessageId: n.mail?.messageId ?? null,
  };
  if (type === 'Bounce') {
    const { bounce } = parse(sesBounce, value, prefix);
    // Permanent: the address does not work. Transient and Undetermined may pass next time.
    const bounceType: BounceType = bounce.bounceType === 'Permanent' ? 'hard' : 'soft';
    const id = bounce.feedbackId ?? snsMessageId;
    return bounce.bouncedRecipients.map((r) => ({
      kind: 'bounce' as const,
      input: {
        ...common,
        bounceType,
        email: r.emailAddress,
        notificationId: id,
        diagnostic: r.diagnosticCode || [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join(' / '),
        occurredAt: when(bounce.timestamp),
      },
    }));
  }
  if (type === 'Complaint') {
    const { complaint } = parse(sesComplaint, value, prefix);
    // A feedback report saying "not spam" is the opposite of a complaint.
    if (complaint.complaintFeedbackType === 'not-spam') return [{ kind: 'ignore', why: 'a not-spam report' }];
    const id = complaint.feedbackId ?? snsMessageId;
    return complaint.complainedRecipients.map((r) => ({
      kind: 'complaint' as const,
      input: { ...common, email: r.emailAddress, notificationId: id, feedbackType: complaint.complaintFeedbackType ?? null, occurredAt: when(complaint.timestamp) },
    }));
  }
  // Delivery, Send, Open, Click, DeliveryDelay, the topic's test message…
  return [{ kind: 'ignore', why: `SES ${type} notifications are not bounces or complaints` }];
}
