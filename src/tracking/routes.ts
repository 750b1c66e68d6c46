import { notifyDataChanged } from '../server/changes.ts';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { DomainError } from '../errors.ts';
import { STATUS_OF } from '../server/error-handler.ts';
import { AppError } from '../server/errors.ts';
import { jsonDepth, MAX_JSON_DEPTH, tooDeep } from '../server/json-body.ts';
import {
  batchRequest,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  MESSAGE_SCHEMAS,
  MESSAGE_TYPES,
  type MessageType,
  trackingErrorResponse,
  trackingResponse,
  type TrackingResponse,
} from './contract.ts';
import { parseMessage } from './messages.ts';
import { IngestBatcher } from './batcher.ts';
import { type IngestResult, ingest } from './tracking.ts';
import { storableText } from '../shared/storable-text.ts';

const SUMMARIES: Record<MessageType, string> = {
  identify: 'Identify a person and set their traits (Segment identify)',
  track: 'Record an event (Segment track)',
  page: 'Record a page view (Segment page), stored as the event "page"',
  screen: 'Record a screen view (Segment screen), stored as the event "screen"',
  group: 'Record membership of a group (Segment group), stored as the event "group"',
  alias: 'Merge a previous id into a user (Segment alias)',
};

const AUTH_NOTE =
  'Authenticate with an API key of scope "ingest" (or "full") as the HTTP Basic user name with an empty password, ' +
  'as Segment’s SDKs send their write key, or as `Authorization: Bearer <key>`. Bodies may be gzip- or deflate-compressed.';

/**
 * The Segment-compatible tracking API (/v1/identify, /v1/track, …, /v1/batch), so that
 * Segment's and RudderStack's SDKs work when pointed at Rapport. Answers as Segment does:
 * 200 `{"success":true}`; a batch stores its valid messages and lists the others in
 * `errors` (400 only when none is valid); a single invalid call, an unreadable or
 * oversized body is a 400, which neither SDK retries.
 */
export function trackingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Segment's browser library sends text/plain (no CORS preflight) and RudderStack's
    // Node SDK gzips its body and labels it form-encoded: every body here is JSON.
    app.removeAllContentTypeParsers();
    const jsonParser = app.getDefaultJsonParser('remove', 'remove');
    app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(new AppError(400, 'invalid_json', 'The request body is empty; send a JSON object.'), undefined);
      if (!needsCleaning(text)) return jsonParser(req, text, (err, value) => done(err ? invalidJson(err) : null, value));
      // The cleaning reviver recurses (JSON.parse alone does not): a deep body would overflow the stack.
      if (jsonDepth(text) > MAX_JSON_DEPTH) return done(tooDeep(), undefined);
      try {
        done(null, JSON.parse(text, clean));
      } catch (err) {
        done(invalidJson(err as Error), undefined);
      }
    });
    app.addHook('preParsing', async (req, _reply, payload) => decompress(req, payload));
    app.setErrorHandler(trackingErrorHandler);
    const batcher = new IngestBatcher(async (workspaceId, parsed) => {
      const result = await ingest(ctx, workspaceId, parsed);
      notifyDataChanged(ctx, workspaceId);
      return result;
    }, ctx.db.kind === 'pglite' ? 1 : 4);

    const noValidation = () => (data: unknown) => ({ value: data });
    const respond = (reply: FastifyReply, result: IngestResult, single: boolean) => {
      const body: TrackingResponse = { success: true };
      if (result.errors.length > 0) body.errors = result.errors;
      if (result.warnings.length > 0) body.warnings = result.warnings;
      if (result.errors.length > 0 && result.accepted === 0) {
        const first = result.errors[0]!;
        const message = single ? first.message : `No message of the batch is valid; the first (index ${first.index}): ${first.message}`;
        return reply.code(400).send(errorBody('invalid_message', message, result.errors));
      }
      return reply.code(200).send(body);
    };

    for (const type of MESSAGE_TYPES) {
      app.post(
        `/${type}`,
        {
          config: { access: 'ingest', text: 'cleaned' },
          bodyLimit: MAX_MESSAGE_BYTES,
          validatorCompiler: noValidation,
          schema: {
            tags: ['Tracking'],
            summary: SUMMARIES[type],
            description: AUTH_NOTE,
            body: MESSAGE_SCHEMAS[type],
            response: { 200: trackingResponse, 400: trackingErrorResponse },
          },
        },
        async (req, reply) => {
          const receivedAt = ctx.clock.now();
          const body = req.body as unknown;
          const parsed = parseMessage(body, 0, type, receivedAt);
          return respond(reply, await batcher.submit(ingestWorkspace(req), [parsed]), true);
        },
      );
    }

    app.post(
      '/batch',
      {
        config: { access: 'ingest', text: 'cleaned' },
        bodyLimit: MAX_BATCH_BYTES,
        // Each message is validated on its own in the handler, so that one bad message is
        // reported without refusing the rest; the schema is here for the API reference.
        validatorCompiler: noValidation,
        schema: {
          tags: ['Tracking'],
          summary: 'Send many messages at once (Segment batch; what the SDKs use)',
          description: `${AUTH_NOTE} At most 500 KB a batch and 32 KB a message.`,
          body: batchRequest,
          response: { 200: trackingResponse, 400: trackingErrorResponse },
        },
      },
      async (req, reply) => {
        const receivedAt = ctx.clock.now();
        const body = req.body as Partial<z.input<typeof batchRequest>> | null;
        if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(body.batch)) {
          throw new AppError(400, 'invalid_request', 'The body must be a JSON object with a "batch" array of messages.');
        }
        const context = isObject(body.context) ? body.context : undefined;
        const envelope = { sentAt: body.sentAt, ...(context ? { context } : {}) };
        const parsed = (body.batch as unknown[]).map((m, i) => parseMessage(m, i, undefined, receivedAt, envelope));
        return respond(reply, await batcher.submit(ingestWorkspace(req), parsed), false);
      },
    );
  };
}

