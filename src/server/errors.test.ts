import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { upload } from '../testing/imports.ts';
import { registerErrorHandler } from './error-handler.ts';
import { badRequest } from '../errors.ts';

const t = useHarness();

describe('errors a client can act on', () => {
  it('malformed JSON is a 400 that says so', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.request('POST', '/api/v1/api-keys', '{"name": "x", ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('a schema violation is a 400 naming every failing field', async () => {
    const res = await t.h.anonymous().post('/api/v1/setup', { email: 'not-an-email', password: 'short', workspaceName: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.workspaceName']));
    expect(res.body.error.message).toContain('body.email');
    expect(res.body.error.details.find((d: { path: string }) => d.path === 'body.password').message).toMatch(/at least 10/);
  });

  it('a bad path parameter is a 400, not a database error', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.delete('/api/v1/api-keys/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('path.id');
  });

  it('an oversized body is a 413', async () => {
    const owner = await t.h.signUp();
    const huge = JSON.stringify({ name: 'x'.repeat(t.h.ctx.config.bodyLimit + 10), scope: 'full' });
    const res = await owner.client.request('POST', '/api/v1/api-keys', huge, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('a body that is not JSON is a 415', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.request('POST', '/api/v1/api-keys', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await t.h.anonymous().get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('a body nested deeper than 64 levels is a 400 before it is parsed; a segment definition says its own limit', async () => {
    const owner = await t.h.signUp();
    const send = (body: string) => owner.client.request('POST', '/api/v1/segments/preview', body, { 'content-type': 'application/json' });
    for (const body of ['['.repeat(100_000), '{"definition":' + '{"a":'.repeat(65) + '1' + '}'.repeat(66)]) {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('too_deeply_nested');
    }
    // Brackets inside strings do not count.
    expect((await send(JSON.stringify({ definition: { kind: 'group', op: 'and', children: [], note: '['.repeat(1_000) } }))).body.error.code).toBe('validation_failed');
    let node: unknown = { kind: 'field', field: 'email', op: 'is_set' };
    for (let i = 0; i < 20; i++) node = { kind: 'group', op: 'and', children: [node] };
    const deep = await owner.client.post('/api/v1/segments/preview', { definition: node });
    expect(deep.status).toBe(400);
    expect(JSON.stringify(deep.body.error.details)).toContain('groups nest at most 6 deep');
  });

  it('a path parameter that is too long or not UTF-8 is a 400 in the error format; an email address fits', async () => {
    const owner = await t.h.signUp();
    for (const id of ['x'.repeat(5_000), 'a%ED%A0%80', 'a%zz', 'a%F0%9F']) {
      const res = await owner.client.get(`/api/v1/contacts/${id}`);
      expect(res.status, id.slice(0, 20)).toBe(400);
      expect(res.body.error.code).toBe('invalid_url');
    }
    // 198 characters: Fastify's default limit of 100 made it "No route".
    const long = `${'a'.repeat(64)}@${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
    const res = await owner.client.delete(`/api/v1/email/suppressions/${encodeURIComponent(long)}`);
    expect(res.status).toBe(404);
    expect(res.body.error.message).not.toMatch(/No route/);
    const unknown = await owner.client.get(`/api/v1/${'y'.repeat(10_000)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message.length).toBeLessThan(300);
  });

  it('an error after a route began a file (a CSV export) is still JSON', async () => {
    const app = Fastify();
    registerErrorHandler(app);
    app.get('/export.csv', async (_req, reply) => {
      void reply.header('content-type', 'text/csv').header('content-disposition', 'attachment; filename="x.csv"');
      throw badRequest('No such column.');
    });
    const res = await app.inject({ method: 'GET', url: '/export.csv' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: 'No such column.' } });
    await app.close();
  });

  it('a database error the request caused is a 400 also when the query builder wraps it', async () => {
    // A file name is not checked on the way in (the multipart stream is the route's); PostgreSQL refuses its NUL.
    const owner = await t.h.signUp();
    const res = await upload(owner.client, 'contacts\u0000.csv', 'email\nada@example.com\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_text');
  });

  it('the health check reports the database', async () => {
    const res = await t.h.anonymous().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: { kind: t.h.db.kind, ok: true } });
  });
});
