// Every route of the app, walked with hostile input: NUL characters, lone surrogates, 100 kB
// strings, markup, spreadsheet formulas, deep nesting, wrong types, thousands of query
// parameters, in every path parameter, query parameter and field of a plausible JSON body
// (built from the route's schema in the OpenAPI document). No answer may be a 500 or take
// more than 10 s, and a refusal of an API route must be the documented error format. New
// routes are walked as soon as they are registered; see EXCEPTIONS for the few that are not.
import { appendFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';
import {
  DEEP_JSON_TEXT,
  HOSTILE_BODIES,
  HOSTILE_KEYS,
  HOSTILE_TEXT,
  HOSTILE_URL,
  jsonWithRaw,
  type JsonSchema,
  mapPaths,
  options,
  pathText,
  plausible,
  RAW_FIELD_VALUES,
  resolver,
  slots,
  withKey,
  withValue,
  WRONG_TYPES,
} from '../testing/hostile.ts';
import { type Fixtures, pathValue, plausibleHints, setUpWalk } from '../testing/walk-fixtures.ts';
import type { RouteInfo } from './app.ts';

const t = useHarness();

const REQUEST_TIMEOUT_MS = 10_000;

/** Routes not walked, and why. Keep this short: every route left out is a route nobody checks. */
const EXCEPTIONS: Record<string, string> = {
  'GET /api/docs/static/*': 'files of the Swagger UI package, served by @fastify/static',
};

interface Case {
  route: string;
  what: string;
  method: InjectOptions['method'];
  url: string;
  /** Raw JSON text, or a multipart body with its content type. */
  payload?: string | Buffer;
  contentType?: string;
  /** Carries a NUL or a lone surrogate: refused with invalid_text unless the route cleans its input. */
  badText?: boolean;
}

let fx: Fixtures;
let doc: JsonSchema;

const paramNames = (url: string) => [...url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');

function fillPath(route: RouteInfo, override?: { name: string; raw: string }): string {
  return route.url.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => {
    const n = name ?? '*';
    return override?.name === n ? override.raw : encodeURIComponent(pathValue(fx, route, n));
  });
}

const json = (value: unknown) => JSON.stringify(value);

/** The hostile requests for one route; `light`: a few values only (the second credential's walk). */
function casesFor(route: RouteInfo, light: boolean): Case[] {
  const key = `${route.method} ${route.url}`;
  const op = doc.paths?.[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()] as JsonSchema | undefined;
  const resolve = resolver(doc);
  const pick = <T>(all: Record<string, T>, few: string[]) => Object.entries(all).filter(([name]) => !light || few.includes(name));
  const bodySchema = op?.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
  const bodies = bodySchema ? options(resolve(bodySchema)).map((o) => plausible(o, resolve, plausibleHints(fx))) : [];
  const sendsBody = route.method !== 'GET' && route.method !== 'HEAD';
  const baseBody = sendsBody ? json(bodies[0] ?? {}) : undefined;
  const queryParams = ((op?.parameters ?? []) as JsonSchema[]).filter((p) => p.in === 'query');
  const baseQuery = queryParams
    .filter((p) => p.required)
    .map((p) => `${p.name}=${encodeURIComponent(String(plausible(p.schema ?? {}, resolve, plausibleHints(fx), p.name)))}`);
  const url = (path: string, query: string[] = baseQuery) => (query.length ? `${path}?${query.join('&')}` : path);
  const cases: Case[] = [];
  const add = (what: string, u: string, payload: string | Buffer | undefined = baseBody, contentType?: string) =>
    cases.push({ route: key, what, method: route.method as InjectOptions['method'], url: u, payload, contentType, badText: route.text !== 'cleaned' && BAD_TEXT_LABEL.test(what) });

  for (const name of paramNames(route.url)) {
    for (const [label, raw] of pick(HOSTILE_URL, ['nul', 'lone surrogate bytes', '5,000 characters'])) add(`path ${name}: ${label}`, fillPath(route, { name, raw }));
  }
  const path = fillPath(route);
  const queryValues = { ...HOSTILE_URL, 'JSON nested 9,000 deep': encodeURIComponent(DEEP_JSON_TEXT) };
  for (const p of queryParams) {
    const others = baseQuery.filter((q) => !q.startsWith(`${p.name}=`));
    for (const [label, raw] of pick(queryValues, ['nul', 'lone surrogate bytes'])) add(`query ${p.name}: ${label}`, url(path, [...others, `${p.name}=${raw}`]));
    if (!light) {
      add(`query ${p.name}: repeated`, url(path, [...others, `${p.name}=a`, `${p.name}=b`]));
      add(`query ${p.name}: 5,000 times`, url(path, [...others, ...Array.from({ length: 5_000 }, () => `${p.name}=1`)]));
    }
  }
  for (const [label, raw] of pick(HOSTILE_URL, ['nul', 'lone surrogate bytes'])) add(`undeclared query parameter: ${label}`, url(path, [...baseQuery, `zz=${raw}`]));
  if (!light) add('5,000 query parameters', url(path, [...baseQuery, ...Array.from({ length: 5_000 }, (_, i) => `p${i}=${i}`)]));

  if (!sendsBody) return cases;
  const target = url(path);
  if (!bodySchema) {
    // No JSON body is documented: whatever is sent must still not get through unchecked. The
    // route may take a file instead (an import): one with a hostile name.
    for (const [label, value] of pick(HOSTILE_TEXT, ['nul', 'lone high surrogate'])) add(`undocumented body field: ${label}`, target, json({ x: value }));
    const boundary = 'walker-boundary';
    for (const [label, name] of pick(HOSTILE_TEXT, ['nul'])) {
      if (label.includes('surrogate')) continue; // a file name is bytes: no lone surrogate survives encoding
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replaceAll('"', '%22')}.csv"\r\nContent-Type: text/csv\r\n\r\nemail\r\nwalker@example.com\r\n--${boundary}--\r\n`;
      add(`multipart file name: ${label}`, target, Buffer.from(part), `multipart/form-data; boundary=${boundary}`);
    }
  }
  bodies.forEach((body, n) => {
    const where = bodies.length > 1 ? `body (option ${n + 1}) ` : 'body ';
    for (const slot of slots(body)) {
      for (const [label, value] of pick(HOSTILE_TEXT, ['nul', 'lone high surrogate'])) add(`${where}${pathText(slot.path)}: ${label}`, target, json(withValue(body, slot.path, value)));
    }
    for (const mapPath of mapPaths(bodySchema ? options(resolve(bodySchema))[n]! : {}, resolve)) {
      for (const [label, k] of pick(HOSTILE_KEYS, ['nul key'])) add(`${where}${pathText(mapPath)}: ${label}`, target, json(withKey(body, mapPath, k)));
    }
    if (!light && body && typeof body === 'object' && !Array.isArray(body)) {
      for (const field of Object.keys(body)) {
        for (const [label, value] of Object.entries(WRONG_TYPES)) add(`${where}${field}: ${label} instead`, target, json(withValue(body, [field], value)));
        for (const [label, raw] of Object.entries(RAW_FIELD_VALUES)) add(`${where}${field}: ${label}`, target, jsonWithRaw(body, [field], raw));
      }
      if ('definition' in body) {
        for (const depth of [30, 2_000]) add(`${where}definition: groups nested ${depth} deep`, target, json({ ...body, definition: nestedGroups(depth) }));
      }
    }
  });
  for (const [label, raw] of pick(HOSTILE_BODIES, ['arrays nested 10,000 deep'])) add(`whole body: ${label}`, target, raw);
  return cases;
}

