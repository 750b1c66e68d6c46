import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { findBadText } from './text-hygiene.ts';

const t = useHarness();

describe('NUL characters and lone surrogates', () => {
  it('are refused in a JSON body with a 400 naming the field, and nothing is stored', async () => {
    const owner = await t.h.signUp();
    await owner.client.post('/api/v1/properties', { key: 'note', label: 'Note', type: 'string' });
    const res = await owner.client.post('/api/v1/contacts', { email: 'nul@example.com', properties: { note: 'a\u0000b' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_text',
      message: 'body.properties.note contains a NUL character (\\u0000); remove it.',
      details: [{ path: 'body.properties.note', message: 'contains a NUL character (\\u0000); remove it' }],
    });
    expect((await owner.client.get('/api/v1/contacts?q=nul%40example.com')).body.contacts ?? []).toEqual([]);

    const lone = await owner.client.post('/api/v1/email/topics', { name: 'News \ud83d', description: '\udc00 and \ud83d\ude00 (a pair is fine)' });
    expect(lone.status).toBe(400);
    expect(lone.body.error.details).toEqual([
      { path: 'body.name', message: expect.stringMatching(/^contains half of a character \(an unpaired surrogate, \\ud83d\)/) },
      { path: 'body.description', message: expect.stringMatching(/^contains half of a character \(an unpaired surrogate, \\udc00\)/) },
    ]);
    expect(lone.body.error.message).toMatch(/^body\.name contains half of a character .* \(and 1 more place\)\.$/);
    expect((await owner.client.post('/api/v1/email/topics', { name: 'Emoji 😀 news' })).status).toBe(201);
  });

  it('are refused in object keys, query strings and path parameters', async () => {
    const owner = await t.h.signUp();
    const key = await owner.client.post('/api/v1/contacts', { email: 'k@example.com', properties: { 'k\u0000': 'v' } });
    expect(key.status).toBe(400);
    expect(key.body.error.details).toEqual([{ path: 'body.properties.k\\u0000', message: 'is a key that contains a NUL character (\\u0000); remove it' }]);

    const query = await owner.client.get('/api/v1/contacts?q=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error.details[0].path).toBe('query.q');

    const path = await owner.client.delete('/api/v1/email/suppressions/a%00b%40example.com');
    expect(path.status).toBe(400);
    expect(path.body.error).toMatchObject({ code: 'invalid_text', details: [{ path: 'path.email' }] });
  });

  it('are still cleaned, not refused, by the Segment-compatible tracking API', async () => {
    const owner = await t.h.signUp();
    const { client } = await t.h.apiKey(owner.workspaceId, 'ingest');
    const res = await client.request('POST', '/v1/track', '{"userId":"u1","event":"Signed\\u0000 up","properties":{"k\\ud800":"v\\u0000"}}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    const deep = `{"userId":"u1","event":"E","properties":{"n":"\\u0000","d":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const refused = await client.request('POST', '/v1/track', deep, { 'content-type': 'application/json' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('too_deeply_nested');
  });

  it('are found anywhere in a value, however deep, keys included', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findBadText(deep, 'body')).toHaveLength(1);
    expect(findBadText({ a: [{ b: 'ok', c: 'no\ud800' }], 'd\udfff': 1 }, 'body').map((i) => i.path)).toEqual(['body.a.0.c', 'body.d\\udfff']);
    expect(findBadText({ fine: '😀 \ud83d\ude00', n: 1, b: null }, 'body')).toEqual([]);
    expect(findBadText(Buffer.from([0, 0xed, 0xa0, 0x80]), 'body')).toEqual([]);
  });
});
