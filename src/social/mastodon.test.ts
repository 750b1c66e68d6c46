// Mastodon against a local server written from Mastodon's API docs (src/testing/mastodon-server.ts),
// driven through masto as Rapport drives a real server: connecting by OAuth or with a pasted
// access token, publishing with media exactly once, each server's own limits, listening
// (mentions, replies, hashtags) with sentiment and contacts, the rate-limit window, and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { startMastodonServer, type MastodonServer, type TestAccount } from '../testing/mastodon-server.ts';
import { connectAccount } from './accounts.ts';
import { fetchDueStreams } from './listen.ts';
import { finishMastodonAuthorization, startMastodonAuthorization } from './oauth.ts';
import { addImage, createPost, getPost, schedulePost } from './posts.ts';
import { mastodonAdapter } from './networks/mastodon.ts';
import { publishDue, refreshMetrics } from './publish.ts';

const t = useHarness();
const servers: MastodonServer[] = [];
let server: MastodonServer;
let shop: TestAccount;
let ann: TestAccount;
let bob: TestAccount;
let workspaceId: string;
let userId: string;
let accountId: string;
/** The first post published: the one customers answer and like. */
let published: { deliveryId: string; remoteId: string };

const OOB = 'urn:ietf:wg:oauth:2.0:oob';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const FIVE_MINUTES = 300_000;

const ctx = () => t.h.ctx;
const start = async (options: Parameters<typeof startMastodonServer>[0] = {}) => {
  const s = await startMastodonServer(options);
  servers.push(s);
  return s;
};
const withText = (s: MastodonServer, text: string) => s.statuses().filter((x) => x.content.includes(text));
/** The streams due now, as the next minute's run would find them. */
const nextMinute = () => t.h.clock.advance(61_000);

beforeAll(async () => {
  server = await start();
  shop = server.createAccount('cupcakes', 'Jasmine’s Cupcakes');
  ann = server.createAccount('ann', 'Ann');
  bob = server.createAccount('bob', 'Bob');
  ({ workspaceId, userId } = await t.h.signUp());
});

afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('connecting a Mastodon account', () => {
  it('by OAuth: Rapport registers on the server once, the member allows it there, and the code gives the account', async () => {
    const { authorizeUrl, serverUrl } = await startMastodonAuthorization(ctx(), workspaceId, `${server.url}/`, null);
    expect(serverUrl).toBe(server.url);
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/oauth/authorize`);
    expect(authorizeUrl).toContain('scope=read+write');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', redirect_uri: OOB, scope: 'read write' });
    const clientId = url.searchParams.get('client_id')!;
    // The server's own authorize page knows the app.
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Authorize Rapport');

    // Started again (a member who closed the tab): the same app, not a second one.
    const again = await startMastodonAuthorization(ctx(), workspaceId, server.url, null);
    expect(new URL(again.authorizeUrl).searchParams.get('client_id')).toBe(clientId);
    const apps = await t.h.db.query<{ client_id: string; client_secret: string }>('select client_id, client_secret from social_oauth_apps where workspace_id = $1', [workspaceId]);
    expect(apps).toEqual([{ client_id: clientId, client_secret: expect.stringMatching(/^v1\./) }]);

    await expect(finishMastodonAuthorization(ctx(), workspaceId, userId, { serverUrl, code: 'not-a-code', redirectUri: null })).rejects.toMatchObject({
      code: 'connect_failed',
      message: expect.stringMatching(/^Mastodon refused the code: The provided authorization grant is invalid.*\. Start again/),
    });

    const code = server.authorizeCode(clientId, OOB, 'cupcakes', 'read write');
    const account = await finishMastodonAuthorization(ctx(), workspaceId, userId, { serverUrl, code: ` ${code} `, redirectUri: null });
    expect(account).toMatchObject({ network: 'mastodon', serverUrl: server.url, handle: 'cupcakes@social.test', remoteId: shop.id, displayName: 'Jasmine’s Cupcakes', state: 'connected' });
    expect(account.limits).toMatchObject({ maxChars: 500, maxImages: 4 });
    accountId = account.id;
    // A code works once.
    await expect(finishMastodonAuthorization(ctx(), workspaceId, userId, { serverUrl, code, redirectUri: null })).rejects.toThrow(/^Mastodon refused the code/);
  });

  it('refuses a server that will not register Rapport, in its own words, and a server on a private network', async () => {
    await expect(startMastodonAuthorization(ctx(), workspaceId, server.url, 'not an address')).rejects.toMatchObject({
      kind: 'invalid',
      code: 'connect_failed',
      message: `${new URL(server.url).host} did not let Rapport register as an app: Validation failed: Redirect URI must be an absolute URI.`,
    });
    const strict = { ...ctx(), config: { ...ctx().config, socialAllowPrivate: false } };
    await expect(startMastodonAuthorization(strict, workspaceId, server.url, null)).rejects.toThrow('The server 127.0.0.1 is on a network Rapport does not call.');
    // Finishing without having started on that server.
    await expect(finishMastodonAuthorization(ctx(), workspaceId, userId, { serverUrl: server.url, code: 'x', redirectUri: 'https://rapport.example/back' })).rejects.toThrow(
      /start connecting the account again/,
    );
  });

  it('with a pasted access token (the same account again), a wrong one refused in Mastodon’s words, and the token kept encrypted', async () => {
    await expect(connectAccount(ctx(), workspaceId, userId, { network: 'mastodon', serverUrl: server.url, secret: 'not-a-token' })).rejects.toMatchObject({
      code: 'connect_failed',
      message: 'Mastodon refused the access token: The access token is invalid',
    });
    const account = await connectAccount(ctx(), workspaceId, userId, { network: 'mastodon', serverUrl: server.url, secret: ` ${shop.token}\n` });
    expect(account).toMatchObject({ id: accountId, handle: 'cupcakes@social.test', state: 'connected' });
    const [stored] = await t.h.db.query<{ credentials: string }>('select credentials from social_accounts where id = $1', [accountId]);
    expect(stored!.credentials).toMatch(/^v1\./);
    expect(stored!.credentials).not.toContain(shop.token);
  });

  it('keeps two accounts apart when two servers give them the same id', async () => {
    const member = await t.h.signUp();
    // Mastodon's ids are time-based: two servers on the same clock give their first account the same one.
    const now = () => new Date('2026-03-01T09:00:00Z');
    const [a, b] = [await start({ domain: 'a.test', now }), await start({ domain: 'b.test', now })];
    const [onA, onB] = [a.createAccount('shop'), b.createAccount('other')];
    expect(onA.id).toBe(onB.id);
    const first = await connectAccount(ctx(), member.workspaceId, member.userId, { network: 'mastodon', serverUrl: a.url, secret: onA.token });
    const second = await connectAccount(ctx(), member.workspaceId, member.userId, { network: 'mastodon', serverUrl: b.url, secret: onB.token });
    expect(second.id).not.toBe(first.id);
    const rows = await t.h.db.query<{ handle: string }>('select handle from social_accounts where workspace_id = $1 order by handle', [member.workspaceId]);
    expect(rows.map((r) => r.handle)).toEqual(['other@b.test', 'shop@a.test']);
  });
});

describe('publishing on Mastodon', () => {
  it('publishes a post with an image and its description once, and once only after a crash', async () => {
    const text = 'Fresh lemon cupcakes today at the shop #cupcakes';
    const post = await createPost(ctx(), workspaceId, userId, { text, accountIds: [accountId] });
    await addImage(ctx(), workspaceId, post.id, { bytes: PNG, mime: 'image/png', alt: 'A lemon cupcake on a blue plate' });
    await schedulePost(ctx(), workspaceId, post.id, null);
    expect(await publishDue(ctx())).toMatchObject({ published: 1, failed: 0 });
    const [delivery] = (await getPost(t.h.db, workspaceId, post.id)).deliveries;
    const [status] = withText(server, 'Fresh lemon cupcakes');
    expect(delivery).toMatchObject({ state: 'published', error: null, remoteId: status!.id, remoteUrl: `https://social.test/@cupcakes/${status!.id}` });
    expect(status!.account.id).toBe(shop.id);
    expect(status!.visibility).toBe('public');
    expect(status!.media_attachments.map((m) => [m.type, m.description])).toEqual([['image', 'A lemon cupcake on a blue plate']]);
    published = { deliveryId: delivery!.id, remoteId: delivery!.remoteId! };

    // A worker that died after Mastodon took the post and before recording it: when the lease is
    // over, the post is found on the account, not posted again.
    await t.h.db.query(`update social_deliveries set state = 'publishing', lease_until = $2, remote_id = null where id = $1`, [delivery!.id, new Date(t.h.clock.now().getTime() - 60_000)]);
    expect(await publishDue(ctx())).toMatchObject({ published: 0, reconciled: 1 });
    expect(withText(server, 'Fresh lemon cupcakes')).toHaveLength(1);
    expect((await getPost(t.h.db, workspaceId, post.id)).deliveries[0]).toMatchObject({ state: 'published', remoteId: status!.id, attempts: 2 });
  });

  it('finds a post killed before its bookkeeping among the account’s statuses, however many came since', async () => {
    // Mastodon shows the mention as @ann: the post is looked for by its words, not its HTML.
    const post = await createPost(ctx(), workspaceId, userId, { text: 'Open late on Friday for the market, thanks @ann@social.test for the idea', accountIds: [accountId] });
    await schedulePost(ctx(), workspaceId, post.id, null);
    const killed = await publishDue(ctx(), {
      afterAccepted: () => {
        throw new Error('the worker was killed');
      },
    });
    expect(killed).toMatchObject({ published: 0, retrying: 1 });
    expect((await getPost(t.h.db, workspaceId, post.id)).deliveries[0]).toMatchObject({ state: 'publishing', remoteId: null, error: 'the worker was killed (trying again)' });
    // A busy account: more statuses since than one page holds.
    for (let i = 0; i < 45; i++) server.post(shop.token, { status: `Today’s special, number ${i + 1}` });
    t.h.clock.advance(ctx().config.socialLeaseSeconds * 1000 + 1000);
    expect(await publishDue(ctx())).toMatchObject({ published: 0, reconciled: 1, failed: 0 });
    const [status] = withText(server, 'Open late on Friday');
    expect(withText(server, 'Open late on Friday')).toHaveLength(1);
    expect((await getPost(t.h.db, workspaceId, post.id)).deliveries[0]).toMatchObject({ state: 'published', remoteId: status!.id, error: null });
  });

  it('gives the first status again for a second publish under the same Idempotency-Key', async () => {
    const connection = await mastodonAdapter.connect({ serverUrl: server.url, secret: shop.token });
    const draft = { text: 'Lemon week starts on Monday', images: [] };
    const first = await connection.publish(draft, 'delivery-key-1');
    const again = await connection.publish(draft, 'delivery-key-1');
    expect(again).toEqual(first);
    expect(withText(server, 'Lemon week starts')).toHaveLength(1);
    // Another key is another post.
    expect((await connection.publish(draft, 'delivery-key-2')).remoteId).not.toBe(first.remoteId);
  });

  it('refuses, when scheduling, a post over Mastodon’s length or image limit, counting each link as 23', async () => {
    const long = await createPost(ctx(), workspaceId, userId, { text: 'a'.repeat(501), accountIds: [accountId] });
    await expect(schedulePost(ctx(), workspaceId, long.id, null)).rejects.toMatchObject({
      code: 'post_over_limits',
      message: 'Mastodon allows 500 characters in a post (each link counts as 23); this text has 501. (cupcakes@social.test)',
    });
    const five = await createPost(ctx(), workspaceId, userId, { text: 'Our five best sellers', accountIds: [accountId] });
    for (let i = 0; i < 5; i++) await addImage(ctx(), workspaceId, five.id, { bytes: PNG, mime: 'image/png', alt: `Cupcake ${i + 1}` });
    await expect(schedulePost(ctx(), workspaceId, five.id, null)).rejects.toThrow('Mastodon allows 4 images in a post; this post has 5.');
    expect((await getPost(t.h.db, workspaceId, five.id)).state).toBe('draft');

    // 476 letters, a space and a 220-character link: 500 as Mastodon counts, and the server agrees.
    const link = `https://shop.example.com/menu/${'lemon-'.repeat(32)}cupcake`;
    expect(link.length).toBeGreaterThan(200);
    // The full stop after a link is not part of it: 501.
    const stop = await createPost(ctx(), workspaceId, userId, { text: `${'b'.repeat(476)} ${link}.`, accountIds: [accountId] });
    await expect(schedulePost(ctx(), workspaceId, stop.id, null)).rejects.toThrow('this text has 501.');
    const linked = await createPost(ctx(), workspaceId, userId, { text: `${'b'.repeat(476)} ${link}`, accountIds: [accountId] });
    await schedulePost(ctx(), workspaceId, linked.id, null);
    expect(await publishDue(ctx())).toMatchObject({ published: 1, failed: 0 });
    expect((await getPost(t.h.db, workspaceId, linked.id)).deliveries[0]!.state).toBe('published');
    expect(withText(server, 'bbbbbbbbbb')).toHaveLength(1);
  });

  it('reads a server’s own limits when connecting: 700 characters where the server allows 1,000', async () => {
    const big = await start({ domain: 'big.test', maxCharacters: 1000 });
    big.createAccount('cupcakes');
    const bigAccount = await connectAccount(ctx(), workspaceId, userId, { network: 'mastodon', serverUrl: big.url, secret: big.createAccount('jasmine').token });
    expect(bigAccount).toMatchObject({ handle: 'jasmine@big.test', limits: { maxChars: 1000 } });
    const text = 'Our whole autumn menu. '.repeat(31).slice(0, 700);
    // For both accounts: only the one on the 500-character server is over.
    const both = await createPost(ctx(), workspaceId, userId, { text, accountIds: [accountId, bigAccount.id] });
    await expect(schedulePost(ctx(), workspaceId, both.id, null)).rejects.toThrow(/^Mastodon allows 500 characters in a post \(each link counts as 23\); this text has 700\. \(cupcakes@social\.test\)$/);
    const post = await createPost(ctx(), workspaceId, userId, { text, accountIds: [bigAccount.id] });
    await schedulePost(ctx(), workspaceId, post.id, null);
    expect(await publishDue(ctx())).toMatchObject({ published: 1, failed: 0 });
    expect(big.statuses()).toHaveLength(1);
  });
});

