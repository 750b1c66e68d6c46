// Request and response shapes of the bounce and complaint webhooks and of the suppression
// list (/api/v1/email/webhooks, /api/v1/email/suppressions, /hooks/email/…), shared by the
// server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';
import { suppression } from './broadcast-contract.ts';

export { suppression };

/** Where a provider posts bounces and complaints; the secret in the path is the credential. */
export const webhookUrls = z.object({
  generic: z.string(),
  postmark: z.string(),
  ses: z.string(),
  createdAt: dateTime,
  rotatedAt: dateTime.nullable(),
});

export const suppressionQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const suppressionPage = z.object({ items: z.array(suppression), nextCursor: z.string().nullable() });

export const suppressionBody = z.strictObject({
  email: z.string().trim().min(1, 'must not be empty').max(254),
  reason: z.enum(['unsubscribed', 'bounced', 'complained']),
});

export const suppressionEmailParam = z.object({ email: z.string().trim().min(1, 'must not be empty').max(254) });

export const suppressionRemoved = z.object({
  email: z.string(),
  /** The reason the entry had. */
  reason: suppression.shape.reason,
  /** The email status of the contact with this address afterwards (null: no such contact). */
  contactStatus: z.enum(['subscribed', 'not_subscribed', 'unsubscribed', 'bounced', 'complained']).nullable(),
});

/** One notification of the generic format. */
export const genericFeedback = z.strictObject({
  type: z.enum(['bounce', 'complaint']),
  email: z.string().trim().min(1, 'must not be empty').max(254),
  /** Our Message-ID (`<uuid@rapport>`) or its uuid, when the sender kept it. */
  messageId: z.string().trim().max(300).optional(),
  /** Bounces only; default hard. */
  bounceType: z.enum(['hard', 'soft']).optional(),
  reason: z.string().max(2000).optional(),
  /** The sender's own id of this notification: a retry with the same id is recognized. */
  id: z.string().trim().min(1).max(300).optional(),
  /** When it happened (ISO 8601); default: when received. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

/** What a webhook call did: notifications applied, seen before, or not about a bounce or complaint. */
export const webhookResult = z.object({
  applied: z.number(),
  duplicates: z.number(),
  ignored: z.number(),
});
