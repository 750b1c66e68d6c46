// Bluesky against the reference implementation on loopback (@atproto/dev-env: a PLC, a PDS and,
// when PostgreSQL answers, the AppView that serves notifications and search): connecting with
// an app password, publishing with facets and images exactly once, and listening.
import { RichText } from '@atproto/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyNetwork, type BlueskyNetwork } from '../testing/bluesky-network.ts';
import { useHarness } from '../testing/harness.ts';
import { connectAccount } from './accounts.ts';
import { fetchDueStreams } from './listen.ts';
import { addImage, createPost, getPost, schedulePost } from './posts.ts';
import { publishDue } from './publish.ts';

const t = useHarness();
let net: BlueskyNetwork;
let shop: Awaited<ReturnType<BlueskyNetwork['createUser']>>;
let ann: Awaited<ReturnType<BlueskyNetwork['createUser']>>;
let workspaceId: string;
let userId: string;
let accountId: string;

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  net = await startBlueskyNetwork();
  shop = await net.createUser('cupcakes.test', { displayName: 'Jasmine’s Cupcakes' });
  ann = await net.createUser('ann.test');
  const member = await t.h.signUp();
  workspaceId = member.workspaceId;
  userId = member.userId;
}, 60_000);

afterAll(async () => {
  await net?.close();
});

const ctx = () => t.h.ctx;