/** The labels of hostile values that PostgreSQL cannot store (the URL's surrogate bytes decode to U+FFFD). */
const BAD_TEXT_LABEL = /: (nul|lone high surrogate|lone low surrogate|nul key|lone surrogate key)$/;

function nestedGroups(depth: number): unknown {
  let node: unknown = { kind: 'field', field: 'email', op: 'is_set' };
  for (let i = 0; i < depth; i++) node = { kind: 'group', op: 'and', children: [node] };
  return node;
}

const isApi = (url: string) => url.startsWith('/api/') || url.startsWith('/v1/') || url.startsWith('/hooks/') || url.startsWith('/health');

async function send(client: ApiClient, c: Case): Promise<{ status: number; body: string; contentType: string; ms: number }> {
  const headers: Record<string, string> = {};
  if (client.auth.cookie) headers.cookie = client.auth.cookie;
  if (client.auth.csrfToken && c.method !== 'GET') headers['x-csrf-token'] = client.auth.csrfToken;
  if (client.auth.bearer) headers.authorization = `Bearer ${client.auth.bearer}`;
  if (c.payload !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([client.app.inject({ method: c.method, url: c.url, headers, ...(c.payload === undefined ? {} : { payload: c.payload }) }), timeout]);
    return { status: res.statusCode, body: res.body, contentType: String(res.headers['content-type'] ?? ''), ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with an answer, or undefined. */
function problem(c: Case, res: { status: number; body: string; contentType: string }): string | undefined {
  if (res.status >= 500) return `${res.status} ${res.body.slice(0, 300)}`;
  if (c.badText && res.status < 400) return `${res.status}: accepted`;
  if (c.badText && res.status === 400 && !res.body.includes('"invalid_text"')) return `400 but not invalid_text: ${res.body.slice(0, 200)}`;
  if (res.status < 400 || !isApi(c.url)) return undefined;
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `${res.status} is not JSON (${res.contentType}): ${res.body.slice(0, 120)}`;
  }
  if (typeof body?.error?.code !== 'string' || typeof body?.error?.message !== 'string') return `${res.status} is not the documented error format: ${res.body.slice(0, 200)}`;
  return undefined;
}

interface Walk {
  findings: string[];
  requests: number;
  /** Milliseconds per route, for HOSTILE_ROUTES_REPORT. */
  timings: [string, number][];
}

async function walk(routes: RouteInfo[], credential: () => ApiClient, light: boolean, afterRoute?: () => Promise<void>): Promise<Walk> {
  const out: Walk = { findings: [], requests: 0, timings: [] };
  for (const route of routes) {
    const started = performance.now();
    for (const c of casesFor(route, light)) {
      out.requests++;
      try {
        const res = await send(credential(), c);
        const wrong = problem(c, res);
        if (wrong) out.findings.push(`${c.route} — ${c.what}: ${wrong}`);
      } catch (err) {
        out.findings.push(`${c.route} — ${c.what}: ${(err as Error).message}`);
      }
    }
    await afterRoute?.();
    out.timings.push([`${route.method} ${route.url}`, Math.round(performance.now() - started)]);
  }
  // HOSTILE_ROUTES_REPORT=file writes every finding (the assertion's diff shortens long lists) and the slowest routes.
  const report = process.env.HOSTILE_ROUTES_REPORT;
  if (report) {
    const slowest = [...out.timings].sort((a, b) => b[1] - a[1]).slice(0, 10);
    appendFileSync(report, [...out.findings, `${out.requests} requests; slowest: ${slowest.map(([r, ms]) => `${r} ${ms} ms`).join(', ')}`, ''].join('\n'));
  }
  return out;
}

const walked = (r: RouteInfo) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !(`${r.method} ${r.url}` in EXCEPTIONS);

/**
 * Walked after the check that nothing was changed: a plausible body of theirs legitimately
 * deletes (a bulk delete whose filter lost its fields to a wrong type selects every contact).
 */
const WALKED_LAST = new Set(['POST /api/v1/contacts/bulk-delete']);
const last = (r: RouteInfo) => WALKED_LAST.has(`${r.method} ${r.url}`);

describe('every route, walked with hostile input', () => {
  let before: { contact: unknown; segment: unknown };
  let session: ApiClient;
  // Some routes end the session or change its workspace when the input gets through: sign in again.
  const keepSignedIn = async () => {
    const me = await session.get('/api/v1/session');
    if (me.status !== 200 || me.body?.workspace?.id !== fx.owner.workspaceId) session = await t.h.signIn(fx.owner.userId, fx.owner.workspaceId);
  };

  beforeAll(async () => {
    fx = await setUpWalk(t.h);
    session = fx.session;
    doc = (await t.h.anonymous().get('/api/openapi.json')).body;
    before = {
      contact: (await session.get(`/api/v1/contacts/${fx.sentinelId}`)).body,
      segment: (await session.get(`/api/v1/segments/${fx.sentinelSegmentId}`)).body,
    };
  });

  it('never answers an API key with a 500 (the tracking API in full, the rest with NUL and lone surrogates)', async () => {
    const tracking = t.h.app.routeTable.filter((r) => walked(r) && r.access === 'ingest');
    const full = await walk(tracking, () => fx.ingestKey, false);
    const rest = t.h.app.routeTable.filter((r) => walked(r) && r.access === 'workspace' && !last(r));
    const light = await walk(rest, () => fx.fullKey, true);
    expect([...full.findings, ...light.findings]).toEqual([]);
  }, 120_000);

  it('never answers a signed-in owner with a 500, a hang or an undocumented error', async () => {
    const routes = t.h.app.routeTable.filter((r) => walked(r) && r.access !== 'ingest' && !last(r));
    const result = await walk(routes, () => session, false, keepSignedIn);
    expect(result.requests).toBeGreaterThan(1_000);
    expect(result.findings).toEqual([]);
  }, 180_000);

  it('leaves what was there before unchanged', async () => {
    await keepSignedIn();
    expect((await session.get(`/api/v1/contacts/${fx.sentinelId}`)).body).toEqual(before.contact);
    expect((await session.get(`/api/v1/segments/${fx.sentinelSegmentId}`)).body).toEqual(before.segment);
    expect((await t.h.anonymous().get('/health')).status).toBe(200);
  });

  it('walks the routes that delete in bulk last', async () => {
    const routes = t.h.app.routeTable.filter((r) => walked(r) && last(r));
    expect(routes.length).toBe(WALKED_LAST.size);
    const owner = await walk(routes, () => session, false, keepSignedIn);
    const key = await walk(routes, () => fx.fullKey, true);
    expect([...owner.findings, ...key.findings]).toEqual([]);
  }, 60_000);
});
