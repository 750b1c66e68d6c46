// Request and response shapes of the email templates API, shared by the server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';

const defaults = z
  .record(z.string().regex(/^(contact|workspace|event)\.[a-z0-9_.]{1,100}$/, 'must be a path like contact.first_name'), z.string().max(500))
  .refine((d) => Object.keys(d).length <= 50, 'at most 50 defaults');

export const templateBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  subject: z.string().trim().min(1, 'must not be empty').max(1000),
  preheader: z.string().max(1000).default(''),
  /** MJML with Liquid merge fields. */
  body: z.string().min(1, 'must not be empty').max(200_000),
  defaults: defaults.default({}),
});
export const templatePatch = templateBody.partial();

export const emailTemplate = z.object({
  id: z.uuid(),
  name: z.string(),
  subject: z.string(),
  preheader: z.string(),
  body: z.string(),
  defaults: z.record(z.string(), z.string()),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const previewRequest = z.strictObject({
  /** Render as this contact; left out: as a contact with no data (every fallback shows). */
  contactId: z.uuid().optional(),
});
export const renderedMessage = z.object({ subject: z.string(), preheader: z.string(), html: z.string(), text: z.string() });

export const snippetName = z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - and _') });
export const snippetBody = z.strictObject({ body: z.string().max(50_000) });
export const snippet = z.object({ name: z.string(), body: z.string(), updatedAt: dateTime });

export const starterTemplate = z.object({ key: z.string(), name: z.string(), description: z.string(), template: templateBody });
