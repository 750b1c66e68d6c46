import { describe, expect, it } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import { useHarness } from '../testing/harness.ts';
import { addMember } from '../workspaces/workspaces.ts';
import type { ApiClient } from '../testing/client.ts';
import { processPending, recomputeTimeRelative, segmentUpdatesSettled } from './membership.ts';

const t = useHarness({ work: true });

const DAY = 86_400_000;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function shop() {
  const member = await t.h.signUp();
  // A full API key: unlike a session, it does not end when a test moves the clock by months.
  const api = (await t.h.apiKey(member.workspaceId, 'full')).client;
  const { key } = await t.h.apiKey(member.workspaceId, 'ingest');
  const track = async (batch: unknown[]) => {
    const res = await t.h.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basic(key) }, payload: { batch } });
    expect(res.statusCode).toBe(200);
    await segmentUpdatesSettled();
  };
  return { ...member, api, track };
}

/** A tracked order of `minor` pence (the tracking API takes Segment's major units: 20.00 is £20.00). */
const purchase = (userId: string, daysAgo: number, minor: number, id: string) => ({
  type: 'track',
  userId,
  event: 'purchase',
  messageId: id,
  timestamp: new Date(t.h.clock.now().getTime() - daysAgo * DAY).toISOString(),
  properties: { order_id: id, total: minor / 100, currency: 'GBP' },
});

