// Round trips through the real Segment and RudderStack Node SDKs, unchanged, pointed at a
// listening Rapport: what their users will run.
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();
let url = '';

beforeAll(async () => {
  await t.h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.h.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

async function workspace() {
  const ws = (await t.h.signUp()).workspaceId;
  const { key } = await t.h.apiKey(ws, 'ingest');
  return { ws, key };
}

const HISTORY = new Date('2024-03-05T10:00:00.000Z');

/** What both SDKs must have produced: one person, all their calls, nothing twice. */
async function expectStored(ws: string, library: string) {
  const contacts = await t.h.db.query<Record<string, any>>('select * from contacts where workspace_id = $1', [ws]);
  expect(contacts).toHaveLength(1);
  const [ann] = contacts;
  expect(ann).toMatchObject({ external_id: 'user-ann', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', properties: { plan: 'pro' } });
  const aliases = await t.h.db.query<{ anonymous_id: string }>('select anonymous_id from contact_aliases where contact_id = $1 order by 1', [ann!.id]);
  expect(aliases.map((a) => a.anonymous_id)).toEqual(['device-1', 'old-id']);
  const events = await t.h.db.query<Record<string, any>>('select * from events where workspace_id = $1 order by name', [ws]);
  // Order Completed is the one purchase model's `purchase` (see src/purchases/).
  expect(events.map((e) => e.name)).toEqual(['Viewed Product', 'alias', 'group', 'identify', 'page', 'purchase', 'screen']);
  expect(events.every((e) => e.contact_id === ann!.id && e.source === 'tracking')).toBe(true);
  const byName = Object.fromEntries(events.map((e) => [e.name, e]));
  expect(byName.purchase!.properties).toMatchObject({ total: 4520, currency: 'USD', source_event: 'Order Completed', $context: { library: { name: library } } });
  expect(Math.abs(new Date(byName.purchase!.occurred_at).getTime() - HISTORY.getTime())).toBeLessThan(5_000);
  expect(byName.page!.properties).toMatchObject({ name: 'Pricing', category: 'Docs', url: 'https://shop.test/pricing' });
  expect(byName.group!.properties).toMatchObject({ groupId: 'acme', traits: { name: 'Acme' } });
  expect(byName.alias!.properties).toMatchObject({ previousId: 'old-id' });
}

describe('Segment’s Node SDK (@segment/analytics-node)', () => {
  it('sends identify, track, page, screen, group and alias in batches that Rapport stores, once', async () => {
    const { ws, key } = await workspace();
    t.h.clock.set(new Date());
    const analytics = new SegmentAnalytics({ writeKey: key, host: url, flushAt: 4, maxRetries: 1 });
    const statuses: number[] = [];
    const batchSizes: number[] = [];
    const failures: unknown[] = [];
    analytics.on('http_request', (req) => batchSizes.push(JSON.parse(req.body).batch.length));
    analytics.on('http_response', (res) => statuses.push(res.status));
    analytics.on('error', (err) => failures.push(err));

    analytics.page({ anonymousId: 'device-1', name: 'Pricing', category: 'Docs', properties: { url: 'https://shop.test/pricing' } });
    analytics.track({ anonymousId: 'device-1', event: 'Viewed Product', properties: { sku: 'A-1' } });
    analytics.identify({ userId: 'user-ann', anonymousId: 'device-1', traits: { email: 'Ann@Example.com', name: 'Ann Lee', plan: 'pro' } });
    analytics.track({ userId: 'user-ann', event: 'Order Completed', properties: { total: 45.2 }, timestamp: HISTORY, messageId: 'order-1' });
    analytics.screen({ userId: 'user-ann', name: 'Home' });
    analytics.group({ userId: 'user-ann', groupId: 'acme', traits: { name: 'Acme' } });
    analytics.alias({ userId: 'user-ann', previousId: 'old-id' });
    // A retry of the same message (same messageId) is stored once.
    analytics.track({ userId: 'user-ann', event: 'Order Completed', properties: { total: 45.2 }, timestamp: HISTORY, messageId: 'order-1' });
    await analytics.closeAndFlush({ timeout: 10_000 });

    expect(failures).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    await expectStored(ws, '@segment/analytics-node');
  });

  it('gets a 400 it does not retry for an oversized event, and a 401 for a wrong key', async () => {
    const { key } = await workspace();
    const statuses: number[] = [];
    const bad = new SegmentAnalytics({ writeKey: 'rap_wrong', host: url, flushAt: 1, maxRetries: 3 });
    bad.on('http_response', (res) => statuses.push(res.status));
    bad.track({ userId: 'u', event: 'E' });
    await bad.closeAndFlush({ timeout: 10_000 });
    expect(statuses).toEqual([401]);

    const good = new SegmentAnalytics({ writeKey: key, host: url, flushAt: 1, maxRetries: 3 });
    const ok: number[] = [];
    good.on('http_response', (res) => ok.push(res.status));
    good.track({ userId: 'u', event: '' });
    await good.closeAndFlush({ timeout: 10_000 });
    expect(ok).toEqual([400]);
  });
});

describe('RudderStack’s Node SDK (@rudderstack/rudder-sdk-node)', () => {
  it('sends gzipped batches that Rapport stores, once', async () => {
    const { ws, key } = await workspace();
    t.h.clock.set(new Date());
    const client = new RudderAnalytics(key, { dataPlaneUrl: url, flushAt: 4, flushInterval: 50, logLevel: 'error', retryCount: 0 });
    client.page({ anonymousId: 'device-1', name: 'Pricing', category: 'Docs', properties: { url: 'https://shop.test/pricing' } });
    client.track({ anonymousId: 'device-1', event: 'Viewed Product', properties: { sku: 'A-1' } });
    client.identify({ userId: 'user-ann', anonymousId: 'device-1', traits: { email: 'Ann@Example.com', firstName: 'Ann', lastName: 'Lee', plan: 'pro' } });
    client.track({ userId: 'user-ann', event: 'Order Completed', properties: { total: 45.2 }, timestamp: HISTORY, messageId: 'order-1' } as never);
    client.screen({ userId: 'user-ann', name: 'Home' });
    client.group({ userId: 'user-ann', groupId: 'acme', traits: { name: 'Acme' } });
    client.alias({ userId: 'user-ann', previousId: 'old-id' });
    client.track({ userId: 'user-ann', event: 'Order Completed', properties: { total: 45.2 }, timestamp: HISTORY, messageId: 'order-1' } as never);
    await client.flush();
    await new Promise((r) => setTimeout(r, 200));
    await client.flush();
    await expectStored(ws, 'analytics-node');
  });
});
