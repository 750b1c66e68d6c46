// The JSON body parser of every route (the tracking API has its own): Fastify's, behind a
// check of how deeply the text nests. JSON.parse copes with any depth, but what reads the
// value next (zod, a segment definition's walkers, PostgreSQL's jsonb) recurses, and a body
// of 100,000 "[" would overflow the stack there: a 500. No request needs more than a few
// levels, so a body nested deeper than MAX_JSON_DEPTH is refused before it is parsed.
// Fastify still enforces the body limit and answers its own errors (empty, invalid JSON).
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

/** Arrays and objects inside one another, at most (a segment definition's limit fits well inside). */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 123; // {
const OPEN_BRACKET = 91; // [
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;

/** How deeply arrays and objects nest in JSON text (strings skipped), up to `limit` + 1. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}

export function tooDeep(): AppError {
  return new AppError(400, 'too_deeply_nested', `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no request needs that many.`);
}

/** Replaces the application/json parser of `app` (and the plugins registered in it afterwards). */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) return done(tooDeep(), undefined);
    parse(req, body as string, done);
  });
}
