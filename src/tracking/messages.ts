// From a raw Segment message (JSON) to what Rapport stores: validation, ids, times, and
// the event's name and properties. Pure functions: no database, no clock of their own.
//
// What an event stores (events.properties), by call:
//   track     its properties                       name: the event
//   page      its properties + name, category, and url/path/title/referrer/search from
//   screen    context.page where the properties lack them          name: 'page' / 'screen'
//   identify  { traits }   (the contact gets them too, see traits.ts)  name: 'identify'
//   group     { groupId, traits }  (the group's traits, not the person's)  name: 'group'
//   alias     { previousId }                                            name: 'alias'
// and always $context: Segment's context (ip, userAgent, locale, page, campaign, library…),
// the batch's merged with the message's. integrations, channel and _metadata are dropped.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { MAX_MESSAGE_BYTES, MESSAGE_SCHEMAS, MESSAGE_TYPES, type MessageType } from './contract.ts';

/** A valid message, ready for identity resolution and storage. */
export interface TrackedMessage {
  /** Position in the request (0 for a single call), for reporting. */
  index: number;
  type: MessageType;
  messageId: string;
  userId?: string;
  anonymousId?: string;
  /** alias: the id being merged into userId. */
  previousId?: string;
  /** identify: the traits as sent. */
  traits?: Record<string, unknown>;
  /** The stored event: 'identify', 'page', 'screen', 'group', 'alias', or the track call's event. */
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  /** When the request that carried it arrived (the server's clock). */
  receivedAt: Date;
}

export type Parsed = { ok: true; message: TrackedMessage } | { ok: false; messageId?: string; message: string };

export interface Envelope {
  /** The batch's sentAt (a message's own wins). */
  sentAt?: unknown;
  /** The batch's context (a message's own keys win). */
  context?: Record<string, unknown>;
}

// PostgreSQL's timestamptz covers more, but a date outside these years is a client bug.
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);
/** JSON nested deeper than this is refused: PostgreSQL's parser recurses on it. */
const MAX_DEPTH = 32;

/**
 * Validates one message and computes what to store. `type` is the path's type for a single
 * call, undefined in a batch (where each message names its own).
 */
