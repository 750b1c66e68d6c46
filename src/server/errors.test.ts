import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

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

  it('the health check reports the database', async () => {
    const res = await t.h.anonymous().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: { kind: t.h.db.kind, ok: true } });
  });
});
