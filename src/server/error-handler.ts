import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldIssue } from './errors.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'headers' };

/** Turns any thrown error into the API's error shape; only bugs become 500s. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers } = toResponse(err);
    if (status >= 500) req.log.error({ err }, 'unhandled error');
    if (headers) void reply.headers(headers);
    return reply.code(status).send(body);
  });
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function toResponse(err: FastifyError): { status: number; body: ErrorBody; headers?: Record<string, string> } {
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
  // PostgreSQL errors that a request can cause without a bug on our side.
  const pgCode = (err as { code?: string }).code;
  if (pgCode === '23505') return { status: 409, body: errorBody('conflict', 'That already exists.') };
  if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008') {
    return { status: 400, body: errorBody('invalid_request', 'A value in the request has the wrong format.') };
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: errorBody(err.code?.toLowerCase() ?? 'invalid_request', err.message) };
  }
  return { status: 500, body: errorBody('internal_error', 'Something went wrong on our side. It has been logged.') };
}
