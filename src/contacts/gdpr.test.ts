import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

async function addEvents(workspaceId: string, contactId: string, events: { name: string; at: string; props?: object }[]) {
  for (const [i, e] of events.entries()) {
    await t.h.db.query(
      `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       values ($1, $2, $3, $4::jsonb, $5, now(), 'api', $6)`,
      [workspaceId, contactId, e.name, JSON.stringify(e.props ?? {}), e.at, `${contactId}-${i}`],
    );
  }
}

describe('the timeline', () => {
  it('pages through a contact’s events newest first, each exactly once, also between events at the same instant', async () => {
    const { client: c, workspaceId } = await t.h.signUp();
    const ann = (await c.post('/api/v1/contacts', { email: 'ann@t.test' })).body;
    const events = Array.from({ length: 130 }, (_, i) => ({
      name: i % 3 === 0 ? 'purchase' : i % 3 === 1 ? 'email.opened' : 'page',
      // Microseconds matter: a JS Date would lose them; ties are broken by id.
      at: `2024-03-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00.${String(i % 7).padStart(6, '0')}Z`,
      props: { n: i },
    }));
    await addEvents(workspaceId, ann.id, events);
    const seen: number[] = [];
    let before: string | null = null;
    let previous = Infinity;
    do {
      const res: { status: number; body: any } = await c.get(`/api/v1/contacts/${ann.id}/events?limit=40${before ? `&before=${before}` : ''}`);
      expect(res.status).toBe(200);
      for (const e of res.body.items) {
        const at = new Date(e.occurredAt).getTime();
        expect(at).toBeLessThanOrEqual(previous);
        previous = at;
        seen.push(e.properties.n);
      }
      before = res.body.nextCursor;
    } while (before);
    expect(seen.sort((a, b) => a - b)).toEqual(events.map((_, i) => i));

    const purchases = (await c.get(`/api/v1/contacts/${ann.id}/events?name=purchase&limit=200`)).body.items;
    expect(purchases).toHaveLength(44);
    expect(purchases.every((e: { name: string }) => e.name === 'purchase')).toBe(true);
    expect((await c.get(`/api/v1/contacts/${ann.id}/event-names`)).body).toEqual([
      { name: 'purchase', count: 44 },
      { name: 'email.opened', count: 43 },
      { name: 'page', count: 43 },
    ]);
    expect((await c.get(`/api/v1/contacts/${ann.id}/events?before=nonsense`)).status).toBe(400);
  });
});

describe('GDPR', () => {
  it('exports everything held about a contact as one JSON document', async () => {
    const { client: c, workspaceId } = await t.h.signUp();
    await c.post('/api/v1/properties', { label: 'Plan', type: 'enum', options: ['free', 'pro'], description: 'Subscription plan' });
    const ann = (await c.post('/api/v1/contacts', { email: 'ann@g.test', firstName: 'Ann', properties: { plan: 'free' } })).body;
    await c.patch(`/api/v1/contacts/${ann.id}`, { properties: { plan: 'pro' } });
    await addEvents(workspaceId, ann.id, [{ name: 'purchase', at: '2024-01-02T03:04:05Z', props: { total: 4520, currency: 'GBP' } }]);
    await t.h.db.query("insert into contact_aliases (workspace_id, anonymous_id, contact_id) values ($1, 'anon-123', $2)", [workspaceId, ann.id]);

    const res = await c.get(`/api/v1/contacts/${ann.id}/gdpr-export`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`attachment; filename="contact-${ann.id}-`));
    expect(res.body).toMatchObject({
      contact: { id: ann.id, email: 'ann@g.test', firstName: 'Ann', properties: { plan: 'pro' } },
      properties: [{ key: 'plan', label: 'Plan', description: 'Subscription plan', type: 'enum', value: 'pro' }],
      changes: [{ field: 'properties.plan', oldValue: 'free', newValue: 'pro', source: 'web' }],
      events: [{ name: 'purchase', properties: { total: 4520, currency: 'GBP' }, occurredAt: '2024-01-02T03:04:05.000Z' }],
      anonymousIds: [{ anonymousId: 'anon-123' }],
    });
  });

  it('erases a contact’s personal data and events, leaving only a hashed-email suppression; admins only', async () => {
    const owner = await t.h.signUp();
    const c = owner.client;
    const ws = owner.workspaceId;
    const ann = (await c.post('/api/v1/contacts', { email: 'Erase.Me@G.test', firstName: 'Erin', phone: '+447911123456' })).body;
    const bob = (await c.post('/api/v1/contacts', { email: 'keep@g.test' })).body;
    await c.patch(`/api/v1/contacts/${ann.id}`, { lastName: 'Smith' });
    await addEvents(ws, ann.id, [{ name: 'page', at: '2024-01-01T00:00:00Z', props: { url: 'https://shop.test/?email=erase.me@g.test' } }]);
    await addEvents(ws, bob.id, [{ name: 'page', at: '2024-01-01T00:00:00Z' }]);
    await t.h.db.query("insert into contact_aliases (workspace_id, anonymous_id, contact_id) values ($1, 'anon-erase', $2)", [ws, ann.id]);
    // The address already unsubscribed once: the entry is kept, now saying why it stays.
    const hash = createHash('sha256').update('erase.me@g.test').digest('hex');
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason) values ($1, $2, 'unsubscribed')", [ws, hash]);

    const marketer = await t.h.signUp();
    await t.h.db.query("insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'marketer')", [ws, marketer.userId]);
    expect((await (await t.h.signIn(marketer.userId, ws)).post(`/api/v1/contacts/${ann.id}/erase`)).status).toBe(403);

    const res = await c.post(`/api/v1/contacts/${ann.id}/erase`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ erased: true, eventsDeleted: 1, changesDeleted: 1, suppressed: true });
    expect((await c.get(`/api/v1/contacts/${ann.id}`)).status).toBe(404);
    expect((await c.post(`/api/v1/contacts/${ann.id}/erase`)).status).toBe(404);

    const suppressions = await t.h.db.query('select email_hash, reason from suppressions where workspace_id = $1', [ws]);
    expect(suppressions).toEqual([{ email_hash: hash, reason: 'erased' }]);
    // Nothing readable about the person is left in any table that holds contact data.
    for (const table of ['contacts', 'contact_changes', 'contact_aliases', 'events', 'suppressions']) {
      const rows = await t.h.db.query<{ row: string }>(`select t::text as row from ${table} t`);
      for (const { row } of rows) {
        expect(row.toLowerCase(), table).not.toContain('erase.me');
        expect(row, table).not.toContain('Erin');
        expect(row, table).not.toContain('7911123456');
        expect(row, table).not.toContain(ann.id);
        expect(row, table).not.toContain('anon-erase');
      }
    }
    // The others are untouched.
    expect((await c.get(`/api/v1/contacts/${bob.id}/events`)).body.items).toHaveLength(1);
  });
});