describe('listening on Mastodon', () => {
  it('stores a known customer’s mention once, with its sentiment, on their timeline', async () => {
    const [contact] = await t.h.db.query<{ id: string }>(
      `insert into contacts (workspace_id, email, properties) values ($1, 'ann@example.com', '{"mastodon_handle": "@Ann@social.test"}') returning id`,
      [workspaceId],
    );
    server.post(ann.token, { status: '@cupcakes The cupcakes were stale and the service was awful.', language: 'en' });
    const first = await fetchDueStreams(ctx(), { workspaceId });
    expect(first).toMatchObject({ stored: 1, matched: 1, failed: 0 });
    const mentions = await t.h.db.query<{ kind: string; sentiment: string; contact_id: string; author_handle: string; author_name: string; language: string; text: string; url: string }>(
      'select kind, sentiment, contact_id, author_handle, author_name, language, text, url from social_mentions where workspace_id = $1',
      [workspaceId],
    );
    expect(mentions).toEqual([
      {
        kind: 'mention',
        sentiment: 'negative',
        contact_id: contact!.id,
        author_handle: 'ann@social.test',
        author_name: 'Ann',
        language: 'en',
        text: '@cupcakes The cupcakes were stale and the service was awful.',
        url: expect.stringMatching(/^https:\/\/social\.test\/@ann\/\d+$/),
      },
    ]);
    const events = await t.h.db.query<{ contact_id: string; properties: Record<string, unknown> }>(
      `select contact_id, properties from events where workspace_id = $1 and name = 'social.mentioned'`,
      [workspaceId],
    );
    expect(events).toEqual([{ contact_id: contact!.id, properties: expect.objectContaining({ network: 'mastodon', kind: 'mention', sentiment: 'negative', handle: 'ann@social.test' }) }]);

    // The next minute, from the cursor: nothing new.
    nextMinute();
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ found: 0, stored: 0, failed: 0 });
    // Fetched again from the start (the cursor lost): found again, still stored once, one event.
    await t.h.db.query(`update social_streams set cursor = null, next_fetch_at = $2 where workspace_id = $1`, [workspaceId, t.h.clock.now()]);
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ found: 1, stored: 0 });
    const [{ n }] = (await t.h.db.query<{ n: number }>(`select count(*)::int as n from events where workspace_id = $1 and name = 'social.mentioned'`, [workspaceId])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('keeps the rate-limit window the server reports', async () => {
    const [row] = await t.h.db.query<{ rate_limit: number; rate_remaining: number; rate_reset_at: Date }>('select rate_limit, rate_remaining, rate_reset_at from social_accounts where id = $1', [accountId]);
    expect(row!.rate_limit).toBe(300);
    expect(row!.rate_remaining).toBeGreaterThan(0);
    expect(row!.rate_remaining).toBeLessThan(300 - 3);
    // X-RateLimit-Reset: the end of the server's five-minute window, not a time Rapport counted.
    expect(row!.rate_reset_at.getTime() % FIVE_MINUTES).toBe(0);
    expect(row!.rate_reset_at.getTime()).toBeGreaterThan(Date.now());
  });

  it('ties a reply to the shop’s post to that post', async () => {
    server.post(bob.token, { status: '@cupcakes Love these, see you Saturday!', in_reply_to_id: published.remoteId, language: 'en' });
    nextMinute();
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ stored: 1, matched: 0 });
    const [reply] = await t.h.db.query<{ kind: string; delivery_id: string; sentiment: string; author_handle: string; contact_id: string | null }>(
      `select kind, delivery_id, sentiment, author_handle, contact_id from social_mentions where workspace_id = $1 and kind = 'reply'`,
      [workspaceId],
    );
    expect(reply).toEqual({ kind: 'reply', delivery_id: published.deliveryId, sentiment: 'positive', author_handle: 'bob@social.test', contact_id: null });
  });

  it('finds a hashtag’s posts by others', async () => {
    await t.h.db.query(`insert into social_streams (workspace_id, account_id, kind, query, next_fetch_at) values ($1, $2, 'hashtag', 'cupcakes', $3)`, [workspaceId, accountId, t.h.clock.now()]);
    server.post(bob.token, { status: 'Best #Cupcakes in town, honestly', language: 'en' });
    server.post(bob.token, { status: 'Nothing about baking here', language: 'en' });
    const found = await fetchDueStreams(ctx(), { workspaceId });
    // The shop's own #cupcakes post is not a mention of the shop.
    expect(found).toMatchObject({ found: 1, stored: 1, failed: 0 });
    const tagged = await t.h.db.query<{ kind: string; author_handle: string; text: string }>(`select kind, author_handle, text from social_mentions where workspace_id = $1 and kind = 'hashtag'`, [workspaceId]);
    expect(tagged).toEqual([{ kind: 'hashtag', author_handle: 'bob@social.test', text: 'Best #Cupcakes in town, honestly' }]);
  });

  it('stores a post holding a NUL and half an emoji (PostgreSQL holds neither) with the rest of its text, and goes on', async () => {
    server.post(bob.token, { status: '@cupcakes Lovely\u0000 cake \ud83c', language: 'en' });
    server.post(bob.token, { status: '@cupcakes And the coffee too', language: 'en' });
    nextMinute();
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ found: 2, stored: 2, failed: 0 });
    const texts = await t.h.db.query<{ text: string }>(`select text from social_mentions where workspace_id = $1 and author_handle = 'bob@social.test' and text like '%Lovely%'`, [workspaceId]);
    expect(texts.map((r) => r.text)).toEqual(['@cupcakes Lovely cake \ufffd']);
  });
});

