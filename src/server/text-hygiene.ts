// Text PostgreSQL cannot store: a NUL character (text and jsonb refuse \u0000) and a lone
// UTF-16 surrogate (it has no UTF-8 form; the driver would silently turn it into U+FFFD).
// Every route's path parameters, query string and JSON body are checked once, here, before
// validation, and a request carrying either is refused with a 400 naming each place, so no
// value is dropped or changed silently. The tracking API opts out: it cleans what Segment's
// SDKs send (src/tracking/routes.ts), as Segment does.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNSTORABLE_CHAR } from '../shared/storable-text.ts';
import { AppError, type FieldIssue } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'cleaned': the route removes NUL characters and lone surrogates itself; not checked here. */
    text?: 'checked' | 'cleaned';
  }
}

const BAD_TEXT = UNSTORABLE_CHAR;
const BAD_TEXT_ALL = new RegExp(BAD_TEXT.source, 'g');
/** Reported at most, so that a body full of them gets a readable answer. */
const MAX_ISSUES = 20;

export const hasBadText = (s: string): boolean => BAD_TEXT.test(s);

function describe(s: string): string {
  const found = BAD_TEXT.exec(s)?.[0] ?? '';
  if (found === '\u0000') return 'contains a NUL character (\\u0000); remove it';
  const code = found.charCodeAt(0).toString(16);
  return `contains half of a character (an unpaired surrogate, \\u${code}): the text was cut inside an emoji or similar, or encoded wrongly; retype it or send valid UTF-8`;
}

/** A key as it may appear in a path: the bad characters spelled as escapes. */
const printable = (key: string) => key.replace(BAD_TEXT_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Every place in a parsed value (object keys included) holding a NUL or a lone surrogate, as
 * "body.properties.note". Iterative, so a deep value cannot overflow the stack.
 */
export function findBadText(value: unknown, root: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Depth first, in document order; a bad key is reported in its place instead of its value.
  const stack: { value: unknown; path: string; badKey?: string }[] = [{ value, path: root }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value: v, path, badKey } = stack.pop()!;
    if (badKey !== undefined) {
      issues.push({ path, message: `is a key that ${describe(badKey)}` });
    } else if (typeof v === 'string') {
      if (hasBadText(v)) issues.push({ path, message: describe(v) });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}.${i}` });
    } else if (v !== null && typeof v === 'object' && isPlain(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        if (hasBadText(key)) stack.push({ value: undefined, path: `${path}.${printable(key)}`, badKey: key });
        else stack.push({ value: (v as Record<string, unknown>)[key], path: `${path}.${key}` });
      }
    }
  }
  return issues;
}

// Parsed JSON, the query string (an object whose prototype has a null prototype) and path
// parameters are walked; a stream, a Buffer or a date (a multipart file) is not text to check.
function isPlain(v: object): boolean {
  return !(ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || typeof (v as { pipe?: unknown }).pipe === 'function');
}

export function badTextError(issues: FieldIssue[]): AppError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more place${issues.length > 2 ? 's' : ''})` : '';
  return new AppError(400, 'invalid_text', `${first.path} ${first.message}${more}.`, issues);
}

export function checkRequestText(req: FastifyRequest): void {
  const issues = [...findBadText(req.params, 'path'), ...findBadText(req.query, 'query'), ...findBadText(req.body, 'body')].slice(0, MAX_ISSUES);
  if (issues.length > 0) throw badTextError(issues);
}

/** Refuses NUL characters and lone surrogates on every route that does not clean its own input. */
export function registerTextHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.config?.text === 'cleaned') return;
    checkRequestText(req);
  });
}
