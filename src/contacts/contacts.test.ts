import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

describe('property definitions', () => {
  it('an admin defines, relabels and deletes properties; the key comes from the label; a marketer can only read', async () => {
    const owner = await t.h.signUp();
    const c = owner.client;
    const created = await c.post('/api/v1/properties', { label: 'Loyalty Tier', type: 'enum', options: ['Bronze', 'Silver', 'Gold'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ key: 'loyalty_tier', label: 'Loyalty Tier', description: '', type: 'enum', options: ['Bronze', 'Silver', 'Gold'] });
    expect((await c.post('/api/v1/properties', { label: 'Loyalty tier', type: 'string' })).status).toBe(409);
    expect((await c.post('/api/v1/properties', { key: 'email', label: 'E-mail', type: 'string' })).status).toBe(409);
    const noOptions = await c.post('/api/v1/properties', { label: 'Size', type: 'enum' });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.error.details).toEqual([{ path: 'body.options', message: expect.any(String) }]);
    const badKey = await c.post('/api/v1/properties', { key: 'Bad Key!', label: 'x', type: 'string' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details[0].path).toBe('body.key');

    const patched = await c.patch('/api/v1/properties/loyalty_tier', { label: 'Tier', description: 'Loyalty programme tier', options: ['Bronze', 'Silver', 'Gold', 'Platinum'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ label: 'Tier', options: ['Bronze', 'Silver', 'Gold', 'Platinum'] });

    // Removing an option a contact still has is refused.
    await c.post('/api/v1/contacts', { email: 'gold@example.com', properties: { loyalty_tier: 'gold' } });
    expect((await c.patch('/api/v1/properties/loyalty_tier', { options: ['Bronze'] })).status).toBe(409);

    const marketer = await t.h.signUp();
    await t.h.db.query("insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'marketer')", [owner.workspaceId, marketer.userId]);
    const asMarketer = await t.h.signIn(marketer.userId, owner.workspaceId);
    expect((await asMarketer.get('/api/v1/properties')).body).toHaveLength(1);
    expect((await asMarketer.post('/api/v1/properties', { label: 'Nope', type: 'string' })).status).toBe(403);
    expect((await asMarketer.delete('/api/v1/properties/loyalty_tier')).status).toBe(403);

    expect((await c.delete('/api/v1/properties/loyalty_tier')).status).toBe(204);
    expect((await c.get('/api/v1/properties')).body).toEqual([]);
    const gold = (await c.get('/api/v1/contacts?q=gold')).body.items[0];
    expect(gold.properties).toEqual({});
    // The removal is in the contact's history, as made in the web app.
    expect((await c.get(`/api/v1/contacts/${gold.id}/changes`)).body.items[0]).toMatchObject({ field: 'properties.loyalty_tier', oldValue: 'Gold', newValue: null, source: 'web' });
    expect((await c.delete('/api/v1/properties/loyalty_tier')).status).toBe(404);
  });
});

describe('creating and changing contacts', () => {
  it('creates a contact with normalized email and phone and validated properties', async () => {
    const { client: c, workspaceId } = await t.h.signUp();
    await t.h.db.query("update workspaces set default_country = 'GB' where id = $1", [workspaceId]);
    await c.post('/api/v1/properties', { label: 'Orders', type: 'number' });
    await c.post('/api/v1/properties', { label: 'VIP', type: 'boolean' });
    await c.post('/api/v1/properties', { label: 'Birthday', type: 'date' });
    const res = await c.post('/api/v1/contacts', {
      email: '  Ann.Lee@Example.COM ',
      phone: '07911 123456',
      firstName: ' Ann ',
      lastName: 'Lee',
      lifecycleStage: 'customer',
      properties: { orders: '12', vip: 'yes', birthday: '05/03/1990' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'ann.lee@example.com',
      phone: '+447911123456',
      firstName: 'Ann',
      lastName: 'Lee',
      lifecycleStage: 'customer',
      // Consent is never assumed: nobody said Ann agreed to marketing email.
      emailStatus: 'not_subscribed',
      properties: { orders: 12, vip: true, birthday: '1990-03-05' },
    });
    expect((await c.get(`/api/v1/contacts/${res.body.id}`)).body).toEqual({
      ...res.body,
      purchases: { orders: 0, refunds: 0, items: 0, firstOrderAt: null, lastOrderAt: null, currencies: [], scores: null },
    });
  });

  it('answers 400 naming every failing field, and 409 for a taken email or external id', async () => {
    const { client: c } = await t.h.signUp();
    await c.post('/api/v1/properties', { label: 'Orders', type: 'number' });
    const bad = await c.post('/api/v1/contacts', { email: 'not-an-email', phone: '12', properties: { orders: 'many', nope: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.email',
      'body.phone',
      'body.properties.nope',
      'body.properties.orders',
    ]);
    const wrongType = await c.post('/api/v1/contacts', { lifecycleStage: 'king', unknownField: 1 });
    expect(wrongType.status).toBe(400);
    expect((await c.post('/api/v1/contacts', {})).status).toBe(400);

    const first = await c.post('/api/v1/contacts', { email: 'dup@example.com', externalId: 'u-1' });
    expect(first.status).toBe(201);
    const dupEmail = await c.post('/api/v1/contacts', { email: 'DUP@example.com' });
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.error.details).toEqual([{ path: 'body.email', message: expect.any(String) }]);
    expect((await c.post('/api/v1/contacts', { externalId: 'u-1' })).status).toBe(409);
    const other = await c.post('/api/v1/contacts', { email: 'other@example.com' });
    const clash = await c.patch(`/api/v1/contacts/${other.body.id}`, { email: 'dup@example.com' });
    expect(clash.status).toBe(409);
  });

  it('records every change with who made it: web for the app, api for an API key', async () => {
    const { client: web, workspaceId } = await t.h.signUp();
    const { client: api } = await t.h.apiKey(workspaceId);
    await web.post('/api/v1/properties', { label: 'Plan', type: 'enum', options: ['free', 'pro'] });
    const created = (await api.post('/api/v1/contacts', { email: 'cy@example.com', firstName: 'Cy', properties: { plan: 'free' } })).body;
    t.h.clock.advance(60_000);
    const edited = await web.patch(`/api/v1/contacts/${created.id}`, { firstName: 'Cyrus', properties: { plan: 'PRO' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ firstName: 'Cyrus', properties: { plan: 'pro' } });
    expect(new Date(edited.body.updatedAt).getTime()).toBeGreaterThan(new Date(created.updatedAt).getTime());
    t.h.clock.advance(60_000);
    const last = (await api.patch(`/api/v1/contacts/${created.id}`, { properties: { plan: null }, lifecycleStage: 'lead' })).body;
    // Saying the same again changes nothing and records nothing.
    t.h.clock.advance(60_000);
    const same = await api.patch(`/api/v1/contacts/${created.id}`, { firstName: 'Cyrus', properties: { plan: null } });
    expect(same.body.updatedAt).toBe(last.updatedAt);

    const changes = (await web.get(`/api/v1/contacts/${created.id}/changes`)).body;
    expect(changes.items.map((x: any) => [x.field, x.oldValue, x.newValue, x.source])).toEqual([
      expect.anything(),
      expect.anything(),
      expect.anything(),
      expect.anything(),
    ]);
    expect(changes.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'first_name', oldValue: 'Cy', newValue: 'Cyrus', source: 'web' }),
        expect.objectContaining({ field: 'properties.plan', oldValue: 'free', newValue: 'pro', source: 'web' }),
        expect.objectContaining({ field: 'properties.plan', oldValue: 'pro', newValue: null, source: 'api' }),
        expect.objectContaining({ field: 'lifecycle_stage', oldValue: null, newValue: 'lead', source: 'api' }),
      ]),
    );
    // Newest first, in pages.
    expect(changes.items[0].source).toBe('api');
    const page1 = (await web.get(`/api/v1/contacts/${created.id}/changes?limit=3`)).body;
    const page2 = (await web.get(`/api/v1/contacts/${created.id}/changes?limit=3&before=${page1.nextCursor}`)).body;
    expect([...page1.items, ...page2.items].map((x: any) => x.id)).toEqual(changes.items.map((x: any) => x.id));
    expect(page2.nextCursor).toBeNull();
  });

  it('deletes one contact or many (by ids or by filter) with their events', async () => {
    const { client: c, workspaceId } = await t.h.signUp();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push((await c.post('/api/v1/contacts', { email: `${name}@del.test`, firstName: name })).body.id);
    await t.h.db.query(
      `insert into events (workspace_id, contact_id, name, occurred_at, received_at, source, message_id)
       select $1, id, 'page', now(), now(), 'api', id::text from unnest($2::uuid[]) id`,
      [workspaceId, ids],
    );
    expect((await c.delete(`/api/v1/contacts/${ids[0]}`)).status).toBe(204);
    expect((await c.get(`/api/v1/contacts/${ids[0]}`)).status).toBe(404);
    expect((await c.delete(`/api/v1/contacts/${ids[0]}`)).status).toBe(404);
    expect((await c.post('/api/v1/contacts/bulk-delete', { ids: [ids[1], ids[2]] })).body).toEqual({ deleted: 2 });
    const byFilter = await c.post('/api/v1/contacts/bulk-delete', { filter: { filters: [{ field: 'first_name', op: 'eq', value: 'D' }] } });
    expect(byFilter.body).toEqual({ deleted: 1 });
    const left = (await c.get('/api/v1/contacts')).body;
    expect(left.items.map((x: any) => x.id)).toEqual([ids[4]]);
    const [events] = await t.h.db.query<{ n: number }>('select count(*)::int as n from events where workspace_id = $1', [workspaceId]);
    expect(events!.n).toBe(1);
    expect((await c.post('/api/v1/contacts/bulk-delete', { ids: ['not-a-uuid'] })).status).toBe(400);
  });
});

