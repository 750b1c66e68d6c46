import type { FastifyInstance, InjectOptions } from 'fastify';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * Talks to the app in-process (Fastify's inject: the full request pipeline, no socket),
 * as an anonymous visitor, a signed-in person (cookie + CSRF token) or an API key.
 */
export class ApiClient {
  constructor(
    readonly app: FastifyInstance,
    readonly auth: { cookie?: string; csrfToken?: string; bearer?: string } = {},
  ) {}

  async request<T = any>(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.auth.cookie) h.cookie = this.auth.cookie;
    if (this.auth.csrfToken && method !== 'GET') h['x-csrf-token'] = this.auth.csrfToken;
    if (this.auth.bearer) h.authorization = `Bearer ${this.auth.bearer}`;
    const res = await this.app.inject({
      method,
      url,
      headers: h,
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
    let parsed: unknown = res.body;
    if (res.headers['content-type']?.toString().includes('application/json') && res.body) parsed = JSON.parse(res.body);
    return { status: res.statusCode, body: parsed as T, headers: res.headers };
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body ?? {});
  }
  put<T = any>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, body ?? {});
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, body ?? {});
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}

/** The `name=value` of a Set-Cookie header, for sending back. */
export function cookieFrom(res: ApiResponse, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = all.map(String).find((c) => c.startsWith(`${name}=`));
  return found?.split(';')[0];
}
