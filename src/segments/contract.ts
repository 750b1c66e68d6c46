// Request and response shapes of the segments API, shared by the server and the web app.
import { z } from 'zod';
import { contact } from '../contacts/contract.ts';
import { dateTime } from '../shared/schemas.ts';
import { segmentDefinition } from './definition.ts';

export const SEGMENT_KINDS = ['segment', 'list'] as const;

const name = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().trim().max(2000);

export const segmentSummary = z.object({
  id: z.uuid(),
  kind: z.enum(SEGMENT_KINDS),
  name: z.string(),
  description: z.string(),
  /** The definition of a segment; null for a list. */
  definition: segmentDefinition.nullable(),
  memberCount: z.number(),
  /**
   * When the membership was last computed whole; null while a computation runs (after the
   * segment is created or its definition changed). A list's membership is always current.
   */
  evaluatedAt: dateTime.nullable(),
  /** Conditions relative to now ("in the last 30 days"): recomputed on a schedule too. */
  timeRelative: z.boolean(),
  dependsOn: z.object({ events: z.array(z.string()), fields: z.array(z.string()), segments: z.array(z.string()) }),
  createdAt: dateTime,
  updatedAt: dateTime,
  /** The size at the end of each of the last 30 days, oldest first. */
  sizes: z.array(z.object({ day: z.string(), size: z.number() })),
});

export const segmentList = z.object({ items: z.array(segmentSummary) });

export const createSegmentBody = z.strictObject({
  name,
  description: description.default(''),
  kind: z.enum(SEGMENT_KINDS).default('segment'),
  /** Required for a segment, left out for a list. */
  definition: segmentDefinition.optional(),
});

export const updateSegmentBody = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  definition: segmentDefinition.optional(),
});

export const previewBody = z.strictObject({ definition: segmentDefinition });
export const previewResult = z.object({
  /** Contacts the definition matches now. */
  count: z.number(),
  /** Up to 10 of them, newest first. */
  sample: z.array(contact),
});

export const listMembersBody = z.union([
  z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(10_000) }),
  /** Every contact an import created or changed. */
  z.strictObject({ importId: z.uuid() }),
  /** A snapshot of a segment's (or list's) current members. */
  z.strictObject({ segmentId: z.uuid() }),
]);
/** The segments and lists a contact is in now (GET /contacts/:id/segments). */
export const contactMemberships = z.object({
  items: z.array(z.object({ id: z.uuid(), kind: z.enum(SEGMENT_KINDS), name: z.string(), enteredAt: dateTime })),
});
export const removeMembersBody = z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(10_000) });
export const membersChanged = z.object({ added: z.number().optional(), removed: z.number().optional() });

/** What the builder's pickers offer: fields with their types, events with their properties. */
export const segmentCatalog = z.object({
  fields: z.array(z.object({ field: z.string(), label: z.string(), type: z.string(), options: z.array(z.string()).optional() })),
  events: z.array(
    z.object({
      name: z.string(),
      /** Top-level properties seen on recent events of this name, with their JSON types. */
      properties: z.array(z.object({ key: z.string(), type: z.enum(['string', 'number', 'boolean']) })),
    }),
  ),
  segments: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(SEGMENT_KINDS) })),
  /** Currencies the workspace's orders are in (most orders first), then its default currency. */
  currencies: z.array(z.string()),
});

export const segmentTemplate = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  definition: segmentDefinition,
});
export const segmentTemplates = z.object({ items: z.array(segmentTemplate) });
