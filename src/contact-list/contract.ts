// Request and response shapes of the contact list (search, filters, sort, keyset pages, the
// CSV export and the bulk delete of a selection). Filters are conditions of the segment
// language (src/segments/vocabulary.ts); see filters.ts for how they are read.
import { z } from 'zod';
import { contact } from '../contacts/contract.ts';
import { BULK_DELETE_CONFIRM_ABOVE } from '../contacts/deletion-rules.ts';
import { contactScores } from '../purchases/contract.ts';
import { FIELD_OPS } from '../segments/vocabulary.ts';

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

/**
 * One condition: a field ("email", "created_at" or "properties.<key>"), an operator of the
 * segment language that fits its type, and its value. Two more fields: `segment` (is / is not
 * a member of a segment or list, by id) and `id` (contacts picked by hand: is, is any of).
 */
export const contactFilter = z.object({
  field: z.string().min(1).max(100),
  op: z.enum(FIELD_OPS),
  /** A scalar; a list for in / not_in; [low, high] for between; days for the *_days operators; nothing for is_set / is_not_set. */
  value: z.union([scalar, z.array(scalar).max(500)]).optional(),
});
export type ContactFilter = z.infer<typeof contactFilter>;

/**
 * Which contacts: a search over name and email plus filters (all must hold). Strict: a key
 * misspelt (`{"filtr": …}`) is refused rather than dropped, which would select everyone.
 */
export const contactSelection = z.strictObject({
  q: z.string().max(200).optional(),
  filters: z.array(contactFilter).max(50).default([]),
});
export type ContactSelection = z.input<typeof contactSelection>;

/** `?filters=` carries the filter list as JSON, so that any property and value fits in a URL. */
const filtersParam = z
  .string()
  .max(20_000)
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {field, op, value}' });
      return z.NEVER;
    }
  })
  .pipe(z.array(contactFilter).max(50));

export const SORT_ORDERS = ['asc', 'desc'] as const;

export const contactListQuery = z.object({
  q: z.string().max(200).optional(),
  filters: filtersParam.optional(),
  /** A built-in field, a score or loyalty figure ("scores.p_alive", "loyalty.points": see JOINED_FIELDS) or "properties.<key>"; default created_at. */
  sort: z.string().max(100).default('created_at'),
  order: z.enum(SORT_ORDERS).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page. */
  after: z.string().max(2000).optional(),
  /** `true`: each contact comes with the scores of the retention models (`scores`, null when not scored). */
  scores: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});
export type ContactListQuery = z.input<typeof contactListQuery>;

export const contactExportQuery = contactListQuery.omit({ limit: true, after: true, scores: true });

/** A contact of the list: with their scores when asked for (`scores=true`). */
export const listedContact = contact.extend({ scores: contactScores.nullable().optional() });

export const contactPage = z.object({
  items: z.array(listedContact),
  nextCursor: z.string().nullable(),
  /** On the first page only: how many contacts match. */
  total: z.number().optional(),
  /** False when `total` is the planner's estimate (too many matches to count cheaply). */
  totalExact: z.boolean().optional(),
});

const deletionIds = z.array(z.uuid()).min(1).max(10_000);
const confirmCount = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(`How many contacts this deletes (POST /contacts/bulk-delete/count says): required above ${BULK_DELETE_CONFIRM_ABOVE}, and checked whenever sent.`);

/** The contacts a bulk delete is about: listed, or every contact a search and filters select. */
export const bulkDeleteSelection = z.union([z.strictObject({ ids: deletionIds }), z.strictObject({ filter: contactSelection })]);
export const bulkDeleteBody = z.union([
  z.strictObject({ ids: deletionIds, confirmCount }),
  z.strictObject({ filter: contactSelection, confirmCount }),
]);
export const bulkDeleteCount = z.object({ count: z.number() });
