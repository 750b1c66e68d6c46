import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, generated from the route schemas, and lists every API route', async () => {
    const res = await t.h.anonymous().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.h.app.routeTable.filter((r) => r.url.startsWith('/api/v1'))) {
      const path = route.url.replace(/:([a-zA-Z]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    // Every reference resolves (a segment definition is recursive: its groups are a component).
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref.split('/').reduce((at, key) => at?.[key], doc), ref).toBeDefined();
    const createKey = doc.paths['/api/v1/api-keys'].post;
    const body = createKey.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'scope']));
    expect(body.properties.scope.enum).toEqual(['full', 'ingest', 'shop']);
    const listed = doc.paths['/api/v1/api-keys'].get.responses['200'].content['application/json'].schema;
    expect(listed.items.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('has a browsable reference at /api/docs', async () => {
    const res = await t.h.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(res.statusCode);
    const page = await t.h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
