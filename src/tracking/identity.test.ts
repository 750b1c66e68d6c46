import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

async function workspace() {
  const ws = (await t.h.signUp()).workspaceId;
  const { key } = await t.h.apiKey(ws, 'ingest');
  const send = async (path: string, body: unknown) => {
    const res = await t.h.app.inject({ method: 'POST', url: `/v1/${path}`, headers: { authorization: `Bearer ${key}` }, payload: body as object });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  return { ws, send };
}

const contacts = (ws: string) =>
  t.h.db.query<Record<string, any>>(
    'select id, email, external_id, first_name, last_name, properties, email_status from contacts where workspace_id = $1 order by external_id nulls last, id',
    [ws],
  );
const aliases = (ws: string) =>
  t.h.db.query<{ anonymous_id: string; contact_id: string }>('select anonymous_id, contact_id from contact_aliases where workspace_id = $1 order by 1', [ws]);
const eventsOf = async (ws: string) => {
  const rows = await t.h.db.query<{ contact_id: string; message_id: string }>('select contact_id, message_id from events where workspace_id = $1', [ws]);
  return rows;
};
/** Events whose contact does not exist: must never happen. */
const orphans = async (ws: string) => {
  const [row] = await t.h.db.query<{ n: number }>(
    'select count(*)::int as n from events e where e.workspace_id = $1 and not exists (select 1 from contacts c where c.id = e.contact_id)',
    [ws],
  );
  return row!.n;
};

describe('anonymous visitors and identified people', () => {
  it('keeps an anonymous visitor as a contact of their own, then merges it into the person on identify', async () => {
    const { ws, send } = await workspace();
    await send('page', { messageId: 'p1', anonymousId: 'anon-1', name: 'Home' });
    await send('identify', { messageId: 'i0', anonymousId: 'anon-1', traits: { firstName: 'Eve', plan: 'free', source: 'ad' } });
    await send('track', { messageId: 't1', anonymousId: 'anon-1', event: 'Viewed Product' });
    const [visitor] = await contacts(ws);
    expect(visitor).toMatchObject({ email: null, external_id: null, first_name: 'Eve', properties: { plan: 'free', source: 'ad' } });
    expect(await aliases(ws)).toEqual([{ anonymous_id: 'anon-1', contact_id: visitor!.id }]);

    // A known person logs in on that device.
    await send('track', { messageId: 'k0', userId: 'u-eve', event: 'Earlier, elsewhere' });
    await send('identify', { messageId: 'i1', userId: 'u-eve', anonymousId: 'anon-1', traits: { email: 'eve@example.com', plan: 'pro' } });
    const all = await contacts(ws);
    expect(all).toHaveLength(1);
    const eve = all[0]!;
    expect(eve.id).not.toBe(visitor!.id);
    // Her own values win; the visitor's fill the gaps.
    expect(eve).toMatchObject({ external_id: 'u-eve', email: 'eve@example.com', first_name: 'Eve', properties: { plan: 'pro', source: 'ad' } });
    expect((await eventsOf(ws)).every((e) => e.contact_id === eve.id)).toBe(true);
    expect(await eventsOf(ws)).toHaveLength(5);
    expect(await aliases(ws)).toEqual([{ anonymous_id: 'anon-1', contact_id: eve.id }]);
    const changes = await t.h.db.query<{ field: string; new_value: unknown; source: string }>(
      `select field, new_value, source from contact_changes where contact_id = $1 and field in ('merged_contact', 'first_name', 'properties.source') order by id`,
      [eve.id],
    );
    // The visitor's own history moved with it, and the merge is on record.
    expect(changes).toEqual([
      { field: 'first_name', new_value: 'Eve', source: 'tracking' },
      { field: 'properties.source', new_value: 'ad', source: 'tracking' },
      { field: 'merged_contact', new_value: visitor!.id, source: 'tracking' },
      { field: 'first_name', new_value: 'Eve', source: 'tracking' },
      { field: 'properties.source', new_value: 'ad', source: 'tracking' },
    ]);

    // The device keeps counting for her.
    await send('track', { messageId: 't2', anonymousId: 'anon-1', event: 'Came back' });
    expect((await eventsOf(ws)).find((e) => e.message_id === 't2')!.contact_id).toBe(eve.id);
    expect(await orphans(ws)).toBe(0);
  });

  it('resolves a whole batch at once: no anonymous contact for a visitor identified in the same batch', async () => {
    const { ws, send } = await workspace();
    await send('batch', {
      batch: [
        { type: 'page', messageId: 'b1', anonymousId: 'anon-2' },
        { type: 'identify', messageId: 'b2', anonymousId: 'anon-2', traits: { lastName: 'Ng', tier: 'gold' } },
        { type: 'identify', messageId: 'b3', userId: 'u-ng', anonymousId: 'anon-2', traits: { firstName: 'Al', tier: 'silver' } },
        { type: 'track', messageId: 'b4', anonymousId: 'anon-2', event: 'After' },
      ],
    });
    const all = await contacts(ws);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ external_id: 'u-ng', first_name: 'Al', last_name: 'Ng', properties: { tier: 'silver' } });
    expect(new Set((await eventsOf(ws)).map((e) => e.contact_id))).toEqual(new Set([all[0]!.id]));
    expect(await aliases(ws)).toEqual([{ anonymous_id: 'anon-2', contact_id: all[0]!.id }]);
  });

  it('leaves a device with the person it first belonged to when someone else logs in on it', async () => {
    const { ws, send } = await workspace();
    await send('identify', { messageId: 's1', userId: 'u-a', anonymousId: 'shared', traits: { email: 'a@example.com' } });
    await send('identify', { messageId: 's2', userId: 'u-b', anonymousId: 'shared', traits: { email: 'b@example.com' } });
    const [a, b] = await contacts(ws);
    expect([a!.external_id, b!.external_id]).toEqual(['u-a', 'u-b']);
    expect(await aliases(ws)).toEqual([{ anonymous_id: 'shared', contact_id: a!.id }]);
    const byMessage = Object.fromEntries((await eventsOf(ws)).map((e) => [e.message_id, e.contact_id]));
    expect(byMessage).toEqual({ s1: a!.id, s2: b!.id });
  });

  it('merges on alias: an anonymous id, or an old user id, into the new user', async () => {
    const { ws, send } = await workspace();
    await send('track', { messageId: 'a1', anonymousId: 'anon-3', event: 'Browsed' });
    await send('alias', { messageId: 'a2', previousId: 'anon-3', userId: 'u-new' });
    let all = await contacts(ws);
    expect(all.map((c) => c.external_id)).toEqual(['u-new']);
    expect((await eventsOf(ws)).every((e) => e.contact_id === all[0]!.id)).toBe(true);

    // An old user id: alias is an explicit instruction, so even a known contact merges.
    await send('identify', { messageId: 'a3', userId: 'u-old', traits: { email: 'old@example.com', firstName: 'Olly' } });
    await send('alias', { messageId: 'a4', previousId: 'u-old', userId: 'u-new' });
    all = await contacts(ws);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ external_id: 'u-new', email: 'old@example.com', first_name: 'Olly' });
    expect((await eventsOf(ws)).every((e) => e.contact_id === all[0]!.id)).toBe(true);

    // An id never seen before becomes an alias, so the device's later events count for the user.
    await send('alias', { messageId: 'a5', previousId: 'anon-later', userId: 'u-new' });
    await send('page', { messageId: 'a6', anonymousId: 'anon-later' });
    expect((await eventsOf(ws)).find((e) => e.message_id === 'a6')!.contact_id).toBe(all[0]!.id);
    expect(await contacts(ws)).toHaveLength(1);
    expect(await orphans(ws)).toBe(0);
  });

  it('applies every trait of a batch that names one person twice (by email and by user id)', async () => {
    const { ws, send } = await workspace();
    await send('identify', { userId: 'u-fi', traits: { email: 'fi@example.com' } });
    await send('batch', {
      batch: [
        { type: 'identify', userId: 'u-fi', traits: { lastName: 'Fox', plan: 'a' } },
        { type: 'identify', anonymousId: 'anon-fi', traits: { email: 'fi@example.com', firstName: 'Fi', plan: 'b' } },
        { type: 'track', userId: 'u-fi', event: 'Same person' },
      ],
    });
    const all = await contacts(ws);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ external_id: 'u-fi', first_name: 'Fi', last_name: 'Fox', properties: { plan: 'b' } });
  });

  it('creates one anonymous contact when a visitor’s first calls arrive at the same time', async () => {
    const { ws, send } = await workspace();
    await Promise.all(Array.from({ length: 12 }, (_, i) => send('page', { messageId: `c${i}`, anonymousId: 'anon-race', name: `P${i}` })));
    const all = await contacts(ws);
    expect(all).toHaveLength(1);
    expect(await eventsOf(ws)).toHaveLength(12);
    expect(await orphans(ws)).toBe(0);
  });

  it('loses no event when a visitor is identified while their events arrive', async () => {
    const { ws, send } = await workspace();
    await send('page', { messageId: 'r0', anonymousId: 'anon-r' });
    const calls = [
      ...Array.from({ length: 10 }, (_, i) => send('track', { messageId: `r${i + 1}`, anonymousId: 'anon-r', event: 'E' })),
      send('identify', { messageId: 'ri', userId: 'u-r', anonymousId: 'anon-r' }),
      ...Array.from({ length: 10 }, (_, i) => send('track', { messageId: `r${i + 11}`, anonymousId: 'anon-r', event: 'E' })),
    ];
    await Promise.all(calls);
    const all = await contacts(ws);
    expect(all.map((c) => c.external_id)).toEqual(['u-r']);
    expect(await eventsOf(ws)).toHaveLength(22);
    expect(await orphans(ws)).toBe(0);
  });
});

