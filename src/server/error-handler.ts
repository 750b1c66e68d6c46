import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, type ErrorKind, type FieldIssue } from '../errors.ts';
import { AppError } from './errors.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'headers' };

/** The HTTP status of each kind of domain error: the one place operations meet HTTP. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  rate_limited: 429,
  upstream_failed: 502,
};

/**
 * A field of an operation's input, placed in the request it came from: a path parameter, the
 * query string or the body, by where the field's first key is (or, when it is missing, the
 * body of a POST, PUT or PATCH, else the query). "templateId" → "body.templateId".
 */
function placeField(req: FastifyRequest, field: string): string {
  const key = field.split('.')[0]!;
  const has = (o: unknown) => typeof o === 'object' && o !== null && Object.hasOwn(o, key);
  const where = has(req.params) ? 'path' : has(req.query) ? 'query' : has(req.body) ? 'body' : ['POST', 'PUT', 'PATCH'].includes(req.method) ? 'body' : 'query';
  return field === '' ? where : `${where}.${field}`;
}

const isFieldIssues = (d: unknown): d is FieldIssue[] =>
  Array.isArray(d) && d.every((i) => typeof i === 'object' && i !== null && typeof (i as FieldIssue).path === 'string');

/** Turns any thrown error into the API's error shape; only bugs become 500s. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers } = toResponse(err, req);
    if (status >= 500) req.log.error({ err }, 'unhandled error');
    if (headers) void reply.headers(headers);
    // A route that began a file (a CSV export) has set its type; the error is JSON all the same.
    reply.removeHeader('content-disposition');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
}

/**
 * Path parameters are at most this long (Fastify's default is 100: an email address in a path
 * is up to 254 characters, percent-encoded up to three times that). Longer is a 400.
 */
export const MAX_PARAM_LENGTH = 1_000;

/** Errors the router raises before any route is chosen, in the API's error shape. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(400).send(errorBody('invalid_url', `A part of the address is longer than ${MAX_PARAM_LENGTH} characters.`));
    return;
  }
  if (err.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send(errorBody('invalid_url', 'The address has a %-escape that is not valid UTF-8 (e.g. a broken %xx sequence).'));
    return;
  }
  void reply.code(400).send(errorBody('invalid_request', 'The request could not be routed.'));
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function toResponse(err: FastifyError, req: FastifyRequest): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (err instanceof DomainError) {
    const details = isFieldIssues(err.details) ? err.details.map((i) => ({ ...i, path: placeField(req, i.path) })) : err.details;
    const headers = err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : undefined;
    return { status: STATUS_OF[err.kind], body: errorBody(err.code, err.message, details), headers };
  }
  if (err instanceof AppError) {
    return { status: err.status, body: errorBody(err.code, err.message, err.details), headers: err.headers };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = CONTEXT_NAMES[err.validationContext ?? 'body'] ?? 'body';
    const details: FieldIssue[] = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is not valid',
    }));
    const fields = [...new Set(details.map((d) => d.path))].join(', ');
    return { status: 400, body: errorBody('validation_failed', `The request is not valid: check ${fields}.`, details) };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', `The request body is not valid JSON: ${err.message}`) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', 'The request body is empty; send a JSON object.') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('payload_too_large', 'The request body is too large.') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'Send the body as application/json.') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_request', 'The Content-Length header does not match the body.') };
  }
  // PostgreSQL errors that a request can cause without a bug on our side (Drizzle wraps them).
  const pgCode = sqlState(err) ?? sqlState((err as { cause?: unknown }).cause);
  if (pgCode === '23505') return { status: 409, body: errorBody('conflict', 'That already exists.') };
  if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008') {
    return { status: 400, body: errorBody('invalid_request', 'A value in the request has the wrong format.') };
  }
  // NUL characters are refused on the way in (text-hygiene.ts); this covers text that reaches
  // the database another way.
  if (pgCode === '22021' || pgCode === '22P05') {
    return { status: 400, body: errorBody('invalid_text', 'A value in the request contains a character the database cannot store (a NUL character or broken UTF-8).') };
  }
  if (pgCode === '22001') return { status: 400, body: errorBody('invalid_request', 'A value in the request is too long.') };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: errorBody(err.code?.toLowerCase() ?? 'invalid_request', err.message) };
  }
  return { status: 500, body: errorBody('internal_error', 'Something went wrong on our side. It has been logged.') };
}

/** The SQLSTATE of a database error (five digits or capitals), else undefined. */
function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
