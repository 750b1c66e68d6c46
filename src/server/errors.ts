/**
 * Errors a client can act on. Every one becomes `{"error":{"code","message","details"}}`
 * with its HTTP status (see src/server/error-handler.ts); anything else is a bug and a 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface FieldIssue {
  /** Where in the request: e.g. "body.email" or "query.limit". */
  path: string;
  message: string;
}

export const badRequest = (message: string, details?: FieldIssue[] | unknown) =>
  new AppError(400, 'invalid_request', message, details);
export const unauthorized = (message = 'Sign in, or send an API key as "Authorization: Bearer <key>".') =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
