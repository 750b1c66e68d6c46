import { describe, expect, it } from 'vitest';
import { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

/** A concrete URL for a route pattern: every :param becomes a valid-looking id. */
const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, '01a206a7-2d0a-790a-b933-c4c4833a7dfd');

function guardedRoutes() {
  const routes = t.h.app.routeTable.filter((r) => r.access !== 'public' && r.method !== 'HEAD' && r.method !== 'OPTIONS');
  expect(routes.length).toBeGreaterThan(10);
  return routes;
}

describe('authentication on every route', () => {
  it('registers no API route as public unless it is meant to be', () => {
    const publicApi = t.h.app.routeTable
      .filter((r) => r.access === 'public' && (r.url.startsWith('/api/v1') || r.url.startsWith('/v1/')))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(publicApi).toEqual([
      'GET /api/v1/invites/:token',
      'GET /api/v1/password-reset',
      'GET /api/v1/setup',
      'POST /api/v1/invites/:token/accept',
      'POST /api/v1/password-reset',
      'POST /api/v1/password-reset/check',
      'POST /api/v1/password-reset/complete',
      'POST /api/v1/session',
      'POST /api/v1/setup',
    ]);
    // Outside the API: the links in every marketing email (unsubscribe, preferences, open
    // pixel, click redirect, survey answers), signed; the survey preview, for members of the
    // survey's workspace (checked by the page itself); and the bounce and complaint webhooks,
    // whose URL holds a per-workspace secret. Social: the calendar as an iCalendar feed and the
    // click counter of a post's links, each by a signed token.
    const publicPages = t.h.app.routeTable
      .filter((r) => r.access === 'public' && !r.url.startsWith('/api/') && !r.url.startsWith('/v1/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    const allowed = [
      'GET /u/:token',
      'POST /u/:token',
      'GET /p/:token',
      'POST /p/:token',
      'GET /t/o/:token',
      'GET /t/c/:token',
      'GET /s/:token/:survey',
      'POST /s/:token/:survey',
      'GET /s/c/:token',
      'POST /s/c/:token',
      'GET /s/o/:token',
      'POST /s/o/:token',
      'GET /s/r/:token',
      'POST /s/r/:token',
      'GET /s/preview/:survey',
      'POST /hooks/email/:secret/generic',
      'POST /hooks/email/:secret/postmark',
      'POST /hooks/email/:secret/ses',
      'GET /feeds/social/:token',
      'GET /go/:token',
    ];
    expect(publicPages).toEqual(expect.arrayContaining(allowed));
    expect(publicPages.filter((r) => ![...allowed, 'GET /health'].includes(r))).toEqual([]);
  });

  it('refuses every guarded route without credentials, before reading the body', async () => {
    const anonymous = t.h.anonymous();
    for (const route of guardedRoutes()) {
      const res = await anonymous.request(route.method as 'GET', concrete(route.url), route.method === 'GET' ? undefined : {});
      expect(res.status, `${route.method} ${route.url}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('refuses every guarded route with an unknown API key or an ended session', async () => {
    const badKey = new ApiClient(t.h.app, { bearer: 'rap_not-a-real-key-at-all' });
    const oldCookie = new ApiClient(t.h.app, { cookie: 'rapport_session=forged-or-expired', csrfToken: 'x' });
    for (const route of guardedRoutes()) {
      for (const client of [badKey, oldCookie]) {
        const res = await client.request(route.method as 'GET', concrete(route.url), route.method === 'GET' ? undefined : {});
        expect(res.status, `${route.method} ${route.url}`).toBe(401);
      }
    }
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const owner = await t.h.signUp();
    const noCsrf = new ApiClient(t.h.app, { cookie: owner.client.auth.cookie });
    const res = await noCsrf.post('/api/v1/api-keys', { name: 'k', scope: 'full' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    const wrong = new ApiClient(t.h.app, { cookie: owner.client.auth.cookie, csrfToken: 'guessed' });
    expect((await wrong.post('/api/v1/api-keys', { name: 'k', scope: 'full' })).status).toBe(403);
    expect((await owner.client.post('/api/v1/api-keys', { name: 'k', scope: 'full' })).status).toBe(201);
    // Reads need no token.
    expect((await noCsrf.get('/api/v1/members')).status).toBe(200);
  });

  it('lets an ingest key reach nothing but the tracking API', async () => {
    const owner = await t.h.signUp();
    const { client } = await t.h.apiKey(owner.workspaceId, 'ingest');
    const workspaceRoutes = guardedRoutes().filter((r) => r.access === 'workspace');
    for (const route of workspaceRoutes) {
      const res = await client.request(route.method as 'GET', concrete(route.url), route.method === 'GET' ? undefined : {});
      expect(res.status, `${route.method} ${route.url}`).toBe(403);
    }
  });

  it('keeps person-only routes (sessions, your workspaces) away from API keys', async () => {
    const owner = await t.h.signUp();
    const { client } = await t.h.apiKey(owner.workspaceId, 'full');
    for (const route of guardedRoutes().filter((r) => r.access === 'user')) {
      const res = await client.request(route.method as 'GET', concrete(route.url), route.method === 'GET' ? undefined : {});
      expect(res.status, `${route.method} ${route.url}`).toBe(403);
    }
    expect((await client.get('/api/v1/members')).status).toBe(200);
  });
});