function ingestWorkspace(req: FastifyRequest): string {
  const auth = req.auth;
  if (auth?.kind !== 'apikey') throw new AppError(401, 'unauthorized', 'Send an API key of scope "ingest" as the Basic user name or a Bearer token.');
  return auth.workspaceId;
}

function errorBody(code: string, message: string, details?: unknown): z.infer<typeof trackingErrorResponse> {
  return { success: false, message, error: details === undefined ? { code, message } : { code, message, details } };
}

/** Every refusal in Segment's shape and Rapport's; only a bug is a 500. */
function trackingErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.headers) void reply.headers(err.headers);
    return reply.code(err.status).send(errorBody(err.code, err.message, err.details));
  }
  if (err instanceof DomainError) {
    if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(STATUS_OF[err.kind]).send(errorBody(err.code, err.message, err.details));
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Segment answers an oversized request with a 400 (not 413), which its SDKs do not retry.
    const limit = req.routeOptions.url === '/v1/batch' ? '500 KB' : '32 KB';
    return reply.code(400).send(errorBody('payload_too_large', `The request is larger than ${limit}, Segment's limit for this call.`));
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return reply.code(err.statusCode).send(errorBody('invalid_request', err.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.code(500).send(errorBody('internal_error', 'Something went wrong on our side. It has been logged.'));
}

function invalidJson(err: Error): AppError {
  return new AppError(400, 'invalid_json', `The request body is not valid JSON: ${err.message}`);
}

function decompress(req: FastifyRequest, payload: Readable): Readable {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (!encoding || encoding === 'identity') return payload;
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported; send gzip, deflate or none.`);
  }
  const inflate = encoding === 'gzip' ? createGunzip() : createInflate();
  // Fastify checks Content-Length against the bytes received before decompression, and
  // the body limit against the bytes after it (so a small bomb cannot blow up).
  let received = 0;
  payload.on('data', (chunk: Buffer) => {
    received += chunk.length;
    (inflate as unknown as { receivedEncodedLength: number }).receivedEncodedLength = received;
  });
  pipeline(payload, inflate, (err) => {
    if (err) inflate.destroy(Object.assign(new Error(`The body could not be decompressed (${encoding}).`), { statusCode: 400 }));
  });
  return inflate;
}

/** PostgreSQL stores neither NUL characters nor lone UTF-16 surrogates in text or jsonb. */
function needsCleaning(text: string): boolean {
  return text.includes('\\u0000') || /\\u[dD][89a-fA-F]/.test(text);
}

function clean(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (typeof value === 'string') return storableText(value);
  if (isObject(value)) {
    for (const k of Object.keys(value)) {
      const c = storableText(k);
      if (c !== k) {
        value[c] = value[k];
        delete value[k];
      }
    }
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
