// Security headers on every response: the web app's shell, the API, the pages people reach
// from an email, the tracking pixel and the API reference.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { buildApp } from '../app/app.ts';

const dist = mkdtempSync(path.join(tmpdir(), 'rapport-headers-'));
let h: Harness;
let app: FastifyInstance;

beforeAll(async () => {
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index-abcdef12.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(path.join(dist, 'assets', 'index-abcdef12.js'), 'document.body.dataset.ok = "yes";');
  h = await createHarness();
  app = await buildApp(h.ctx, { webDist: dist + path.sep });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await h?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** The CSP as directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(header, `no Content-Security-Policy on ${res.raw.req.url}`).toBeTypeOf('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function expectCommonHeaders(res: LightMyRequestResponse): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  // On plain http (a laptop, a LAN address) neither HSTS nor an upgrade to https.
  expect(res.headers['strict-transport-security']).toBeUndefined();
  expect(csp(res).has('upgrade-insecure-requests')).toBe(false);
  expect(csp(res).get('frame-ancestors')).toEqual(["'none'"]);
}

const get = (url: string) => app.inject({ method: 'GET', url });

describe('security headers', () => {
  it('the web app’s shell and files: scripts only from itself, Mantine’s inline styles, email images from anywhere', async () => {
    for (const url of ['/', '/contacts/123', '/assets/index-abcdef12.js']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expectCommonHeaders(res);
      const policy = csp(res);
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('script-src-attr')).toEqual(["'none'"]);
      expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'https:', 'http:']);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'self'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
    }
  });

  it('API answers, errors included', async () => {
    const owner = await h.signUp();
    const ok = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: owner.client.auth.cookie! } });
    expect(ok.statusCode).toBe(200);
    expectCommonHeaders(ok);
    for (const res of [await get('/health'), await get('/api/v1/contacts'), await get('/api/v1/nothing-here'), await get('/api/openapi.json')]) {
      expectCommonHeaders(res);
    }
  });

  it('the pages reached from an email keep their own stricter policy, and cannot be framed', async () => {
    for (const url of ['/u/not-a-token', '/p/not-a-token', '/u/preview', '/p/preview']) {
      const res = await get(url);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expectCommonHeaders(res);
      const policy = csp(res);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
    }
  });

  it('the open pixel may be loaded by a webmail page on another site', async () => {
    const res = await get('/t/o/not-a-token.gif');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await get('/health')).headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('the API reference loads its own scripts and styles under the policy', async () => {
    const page = await get('/api/docs/');
    expect(page.statusCode).toBe(200);
    expectCommonHeaders(page);
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    // External, same-origin scripts only: what script-src 'self' allows.
    for (const src of scripts) {
      expect(src).toMatch(/^\.\/static\//);
      const script = await get(`/api/docs/${src.slice(2)}`);
      expect(script.statusCode, src).toBe(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(csp(page).get('script-src')).toEqual(["'self'"]);
  });

  it('adds HSTS and upgrades requests when Rapport is reached over https', async () => {
    const secure = await buildApp({ ...h.ctx, config: { ...h.ctx.config, publicUrl: 'https://rapport.example.com' } }, { webDist: false });
    try {
      const res = await secure.inject({ method: 'GET', url: '/health' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(csp(res).has('upgrade-insecure-requests')).toBe(true);
    } finally {
      await secure.close();
    }
  });
});
