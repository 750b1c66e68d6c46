import { createHash } from 'node:crypto';
import { MastoHttpError, createOAuthAPIClient, createRestAPIClient } from 'masto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonServer, type MastodonServer, type TestAccount } from './mastodon-server.ts';

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const REDIRECT = 'https://rapport.test/social/mastodon/callback';

async function rejection(promise: Promise<unknown>): Promise<MastoHttpError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MastoHttpError);
  return err as MastoHttpError;
}

describe('the local Mastodon server', () => {
  let server: MastodonServer;
  let shop: TestAccount;
  let customer: TestAccount;
  const client = (token?: string) => createRestAPIClient({ url: server.url, accessToken: token });

  beforeAll(async () => {
    server = await startMastodonServer();
    shop = server.createAccount('shop', 'The Coffee Shop');
    customer = server.createAccount('ana', 'Ana');
  });
  afterAll(() => server.close());

  it('registers an app and trades an authorization code from the authorize page for a token', async () => {
    const app = await client().v1.apps.create({ clientName: 'Rapport', redirectUris: REDIRECT, scopes: 'read write', website: 'https://rapport.test' });
    expect(app.clientId).toBeTruthy();
    expect(app.clientSecret).toBeTruthy();
    expect(app.redirectUris).toEqual([REDIRECT]);

    const query = new URLSearchParams({ response_type: 'code', client_id: app.clientId!, redirect_uri: REDIRECT, scope: 'read write', state: 's1' });
    const page = await fetch(`${server.url}/oauth/authorize?${query}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form method="post" action="\/oauth\/authorize">[\s\S]*>Authorize<\/button>/);

    const approval = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(query), username: 'shop', decision: 'approve' }),
    });
    expect(approval.status).toBe(302);
    const location = new URL(approval.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code')!;

    const oauth = createOAuthAPIClient({ url: server.url });
    const token = await oauth.token.create({ grantType: 'authorization_code', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: REDIRECT, code });
    expect(token).toMatchObject({ tokenType: 'Bearer', scope: 'read write' });

    const me = await client(token.accessToken).v1.accounts.verifyCredentials();
    expect(me).toMatchObject({ username: 'shop', acct: 'shop', displayName: 'The Coffee Shop', url: 'https://social.test/@shop' });
    expect(me.source.privacy).toBe('public');

    // A code is good once.
    const again = await rejection(oauth.token.create({ grantType: 'authorization_code', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: REDIRECT, code }));
    expect(again.statusCode).toBe(400);
    expect(again.message).toBe('invalid_grant');

    await oauth.revoke({ clientId: app.clientId!, clientSecret: app.clientSecret!, token: token.accessToken });
    const revoked = await rejection(client(token.accessToken).v1.accounts.verifyCredentials());
    expect(revoked.statusCode).toBe(401);
    expect(revoked.message).toBe('The access token is invalid');
  });

  it('shows the code on the page for the out-of-band redirect, and lets a test skip the page', async () => {
    const oob = 'urn:ietf:wg:oauth:2.0:oob';
    const app = await client().v1.apps.create({ clientName: 'CLI', redirectUris: oob, scopes: 'read' });
    const approval = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ response_type: 'code', client_id: app.clientId!, redirect_uri: oob, username: 'ana' }),
    });
    const shown = /class="oauth-code" readonly value="([^"]+)"/.exec(await approval.text())?.[1];
    const oauth = createOAuthAPIClient({ url: server.url });
    const fromPage = await oauth.token.create({ grantType: 'authorization_code', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: oob, code: shown! });
    expect((await client(fromPage.accessToken).v1.accounts.verifyCredentials()).username).toBe('ana');

    const code = server.authorizeCode(app.clientId!, oob, 'shop');
    const direct = await oauth.token.create({ grantType: 'authorization_code', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: oob, code });
    expect((await client(direct.accessToken).v1.accounts.verifyCredentials()).username).toBe('shop');

    // An app token has no user behind it; a wrong secret is no client at all.
    const appToken = await oauth.token.create({ grantType: 'client_credentials', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: oob });
    expect((await rejection(client(appToken.accessToken).v1.accounts.verifyCredentials())).statusCode).toBe(422);
    const wrong = await rejection(oauth.token.create({ grantType: 'client_credentials', clientId: app.clientId!, clientSecret: 'nope', redirectUri: oob }));
    expect([wrong.statusCode, wrong.message]).toEqual([401, 'invalid_client']);
  });

  it('takes form bodies as Mastodon does, and checks a PKCE verifier', async () => {
    const form = (path: string, body: Record<string, string | string[]>, token?: string) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
      return fetch(`${server.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: params });
    };
    const media = await client(shop.token).v2.media.create({ file: new Blob([PNG_1X1], { type: 'image/png' }), skipPolling: true });
    const posted = await form('/api/v1/statuses', { status: 'Sent as a form', 'media_ids[]': [media.id], visibility: 'unlisted' }, shop.token);
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({ content: '<p>Sent as a form</p>', visibility: 'unlisted', media_attachments: [{ id: media.id }] });

    const app = (await (await form('/api/v1/apps', { client_name: 'PKCE', redirect_uris: REDIRECT, scopes: 'read' })).json()) as { client_id: string; client_secret: string };
    const verifier = 'a-verifier-long-enough-to-be-a-real-one-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = { response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', username: 'shop' };
    const code = () => form('/oauth/authorize', query).then((r) => new URL(r.headers.get('location')!).searchParams.get('code')!);
    const trade = async (extra: Record<string, string>) =>
      form('/oauth/token', { grant_type: 'authorization_code', client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT, code: await code(), ...extra });
    const wrong = await trade({ code_verifier: 'not-it' });
    expect([wrong.status, await wrong.json()]).toEqual([400, expect.objectContaining({ error: 'invalid_grant' })]);
    const right = await trade({ code_verifier: verifier });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('answers a read-only token that tries to post with 403', async () => {
    const app = await client().v1.apps.create({ clientName: 'Reader', redirectUris: REDIRECT, scopes: 'read' });
    const code = server.authorizeCode(app.clientId!, REDIRECT, 'shop', 'read');
    const token = await createOAuthAPIClient({ url: server.url }).token.create({ grantType: 'authorization_code', clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: REDIRECT, code });
    const err = await rejection(client(token.accessToken).v1.statuses.create({ status: 'hello' }));
    expect([err.statusCode, err.message]).toEqual([403, 'This action is outside the authorized scopes']);
  });

  it('publishes once per Idempotency-Key', async () => {
    const masto = client(shop.token);
    const before = server.statuses().length;
    const send = () => masto.v1.statuses.create({ status: 'Fresh beans today', language: 'en' }, { requestInit: { headers: { 'Idempotency-Key': 'post:launch' } } });
    const first = await send();
    const second = await send();
    expect(second.id).toBe(first.id);
    expect(server.statuses().length).toBe(before + 1);
    expect(first).toMatchObject({ content: '<p>Fresh beans today</p>', language: 'en', url: `https://social.test/@shop/${first.id}`, uri: `https://social.test/users/shop/statuses/${first.id}` });
    expect(first.account.acct).toBe('shop');
    expect(first.application).toBeUndefined();

    const other = await masto.v1.statuses.create({ status: 'Fresh beans today' }, { requestInit: { headers: { 'Idempotency-Key': 'post:other' } } });
    expect(other.id).not.toBe(first.id);
    // The same key from another account is another key.
    expect(server.post(customer.token, { status: 'Fresh beans today' }, 'post:launch').id).not.toBe(first.id);
  });

  it('counts characters as Mastodon does', async () => {
    const masto = client(shop.token);
    const tooLong = await rejection(masto.v1.statuses.create({ status: 'a'.repeat(501) }));
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.message).toBe('Validation failed: Text character limit of 500 exceeded');
    await expect(masto.v1.statuses.create({ status: 'a'.repeat(500) })).resolves.toBeTruthy();

    // A URL counts 23 however long it is.
    const url = `https://shop.example/products/${'x'.repeat(200)}`;
    await expect(masto.v1.statuses.create({ status: `${'a'.repeat(476)} ${url}` })).resolves.toBeTruthy();
    expect((await rejection(masto.v1.statuses.create({ status: `${'a'.repeat(477)} ${url}` }))).statusCode).toBe(422);

    // A mention counts without its domain; a grapheme cluster counts once; spoiler text counts too.
    await expect(masto.v1.statuses.create({ status: `@ana@social.test ${'a'.repeat(494)}` })).resolves.toBeTruthy();
    await expect(masto.v1.statuses.create({ status: '👨‍👩‍👧'.repeat(500) })).resolves.toBeTruthy();
    expect((await rejection(masto.v1.statuses.create({ status: 'a'.repeat(490), spoilerText: 'b'.repeat(11) }))).statusCode).toBe(422);
    expect((await rejection(masto.v1.statuses.create({ status: '   ' }))).message).toBe("Validation failed: Text can't be blank");
  });

  it('renders links, mentions and hashtags as HTML, escaping the text', async () => {
    const status = await client(customer.token).v1.statuses.create({ status: 'Hi @shop <b>&</b> #Coffee https://example.com/a\nline two\n\nnext' });
    expect(status.content).toBe(
      '<p>Hi <span class="h-card" translate="no"><a href="https://social.test/@shop" class="u-url mention">@<span>shop</span></a></span> &lt;b&gt;&amp;&lt;/b&gt; ' +
        '<a href="https://social.test/tags/coffee" class="mention hashtag" rel="tag">#<span>Coffee</span></a> ' +
        '<a href="https://example.com/a" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">example.com/a</span><span class="invisible"></span></a>' +
        '<br />line two</p><p>next</p>',
    );
    expect(status.mentions).toEqual([{ id: shop.id, username: 'shop', acct: 'shop', url: 'https://social.test/@shop' }]);
    expect(status.tags).toEqual([{ name: 'coffee', url: 'https://social.test/tags/coffee' }]);
  });

  it('uploads media with a description and attaches it', async () => {
    const masto = client(shop.token);
    // The default path: masto polls GET /api/v1/media/:id until the url is there.
    const media = await masto.v2.media.create({ file: new Blob([PNG_1X1], { type: 'image/png' }), description: 'A cup of coffee' });
    expect(media).toMatchObject({ type: 'image', description: 'A cup of coffee', meta: { original: { width: 1, height: 1 } } });
    expect(media.url).toMatch(/^https:\/\/social\.test\/system\/media_attachments\/files\//);

    const status = await masto.v1.statuses.create({ status: 'New roast', mediaIds: [media.id] });
    expect(status.mediaAttachments.map((m) => [m.id, m.description])).toEqual([[media.id, 'A cup of coffee']]);
    const bytes = await fetch(`${server.url}${new URL(media.url!).pathname}`).then((r) => r.arrayBuffer());
    expect(Buffer.from(bytes).equals(PNG_1X1)).toBe(true);

    const reused = await rejection(masto.v1.statuses.create({ status: 'Again', mediaIds: [media.id] }));
    expect([reused.statusCode, reused.message]).toEqual([422, `Media ${media.id} not found or already attached to another post`]);

    const long = await rejection(masto.v2.media.create({ file: new Blob([PNG_1X1], { type: 'image/png' }), description: 'd'.repeat(1501), skipPolling: true }));
    expect([long.statusCode, long.message]).toEqual([422, 'Validation failed: Description is too long (maximum is 1500 characters)']);

    const five = await Promise.all([1, 2, 3, 4, 5].map(() => masto.v2.media.create({ file: new Blob([PNG_1X1], { type: 'image/png' }), skipPolling: true })));
    const tooMany = await rejection(masto.v1.statuses.create({ status: 'Gallery', mediaIds: five.map((m) => m.id) }));
    expect([tooMany.statusCode, tooMany.message]).toEqual([422, 'Cannot attach more than 4 files']);
  });

  it("puts another account's mentions of the shop in its notifications, paged by since_id and min_id", async () => {
    const masto = client(shop.token);
    const first = server.post(customer.token, { status: '@shop do you ship to Lyon?' });
    const [mention] = await masto.v1.notifications.list({ types: ['mention'], limit: 1 });
    expect(mention).toMatchObject({ type: 'mention', account: { acct: 'ana' }, status: { id: first.id } });

    const reply = server.post(customer.token, { status: '@shop@social.test also, decaf?', in_reply_to_id: first.id });
    const third = server.post(customer.token, { status: 'Thanks @shop!' });
    server.post(customer.token, { status: 'no mention of anyone here' });
    server.post(shop.token, { status: '@shop talking to myself' });
    server.favourite(first.id, shop.id);
    server.favourite(third.id, customer.id); // a favourite of one's own status notifies nobody

    const newer = await masto.v1.notifications.list({ types: ['mention'], sinceId: mention!.id });
    expect(newer.map((n) => n.status!.id)).toEqual([third.id, reply.id]);
    const next = await masto.v1.notifications.list({ types: ['mention'], minId: mention!.id, limit: 1 });
    expect(next.map((n) => n.status!.id)).toEqual([reply.id]);
    expect(reply.in_reply_to_id).toBe(first.id);

    // Pages follow the Link header; the filter is carried along.
    const pages: string[][] = [];
    for await (const page of masto.v1.notifications.list({ types: ['mention'], limit: 2 })) pages.push(page.map((n) => n.status!.id));
    expect(pages.flat().slice(0, 3)).toEqual([third.id, reply.id, first.id]);
    const raw = await masto.v1.notifications.list.$raw({ excludeTypes: ['mention'] });
    expect(raw.data.map((n) => n.type)).toEqual([]);
    expect(raw.headers.get('link')).toBeNull();
    const withLink = await masto.v1.notifications.list.$raw({ types: ['mention'], limit: 1 });
    expect(withLink.headers.get('link')).toMatch(/types%5B%5D=mention&limit=1&max_id=\d+>; rel="next", <.*min_id=\d+>; rel="prev"/);
  });

  it('serves the tag timeline and account statuses newest first with Link pagination', async () => {
    const masto = client(customer.token);
    const posted = [1, 2, 3].map((i) => server.post(customer.token, { status: `Cup number ${i} #LatteArt` }));
    const unlisted = server.post(customer.token, { status: 'Not on the tag timeline #latteart', visibility: 'unlisted' });
    const timeline = await masto.v1.timelines.tag.$select('latteart').list({ limit: 2 });
    expect(timeline.map((s) => s.id)).toEqual([posted[2]!.id, posted[1]!.id]);
    const older = await masto.v1.timelines.tag.$select('LatteArt').list({ maxId: posted[1]!.id });
    expect(older.map((s) => s.id)).toEqual([posted[0]!.id]);

    const pages: string[] = [];
    for await (const page of masto.v1.accounts.$select(customer.id).statuses.list({ limit: 2, tagged: 'latteart' })) pages.push(...page.map((s) => s.id));
    expect(pages).toEqual([unlisted.id, posted[2]!.id, posted[1]!.id, posted[0]!.id]);
  });

  it('searches accounts, hashtags and statuses by URL, and not statuses by text without full-text search', async () => {
    const masto = client(shop.token);
    const status = server.post(customer.token, { status: 'Best espresso in town #espresso' });
    const byText = await masto.v2.search.list({ q: 'espresso', type: 'statuses' });
    expect(byText.statuses).toEqual([]);
    const byUrl = await masto.v2.search.list({ q: status.url, resolve: true });
    expect(byUrl.statuses.map((s) => s.id)).toEqual([status.id]);
    const all = await masto.v2.search.list({ q: 'espresso' });
    expect(all.hashtags.map((t) => t.name)).toContain('espresso');
    expect((await masto.v2.search.list({ q: '@ana', type: 'accounts' })).accounts.map((a) => a.acct)).toEqual(['ana']);

    const indexed = await startMastodonServer({ fullTextSearch: true });
    try {
      const a = indexed.createAccount('a');
      const hit = indexed.post(a.token, { status: 'Best espresso in town' });
      const found = await createRestAPIClient({ url: indexed.url, accessToken: a.token }).v2.search.list({ q: 'ESPRESSO town', type: 'statuses' });
      expect(found.statuses.map((s) => s.id)).toEqual([hit.id]);
    } finally {
      await indexed.close();
    }
  });

  it('reads statuses, deletes only its own, and answers unknown routes and bad tokens as Mastodon does', async () => {
    const mine = await client(shop.token).v1.statuses.create({ status: 'To be deleted' });
    expect((await client().v1.statuses.$select(mine.id).fetch()).content).toBe('<p>To be deleted</p>');
    expect((await rejection(client(customer.token).v1.statuses.$select(mine.id).remove())).statusCode).toBe(404);
    const deleted = await client(shop.token).v1.statuses.$select(mine.id).remove();
    expect(deleted.text).toBe('To be deleted');
    const gone = await rejection(client().v1.statuses.$select(mine.id).fetch());
    expect([gone.statusCode, gone.message]).toEqual([404, 'Record not found']);
    expect(server.statuses().some((s) => s.id === mine.id)).toBe(false);

    const unknown = await fetch(`${server.url}/api/v1/nothing/here`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'Record not found' }]);
    const bad = await rejection(client('not-a-token').v1.accounts.verifyCredentials());
    expect([bad.statusCode, bad.message]).toEqual([401, 'The access token is invalid']);
  });

  it('tells a client the limits through /api/v2/instance', async () => {
    const instance = await client().v2.instance.fetch();
    expect(instance).toMatchObject({ domain: 'social.test', version: '4.3.0' });
    expect(instance.configuration.statuses).toEqual({ maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23 });
    expect(instance.configuration.mediaAttachments).toMatchObject({ descriptionLimit: 1500, imageSizeLimit: 16_777_216 });
    expect(instance.configuration.urls.streaming).toBe('wss://social.test');
  });
});

