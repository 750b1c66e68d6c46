// Errors of the HTTP layer itself (a body nested too deep, text the database cannot store),
// raised before any operation runs. Operations raise DomainError (src/errors.ts); both become
// `{"error":{"code","message","details"}}` in src/server/error-handler.ts; anything else is a
// bug and a 500.
export type { FieldIssue } from '../errors.ts';

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
