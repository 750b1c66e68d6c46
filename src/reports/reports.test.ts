import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { linkAllOrderDays } from '../purchases/order-days.ts';
import { sendDueDigests } from './digest.ts';

const t = useHarness();
const NOW = new Date('2026-03-15T12:00:00Z');

async function contactsIn(ws: string, n: number): Promise<string[]> {
  const rows = await t.h.db.query<{ id: string }>(
    `insert into contacts (workspace_id, email) select $1, 'r' || i || '-' || gen_random_uuid() || '@example.com' from generate_series(1, $2::int) i returning id`,
    [ws, n],
  );
  return rows.map((r) => r.id);
}

async function order(ws: string, contact: string, at: string, total: number, currency = 'GBP', name: 'purchase' | 'refund' = 'purchase') {
  await t.h.db.query(
    `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
     values ($1, $2, $3, $4, $5, $5, 'test', gen_random_uuid()::text)`,
    [ws, contact, name, { total, currency, order_id: String(Math.random()) }, new Date(at)],
  );
}

describe('reports', () => {
  it('a workspace with GBP and EUR orders never shows one summed figure without a currency', async () => {
    const owner = await t.h.signUp();
    t.h.clock.set(NOW);
    const [a, b, c] = await contactsIn(owner.workspaceId, 3);
    await order(owner.workspaceId, a!, '2026-03-01T10:00:00Z', 10_000, 'GBP');
    await order(owner.workspaceId, a!, '2026-03-02T10:00:00Z', 5_000, 'GBP');
    await order(owner.workspaceId, b!, '2026-03-03T10:00:00Z', 20_000, 'EUR');
    await order(owner.workspaceId, c!, '2026-03-04T10:00:00Z', 1_000, 'EUR');
    await order(owner.workspaceId, c!, '2026-03-05T10:00:00Z', 400, 'EUR', 'refund');

    const d = (await owner.client.get('/api/v1/reports/dashboard?range=30d')).body;
    expect(d.currencies.map((x: any) => x.currency)).toEqual(['EUR', 'GBP']);
    const tile = (cur: string, key: string) => d.currencies.find((x: any) => x.currency === cur).tiles.find((x: any) => x.key === key).value;
    expect([tile('GBP', 'revenue'), tile('GBP', 'orders'), tile('GBP', 'averageOrder')]).toEqual([15_000, 2, 7_500]);
    expect([tile('EUR', 'revenue'), tile('EUR', 'orders'), tile('EUR', 'averageOrder')]).toEqual([20_600, 2, 10_500]);
    // The currency-free tiles count people, not money.
    expect(d.tiles.find((x: any) => x.key === 'customers').value).toBe(3);
    expect(d.tiles.some((x: any) => x.key === 'revenue')).toBe(false);

    // The CSV names the currency of every amount, in major units.
    const csv = String((await owner.client.get('/api/v1/reports/dashboard.csv?range=30d')).body);
    expect(csv).toMatch(/^Revenue,GBP,[^\n]*,150,/m);
    expect(csv).toMatch(/^Revenue,EUR,[^\n]*,206,/m);

    // Revenue retention is in one currency at a time, the one with the most orders by default.
    const r = (await owner.client.get('/api/v1/reports/revenue?from=2026-01-01&to=2026-03-15')).body;
    expect(r.currencies.sort()).toEqual(['EUR', 'GBP']);
    const eur = (await owner.client.get('/api/v1/reports/revenue?currency=EUR&from=2026-01-01&to=2026-03-15')).body;
    expect(eur.cohorts).toEqual([{ start: '2026-03-01', size: 2, revenue: [20_600], perCustomer: [10_300] }]);
  });

  it('bad report requests get a 400 that names what to fix; nothing is answered without signing in', async () => {
    const owner = await t.h.signUp();
    const bad = async (url: string) => {
      const res = await owner.client.get(url);
      expect(res.status, url).toBe(400);
      return res.body.error;
    };
    expect((await bad('/api/v1/reports/dashboard?range=custom&to=2026-01-01')).details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'query.from' })]));
    expect((await bad('/api/v1/reports/dashboard?range=custom&from=2026-02-01&to=2026-01-01')).details[0].message).toMatch(/on or after/);
    expect((await bad('/api/v1/reports/dashboard?range=custom&from=2026-02-30&to=2026-03-01')).details[0].message).toMatch(/YYYY-MM-DD/);
    expect((await bad('/api/v1/reports/cohorts?by=first_event')).message).toMatch(/event/);
    expect((await bad(`/api/v1/reports/cohorts?breakdown=segment&segmentId=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).code).toBe('unknown_segment');
    expect((await bad('/api/v1/reports/revenue?currency=pounds')).details[0].path).toBe('query.currency');
    expect((await bad('/api/v1/reports/segments?ids=a,b')).code).toBe('bad_segment_id');
    const put = await owner.client.put('/api/v1/reports/settings', { activeDays: 3, attributionDays: 5, digestUserIds: [] });
    expect(put.status).toBe(400);
    expect(put.body.error.details[0]).toMatchObject({ path: 'body.activeDays', message: 'must be at least 7 days' });

    const anonymous = await t.h.app.inject({ method: 'GET', url: '/api/v1/reports/dashboard' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('an empty workspace gets empty reports, not errors, and says what is missing', async () => {
    const owner = await t.h.signUp();
    for (const path of ['dashboard', 'cohorts', 'revenue', 'churn', 'churn?from=2017-01-01&to=2026-06-30', 'revenue?retention=quarter', 'email', 'lift', 'segments']) {
      const res = await owner.client.get(`/api/v1/reports/${path}`);
      expect(res.status, path).toBe(200);
    }
    const d = (await owner.client.get('/api/v1/reports/dashboard')).body;
    expect(d.has).toEqual({ orders: false, nps: false, email: false });
    expect(d.currencies).toEqual([]);
    expect((await owner.client.get('/api/v1/reports/cohorts')).body).toMatchObject({ rows: [], hasOrders: false });
  });

  it('days are the workspace\'s: an order late on 31 January in London is on 1 February in Berlin, and changing the time zone moves it', async () => {
    const owner = await t.h.signUp();
    t.h.clock.set(NOW);
    const [a] = await contactsIn(owner.workspaceId, 1);
    await order(owner.workspaceId, a!, '2026-01-31T23:30:00Z', 1_000);
    const cohortStart = async () => (await owner.client.get('/api/v1/reports/cohorts?from=2026-01-01&to=2026-03-15')).body.rows.map((r: any) => r.start);
    expect(await cohortStart()).toEqual(['2026-01-01']);
    await t.h.db.query('update workspaces set timezone = $2 where id = $1', [owner.workspaceId, 'Europe/Berlin']);
    expect(await cohortStart()).toEqual(['2026-02-01']);
    const [row] = await t.h.db.query<{ day: string }>('select day::text from purchase_days where workspace_id = $1', [owner.workspaceId]);
    expect(row!.day).toBe('2026-02-01');
  });

  it('email performance: people\'s opens apart from machines\', clicks, unsubscribes, and the orders after a click attributed once', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    t.h.clock.set(NOW);
    const people = await contactsIn(ws, 4);
    const [b] = await t.h.db.query<{ id: string }>(
      `insert into broadcasts (workspace_id, name, state, started_at) values ($1, 'March news', 'sent', $2) returning id`,
      [ws, new Date('2026-03-10T09:00:00Z')],
    );
    const messages: string[] = [];
    for (const [i, p] of people.entries()) {
      const [m] = await t.h.db.query<{ id: string }>(
        `insert into email_messages (workspace_id, contact_id, kind, idempotency_key, to_email, broadcast_id, state, sent_at)
         values ($1, $2, 'broadcast', $3, 'x@example.com', $4, $5, $6) returning id`,
        [ws, p, `broadcast:${b!.id}:${p}`, b!.id, i === 3 ? 'bounced' : 'sent', new Date('2026-03-10T09:00:00Z')],
      );
      messages.push(m!.id);
    }
    const engage = (i: number, kind: 'open' | 'click', prefetch: boolean, at: string, url?: string) =>
      t.h.db.query(
        `insert into email_engagement (workspace_id, message_id, broadcast_id, contact_id, kind, url, prefetch, at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [ws, messages[i], b!.id, people[i], kind, url ?? null, prefetch, new Date(at)],
      );
    await engage(0, 'open', true, '2026-03-10T09:00:01Z'); // a scanner, then the person
    await engage(0, 'open', false, '2026-03-10T12:00:00Z');
    await engage(0, 'click', false, '2026-03-10T12:01:00Z', 'https://shop.example/sale');
    await engage(1, 'open', true, '2026-03-10T09:00:01Z'); // only Apple's proxy
    await engage(2, 'click', true, '2026-03-10T09:00:02Z', 'https://shop.example/sale'); // a link scanner
    await order(ws, people[0]!, '2026-03-12T10:00:00Z', 4_000); // 2 days after the click: attributed
    await order(ws, people[0]!, '2026-03-14T10:00:00Z', 2_500, 'EUR'); // 4 days after: attributed
    await order(ws, people[1]!, '2026-03-11T10:00:00Z', 9_000); // only a machine opened: not attributed
    await t.h.db.query(
      `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       values ($1, $2, 'email.unsubscribed', '{"via":"link"}', $3, $3, 'test', gen_random_uuid()::text)`,
      [ws, people[2], new Date('2026-03-11T08:00:00Z')],
    );

    const e = (await owner.client.get('/api/v1/reports/email?range=30d')).body;
    expect(e.total).toMatchObject({ sent: 4, delivered: 3, bounced: 1, humanOpens: 1, machineOpens: 1, clicks: 1, unsubscribes: 1, complaints: 0 });
    expect(e.total.openRate).toBeCloseTo(1 / 3, 12);
    expect(e.total.clickToOpenRate).toBe(1);
    expect(e.total.revenue.sort((x: any, y: any) => x.currency.localeCompare(y.currency))).toEqual([
      { currency: 'EUR', amount: 2_500, orders: 1 },
      { currency: 'GBP', amount: 4_000, orders: 1 },
    ]);
    expect(e.campaigns).toEqual([expect.objectContaining({ kind: 'broadcast', id: b!.id, name: 'March news', sent: 4 })]);
    expect(e.links).toEqual([{ url: 'https://shop.example/sale', clicks: 1, uniqueClicks: 1 }]);

    // A shorter attribution window leaves the second order out.
    await owner.client.put('/api/v1/reports/settings', { activeDays: 90, attributionDays: 3, digestUserIds: [] });
    const shorter = (await owner.client.get('/api/v1/reports/email?range=30d')).body;
    expect(shorter.total.revenue).toEqual([{ currency: 'GBP', amount: 4_000, orders: 1 }]);
  });

  it('lift: a broadcast sent with a control group compares those who got it with those held out', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    t.h.clock.set(NOW);
    const people = await contactsIn(ws, 160);
    const [b] = await t.h.db.query<{ id: string }>(
      `insert into broadcasts (workspace_id, name, state, started_at) values ($1, 'Spring sale', 'sent', $2) returning id`,
      [ws, new Date('2026-03-01T09:00:00Z')],
    );
    for (const [i, p] of people.entries()) {
      const control = i % 4 === 0;
      await t.h.db.query(
        `insert into email_messages (workspace_id, contact_id, kind, idempotency_key, to_email, broadcast_id, state, left_out, sent_at)
         values ($1, $2, 'broadcast', $3, 'x@example.com', $4, $5, $6, $7)`,
        [ws, p, `broadcast:${b!.id}:${p}`, b!.id, control ? 'suppressed' : 'sent', control ? 'control_group' : null, control ? null : new Date('2026-03-01T09:00:00Z')],
      );
      // Half of those who got it bought within the window, a tenth of the control group.
      if ((!control && i % 2 === 1) || (control && i % 40 === 0)) await order(ws, p, '2026-03-02T10:00:00Z', 3_000);
    }
    const l = (await owner.client.get('/api/v1/reports/lift')).body;
    expect(l.items).toHaveLength(1);
    const item = l.items[0];
    expect(item).toMatchObject({ kind: 'broadcast', name: 'Spring sale', treated: { contacts: 120, converted: 80 }, holdout: { contacts: 40, converted: 4 } });
    expect(item.absoluteLift).toBeCloseTo(80 / 120 - 4 / 40, 12);
    expect(item.significant).toBe(true);
    expect(item.revenue).toEqual([{ currency: 'GBP', treated: (80 * 3_000) / 120, holdout: (4 * 3_000) / 40 }]);
  });

  it('segments over time: the stored daily sizes of the segments asked for', async () => {
    const owner = await t.h.signUp();
    t.h.clock.set(NOW);
    const seg = (await owner.client.post('/api/v1/segments', { name: 'Big spenders', definition: { kind: 'group', op: 'and', children: [] } })).body;
    await t.h.db.query(`insert into segment_sizes (segment_id, day, size) values ($1, '2026-03-01', 10), ($1, '2026-03-02', 12), ($1, '2025-01-01', 3)`, [seg.id]);
    const s = (await owner.client.get(`/api/v1/reports/segments?ids=${seg.id}&from=2026-02-01&to=2026-03-15`)).body;
    expect(s.segments).toEqual([{ id: seg.id, name: 'Big spenders', sizes: [{ day: '2026-03-01', size: 10 }, { day: '2026-03-02', size: 12 }] }]);
    const other = await t.h.signUp();
    expect((await other.client.get(`/api/v1/reports/segments?ids=${seg.id}`)).status).toBe(400);
  });

  it('the weekly digest goes to the chosen members once a week, on Monday morning their time, with last week\'s figures', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    const [a] = await contactsIn(ws, 1);
    await order(ws, a!, '2026-03-10T10:00:00Z', 12_345);
    const stranger = await t.h.signUp();
    const refused = await owner.client.put('/api/v1/reports/settings', { activeDays: 90, attributionDays: 5, digestUserIds: [stranger.userId] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({ path: 'body.digestUserIds.0', message: 'is not a member of this workspace' });
    expect((await owner.client.put('/api/v1/reports/settings', { activeDays: 90, attributionDays: 5, digestUserIds: [owner.userId] })).status).toBe(200);

    const digests = () => t.h.db.query<{ to_email: string; subject: string; text: string }>("select to_email, subject, text from email_messages where workspace_id = $1 and idempotency_key like 'report-digest:%'", [ws]);
    t.h.clock.set('2026-03-16T06:00:00Z'); // Monday, before 08:00
    await sendDueDigests(t.h.ctx);
    expect(await digests()).toEqual([]);
    t.h.clock.set('2026-03-16T09:00:00Z');
    await sendDueDigests(t.h.ctx);
    t.h.clock.set('2026-03-16T10:00:00Z');
    await sendDueDigests(t.h.ctx); // the hourly job again: nothing twice
    const sent = await digests();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to_email).toBe(owner.email);
    expect(sent[0]!.subject).toContain('2026-03-09 to 2026-03-15');
    expect(sent[0]!.text).toContain('Revenue: £123.45');
    // Not counted as email to contacts.
    expect((await owner.client.get('/api/v1/reports/email?range=30d')).body.total.sent).toBe(0);
  });

  it('right after a large import the reports say the order history is being prepared, and answer once it is linked', async () => {
    const owner = await t.h.signUp();
    await t.h.db.query('insert into order_days_pending (workspace_id, contact_id) select $1, gen_random_uuid() from generate_series(1, 20001)', [owner.workspaceId]);
    const res = await owner.client.get('/api/v1/reports/dashboard');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'reports_preparing', message: expect.stringMatching(/being prepared/) });
    expect((await owner.client.get('/api/v1/reports/settings')).status).toBe(200);
    await linkAllOrderDays(t.h.db);
    expect((await owner.client.get('/api/v1/reports/dashboard')).status).toBe(200);
  });
});
