// Small zod building blocks shared by every domain's API contract (server and web).
import { z } from 'zod';

/**
 * A point in time in API responses: an ISO 8601 string in UTC. Handlers may return a Date;
 * it is encoded to the string on the way out, and the OpenAPI document says "date-time".
 */
export const dateTime = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** Path parameters that are ids: `uuidParam('id')` validates `/things/:id`. */
export const uuidParam = <K extends string>(name: K) =>
  z.object({ [name]: z.uuid({ message: 'must be a UUID' }) } as Record<K, z.ZodUUID>);

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .describe('Every error has this shape; `details` lists the failing fields for 400s.');

// Messages people can act on, for the cases zod words for programmers.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    if (issue.code === 'unrecognized_keys') return `has unknown field(s): ${issue.keys.join(', ')}`;
    return undefined;
  },
});
