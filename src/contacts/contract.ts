// Request and response shapes of the contacts API, shared by the server and the web app
// (only zod and relative imports of files without dependencies).
import { z } from 'zod';
import { purchaseSummary } from '../purchases/contract.ts';
import { dateTime } from '../shared/schemas.ts';
import { EMAIL_STATUSES, LIFECYCLE_STAGES, PROPERTY_KEY_PATTERN, PROPERTY_TYPES } from './fields.ts';

export const propertyKey = z.string().regex(PROPERTY_KEY_PATTERN, 'must be lower-case letters, digits and underscores, starting with a letter');

export const propertyDefinition = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string(),
  type: z.enum(PROPERTY_TYPES),
  options: z.array(z.string()),
});

const optionList = z
  .array(z.string().trim().min(1, 'must not be empty').max(100))
  .max(200)
  .refine((o) => new Set(o.map((x) => x.toLowerCase())).size === o.length, 'must not repeat a value');

export const createPropertyBody = z.object({
  /** Derived from the label when left out ("Loyalty tier" → "loyalty_tier"). */
  key: propertyKey.optional(),
  label: z.string().trim().min(1, 'must not be empty').max(100),
  description: z.string().trim().max(500).default(''),
  type: z.enum(PROPERTY_TYPES),
  /** The allowed values of an enum property, in display order. */
  options: optionList.default([]),
});
export const updatePropertyBody = z.object({
  label: z.string().trim().min(1, 'must not be empty').max(100).optional(),
  description: z.string().trim().max(500).optional(),
  options: optionList.optional(),
});
export const propertyKeyParam = z.object({ key: propertyKey });

/** A property value: text, number, yes/no, or a date as "YYYY-MM-DD" (or a full ISO instant). */
export const propertyValue = z.union([z.string(), z.number(), z.boolean()]);

export const contact = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  externalId: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).nullable(),
  emailStatus: z.enum(EMAIL_STATUSES),
  properties: z.record(z.string(), propertyValue),
  createdAt: dateTime,
  updatedAt: dateTime,
});

/** One contact as its page shows it: the contact and the summary of their orders. */
export const contactDetail = contact.extend({ purchases: purchaseSummary });

const text = (max: number) => z.string().max(max, `must be at most ${max} characters long`);

/** Fields to set; `null` clears a field (and removes a property). */
export const updateContactBody = z.strictObject({
  email: text(254).nullable().optional(),
  externalId: text(200).nullable().optional(),
  phone: text(50).nullable().optional(),
  firstName: text(200).nullable().optional(),
  lastName: text(200).nullable().optional(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).nullable().optional(),
  emailStatus: z.enum(EMAIL_STATUSES).optional(),
  properties: z.record(z.string(), propertyValue.nullable()).optional(),
});
/**
 * A new contact. Consent is never assumed: without `emailStatus` the contact is
 * `not_subscribed`; send `subscribed` only when the person agreed to receive marketing email.
 * A contact without an email address is never subscribed.
 */
export const createContactBody = updateContactBody.extend({
  emailStatus: z
    .enum(EMAIL_STATUSES)
    .optional()
    .describe('Email consent. Left out: not_subscribed. Send subscribed only when the person agreed to receive marketing email; a contact without an email is never subscribed.'),
});

// ---- Deletions (the bulk delete of a selection: src/contact-list/contract.ts) -----------

/** One deletion of contacts, as recorded: who, when, how many, what selection. */
export const contactDeletion = z.object({
  id: z.uuid(),
  /** one: DELETE /contacts/:id; many: a bulk delete; erase: a GDPR erasure; import-undo: the contacts an undone import had created. */
  kind: z.enum(['one', 'many', 'erase', 'import-undo']),
  deleted: z.number(),
  /** The ids or the filter sent; `{ importId }` for an undone import; null for an erasure (nothing that names the person is kept). */
  selection: z.unknown(),
  /** The person, when a person did it (null for an API key, or a person since removed). */
  userId: z.uuid().nullable(),
  userEmail: z.string().nullable(),
  apiKeyId: z.uuid().nullable(),
  deletedAt: dateTime,
});
export const contactDeletionsPage = z.object({ items: z.array(contactDeletion) });

// ---- History, timeline, GDPR ---------------------------------------------------------

export const contactChange = z.object({
  id: z.number(),
  /** A built-in field ("email") or "properties.<key>". */
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  changedAt: dateTime,
  /** Who wrote it: web, api, import, tracking. */
  source: z.string(),
  importId: z.string().nullable(),
});
export const changesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export const changesPage = z.object({ items: z.array(contactChange), nextCursor: z.number().nullable() });

/** One change of a contact's email consent, newest first (see src/contacts/consent.ts). */
export const consentChange = z.object({
  status: z.enum(EMAIL_STATUSES),
  previous: z.enum(EMAIL_STATUSES).nullable(),
  at: dateTime,
  source: z.string(),
  importId: z.uuid().nullable(),
  importFile: z.string().nullable(),
  statedBy: z.string().nullable(),
});
export const consentHistory = z.object({ items: z.array(consentChange) });

export const timelineEvent = z.object({
  id: z.uuid(),
  name: z.string(),
  properties: z.record(z.string(), z.unknown()),
  occurredAt: dateTime,
  receivedAt: dateTime,
  source: z.string(),
});
export const eventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(500).optional(),
  name: z.string().min(1).max(200).optional(),
});
export const eventsPage = z.object({ items: z.array(timelineEvent), nextCursor: z.string().nullable() });
export const eventNameCount = z.object({ name: z.string(), count: z.number() });

export const eraseResult = z.object({
  erased: z.literal(true),
  eventsDeleted: z.number(),
  changesDeleted: z.number(),
  /** Whether a suppression entry now keeps the address from being emailed. */
  suppressed: z.boolean(),
});

export const gdprExport = z.object({
  exportedAt: dateTime,
  contact,
  /** Each property the contact has, with what it means. */
  properties: z.array(propertyDefinition.extend({ value: propertyValue })),
  changes: z.array(contactChange),
  events: z.array(timelineEvent),
  /** Browser or device ids (Segment's anonymousId) linked to the contact. */
  anonymousIds: z.array(z.object({ anonymousId: z.string(), createdAt: dateTime })),
});
