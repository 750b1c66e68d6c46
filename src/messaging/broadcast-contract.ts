// Request and response shapes of broadcasts, topics and suppressions (/api/v1/email/…),
// shared by the server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';

export const broadcastState = z.enum(['draft', 'scheduled', 'sending', 'sent', 'cancelled']);

const broadcastFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  templateId: z.uuid(),
  /** A segment or a static list. */
  segmentId: z.uuid(),
  /** Contacts who left this topic on the preference page are left out. */
  topicId: z.uuid().nullable(),
  /** At most this many messages a minute; null: as fast as the SMTP server takes them. */
  ratePerMinute: z.number().int().min(1).max(1_000_000).nullable(),
};
export const broadcastBody = z.strictObject({ ...broadcastFields, topicId: broadcastFields.topicId.default(null), ratePerMinute: broadcastFields.ratePerMinute.default(null) });
/** Only what is sent changes (no defaults: a field left out keeps its value). */
export const broadcastPatch = z.strictObject(broadcastFields).partial();

export const sendBody = z.strictObject({
  /** Send at this time (must be in the future); left out: now. */
  at: z.iso.datetime({ offset: true }).optional(),
});

export const audienceQuery = z.object({ segmentId: z.uuid(), topicId: z.uuid().optional() });
/** What sending to a segment or list would do now: how many get it, how many are left out and why. */
export const audienceEstimate = z.object({
  /** Current members of the segment or list. */
  members: z.number(),
  /** Members a message would go to. */
  reachable: z.number(),
  leftOut: z.object({
    /** Members without an email address (no message row at all). */
    noEmail: z.number(),
    /** On the suppression list (unsubscribed, bounced, complained, erased). */
    suppressed: z.number(),
    /** Their email status is not "subscribed". */
    notSubscribed: z.number(),
    /** They left the broadcast's topic on the preference page. */
    leftTopic: z.number(),
    /** In the workspace's control group: no marketing email, to measure what marketing does. */
    controlGroup: z.number(),
  }),
});

/** Who of a broadcast's recipients a follow-up list holds. */
export const FOLLOW_UP_GROUPS = ['delivered', 'opened', 'not_opened', 'clicked', 'not_clicked'] as const;
export const broadcastListBody = z.strictObject({
  who: z.enum(FOLLOW_UP_GROUPS),
  /** The list's name; left out: "<broadcast>: did not open" and the like. */
  name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
});
export const broadcastListCreated = z.object({ id: z.uuid(), name: z.string(), memberCount: z.number() });

export const broadcastCounts = z.object({
  /** Contacts in the frozen audience (null until the send starts). */
  recipients: z.number().nullable(),
  queued: z.number(),
  sent: z.number(),
  failed: z.number(),
  bounced: z.number(),
  suppressed: z.number(),
  cancelled: z.number(),
});

export const broadcast = z.object({
  id: z.uuid(),
  name: z.string(),
  templateId: z.uuid().nullable(),
  templateName: z.string().nullable(),
  segmentId: z.uuid().nullable(),
  segmentName: z.string().nullable(),
  segmentKind: z.enum(['segment', 'list']).nullable(),
  topicId: z.uuid().nullable(),
  topicName: z.string().nullable(),
  ratePerMinute: z.number().nullable(),
  state: broadcastState,
  scheduledAt: dateTime.nullable(),
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  createdAt: dateTime,
  updatedAt: dateTime,
  counts: broadcastCounts,
  /** While sending: why it waits (its mail server cannot be reached now; tried again every 30 s), and since when. */
  waiting: z.object({ reason: z.string(), since: dateTime }).nullable(),
});

export const broadcastReport = z.object({
  recipients: z.number(),
  sent: z.number(),
  /** Sent and not bounced since. */
  delivered: z.number(),
  bounced: z.number(),
  failed: z.number(),
  suppressed: z.number(),
  /** Contacts who opened at least once, opens by mail-privacy proxies and scanners left out. */
  uniqueOpens: z.number(),
  /** Opens left out as machine prefetches (Apple Mail Privacy Protection, link scanners). */
  prefetchOpens: z.number(),
  uniqueClicks: z.number(),
  /** uniqueOpens / delivered (0–1). */
  openRate: z.number(),
  /** uniqueClicks / delivered (0–1). */
  clickThroughRate: z.number(),
  unsubscribes: z.number(),
  complaints: z.number(),
  /** Opens and clicks per minute while they span three hours or less, else per hour. */
  timeline: z.array(z.object({ at: dateTime, opens: z.number(), clicks: z.number() })),
  links: z.array(z.object({ url: z.string(), clicks: z.number(), uniqueClicks: z.number() })),
});

const topicFields = { name: z.string().trim().min(1, 'must not be empty').max(100), description: z.string().trim().max(500) };
export const topicBody = z.strictObject({ ...topicFields, description: topicFields.description.default('') });
export const topicPatch = z.strictObject(topicFields).partial();
export const topic = z.object({ id: z.uuid(), name: z.string(), description: z.string(), optedOut: z.number(), createdAt: dateTime });

export const suppression = z.object({
  email: z.string().nullable(),
  reason: z.enum(['unsubscribed', 'bounced', 'complained', 'erased']),
  createdAt: dateTime,
});