describe('metrics', () => {
  it('stores likes, reposts and replies of a published post when its time comes', async () => {
    server.favourite(published.remoteId, ann.id);
    server.favourite(published.remoteId, bob.id);
    server.reblog(published.remoteId, ann.id);
    // Not yet: the first figures come a quarter of an hour after publishing.
    expect(await refreshMetrics(ctx())).toBe(0);
    t.h.clock.advance(16 * 60_000);
    expect(await refreshMetrics(ctx())).toBeGreaterThanOrEqual(1);
    const [delivery] = (await getPost(t.h.db, workspaceId, (await postOf(published.deliveryId))!)).deliveries;
    expect(delivery!.metrics).toMatchObject({ likes: 2, reposts: 1, replies: 1, at: t.h.clock.now() });
  });
});

async function postOf(deliveryId: string): Promise<string | undefined> {
  const [row] = await t.h.db.query<{ post_id: string }>('select post_id from social_deliveries where id = $1', [deliveryId]);
  return row?.post_id;
}

describe('the rate-limit window', () => {
  it('keeps a stream waiting for the window to pass when the account has used it, instead of failing', async () => {
    // A server allowing 5 requests per five minutes, on the harness's clock, at the start of a window.
    t.h.clock.set(new Date((Math.floor(t.h.clock.now().getTime() / FIVE_MINUTES) + 1) * FIVE_MINUTES + 1000));
    const tiny = await start({ domain: 'tiny.test', rateLimit: 5, now: () => t.h.clock.now() });
    const owner = tiny.createAccount('cupcakes');
    const carol = tiny.createAccount('carol');
    const member = await t.h.signUp();
    const account = await connectAccount(ctx(), member.workspaceId, member.userId, { network: 'mastodon', serverUrl: tiny.url, secret: owner.token });
    tiny.post(carol.token, { status: '@cupcakes Are you open on Sunday?', language: 'en' });

    // Connecting (2 requests), then signing in and fetching (3): the window is used up.
    expect(await fetchDueStreams(ctx(), { workspaceId: member.workspaceId })).toMatchObject({ streams: 1, stored: 1, failed: 0 });
    const windowEnd = new Date(Math.ceil(t.h.clock.now().getTime() / FIVE_MINUTES) * FIVE_MINUTES);
    const [row] = await t.h.db.query<{ rate_limit: number; rate_remaining: number; rate_reset_at: Date }>('select rate_limit, rate_remaining, rate_reset_at from social_accounts where id = $1', [account.id]);
    expect(row).toEqual({ rate_limit: 5, rate_remaining: 0, rate_reset_at: windowEnd });

    // The next minute: the stream waits for the window, without asking the server (which would answer 429).
    tiny.post(carol.token, { status: '@cupcakes And on Monday?', language: 'en' });
    nextMinute();
    const asked = tiny.requestCount;
    expect(await fetchDueStreams(ctx(), { workspaceId: member.workspaceId })).toMatchObject({ streams: 0, failed: 0 });
    expect(tiny.requestCount).toBe(asked);
    const [stream] = await t.h.db.query<{ next_fetch_at: Date; last_error: string | null }>('select next_fetch_at, last_error from social_streams where account_id = $1', [account.id]);
    expect(stream).toEqual({ next_fetch_at: windowEnd, last_error: null });

    // Once the window has passed, it is fetched again.
    t.h.clock.set(windowEnd);
    expect(await fetchDueStreams(ctx(), { workspaceId: member.workspaceId })).toMatchObject({ streams: 1, stored: 1, failed: 0 });
  });
});
