// Social through its API, against a Mastodon server on loopback (written from Mastodon's API
// docs, driven by the masto client): an exclusive code shared in a post and redeemed at the
// checkout is traced to the post and its network; a negative mention by a customer starts a
// service workflow; the calendar is an iCalendar feed; clicks are counted; one workspace never
// sees another's accounts or posts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonServer } from '../testing/mastodon-server.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop, type Shop } from '../testing/workflows.ts';
import type { ApiClient } from '../testing/client.ts';
import { recomputeSegments } from '../segments/membership.ts';
import { fetchDueStreams } from './listen.ts';
import { publishDue } from './publish.ts';

const t = useHarness();
let server: Awaited<ReturnType<typeof startMastodonServer>>;
let shop: Shop;
let api: ApiClient;
let accountId: string;
let owner: ReturnType<Awaited<ReturnType<typeof startMastodonServer>>['createAccount']>;

beforeAll(async () => {
  server = await startMastodonServer({ domain: 'social.test' });
  owner = server.createAccount('cupcakes', 'Jasmine’s Cupcakes');
  shop = await openShop(t.h);
  api = (await t.h.apiKey(shop.workspaceId, 'full')).client;
});

afterAll(async () => {
  await server?.close();
});

const due = () => t.h.db.query(`update social_streams set next_fetch_at = now() - interval '1 minute' where workspace_id = $1`, [shop.workspaceId]);