describe('workspaces', () => {
  it('never share contacts, aliases or message ids through the tracking API', async () => {
    const a = await workspace();
    const b = await workspace();
    const batch = [
      { type: 'page', messageId: 'same-1', anonymousId: 'anon-x' },
      { type: 'identify', messageId: 'same-2', userId: 'u-1', traits: { email: 'same@example.com', firstName: 'A' } },
    ];
    await a.send('batch', { batch });
    await b.send('batch', { batch: [{ ...batch[0] }, { ...batch[1], traits: { email: 'same@example.com', firstName: 'B' } }] });
    // In b, identify the anonymous id: only b's visitor merges.
    await b.send('identify', { messageId: 'same-3', userId: 'u-1', anonymousId: 'anon-x' });
    const ca = await contacts(a.ws);
    const cb = await contacts(b.ws);
    expect(ca.map((c) => [c.external_id, c.first_name])).toEqual([
      ['u-1', 'A'],
      [null, null],
    ]);
    expect(cb.map((c) => [c.external_id, c.first_name])).toEqual([['u-1', 'B']]);
    expect(new Set([...ca, ...cb].map((c) => c.id)).size).toBe(3);
    expect((await eventsOf(a.ws)).map((e) => e.message_id).sort()).toEqual(['same-1', 'same-2']);
    expect((await eventsOf(b.ws)).map((e) => e.message_id).sort()).toEqual(['same-1', 'same-2', 'same-3']);
    expect((await eventsOf(b.ws)).every((e) => e.contact_id === cb[0]!.id)).toBe(true);
    expect((await aliases(a.ws))[0]!.contact_id).toBe(ca[1]!.id);
  });
});