describe('workspace isolation', () => {
  it('a second workspace sees none of the first’s contacts, events, history or exports: its ids answer 404 like unknown ones', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    await a.client.post('/api/v1/properties', { label: 'Plan', type: 'string' });
    const ann = (await a.client.post('/api/v1/contacts', { email: 'ann@a.test', firstName: 'Ann', properties: { plan: 'gold' } })).body;
    await t.h.db.query(
      `insert into events (workspace_id, contact_id, name, occurred_at, received_at, source, message_id)
       values ($1, $2, 'purchase', now(), now(), 'api', 'm1')`,
      [a.workspaceId, ann.id],
    );
    const missing = '01a206a7-2d0a-790a-b933-c4c4833a7dfd';
    for (const client of [b.client, (await t.h.apiKey(b.workspaceId)).client]) {
      expect((await client.get('/api/v1/contacts')).body).toMatchObject({ items: [], total: 0 });
      expect((await client.get('/api/v1/contacts?q=ann')).body.items).toEqual([]);
      expect((await client.get('/api/v1/properties')).body).toEqual([]);
      // A's property is not B's to filter on.
      expect((await client.get(`/api/v1/contacts?filters=${encodeURIComponent(JSON.stringify([{ field: 'properties.plan', op: 'eq', value: 'gold' }]))}`)).status).toBe(400);
      const csv = await client.get('/api/v1/contacts/export.csv');
      expect(csv.body).not.toContain('ann@a.test');
      for (const [method, url, body] of [
        ['GET', `/api/v1/contacts/${ann.id}`],
        ['PATCH', `/api/v1/contacts/${ann.id}`, { firstName: 'Eve' }],
        ['DELETE', `/api/v1/contacts/${ann.id}`],
        ['GET', `/api/v1/contacts/${ann.id}/changes`],
        ['GET', `/api/v1/contacts/${ann.id}/events`],
        ['GET', `/api/v1/contacts/${ann.id}/event-names`],
        ['GET', `/api/v1/contacts/${ann.id}/gdpr-export`],
        ['POST', `/api/v1/contacts/${ann.id}/erase`],
        ['PATCH', '/api/v1/properties/plan', { label: 'Mine now' }],
        ['DELETE', '/api/v1/properties/plan'],
      ] as const) {
        const res = await client.request(method, url, body);
        const control = await client.request(method, url.replace(ann.id, missing).replace('/plan', '/nothing_here'), body);
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body).toEqual(control.body);
      }
      expect((await client.post('/api/v1/contacts/bulk-delete', { ids: [ann.id] })).body).toEqual({ deleted: 0 });
    }
    expect((await a.client.get(`/api/v1/contacts/${ann.id}`)).body).toMatchObject({ firstName: 'Ann', properties: { plan: 'gold' } });
    expect((await a.client.get(`/api/v1/contacts/${ann.id}/events`)).body.items).toHaveLength(1);
  });
});
