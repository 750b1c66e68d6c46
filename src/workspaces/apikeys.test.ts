import { describe, expect, it } from 'vitest';
import { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

describe('API keys', () => {
  it('shows a new key once, stores only its hash, and lets it call the API', async () => {
    const owner = await t.h.signUp();
    const created = await owner.client.post('/api/v1/api-keys', { name: 'Shop backend', scope: 'full' });
    expect(created.status).toBe(201);
    const { key, apiKey } = created.body;
    expect(key).toMatch(/^rap_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'Shop backend', scope: 'full', revokedAt: null });
    expect(key.startsWith(apiKey.prefix)).toBe(true);

    const listed = await owner.client.get('/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const rows = await t.h.db.query<Record<string, unknown>>('select * from api_keys where id = $1', [apiKey.id]);
    expect(JSON.stringify(rows)).not.toContain(key);

    const withKey = new ApiClient(t.h.app, { bearer: key });
    expect((await withKey.get('/api/v1/members')).status).toBe(200);
    // Segment's convention: the key as the HTTP Basic user name works too.
    const basic = await t.h.app.inject({
      method: 'GET',
      url: '/api/v1/members',
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    expect(basic.statusCode).toBe(200);
    const after = (await owner.client.get('/api/v1/api-keys')).body[0];
    expect(after.lastUsedAt).not.toBeNull();
  });

  it('stops a revoked key at once', async () => {
    const owner = await t.h.signUp();
    const { key, apiKey } = (await owner.client.post('/api/v1/api-keys', { name: 'leaked', scope: 'full' })).body;
    const withKey = new ApiClient(t.h.app, { bearer: key });
    expect((await withKey.get('/api/v1/workspace')).status).toBe(200);
    expect((await owner.client.delete(`/api/v1/api-keys/${apiKey.id}`)).status).toBe(204);
    const res = await withKey.get('/api/v1/workspace');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
    expect((await owner.client.get('/api/v1/api-keys')).body[0].revokedAt).not.toBeNull();
    // Revoking twice is a 404, not a silent success.
    expect((await owner.client.delete(`/api/v1/api-keys/${apiKey.id}`)).status).toBe(404);
  });

  it('names the fields that are wrong when creating a key', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.post('/api/v1/api-keys', { name: '', scope: 'everything' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.name', 'body.scope']);
  });
});