describe('social through the API', () => {
  it('connects a Mastodon account with an access token, and refuses a wrong one in Mastodon’s words', async () => {
    const wrong = await api.post('/api/v1/social/accounts', { network: 'mastodon', serverUrl: server.url, secret: 'not-a-token' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/^Mastodon refused the access token: /);
    const res = await api.post('/api/v1/social/accounts', { network: 'mastodon', serverUrl: server.url, secret: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ network: 'mastodon', handle: 'cupcakes@social.test', state: 'connected', streams: [{ kind: 'mentions' }] });
    expect(res.body.limits).toMatchObject({ maxChars: 500, maxImages: 4 });
    accountId = res.body.id;
  });

  it('refuses to schedule a post over Mastodon’s limit, naming the network and the limit, and keeps it a draft', async () => {
    const post = (await api.post('/api/v1/social/posts', { text: 'x'.repeat(501), accountIds: [accountId] })).body;
    const res = await api.post(`/api/v1/social/posts/${post.id}/schedule`, { at: null });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Mastodon allows 500 characters in a post (each link counts as 23); this text has 501. (cupcakes@social.test)');
    expect((await api.get(`/api/v1/social/posts/${post.id}`)).body.state).toBe('draft');
    const check = (await api.get(`/api/v1/social/posts/${post.id}/check`)).body;
    expect(check.networks).toEqual([expect.objectContaining({ network: 'mastodon', length: 501, maxChars: 500, problems: [expect.stringContaining('500 characters')] })]);
  });

  it('traces a per-post coupon code redeemed at the checkout to the post and its network, and counts clicks on its link', async () => {
    const campaign = (await api.post('/api/v1/coupons/campaigns', { name: 'Followers 15 %', codeKind: 'unique', discount: { kind: 'percent', percent: 15 }, channel: 'social' })).body;
    (t.h.ctx.config as { publicUrl?: string }).publicUrl = 'https://rapport.example';
    try {
      const created = await api.post('/api/v1/social/posts', {
        text: 'Only for our followers: {{ coupon.code }} takes 15% off this weekend https://shop.example/cupcakes',
        accountIds: [accountId],
        coupon: { campaignId: campaign.id, mode: 'per_post' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const scheduled = await api.post(`/api/v1/social/posts/${created.body.id}/schedule`, { at: null });
      expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
      const code = scheduled.body.deliveries[0].couponCode as string;
      expect(code).toMatch(/^[A-Z0-9]{8}$/);
      expect(await publishDue(t.h.ctx)).toMatchObject({ published: 1 });
      const status = server.statuses().at(-1)!;
      expect(status.content).toContain(code);
      // The link points at Rapport's click counter, which sends the reader on to the shop.
      const tracked = /href="(https:\/\/rapport\.example\/go\/[^"]+)"/.exec(status.content)![1]!.replaceAll('&amp;', '&');
      const click = await t.h.app.inject({ method: 'GET', url: tracked.replace('https://rapport.example', '') });
      expect(click.statusCode).toBe(302);
      expect(click.headers.location).toBe('https://shop.example/cupcakes');
      const elsewhere = await t.h.app.inject({ method: 'GET', url: `${new URL(tracked).pathname}?u=${encodeURIComponent('https://evil.example/')}` });
      expect(elsewhere.statusCode).toBe(404);

      const shopKey = (await t.h.apiKey(shop.workspaceId, 'shop')).client;
      const redeemed = await shopKey.post('/api/v1/coupons/redeem', { code, amount: 4000, currency: 'EUR', orderId: 'order-1' });
      expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
      const results = (await api.get(`/api/v1/social/posts/${created.body.id}/results`)).body;
      expect(results.sharedCode).toBe(false);
      expect(results.clicksCounted).toBe(true);
      expect(results.deliveries).toEqual([
        expect.objectContaining({ network: 'mastodon', handle: 'cupcakes@social.test', code, clicks: 1, revenue: [{ currency: 'EUR', orders: 4000, discount: 600, redemptions: 1 }] }),
      ]);
      // The campaign's report splits its results by post.
      const detail = (await api.get(`/api/v1/coupons/campaigns/${campaign.id}`)).body;
      expect(detail.byChannel).toEqual([expect.objectContaining({ channel: 'social', channelDetail: 'Mastodon post by cupcakes@social.test: “Only for our followers: takes 15% off this weekend https://…”', redemptions: 1 })]);
    } finally {
      (t.h.ctx.config as { publicUrl?: string }).publicUrl = undefined;
    }
  });

  it('starts a service workflow when a customer mentions the shop negatively, and not for praise; the segment “mentioned us negatively in the last 30 days” holds them', async () => {
    const wf = await shop.publish('Unhappy on social', {
      trigger: { kind: 'event', event: 'social.mentioned', where: [{ property: 'sentiment', type: 'string', op: 'eq', value: 'negative' }] },
      reentry: { policy: 'once' },
      start: 'tag',
      steps: { tag: { kind: 'update_contact', field: 'lifecycle_stage', value: 'churned', next: null } },
    });
    const unhappy = server.createAccount('ann', 'Ann');
    const happy = server.createAccount('bob', 'Bob');
    const ann = await shop.contact({ firstName: 'Ann', properties: {} });
    const bob = await shop.contact({ firstName: 'Bob' });
    await t.h.db.query(`update contacts set properties = properties || $2::jsonb where id = $1`, [ann, JSON.stringify({ mastodon_handle: '@Ann@social.test' })]);
    await t.h.db.query(`update contacts set properties = properties || $2::jsonb where id = $1`, [bob, JSON.stringify({ mastodon_handle: 'https://social.test/@bob' })]);
    server.post(unhappy.token, { status: '@cupcakes my order arrived late and the cupcakes were stale. Very disappointed.' });
    server.post(happy.token, { status: '@cupcakes the best lemon cupcakes in town, thank you!' });
    await due();
    expect(await fetchDueStreams(t.h.ctx, { workspaceId: shop.workspaceId })).toMatchObject({ stored: 2, matched: 2, failed: 0 });
    await shop.run();
    expect((await shop.enrollments(wf)).map((e: { contact_id: string }) => e.contact_id)).toEqual([ann]);

    // The same condition as a segment: "mentioned us negatively in the last 30 days".
    const segment = await api.post('/api/v1/segments', {
      name: 'Unhappy on social lately',
      definition: {
        kind: 'group',
        op: 'and',
        children: [{ kind: 'event', event: 'social.mentioned', where: [{ property: 'sentiment', type: 'string', op: 'eq', value: 'negative' }], window: { type: 'last_days', days: 30 } }],
      },
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
    // What the segments job does with a new segment (this harness works no jobs).
    await recomputeSegments(t.h.ctx, shop.workspaceId, [segment.body.id]);
    const seg = (await api.get(`/api/v1/segments/${segment.body.id}`)).body;
    expect(seg).toMatchObject({ memberCount: 1 });
    const members = (await api.get(`/api/v1/segments/${seg.id}/members?limit=10`)).body.items.map((c: { id: string }) => c.id);
    expect(members).toEqual([ann]);

    const negative = (await api.get('/api/v1/social/mentions?sentiment=negative&known=true')).body.mentions;
    expect(negative).toEqual([expect.objectContaining({ authorHandle: 'ann@social.test', sentiment: 'negative', contact: expect.objectContaining({ id: ann }), matchedBy: 'handle' })]);
    const timeline = (await api.get(`/api/v1/contacts/${ann}/events?limit=20`)).body;
    expect(JSON.stringify(timeline)).toContain('social.mentioned');
    const summaryRes = await api.get('/api/v1/social/mentions/summary?days=7');
    expect(summaryRes.status, JSON.stringify(summaryRes.body)).toBe(200);
    const summary = summaryRes.body;
    expect(summary.totals).toMatchObject({ mentions: 2, negative: 1, positive: 1, known: 2 });
    expect(summary.authors.map((a: { handle: string }) => a.handle).sort()).toEqual(['ann@social.test', 'bob@social.test']);
  });

  it('ties a stranger’s mention to a contact by hand: the contact gets the handle and the event', async () => {
    const carol = server.createAccount('carol', 'Carol');
    server.post(carol.token, { status: '@cupcakes do you deliver on Sundays?' });
    await due();
    await fetchDueStreams(t.h.ctx, { workspaceId: shop.workspaceId });
    const [mention] = (await api.get('/api/v1/social/mentions?q=Sundays')).body.mentions;
    expect(mention).toMatchObject({ authorHandle: 'carol@social.test', contact: null });
    const contact = await shop.contact({ firstName: 'Carol' });
    expect((await api.put(`/api/v1/social/mentions/${mention.id}/contact`, { contactId: contact })).status).toBe(204);
    const [again] = (await api.get('/api/v1/social/mentions?q=Sundays')).body.mentions;
    expect(again).toMatchObject({ contact: expect.objectContaining({ id: contact }), matchedBy: 'hand' });
    const c = (await api.get(`/api/v1/contacts/${contact}`)).body;
    expect(c.properties).toMatchObject({ mastodon_handle: 'carol@social.test' });
    const [{ n }] = (await t.h.db.query<{ n: number }>(`select count(*)::int as n from events where contact_id = $1 and name = 'social.mentioned'`, [contact])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('serves the calendar as an iCalendar feed at a signed address, and nothing at a changed one', async () => {
    const post = (await api.post('/api/v1/social/posts', { text: 'Pumpkin spice week starts Monday', accountIds: [accountId] })).body;
    const at = new Date(t.h.clock.now().getTime() + 3 * 86_400_000);
    expect((await api.post(`/api/v1/social/posts/${post.id}/schedule`, { at: at.toISOString() })).status).toBe(200);
    const { url } = (await api.get('/api/v1/social/calendar/feed')).body as { url: string };
    const path = new URL(url).pathname;
    const feed = await t.h.app.inject({ method: 'GET', url: path });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.body).toContain('SUMMARY:Post: Pumpkin spice week starts Monday');
    const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    expect(feed.body).toContain(`DTSTART:${stamp}`);
    const changed = path.replace(/\/([A-Za-z0-9_-])([A-Za-z0-9_-]*)\.ics$/, (_m, a: string, b: string) => `/${a === 'A' ? 'B' : 'A'}${b}.ics`);
    expect((await t.h.app.inject({ method: 'GET', url: changed })).statusCode).toBe(404);
  });

  it('keeps one workspace’s accounts and posts from another', async () => {
    const other = await t.h.signUp();
    expect((await other.client.get('/api/v1/social/accounts')).body.accounts).toEqual([]);
    const [post] = await t.h.db.query<{ id: string }>('select id from social_posts where workspace_id = $1 limit 1', [shop.workspaceId]);
    expect((await other.client.get(`/api/v1/social/posts/${post!.id}`)).status).toBe(404);
    expect((await other.client.post('/api/v1/social/posts', { text: 'hi', accountIds: [accountId] })).status).toBe(400);
    expect((await other.client.delete(`/api/v1/social/accounts/${accountId}`)).status).toBe(404);
  });
});