/** Waits for the background computation of a saved segment. */
async function computed(api: ApiClient, id: string) {
  for (let i = 0; i < 200; i++) {
    const res = await api.get(`/api/v1/segments/${id}`);
    if (res.body.evaluatedAt) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the segment was not computed');
}

async function memberEmails(api: ApiClient, id: string): Promise<string[]> {
  const res = await api.get(`/api/v1/segments/${id}/members?limit=500`);
  expect(res.status).toBe(200);
  return res.body.items.map((c: { email: string }) => c.email).sort();
}

const twiceIn90Days = {
  kind: 'group',
  op: 'and',
  children: [{ kind: 'event', event: 'purchase', window: { type: 'last_days', days: 90 }, measure: { fn: 'count', op: 'gte', value: 2 } }],
};

describe('segments', () => {
  it('a contact who bought twice in 90 days enters the segment, and leaves it when the purchases age out', async () => {
    const { api, track } = await shop();
    await track([
      { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' } },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com' } },
      purchase('ann', 10, 2000, 'a1'),
      purchase('ann', 80, 3500, 'a2'),
      purchase('bob', 10, 1000, 'b1'),
      purchase('bob', 200, 1000, 'b2'),
    ]);
    const created = await api.post('/api/v1/segments', { name: 'Bought twice lately', definition: twiceIn90Days });
    expect(created.status).toBe(201);
    const seg = await computed(api, created.body.id);
    expect(seg.memberCount).toBe(1);
    expect(await memberEmails(api, seg.id)).toEqual(['ann@example.com']);

    // Bob buys again: he enters right away, and `segment.entered` lands on his timeline.
    await track([purchase('bob', 0, 500, 'b3')]);
    expect(await memberEmails(api, seg.id)).toEqual(['ann@example.com', 'bob@example.com']);
    const bob = (await api.get('/api/v1/contacts?q=bob')).body.items[0];
    const timeline = await api.get(`/api/v1/contacts/${bob.id}/events`);
    expect(timeline.body.items.map((e: { name: string }) => e.name)).toContain('segment.entered');
    const entered = timeline.body.items.find((e: { name: string }) => e.name === 'segment.entered');
    expect(entered.properties).toMatchObject({ segment_id: seg.id, segment_name: 'Bought twice lately' });
    // Her page shows the segment, with when she entered it.
    const ann = (await api.get('/api/v1/contacts?q=ann')).body.items[0];
    const annIn = (await api.get(`/api/v1/contacts/${ann.id}/segments`)).body.items;
    expect(annIn).toEqual([{ id: seg.id, kind: 'segment', name: 'Bought twice lately', enteredAt: expect.any(String) }]);

    // Sixty days on, Ann's two purchases are 70 and 140 days old: the scheduled run moves her
    // out. Bob's are 60 and 70 days old: he stays.
    t.h.clock.advanceDays(60);
    await recomputeTimeRelative(t.h.ctx);
    expect(await memberEmails(api, seg.id)).toEqual(['bob@example.com']);
    expect((await api.get(`/api/v1/contacts/${ann.id}/segments`)).body.items).toEqual([]);
    expect((await api.get(`/api/v1/contacts/${bob.id}/segments`)).body.items.map((x: { name: string }) => x.name)).toEqual(['Bought twice lately']);
    const sizes = (await api.get(`/api/v1/segments/${seg.id}`)).body.sizes;
    expect(sizes).toHaveLength(30);
    expect(sizes.at(-1).size).toBe(1);
    expect(sizes.some((s: { size: number }) => s.size === 2)).toBe(true);
  });

  it('previews an unsaved definition: count and a sample, on properties and events together', async () => {
    const { api, track } = await shop();
    expect((await api.post('/api/v1/properties', { label: 'Tier', type: 'enum', options: ['bronze', 'gold'] })).status).toBe(201);
    await api.post('/api/v1/contacts', { email: 'g1@example.com', properties: { tier: 'gold' } });
    await api.post('/api/v1/contacts', { email: 'g2@example.com', properties: { tier: 'gold' } });
    await api.post('/api/v1/contacts', { email: 'b1@example.com', properties: { tier: 'bronze' } });
    await track([{ type: 'identify', userId: 'g2', traits: { email: 'g2@example.com' } }, purchase('g2', 3, 99_00, 'g2-1')]);
    const definition = {
      kind: 'group',
      op: 'and',
      children: [
        { kind: 'field', field: 'properties.tier', op: 'eq', value: 'gold' },
        { kind: 'event', event: 'purchase', measure: { fn: 'sum', property: 'total', op: 'gt', value: 50_00 } },
      ],
    };
    const preview = await api.post('/api/v1/segments/preview', { definition });
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(1);
    expect(preview.body.sample.map((c: { email: string }) => c.email)).toEqual(['g2@example.com']);
    // "Not performed": gold contacts who never bought.
    const never = await api.post('/api/v1/segments/preview', {
      definition: { ...definition, children: [definition.children[0], { kind: 'event', event: 'purchase', measure: { fn: 'count', op: 'eq', value: 0 } }] },
    });
    expect(never.body.count).toBe(1);
    expect(never.body.sample[0].email).toBe('g1@example.com');
  });

  it('rejects bad definitions with the path of the offending node', async () => {
    const { api } = await shop();
    const bad = async (definition: unknown) => {
      const res = await api.post('/api/v1/segments/preview', { definition });
      expect(res.status).toBe(400);
      return res.body.error.details as { path: string; message: string }[];
    };
    const group = (...children: unknown[]) => ({ kind: 'group', op: 'and', children });
    expect(await bad(group({ kind: 'field', field: 'properties.nope', op: 'eq', value: 1 }))).toEqual([
      { path: 'body.definition.children.0.field', message: expect.stringContaining('unknown field "properties.nope"') },
    ]);
    expect(await bad(group(group({ kind: 'field', field: 'email', op: 'gt', value: 3 })))).toEqual([
      { path: 'body.definition.children.0.children.0.op', message: expect.stringContaining('"gt" does not fit a string field') },
    ]);
    expect(await bad(group({ kind: 'field', field: 'created_at', op: 'within_last_days', value: 'soon' }))).toEqual([
      { path: 'body.definition.children.0.value', message: expect.stringContaining('whole number of days') },
    ]);
    expect(await bad(group({ kind: 'event', event: 'purchase', window: { type: 'between', from: '2026-02-30', to: '2026-03-01' } }))).toEqual([
      { path: 'body.definition.children.0.window.from', message: expect.stringContaining('must be a date') },
    ]);
    let deep: unknown = { kind: 'field', field: 'email', op: 'is_set' };
    for (let i = 0; i < 7; i++) deep = group(deep);
    const deepIssues = await bad(deep);
    expect(deepIssues[0]!.message).toContain('nest at most');
    expect(deepIssues[0]!.path).toMatch(/^body\.definition(\.children\.0)+$/);
    // Not a definition at all: the schema names the field.
    const shape = await api.post('/api/v1/segments', { name: 'x', definition: { kind: 'group', op: 'xor', children: [] } });
    expect(shape.status).toBe(400);
    expect(JSON.stringify(shape.body.error.details)).toContain('body.definition.op');
  });

  it('refuses a cycle of segments and a segment that uses itself', async () => {
    const { api } = await shop();
    const a = (await api.post('/api/v1/segments', { name: 'A', definition: { kind: 'group', op: 'and', children: [] } })).body;
    const b = (await api.post('/api/v1/segments', { name: 'B', definition: { kind: 'group', op: 'and', children: [{ kind: 'segment', segmentId: a.id }] } })).body;
    const cycle = await api.patch(`/api/v1/segments/${a.id}`, { definition: { kind: 'group', op: 'or', children: [{ kind: 'segment', segmentId: b.id, member: false }] } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details[0]).toEqual({ path: 'body.definition.children.0.segmentId', message: expect.stringContaining('cycle') });
    const self = await api.patch(`/api/v1/segments/${a.id}`, { definition: { kind: 'group', op: 'and', children: [{ kind: 'segment', segmentId: a.id }] } });
    expect(self.status).toBe(400);
    // And A cannot go while B uses it.
    const del = await api.delete(`/api/v1/segments/${a.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain('"B"');
  });

  it('keeps hostile property names and values out of the SQL', async () => {
    const { api, track } = await shop();
    await track([{ type: 'identify', userId: 'eve', traits: { email: 'eve@example.com' } }, purchase('eve', 1, 100, 'e1')]);
    const hostile = `x'); drop table contacts; --`;
    // A property name that is not a defined key never reaches SQL: it is a 400.
    const unknown = await api.post('/api/v1/segments/preview', { definition: { kind: 'group', op: 'and', children: [{ kind: 'field', field: `properties.${hostile}`, op: 'eq', value: 1 }] } });
    expect(unknown.status).toBe(400);
    // Event property names and all values are data: bound parameters, answered normally.
    const res = await api.post('/api/v1/segments/preview', {
      definition: {
        kind: 'group',
        op: 'or',
        children: [
          { kind: 'event', event: `purchase'; delete from events; --`, measure: { fn: 'count', op: 'gte', value: 1 } },
          { kind: 'event', event: 'purchase', where: [{ property: hostile, type: 'string', op: 'eq', value: `'; truncate segments; --` }] },
          { kind: 'event', event: 'purchase', measure: { fn: 'sum', property: `total" from events; --`, op: 'gt', value: 0 } },
          { kind: 'field', field: 'email', op: 'contains', value: `%' or '1'='1` },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(0);
    const [{ n } = { n: 0 }] = await t.h.db.query<{ n: number }>('select count(*)::int as n from events');
    expect(n).toBeGreaterThan(0);
  });

  it('keeps workspaces apart: no reading, no referencing, no members of another workspace', async () => {
    const a = await shop();
    const b = await shop();
    await a.track([{ type: 'identify', userId: 'x', traits: { email: 'x@example.com' } }]);
    const segA = (await a.api.post('/api/v1/segments', { name: 'Everyone', definition: { kind: 'group', op: 'and', children: [] } })).body;
    await computed(a.api, segA.id);
    expect((await b.api.get(`/api/v1/segments/${segA.id}`)).status).toBe(404);
    expect((await b.api.get(`/api/v1/segments/${segA.id}/members`)).status).toBe(404);
    expect((await b.api.patch(`/api/v1/segments/${segA.id}`, { name: 'mine' })).status).toBe(404);
    expect((await b.api.delete(`/api/v1/segments/${segA.id}`)).status).toBe(404);
    expect((await b.api.get('/api/v1/segments')).body.items).toEqual([]);
    const ref = await b.api.post('/api/v1/segments/preview', { definition: { kind: 'group', op: 'and', children: [{ kind: 'segment', segmentId: segA.id }] } });
    expect(ref.status).toBe(400);
    expect(ref.body.error.details[0].message).toContain('no segment or list with this id in this workspace');
    // The contact list's membership filter with A's segment selects nothing in B.
    await b.track([{ type: 'identify', userId: 'y', traits: { email: 'y@example.com' } }]);
    const filtered = await b.api.get(`/api/v1/contacts?filters=${encodeURIComponent(JSON.stringify([{ field: 'segment', op: 'eq', value: segA.id }]))}`);
    expect(filtered.body.items).toEqual([]);
    const listB = (await b.api.post('/api/v1/segments', { name: 'L', kind: 'list' })).body;
    const aContact = (await a.api.get('/api/v1/contacts')).body.items[0];
    expect((await b.api.post(`/api/v1/segments/${listB.id}/members`, { contactIds: [aContact.id] })).body).toEqual({ added: 0 });
    expect((await b.api.post(`/api/v1/segments/${listB.id}/members`, { segmentId: segA.id })).body).toEqual({ added: 0 });
    // A contact's memberships: A's own contact in A, nothing of it from B.
    expect((await a.api.get(`/api/v1/contacts/${aContact.id}/segments`)).body.items.map((x: { name: string }) => x.name)).toEqual(['Everyone']);
    expect((await b.api.get(`/api/v1/contacts/${aContact.id}/segments`)).status).toBe(404);
    expect((await b.api.get('/api/v1/contacts/not-an-id/segments')).status).toBe(400);
  });

  it('static lists: add by hand, from an import or a segment snapshot, remove; segments that use the list follow', async () => {
    const { api, track } = await shop();
    await track(['a', 'b', 'c'].map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com` } })));
    const list = (await api.post('/api/v1/segments', { name: 'Friends', kind: 'list' })).body;
    const withDefinition = await api.post('/api/v1/segments', { name: 'Bad list', kind: 'list', definition: twiceIn90Days });
    expect(withDefinition.status).toBe(400);
    const inList = (await api.post('/api/v1/segments', { name: 'Friends with an a', definition: { kind: 'group', op: 'and', children: [{ kind: 'segment', segmentId: list.id }, { kind: 'field', field: 'email', op: 'starts_with', value: 'A' }] } })).body;
    await computed(api, inList.id);
    const all = (await api.get('/api/v1/contacts')).body.items as { id: string; email: string }[];
    const id = (email: string) => all.find((c) => c.email === email)!.id;
    expect((await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [id('a@example.com'), id('b@example.com')] })).body).toEqual({ added: 2 });
    expect((await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [id('a@example.com')] })).body).toEqual({ added: 0 });
    await segmentUpdatesSettled();
    expect(await memberEmails(api, list.id)).toEqual(['a@example.com', 'b@example.com']);
    expect(await memberEmails(api, inList.id)).toEqual(['a@example.com']);
    expect((await api.post(`/api/v1/segments/${list.id}/members/remove`, { contactIds: [id('a@example.com')] })).body).toEqual({ removed: 1 });
    // Both changes are on a's timeline, named as a list's.
    const listEvents = (await api.get(`/api/v1/contacts/${id('a@example.com')}/events`)).body.items.filter((e: { properties: { segment_id?: string } }) => e.properties.segment_id === list.id);
    expect(listEvents.map((e: { name: string; properties: object }) => [e.name, e.properties]).sort()).toEqual([
      ['segment.entered', { segment_id: list.id, segment_name: 'Friends', segment_kind: 'list' }],
      ['segment.exited', { segment_id: list.id, segment_name: 'Friends', segment_kind: 'list' }],
    ]);
    await segmentUpdatesSettled();
    expect(await memberEmails(api, inList.id)).toEqual([]);
    // A snapshot of a segment: its members now, not later ones.
    const everyone = (await api.post('/api/v1/segments', { name: 'Everyone', definition: { kind: 'group', op: 'and', children: [] } })).body;
    await computed(api, everyone.id);
    const snapshot = (await api.post('/api/v1/segments', { name: 'Snapshot', kind: 'list' })).body;
    expect((await api.post(`/api/v1/segments/${snapshot.id}/members`, { segmentId: everyone.id })).body).toEqual({ added: 3 });
    // From an import: every contact it created.
    const csv = 'email,first_name\nd@example.com,Dee\ne@example.com,Eve\n';
    const boundary = 'rapportboundary';
    const upload = await t.h.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=contacts',
      headers: { authorization: `Bearer ${api.auth.bearer!}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    });
    expect(upload.statusCode).toBe(201);
    const importId = upload.json().id;
    expect((await api.post(`/api/v1/imports/${importId}/start`, { mapping: ['email', 'first_name'], emailConsent: 'not_subscribed' })).status).toBe(202);
    for (let i = 0; i < 1200 && (await api.get(`/api/v1/imports/${importId}`)).body.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await api.post(`/api/v1/segments/${snapshot.id}/members`, { importId })).body).toEqual({ added: 2 });
    expect(await memberEmails(api, snapshot.id)).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com']);
    const csvOut = await api.get(`/api/v1/segments/${snapshot.id}/members.csv`);
    expect(csvOut.status).toBe(200);
    expect(String(csvOut.body).split('\n').filter(Boolean)).toHaveLength(6);
    // The imported contacts also entered "Everyone" on their own (new contacts are queued).
    await segmentUpdatesSettled();
    expect((await api.get(`/api/v1/segments/${everyone.id}`)).body.memberCount).toBe(5);
    // Taken out of "Friends" by hand, a is still in the segment and the snapshot: segments first, then lists.
    const aIn = (await api.get(`/api/v1/contacts/${id('a@example.com')}/segments`)).body.items as { name: string; kind: string }[];
    expect(aIn.map((x) => [x.kind, x.name])).toEqual([['segment', 'Everyone'], ['list', 'Snapshot']]);
  });

  it('offers starting points that are valid definitions, and a catalog of fields and events', async () => {
    const { api, track } = await shop();
    await track([{ type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' } }, purchase('ann', 5, 1200, 'p1'), purchase('ann', 50, 800, 'p2')]);
    const templates = (await api.get('/api/v1/segments/templates')).body.items;
    expect(templates.map((x: { key: string }) => x.key)).toEqual(
      expect.arrayContaining(['rfm_champions', 'rfm_loyal', 'rfm_potential_loyalists', 'rfm_at_risk', 'rfm_hibernating', 'rfm_lost', 'lapsed_90', 'one_and_done', 'top_10_spend']),
    );
    for (const x of templates) expect((await api.post('/api/v1/segments/preview', { definition: x.definition })).status).toBe(200);
    const catalog = (await api.get('/api/v1/segments/catalog')).body;
    expect(catalog.fields.map((f: { field: string }) => f.field)).toContain('email');
    expect(catalog.events).toContainEqual({ name: 'purchase', properties: expect.arrayContaining([{ key: 'total', type: 'number' }, { key: 'currency', type: 'string' }]) });
  });

  it('after a large batch of new contacts (past 20,000 queued), recomputes the segments whole and empties the queue', async () => {
    const { api, workspaceId } = await shop();
    const seg = (await api.post('/api/v1/segments', { name: 'Gmail', definition: { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'email', op: 'contains', value: '@gmail.' }] } })).body;
    await computed(api, seg.id);
    await t.h.db.query(
      `insert into contacts (workspace_id, email) select $1, 'p' || i || case when i % 4 = 0 then '@gmail.com' else '@example.com' end from generate_series(1, 25000) i`,
      [workspaceId],
    );
    expect((await t.h.db.query<{ n: number }>('select count(*)::int as n from segment_pending where workspace_id = $1', [workspaceId]))[0]!.n).toBe(25_000);
    expect(await processPending(t.h.ctx, workspaceId)).toBe(25_000);
    expect((await api.get(`/api/v1/segments/${seg.id}`)).body.memberCount).toBe(6_250);
    expect((await t.h.db.query<{ n: number }>('select count(*)::int as n from segment_pending where workspace_id = $1', [workspaceId]))[0]!.n).toBe(0);
  });

  it('a viewer can look and preview but not change segments', async () => {
    const owner = await shop();
    const user = await createUser(t.h.ctx, { email: 'viewer@example.com', name: 'V', password: 'a long password 123' });
    await addMember(t.h.ctx, owner.workspaceId, user.id, 'viewer');
    const viewer = await t.h.signIn(user.id, owner.workspaceId);
    expect((await viewer.post('/api/v1/segments/preview', { definition: { kind: 'group', op: 'and', children: [] } })).status).toBe(200);
    expect((await viewer.post('/api/v1/segments', { name: 'x', definition: { kind: 'group', op: 'and', children: [] } })).status).toBe(403);
  });
});