export function parseMessage(raw: unknown, index: number, pathType: MessageType | undefined, receivedAt: Date, envelope: Envelope = {}): Parsed {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, message: 'the message must be a JSON object' };
  const body = raw as Record<string, unknown>;
  const rawId = typeof body.messageId === 'string' || typeof body.messageId === 'number' ? String(body.messageId) : undefined;
  const fail = (message: string): Parsed => ({ ok: false, ...(rawId ? { messageId: rawId } : {}), message });

  const type = pathType ?? body.type;
  if (pathType === undefined && !MESSAGE_TYPES.includes(type as MessageType)) {
    return fail(type === undefined ? 'type is required' : `type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  if (pathType !== undefined && body.type !== undefined && body.type !== pathType) return fail(`type "${String(body.type)}" does not match /v1/${pathType}`);
  const parsed = MESSAGE_SCHEMAS[type as MessageType].safeParse(body);
  if (!parsed.success) return fail(describeIssues(parsed.error.issues, body));
  const m = parsed.data as z.infer<(typeof MESSAGE_SCHEMAS)['page']> & Record<string, unknown>;

  const size = measure(body, MAX_DEPTH);
  if (size < 0) return fail(`the message is nested deeper than ${MAX_DEPTH} levels`);
  if (size > MAX_MESSAGE_BYTES && Buffer.byteLength(JSON.stringify(body)) > MAX_MESSAGE_BYTES) {
    return fail(`the message is larger than ${MAX_MESSAGE_BYTES / 1024} KB`);
  }

  const userId = idOf(m.userId);
  const anonymousId = idOf(m.anonymousId);
  if (userId === undefined && anonymousId === undefined) return fail('userId or anonymousId is required');

  const sentAt = timeOf(m.sentAt) ?? timeOf(envelope.sentAt);
  const clientTime = m.timestamp ?? m.originalTimestamp;
  const timestamp = timeOf(clientTime);
  if (clientTime != null && timestamp === undefined) return fail(`timestamp "${String(clientTime).slice(0, 64)}" is not an ISO 8601 date`);
  const occurredAt = reconcileTime(timestamp, sentAt, receivedAt);
  // (Written so that NaN, a skew correction gone out of range, fails too.)
  if (!(occurredAt.getTime() >= EARLIEST && occurredAt.getTime() <= LATEST)) return fail('timestamp is outside the years 1000 to 9999');

  const context = { ...envelope.context, ...(m.context ?? {}) };
  const t = type as MessageType;
  const message: TrackedMessage = {
    index,
    type: t,
    messageId: rawId ?? `rapport-${randomUUID()}`,
    ...(userId !== undefined ? { userId } : {}),
    ...(anonymousId !== undefined ? { anonymousId } : {}),
    name: t,
    properties: {},
    occurredAt,
    receivedAt,
  };
  switch (t) {
    case 'track':
      message.name = (m as unknown as { event: string }).event;
      message.properties = { ...(m.properties ?? {}) };
      break;
    case 'page':
    case 'screen':
      message.properties = pageProperties(m.properties ?? {}, m.name, m.category, context);
      break;
    case 'identify': {
      const traits = (m.traits ?? {}) as Record<string, unknown>;
      message.traits = traits;
      message.properties = { traits };
      // RudderStack copies identify traits into context.traits: stored once is enough.
      delete context.traits;
      break;
    }
    case 'group': {
      const g = m as unknown as { groupId: string | number; traits?: Record<string, unknown> | null };
      message.properties = { groupId: String(g.groupId), traits: g.traits ?? {} };
      break;
    }
    case 'alias': {
      const previousId = idOf((m as unknown as { previousId: string | number }).previousId);
      if (previousId === undefined) return fail('previousId is required');
      if (userId === undefined) return fail('userId is required');
      message.previousId = previousId;
      message.properties = { previousId };
      break;
    }
  }
  // Segment's context (ip, userAgent, page, campaign, library…) stays with the event,
  // under a key no tracked property is expected to use.
  if (Object.keys(context).length > 0) message.properties.$context = context;
  return { ok: true, message };
}

/**
 * Segment's rule: the client's clock may be wrong, but by the same amount when it stamped
 * the event (timestamp) and when it sent it (sentAt), so the event happened
 * `receivedAt − (sentAt − timestamp)` on the server's clock. Without sentAt the timestamp is
 * taken as it is (a server-side import of history); without a timestamp, it happened now.
 */
export function reconcileTime(timestamp: Date | undefined, sentAt: Date | undefined, receivedAt: Date): Date {
  if (!timestamp) return receivedAt;
  if (!sentAt) return timestamp;
  return new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()));
}

/** Page and screen calls: their name and category, and the page facts the browser put in context. */
function pageProperties(
  properties: Record<string, unknown>,
  name: string | null | undefined,
  category: string | null | undefined,
  context: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const page = context.page;
  if (page && typeof page === 'object' && !Array.isArray(page)) {
    for (const key of ['url', 'path', 'title', 'referrer', 'search']) {
      const v = (page as Record<string, unknown>)[key];
      if (v !== undefined && v !== null && v !== '') out[key] = v;
    }
  }
  Object.assign(out, properties);
  if (name != null) out.name = name;
  if (category != null) out.category = category;
  return out;
}

function idOf(v: string | number | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function timeOf(v: unknown): Date | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * An upper bound of the value's size as JSON in UTF-8 bytes, or -1 when it is nested deeper
 * than `depth`: one walk instead of a JSON.stringify per message, as most messages are far
 * below the limit. Short strings count 6 bytes a character (the most an escape takes).
 */
function measure(value: unknown, depth: number): number {
  if (typeof value === 'string') return stringBytes(value);
  if (typeof value !== 'object' || value === null) return 24;
  if (depth === 0) return -1;
  let size = 2;
  if (Array.isArray(value)) {
    for (const v of value) {
      const n = measure(v, depth - 1);
      if (n < 0) return -1;
      size += n + 1;
    }
    return size;
  }
  for (const key in value) {
    const n = measure((value as Record<string, unknown>)[key], depth - 1);
    if (n < 0) return -1;
    size += stringBytes(key) + n + 2;
  }
  return size;
}

function stringBytes(s: string): number {
  if (s.length <= 64) return 2 + 6 * s.length;
  let escaped = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) escaped += 5;
    else if (c === 0x22 || c === 0x5c) escaped += 1;
  }
  return 2 + Buffer.byteLength(s) + escaped;
}

function describeIssues(issues: z.core.$ZodIssue[], body: Record<string, unknown>): string {
  const at = (path: PropertyKey[]) => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), body);
  return issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : 'the message';
      if ((i.code === 'invalid_type' || i.code === 'invalid_union') && at(i.path) === undefined) return `${where} is required`;
      if (i.code === 'invalid_union') return `${where} must be a string`;
      if (i.code === 'invalid_type') return `${where} must be ${i.expected === 'object' ? 'an object' : i.expected === 'record' ? 'an object' : `a ${i.expected}`}`;
      if (i.code === 'too_big') return `${where} is too long (at most ${String(i.maximum)})`;
      if (i.code === 'too_small') return `${where} is empty`;
      return `${where}: ${i.message}`;
    })
    .join('; ');
}