describe('a Bluesky account', () => {
  it('connects with its handle and an app password, and a wrong password is refused in Bluesky’s words', async () => {
    await expect(connectAccount(ctx(), workspaceId, userId, { network: 'bluesky', serverUrl: net.pdsUrl, identifier: 'cupcakes.test', secret: 'not-the-password' })).rejects.toThrow(
      /Bluesky refused the sign-in/,
    );
    const account = await connectAccount(ctx(), workspaceId, userId, { network: 'bluesky', serverUrl: net.pdsUrl, identifier: '@cupcakes.test', secret: shop.appPassword });
    expect(account).toMatchObject({ network: 'bluesky', handle: 'cupcakes.test', remoteId: shop.did, displayName: 'Jasmine’s Cupcakes', state: 'connected' });
    accountId = account.id;
    const [stored] = await t.h.db.query<{ credentials: string }>('select credentials from social_accounts where id = $1', [account.id]);
    expect(stored!.credentials).not.toContain(shop.appPassword);
  });

  it('publishes a post with a link, a mention and an image with alt text as rich text, once', async () => {
    const post = await createPost(ctx(), workspaceId, userId, { text: 'Fresh lemon cupcakes today, thanks @ann.test! https://example.com/lemon', accountIds: [accountId] });
    await addImage(ctx(), workspaceId, post.id, { bytes: PNG, mime: 'image/png', alt: 'A lemon cupcake' });
    await schedulePost(ctx(), workspaceId, post.id, null);
    expect(await publishDue(ctx())).toMatchObject({ published: 1, failed: 0 });
    const [delivery] = (await getPost(t.h.db, workspaceId, post.id)).deliveries;
    expect(delivery).toMatchObject({ state: 'published', error: null });
    expect(delivery!.remoteUrl).toMatch(/^https:\/\/bsky\.app\/profile\/cupcakes\.test\/post\//);

    const records = await shop.agent.com.atproto.repo.listRecords({ repo: shop.did, collection: 'app.bsky.feed.post' });
    expect(records.data.records).toHaveLength(1);
    const record = records.data.records[0]!.value as { text: string; facets: { features: { $type: string; uri?: string; did?: string }[] }[]; embed: { images: { alt: string }[] } };
    expect(record.text).toBe('Fresh lemon cupcakes today, thanks @ann.test! https://example.com/lemon');
    const features = record.facets.flatMap((f) => f.features);
    expect(features).toContainEqual(expect.objectContaining({ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/lemon' }));
    expect(features).toContainEqual(expect.objectContaining({ $type: 'app.bsky.richtext.facet#mention', did: ann.did }));
    expect(record.embed.images.map((i) => i.alt)).toEqual(['A lemon cupcake']);

    // The same delivery handed over again (a worker that died before recording it): found, not posted again.
    await t.h.db.query(`update social_deliveries set state = 'publishing', lease_until = now() - interval '1 minute', remote_id = null where id = $1`, [delivery!.id]);
    expect(await publishDue(ctx())).toMatchObject({ published: 0, reconciled: 1 });
    const again = await shop.agent.com.atproto.repo.listRecords({ repo: shop.did, collection: 'app.bsky.feed.post' });
    expect(again.data.records).toHaveLength(1);
    expect((await getPost(t.h.db, workspaceId, post.id)).deliveries[0]).toMatchObject({ state: 'published', remoteId: delivery!.remoteId });
  });

  it('refuses, when scheduling, a post over Bluesky’s length or image limit, naming the network and the limit', async () => {
    const long = await createPost(ctx(), workspaceId, userId, { text: 'a'.repeat(301), accountIds: [accountId] });
    await expect(schedulePost(ctx(), workspaceId, long.id, null)).rejects.toThrow('Bluesky allows 300 characters in a post; this text has 301.');
    // 300 emoji are 300 graphemes (more than 300 UTF-16 units): allowed.
    const emoji = await createPost(ctx(), workspaceId, userId, { text: '🧁'.repeat(300), accountIds: [accountId] });
    expect((await schedulePost(ctx(), workspaceId, emoji.id, new Date(Date.now() + 3_600_000))).state).toBe('scheduled');
    const five = await createPost(ctx(), workspaceId, userId, { text: 'Our five best sellers', accountIds: [accountId] });
    for (let i = 0; i < 5; i++) await addImage(ctx(), workspaceId, five.id, { bytes: PNG, mime: 'image/png', alt: `Cupcake ${i + 1}` });
    await expect(schedulePost(ctx(), workspaceId, five.id, null)).rejects.toThrow('Bluesky allows 4 images in a post; this post has 5.');
    expect((await getPost(t.h.db, workspaceId, five.id)).state).toBe('draft');
  });
});

describe('listening on Bluesky', () => {
  it('stores a known customer’s mention once, with its sentiment, on their timeline', async (test) => {
    if (!net.appView) test.skip(); // notifications come from the AppView, which needs PostgreSQL
    const contact = await t.h.db.query<{ id: string }>(
      `insert into contacts (workspace_id, email, properties) values ($1, 'ann@example.com', '{"bluesky_handle": "@Ann.test"}') returning id`,
      [workspaceId],
    );
    // As the Bluesky app writes it: the mention is a facet naming the shop's DID.
    const rt = new RichText({ text: 'The cupcakes from @cupcakes.test were stale and the service was awful.' });
    await rt.detectFacets(ann.agent);
    await ann.agent.post({ text: rt.text, facets: rt.facets, langs: ['en'] });
    await net.settle();
    const first = await fetchDueStreams(ctx(), { workspaceId });
    expect(first).toMatchObject({ stored: 1, matched: 1, failed: 0 });
    const [mention] = await t.h.db.query<{ kind: string; sentiment: string; contact_id: string; author_handle: string; language: string }>(
      'select kind, sentiment, contact_id, author_handle, language from social_mentions where workspace_id = $1',
      [workspaceId],
    );
    expect(mention).toMatchObject({ kind: 'mention', sentiment: 'negative', contact_id: contact[0]!.id, author_handle: 'ann.test', language: 'en' });
    const events = await t.h.db.query<{ properties: { sentiment: string; network: string } }>(`select properties from events where workspace_id = $1 and name = 'social.mentioned'`, [workspaceId]);
    expect(events.map((e) => e.properties)).toEqual([expect.objectContaining({ sentiment: 'negative', network: 'bluesky' })]);

    // Fetched again from the start (the cursor lost): still one mention, one event.
    await t.h.db.query(`update social_streams set cursor = null, next_fetch_at = now() - interval '1 minute' where workspace_id = $1`, [workspaceId]);
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ found: 1, stored: 0 });
    const [{ n }] = (await t.h.db.query<{ n: number }>(`select count(*)::int as n from events where workspace_id = $1 and name = 'social.mentioned'`, [workspaceId])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('ties a reply to the shop’s post to that post', async (test) => {
    if (!net.appView) test.skip();
    const [delivery] = await t.h.db.query<{ id: string; remote_id: string }>(`select id, remote_id from social_deliveries where workspace_id = $1 and state = 'published'`, [workspaceId]);
    const parent = await shop.agent.com.atproto.repo.getRecord({ repo: shop.did, collection: 'app.bsky.feed.post', rkey: delivery!.remote_id.split('/').pop()! });
    const ref = { uri: parent.data.uri, cid: parent.data.cid! };
    await ann.agent.post({ text: 'Love these, see you Saturday!', reply: { root: ref, parent: ref } });
    await net.settle();
    await t.h.db.query(`update social_streams set next_fetch_at = now() - interval '1 minute' where workspace_id = $1`, [workspaceId]);
    expect(await fetchDueStreams(ctx(), { workspaceId })).toMatchObject({ stored: 1 });
    const [reply] = await t.h.db.query<{ kind: string; delivery_id: string; sentiment: string }>(`select kind, delivery_id, sentiment from social_mentions where workspace_id = $1 and kind = 'reply'`, [workspaceId]);
    expect(reply).toMatchObject({ kind: 'reply', delivery_id: delivery!.id, sentiment: 'positive' });
  });
});