describe('rate limits', () => {
  it('sends X-RateLimit headers and answers 429 past the limit until the window resets', async () => {
    let now = new Date('2026-03-02T10:01:30.000Z');
    const server = await startMastodonServer({ rateLimit: 3, now: () => now });
    try {
      const account = server.createAccount('shop');
      const masto = createRestAPIClient({ url: server.url, accessToken: account.token });
      const { headers } = await masto.v1.accounts.verifyCredentials.$raw();
      expect(headers.get('x-ratelimit-limit')).toBe('3');
      expect(headers.get('x-ratelimit-remaining')).toBe('2');
      expect(headers.get('x-ratelimit-reset')).toBe('2026-03-02T10:05:00.000Z');
      await masto.v1.accounts.verifyCredentials();
      await masto.v1.accounts.verifyCredentials();
      const limited = await rejection(masto.v1.accounts.verifyCredentials());
      expect([limited.statusCode, limited.message]).toEqual([429, 'Too many requests']);

      // Another token has its own window; the next window starts afresh.
      const other = server.createAccount('other');
      await expect(createRestAPIClient({ url: server.url, accessToken: other.token }).v1.accounts.verifyCredentials()).resolves.toBeTruthy();
      now = new Date('2026-03-02T10:05:00.000Z');
      expect((await masto.v1.accounts.verifyCredentials.$raw()).headers.get('x-ratelimit-remaining')).toBe('2');
      expect(server.requestCount).toBe(6);
    } finally {
      await server.close();
    }
  });
});
