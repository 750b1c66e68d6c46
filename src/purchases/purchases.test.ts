// One purchase model whatever the source: Segment's own SDK sending e-commerce events, an
// order history file, and the per-contact summary that segments, templates and the contact
// page read.
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';
import { formatMoney } from '../shared/money.ts';
import { summaryDrift } from './summary.ts';

const t = useHarness({ work: true });
let url = '';

beforeAll(async () => {
  await t.h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.h.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

async function shop() {
  const owner = await t.h.signUp();
  const { key } = await t.h.apiKey(owner.workspaceId, 'ingest');
  const track = async (body: unknown) => {
    const res = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: body }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { ...owner, api: owner.client, key, track };
}

async function sdkSend(key: string, calls: (a: SegmentAnalytics) => void) {
  const analytics = new SegmentAnalytics({ writeKey: key, host: url, flushAt: 20, maxRetries: 1 });
  const statuses: number[] = [];
  analytics.on('http_response', (res) => statuses.push(res.status));
  calls(analytics);
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 200)).toBe(true);
}

async function contactByExternalId(ws: string, externalId: string) {
  const [row] = await t.h.db.query<{ id: string }>('select id from contacts where workspace_id = $1 and external_id = $2', [ws, externalId]);
  return row!.id;
}

const spentAtLeast = (minor: number, metric: 'spent' | 'net_spent' = 'spent') => ({
  kind: 'group',
  op: 'and',
  children: [{ kind: 'purchases', metric, currency: 'GBP', op: 'gte', value: minor }],
});

async function matches(api: any, definition: unknown): Promise<number> {
  const res = await api.post('/api/v1/segments/preview', { definition });
  expect(res.status).toBe(200);
  return res.body.count;
}

