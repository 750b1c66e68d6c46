import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { MESSAGE_TYPES } from './contract.ts';

const t = useHarness();

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function workspace() {
  const ws = (await t.h.signUp()).workspaceId;
  const { key } = await t.h.apiKey(ws, 'ingest');
  const send = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await t.h.app.inject({
      method: 'POST',
      url: `/v1/${path}`,
      headers: { authorization: basic(key), 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.json() };
  };
  return { ws, key, send };
}

async function contacts(ws: string) {
  return t.h.db.query<Record<string, any>>(
    'select id, email, external_id, first_name, last_name, phone, properties from contacts where workspace_id = $1 order by created_at, id',
    [ws],
  );
}

async function events(ws: string) {
  return t.h.db.query<Record<string, any>>(
    'select contact_id, name, properties, occurred_at, received_at, source, message_id from events where workspace_id = $1 order by occurred_at, message_id',
    [ws],
  );
}

describe('the tracking API', () => {
  it('takes an ingest key as the Basic user name or as a Bearer token, and nothing else', async () => {
    const { key, send } = await workspace();
    expect(await send('track', { userId: 'u-1', event: 'Signed Up' })).toEqual({ status: 200, body: { success: true } });
    const bearer = await t.h.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: `Bearer ${key}` },
      payload: { userId: 'u-1', event: 'Again' },
    });
    expect(bearer.statusCode).toBe(200);
    const none = await t.h.app.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'u-1', event: 'E' } });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    const wrong = await t.h.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basic('rap_wrong') }, payload: { batch: [] } });
    expect(wrong.statusCode).toBe(401);
  });

  it('stores every kind of call with its contact, properties and context', async () => {
    const { ws, send } = await workspace();
    const context = { ip: '203.0.113.9', library: { name: 'test', version: '1' } };
    const res = await send('batch', {
      batch: [
        { type: 'identify', messageId: 'm1', userId: 'u-1', traits: { email: 'Ann@Example.com', firstName: 'Ann' }, context },
        { type: 'track', messageId: 'm2', userId: 'u-1', event: 'Order Completed', properties: { order_id: 'o-1', total: 45.2, currency: 'GBP' }, context },
        { type: 'page', messageId: 'm3', userId: 'u-1', name: 'Pricing', properties: { url: 'https://x.test/pricing' } },
        { type: 'screen', messageId: 'm4', userId: 'u-1', name: 'Home', category: 'App' },
        { type: 'group', messageId: 'm5', userId: 'u-1', groupId: 'acme', traits: { plan: 'enterprise' } },
      ],
    });
    expect(res).toEqual({ status: 200, body: { success: true } });
    const [ann, ...others] = await contacts(ws);
    expect(others).toEqual([]);
    expect(ann).toMatchObject({ email: 'ann@example.com', external_id: 'u-1', first_name: 'Ann' });
    const byId = Object.fromEntries((await events(ws)).map((e) => [e.message_id, e]));
    expect((await events(ws)).every((e) => e.contact_id === ann!.id && e.source === 'tracking')).toBe(true);
    expect(byId.m1).toMatchObject({ name: 'identify', properties: { traits: { email: 'Ann@Example.com', firstName: 'Ann' }, $context: context } });
    // Segment's order event is the one purchase model's purchase, keyed by its order id, in minor units.
    expect(byId['purchase:o-1']).toMatchObject({ name: 'purchase', properties: { order_id: 'o-1', total: 4520, currency: 'GBP', source_event: 'Order Completed', $context: context } });
    expect(byId.m3).toMatchObject({ name: 'page', properties: { name: 'Pricing', url: 'https://x.test/pricing' } });
    expect(byId.m4).toMatchObject({ name: 'screen', properties: { name: 'Home', category: 'App' } });
    expect(byId.m5).toMatchObject({ name: 'group', properties: { groupId: 'acme', traits: { plan: 'enterprise' } } });
  });

  it('stores a message once, however often it is sent (messageId)', async () => {
    const { ws, send } = await workspace();
    const message = { type: 'track', messageId: 'dup-1', userId: 'u-1', event: 'Clicked' };
    expect((await send('batch', { batch: [message, message] })).status).toBe(200);
    expect((await send('track', message)).status).toBe(200);
    expect((await send('batch', { batch: [message, { ...message, messageId: 'dup-2' }] })).status).toBe(200);
    expect((await events(ws)).map((e) => e.message_id)).toEqual(['dup-1', 'dup-2']);
    // A message without an id gets one of its own.
    await send('track', { userId: 'u-1', event: 'No id' });
    await send('track', { userId: 'u-1', event: 'No id' });
    expect((await events(ws)).filter((e) => e.name === 'No id')).toHaveLength(2);
  });

  it('reconciles timestamp, sentAt and receivedAt as Segment does', async () => {
    const { ws, send } = await workspace();
    const now = t.h.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await send('batch', {
      sentAt: at(3_600_000), // the client's clock is an hour fast
      batch: [
        { type: 'track', messageId: 't1', userId: 'u', event: 'Skewed', timestamp: at(3_600_000 - 10_000) },
        { type: 'track', messageId: 't2', userId: 'u', event: 'Now' },
      ],
    });
    await send('track', { messageId: 't3', userId: 'u', event: 'History', timestamp: '2024-03-05T10:00:00Z' });
    const byId = Object.fromEntries((await events(ws)).map((e) => [e.message_id, e]));
    expect(new Date(byId.t1!.occurred_at).getTime()).toBe(now - 10_000);
    expect(new Date(byId.t2!.occurred_at).getTime()).toBe(now);
    expect(new Date(byId.t3!.occurred_at).toISOString()).toBe('2024-03-05T10:00:00.000Z');
    expect(new Date(byId.t1!.received_at).getTime()).toBe(now);
  });

  it('stores the valid messages of a batch and lists the invalid ones', async () => {
    const { ws, send } = await workspace();
    const res = await send('batch', {
      batch: [
        { type: 'track', messageId: 'ok-1', userId: 'u', event: 'Fine' },
        { type: 'track', messageId: 'bad-1', event: 'No one' },
        'not an object',
        { type: 'identify', messageId: 'bad-2', userId: 'u', traits: { email: 'nope' } },
        { type: 'teleport', userId: 'u' },
        { type: 'track', messageId: 'ok-2', anonymousId: 'a', event: 'Also fine' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      errors: [
        { index: 1, messageId: 'bad-1', message: 'userId or anonymousId is required' },
        { index: 2, message: 'the message must be a JSON object' },
        { index: 3, messageId: 'bad-2', message: 'traits.email: "nope" is not an email address' },
        { index: 4, message: 'type must be one of identify, track, page, screen, group, alias' },
      ],
    });
    expect((await events(ws)).map((e) => e.message_id).sort()).toEqual(['ok-1', 'ok-2']);

    const allBad = await send('batch', { batch: [{ type: 'track', userId: 'u' }] });
    expect(allBad.status).toBe(400);
    expect(allBad.body).toMatchObject({ success: false, error: { code: 'invalid_message' } });
    expect(allBad.body.message).toContain('event is required');
  });

  it('answers bad requests with a Segment-style 400, never a 500', async () => {
    const { send } = await workspace();
    const cases: [string, unknown][] = [
      ['track', { userId: 'u' }],
      ['track', '{"userId": '],
      ['track', '[]'],
      ['track', 'null'],
      ['batch', { batch: 'x' }],
      ['batch', '"text"'],
      ['identify', { userId: 'u', traits: { email: 'x@' } }],
      ['alias', { userId: 'u' }],
      ['track', { userId: 'u', event: 'E', properties: { p: 'x'.repeat(40_000) } }],
      ['batch', { batch: [{ type: 'track', userId: 'u', event: 'E', properties: { p: 'x'.repeat(600_000) } }] }],
    ];
    for (const [path, body] of cases) {
      const res = await send(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toEqual(expect.any(String));
    }
    const tooBig = await send('batch', { batch: [{ type: 'track', userId: 'u', event: 'E', properties: { p: 'x'.repeat(600_000) } }] });
    expect(tooBig.body.message).toContain('500 KB');
  });

  it('reads gzip bodies and any content type, and cleans what PostgreSQL cannot store', async () => {
    const { ws, send } = await workspace();
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', messageId: 'gz', userId: 'u', event: 'Zipped' }] }));
    const res = await send('batch', body, { 'content-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    const text = await send('track', JSON.stringify({ messageId: 'txt', userId: 'u', event: 'Plain' }), { 'content-type': 'text/plain' });
    expect(text.status).toBe(200);
    const corrupt = await send('batch', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    const odd = await send('track', '{"messageId":"nul","userId":"u\\u0000","event":"E\\ud800","properties":{"k\\u0000":"v"}}');
    expect(odd.status).toBe(200);
    const stored = Object.fromEntries((await events(ws)).map((e) => [e.message_id, e]));
    expect(Object.keys(stored).sort()).toEqual(['gz', 'nul', 'txt']);
    expect(stored.nul).toMatchObject({ name: 'E\ufffd', properties: { k: 'v' } });
  });

  it('turns traits into fields and typed properties, and reports the values it drops', async () => {
    const { ws, send } = await workspace();
    await t.h.db.query("update workspaces set default_country = 'GB' where id = $1", [ws]);
    await t.h.db.query(`insert into property_definitions (workspace_id, key, label, type, options) values ($1, 'tier', 'Tier', 'enum', '{Gold,Silver}')`, [ws]);
    const res = await send('identify', {
      messageId: 'i1',
      userId: 'u-7',
      traits: { name: 'Bo Diddley', phone: '020 7946 0018', tier: 'gold', visits: 3, vip: true, since: '2024-03-05', plan: 'pro', bad: 'x', mood: ['a'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([{ index: 0, messageId: 'i1', message: 'traits.mood: lists cannot be stored as a property; it was not stored' }]);
    const [bo] = await contacts(ws);
    expect(bo).toMatchObject({ first_name: 'Bo', last_name: 'Diddley', phone: '+442079460018' });
    expect(bo!.properties).toEqual({ tier: 'Gold', visits: 3, vip: true, since: '2024-03-05', plan: 'pro', bad: 'x' });
    const defs = await t.h.db.query<{ key: string; type: string }>('select key, type from property_definitions where workspace_id = $1 order by key', [ws]);
    expect(defs).toEqual([
      { key: 'bad', type: 'string' },
      { key: 'plan', type: 'string' },
      { key: 'since', type: 'date' },
      { key: 'tier', type: 'enum' },
      { key: 'vip', type: 'boolean' },
      { key: 'visits', type: 'number' },
    ]);
    const again = await send('identify', { messageId: 'i2', userId: 'u-7', traits: { visits: 'many', tier: 'Bronze', plan: 'team' } });
    expect(again.body.warnings.map((w: { message: string }) => w.message)).toEqual([
      'traits.visits: Visits: "many" is not a number; it was not stored',
      'traits.tier: Tier: "Bronze" is not one of "Gold", "Silver"; it was not stored',
    ]);
    expect((await contacts(ws))[0]!.properties).toMatchObject({ visits: 3, tier: 'Gold', plan: 'team' });
    const changes = await t.h.db.query<{ field: string; source: string }>(
      "select field, source from contact_changes where contact_id = $1 and field = 'properties.plan'",
      [bo!.id],
    );
    expect(changes).toEqual([{ field: 'properties.plan', source: 'tracking' }]);
  });

  it('links an email in the traits to the contact that has it', async () => {
    const { ws, send } = await workspace();
    const [existing] = await t.h.db.query<{ id: string }>("insert into contacts (workspace_id, email) values ($1, 'cy@example.com') returning id", [ws]);
    await send('batch', {
      batch: [
        { type: 'identify', userId: 'u-cy', traits: { email: 'CY@example.com' } },
        { type: 'identify', anonymousId: 'anon-dee', traits: { email: 'dee@example.com', firstName: 'Dee' } },
        { type: 'track', userId: 'u-cy', event: 'E' },
      ],
    });
    const all = (await contacts(ws)).sort((a, b) => a.email.localeCompare(b.email));
    expect(all.map((c) => [c.email, c.external_id])).toEqual([
      ['cy@example.com', 'u-cy'],
      ['dee@example.com', null],
    ]);
    expect(all[0]!.id).toBe(existing!.id);
  });

  it('never answers random or hostile messages with a 500, and stores nothing it cannot attribute (property)', async () => {
    const { ws, send } = await workspace();
    // Characters PostgreSQL refuses (NUL, lone surrogates) and JSON's special ones among the rest.
    const unit = fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '"', '\\', '€', '😀', '__proto__'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const text = fc.string({ unit, maxLength: 12 });
    const id = fc.oneof(text, fc.integer(), fc.constantFrom('u-1', 'u-2', 'a-1', 'a-2'), fc.constant(null), fc.anything());
    const message = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), text, fc.anything()),
        messageId: fc.oneof(fc.uuid(), text, fc.integer()),
        userId: id,
        anonymousId: id,
        previousId: id,
        groupId: id,
        event: fc.oneof(text, fc.anything()),
        name: fc.oneof(text, fc.anything()),
        timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), text, fc.anything()),
        sentAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), text),
        properties: fc.oneof(fc.dictionary(text, fc.jsonValue({ maxDepth: 3 })), fc.anything()),
        traits: fc.oneof(fc.dictionary(fc.oneof(text, fc.constantFrom('email', 'phone', 'name', 'firstName', 'plan', 'createdAt')), fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.jsonValue({ maxDepth: 2 }))), fc.anything()),
        context: fc.oneof(fc.dictionary(text, fc.jsonValue({ maxDepth: 2 })), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(message, fc.anything()), { maxLength: 8 }), fc.boolean(), async (batch, single) => {
        const res = single ? await send('track', batch[0] ?? {}) : await send('batch', { batch });
        expect([200, 400], JSON.stringify(res.body)).toContain(res.status);
        expect(res.body.success).toBe(res.status === 200);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 80) },
    );
    const [orphans] = await t.h.db.query<{ n: number }>(
      'select count(*)::int as n from events e where workspace_id = $1 and not exists (select from contacts c where c.id = e.contact_id)',
      [ws],
    );
    expect(orphans!.n).toBe(0);
  });
});
