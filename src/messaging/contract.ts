// Request and response shapes of the email templates API, shared by the server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';
import { MESSAGE_STATES } from './message-states.ts';

const defaults = z
  .record(z.string().regex(/^(contact|workspace|event)\.[a-z0-9_.]{1,100}$/, 'must be a path like contact.first_name'), z.string().max(500))
  .refine((d) => Object.keys(d).length <= 50, 'at most 50 defaults');

const templateFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  subject: z.string().trim().min(1, 'must not be empty').max(1000),
  preheader: z.string().max(1000),
  /** MJML with Liquid merge fields. */
  body: z.string().min(1, 'must not be empty').max(200_000),
  defaults,
};
export const templateBody = z.strictObject({ ...templateFields, preheader: templateFields.preheader.default(''), defaults: defaults.default({}) });
/** Only what is sent changes (no defaults: a field left out keeps its value). */
export const templatePatch = z.strictObject(templateFields).partial();

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

const host = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'must be a host name or IP address');
const address = z.email({ message: 'must be an email address' }).max(254);

export const emailSettings = z.object({
  smtpHost: z.string().nullable(),
  smtpPort: z.number().nullable(),
  smtpSecurity: z.enum(['tls', 'starttls', 'none']),
  smtpUser: z.string().nullable(),
  /** The password is never returned; this says whether one is stored (encrypted). */
  passwordSet: z.boolean(),
  fromName: z.string(),
  fromEmail: z.string().nullable(),
  replyTo: z.string().nullable(),
});
export const emailSettingsBody = z.strictObject({
  smtpHost: host.nullable().optional(),
  smtpPort: z.number().int().min(1).max(65535).nullable().optional(),
  smtpSecurity: z.enum(['tls', 'starttls', 'none']).optional(),
  smtpUser: z.string().max(255).nullable().optional(),
  /** Written only: left out keeps the stored password, null or "" removes it. */
  smtpPassword: z.string().max(1000).nullable().optional(),
  fromName: z.string().trim().max(200).optional(),
  fromEmail: address.nullable().optional(),
  replyTo: address.nullable().optional(),
});

export const testSendBody = z.strictObject({ contactId: z.uuid().optional() });
export const testSendResult = z.object({ messageId: z.uuid(), to: z.string() });
export const messageSummary = z.object({
  id: z.uuid(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  state: z.string(),
  transport: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: dateTime,
  sentAt: dateTime.nullable(),
});
export { MESSAGE_STATES };
export const messageListQuery = z.object({
  before: z.uuid({ error: '`before` must be the id of a message (the last one of the previous page)' }).optional(),
  state: z.enum(MESSAGE_STATES, { error: `\`state\` must be one of ${MESSAGE_STATES.join(', ')}` }).optional(),
  to: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const messageDetail = z.object({ id: z.uuid(), to: z.string(), subject: z.string(), html: z.string(), text: z.string(), state: z.string() });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const BOTH_ENDS = 'is missing: quiet hours need both a start and an end';
/** One end of the quiet hours: missing or empty says that both ends are needed. */
const hhmm = z.string({ error: BOTH_ENDS }).min(1, { error: BOTH_ENDS, abort: true }).regex(HHMM, 'must be a time of day as HH:MM');
/** Marketing email limits: a frequency cap per contact and day or week (their own calendar), quiet hours (their own time). */
export const emailLimitsBody = z.strictObject({
  perDay: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').nullable().optional(),
  perWeek: z.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').nullable().optional(),
  quietHours: z
    .strictObject({ from: hhmm, to: hhmm })
    .refine((q) => q.from !== q.to, { message: 'must be another time than the start', path: ['to'] })
    .nullable()
    .optional(),
});
export const workspaceEmailLimits = emailLimitsBody.extend({
  /** 0 to 50: contacts kept out of every workflow and broadcast, to measure what marketing does as a whole. */
  controlGroupPercent: z.number().min(0, 'must be 0 or more').max(50, 'must be at most 50').multipleOf(0.01, 'may have at most two decimals'),
});
