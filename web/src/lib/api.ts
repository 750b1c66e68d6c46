// The one way the web app talks to the Rapport API: JSON in, JSON out, the session cookie,
// and the CSRF token that every write made with that cookie must carry.
import type { SessionInfo } from './types.ts';

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error answered by the API, with its `{"error":{"code","message","details"}}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The failing fields of a 400, keyed by form field ("body.email" becomes "email"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const issue of this.details as FieldIssue[]) {
      if (typeof issue?.path !== 'string' || typeof issue.message !== 'string') continue;
      const field = issue.path.replace(/^body\./, '');
      out[field] ??= sentenceCase(issue.message);
    }
    return out;
  }
}

export const sentenceCase = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

let csrfToken: string | null = null;

/** Keeps the CSRF token of the latest SessionInfo; call it with every one received. */
export function rememberSession<T extends SessionInfo | null>(info: T): T {
  csrfToken = info?.csrfToken ?? null;
  return info;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
  // FormData (file uploads) sets its own multipart content type with the boundary.
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Rapport cannot be reached. Check your connection and try again.');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      err?.details,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  /** `headers`: more request headers, such as an Idempotency-Key that makes a retried form harmless. */
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>('POST', path, body, headers),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** Uploads one file as multipart/form-data, in the field `file`. */
  upload: <T>(path: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<T>('POST', path, form);
  },
};

/**
 * Downloads what a GET answers (an export) as a file: the browser fetches it with the session
 * cookie and streams it to disk, so a large export never has to fit in the page's memory.
 */
export function download(path: string): void {
  const link = document.createElement('a');
  link.href = `/api/v1${path}`;
  link.download = '';
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export const isApiError = (err: unknown, status?: number): err is ApiError =>
  err instanceof ApiError && (status === undefined || err.status === status);

/** A message people can read for any error thrown while talking to the API. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