describe('the purchase model', () => {
  it('Segment’s SDK sends an order and its refund: the contact reads 1 order, £19.00, 2 items, then net £0.00; “spent at least £10” holds before the refund', async () => {
    const { api, key, workspaceId } = await shop();
    await sdkSend(key, (a) => {
      a.identify({ userId: 'ann', traits: { email: 'ann@example.com', firstName: 'Ann' } });
      a.track({
        userId: 'ann',
        event: 'Order Completed',
        properties: { order_id: 'A-1001', total: 19.0, currency: 'GBP', products: [{ product_id: 'p-7', sku: 'MUG', name: 'Mug', price: 9.5, quantity: 2 }] },
      });
    });
    const id = await contactByExternalId(workspaceId, 'ann');
    const before = (await api.get(`/api/v1/contacts/${id}`)).body;
    expect(before.purchases).toMatchObject({ orders: 1, refunds: 0, items: 2 });
    expect(before.purchases.currencies).toEqual([
      expect.objectContaining({ currency: 'GBP', orders: 1, items: 2, spent: 1900, refunded: 0, net: 1900, averageOrder: 1900 }),
    ]);
    expect(formatMoney(before.purchases.currencies[0].spent, 'GBP', 'en-GB')).toBe('£19.00');
    // The event itself: money in minor units, items counted by quantity.
    const [event] = await t.h.db.query<{ name: string; properties: any }>("select name, properties from events where workspace_id = $1 and message_id = 'purchase:A-1001'", [
      workspaceId,
    ]);
    expect(event).toMatchObject({ name: 'purchase', properties: { order_id: 'A-1001', total: 1900, currency: 'GBP', item_count: 2, source_event: 'Order Completed' } });
    expect(event!.properties.items).toEqual([{ product_id: 'p-7', sku: 'MUG', name: 'Mug', quantity: 2, unit_price: 950, total: 1900 }]);

    expect(await matches(api, spentAtLeast(1000))).toBe(1);
    expect(await matches(api, spentAtLeast(1901))).toBe(0);

    // A full refund names only the order (Segment's own example).
    await sdkSend(key, (a) => a.track({ userId: 'ann', event: 'Order Refunded', properties: { order_id: 'A-1001' } }));
    const after = (await api.get(`/api/v1/contacts/${id}`)).body.purchases;
    expect(after).toMatchObject({ orders: 1, refunds: 1 });
    expect(after.currencies[0]).toMatchObject({ spent: 1900, refunded: 1900, net: 0 });
    expect(await matches(api, spentAtLeast(1000, 'net_spent'))).toBe(0);
    expect(await matches(api, spentAtLeast(1000))).toBe(1);

    // The same order in an order history file is not counted twice.
    const file = 'Order ID,Customer ID,Date,Product,Quantity,Unit price\nA-1001,ann,2026-11-30,Mug,2,9.50\nA-1002,ann,2026-12-01,Teapot,1,30.00\n';
    const { result } = await importFile(api, 'orders.csv', file, { kind: 'orders', body: { currency: 'GBP' } });
    expect(result.status).toBe('completed');
    expect(result.stats).toMatchObject({ purchases: 1 });
    const merged = (await api.get(`/api/v1/contacts/${id}`)).body.purchases;
    expect(merged).toMatchObject({ orders: 2, items: 3 });
    expect(merged.currencies[0]).toMatchObject({ spent: 4900, refunded: 1900, net: 3000 });
    expect(await summaryDrift(t.h.db, workspaceId)).toEqual([]);
  });

  it('converts money by each currency’s own exponent: JPY has none, BHD three; amounts in several currencies are never summed', async () => {
    const { api, track, workspaceId } = await shop();
    const res = await track([
      { type: 'track', userId: 'kenji', event: 'Order Completed', properties: { order_id: 'J-1', total: 1200, currency: 'JPY' } },
      { type: 'track', userId: 'kenji', event: 'Order Completed', properties: { order_id: 'B-1', revenue: '1.25', currency: 'bhd' } },
      { type: 'track', userId: 'kenji', event: 'Order Completed', properties: { order_id: 'G-1', total: 0.1 + 0.2, currency: 'GBP' } },
    ]);
    expect(res.status).toBe(200);
    const totals = await t.h.db.query<{ order_id: string; total: number; currency: string }>(
      "select properties ->> 'order_id' as order_id, (properties ->> 'total')::int as total, properties ->> 'currency' as currency from events where workspace_id = $1 and name = 'purchase' order by 1",
      [workspaceId],
    );
    expect(totals).toEqual([
      { order_id: 'B-1', total: 1250, currency: 'BHD' },
      { order_id: 'G-1', total: 30, currency: 'GBP' },
      { order_id: 'J-1', total: 1200, currency: 'JPY' },
    ]);
    const summary = (await api.get(`/api/v1/contacts/${await contactByExternalId(workspaceId, 'kenji')}`)).body.purchases;
    expect(summary.orders).toBe(3);
    expect(summary.currencies.map((c: { currency: string; spent: number }) => [c.currency, c.spent]).sort()).toEqual([
      ['BHD', 1250],
      ['GBP', 30],
      ['JPY', 1200],
    ]);
    expect(formatMoney(1200, 'JPY', 'en-GB')).toBe('JP¥1,200');
    expect(formatMoney(1250, 'BHD', 'en-GB')).toMatch(/1\.250/);
  });

  it('orders without a currency are in the workspace’s default currency (US dollars until one is set)', async () => {
    const { api, track, workspaceId } = await shop();
    await track([{ type: 'track', userId: 'lu', event: 'Order Completed', properties: { order_id: 'U-1', total: 10 } }]);
    const bad = await api.patch('/api/v1/workspace', { defaultCurrency: 'EURO' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/ISO 4217/);
    expect((await api.patch('/api/v1/workspace', { defaultCurrency: 'EUR' })).body).toMatchObject({ defaultCurrency: 'EUR' });
    await track([{ type: 'track', userId: 'lu', event: 'Order Completed', properties: { order_id: 'E-1', total: 10 } }]);
    const rows = await t.h.db.query("select properties ->> 'currency' as c from events where workspace_id = $1 and name = 'purchase' order by message_id", [workspaceId]);
    expect(rows).toEqual([{ c: 'EUR' }, { c: 'USD' }]);
  });

  it('partial refunds add up, a later full refund gives back only what is left, and a retry changes nothing', async () => {
    const { api, track, workspaceId } = await shop();
    const order = { type: 'track', userId: 'bo', event: 'Order Completed', properties: { order_id: 'P-1', total: 50, currency: 'EUR' } };
    await track([order, { ...order, messageId: 'again' }]);
    const partial = { type: 'track', messageId: 'r-1', userId: 'bo', event: 'Order Refunded', properties: { order_id: 'P-1', total: 12.5, currency: 'EUR' } };
    expect((await track([partial])).status).toBe(200);
    expect((await track([partial])).status).toBe(200);
    await track([{ type: 'track', messageId: 'r-2', userId: 'bo', event: 'Order Refunded', properties: { order_id: 'P-1' } }]);
    const again = await track([{ type: 'track', messageId: 'r-3', userId: 'bo', event: 'Order Refunded', properties: { order_id: 'P-1' } }]);
    expect(again.status).toBe(200);
    const s = (await api.get(`/api/v1/contacts/${await contactByExternalId(workspaceId, 'bo')}`)).body.purchases;
    expect(s).toMatchObject({ orders: 1, refunds: 2 });
    expect(s.currencies[0]).toMatchObject({ currency: 'EUR', spent: 5000, refunded: 5000, net: 0 });
  });

  it('refuses what it cannot read, saying what to fix, and keeps the rest of the batch', async () => {
    const { track, workspaceId } = await shop();
    const res = await track([
      { type: 'track', userId: 'cy', event: 'Order Completed', properties: { order_id: 'X-1', total: 10, currency: 'XYZ' } },
      { type: 'track', userId: 'cy', event: 'Order Completed', properties: { order_id: 'X-2', total: 'lots', currency: 'GBP' } },
      { type: 'track', userId: 'cy', event: 'Order Completed', properties: { order_id: 'X-3', total: -5, currency: 'GBP' } },
      { type: 'track', userId: 'cy', event: 'Order Completed', properties: { order_id: 'X-4', total: 5, currency: 'GBP' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.errors.map((e: { index: number; message: string }) => [e.index, e.message])).toEqual([
      [0, expect.stringMatching(/"XYZ" is not an ISO 4217 currency code/)],
      [1, expect.stringMatching(/properties.total "lots" is not an amount/)],
      [2, expect.stringMatching(/must not be negative/)],
    ]);
    const stored = await t.h.db.query("select message_id from events where workspace_id = $1 and name = 'purchase'", [workspaceId]);
    expect(stored).toEqual([{ message_id: 'purchase:X-4' }]);
  });

  it('keeps the summary equal to its events through merges and deletions', async () => {
    const { api, track, workspaceId } = await shop();
    // An anonymous visitor buys, then signs in as a known customer who bought before.
    await track([
      { type: 'track', userId: 'dee', event: 'Order Completed', properties: { order_id: 'D-1', total: 20, currency: 'GBP' } },
      { type: 'track', anonymousId: 'device-9', event: 'Order Completed', properties: { order_id: 'D-2', total: 5, currency: 'GBP', products: [{ price: 2.5, quantity: 2 }] } },
    ]);
    await track([{ type: 'identify', userId: 'dee', anonymousId: 'device-9', traits: { email: 'dee@example.com' } }]);
    const dee = await contactByExternalId(workspaceId, 'dee');
    const s = (await api.get(`/api/v1/contacts/${dee}`)).body.purchases;
    expect(s).toMatchObject({ orders: 2, items: 2 });
    expect(s.currencies[0]).toMatchObject({ spent: 2500 });
    expect(await summaryDrift(t.h.db, workspaceId)).toEqual([]);
    expect((await api.delete(`/api/v1/contacts/${dee}`)).status).toBe(204);
    expect(await t.h.db.query('select * from contact_purchases where workspace_id = $1', [workspaceId])).toEqual([]);
  });
});
