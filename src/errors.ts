// What an operation raises when it cannot do what it was asked: a kind (what sort of
// failure), a code a program can act on, a message a person can act on, and details naming
// the fields of the operation's own input ("templateId", "filters.0.op"). Nothing here knows
// about HTTP: a route answers with the status of the kind and the fields placed in the request
// (src/server/error-handler.ts, the one place that maps them); a background job (a workflow
// step) records the code and the message. Anything else thrown is a bug.

export type ErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'too_large' | 'rate_limited' | 'upstream_failed';

/** A field of the operation's input that is wrong, and why. */
export interface FieldIssue {
  /** The field's path in the input: "email", "filters.0.value", "definition.children.1". */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** FieldIssue[] for invalid input; otherwise what helps to act (the ids in a conflict). */
    readonly details?: unknown,
    /** For rate_limited: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string, details?: FieldIssue[] | unknown) => new DomainError('invalid', 'invalid_request', message, details);
export const invalid = (code: string, message: string, details?: FieldIssue[] | unknown) => new DomainError('invalid', code, message, details);
export const unauthorized = (message = 'Sign in, or send an API key as "Authorization: Bearer <key>".') => new DomainError('unauthorized', 'unauthorized', message);
export const forbidden = (message: string, code = 'forbidden') => new DomainError('forbidden', code, message);
export const notFound = (what: string) => new DomainError('not_found', 'not_found', `${what} was not found.`);
export const conflict = (message: string, details?: unknown, code = 'conflict') => new DomainError('conflict', code, message, details);
export const gone = (code: string, message: string) => new DomainError('gone', code, message);
export const tooLarge = (message: string) => new DomainError('too_large', 'payload_too_large', message);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('rate_limited', 'rate_limited', message, { retryAfterSeconds }, retryAfterSeconds);
export const upstreamFailed = (code: string, message: string) => new DomainError('upstream_failed', code, message);
