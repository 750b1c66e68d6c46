// Social, clicked through in Chromium against the real server and the built web app, with a
// Bluesky network on loopback (src/testing/bluesky-network.ts: a PLC and a PDS, and the AppView
// when PostgreSQL answers): the shop's Bluesky account connected from the accounts page (a
// wrong app password refused in Bluesky's words first), a hashtag to listen for; a post written
// with a coupon of its own, too long for Bluesky at first (the count turns red with Bluesky's
// message, and publishing it is refused beside the post), with an image and its alt text, scheduled for tomorrow; on the calendar in month
// and week, dragged two hours later; published now, on the PDS with its code; then, with the
// AppView, a customer's reply and a stranger's complaint found by "Check now", with their
// sentiment, the customer known by her handle, the stranger linked to a contact by hand, the
// filters, a reply from the stream; the code used at the shop's checkout, and the post page
// with its code, uses and revenue and the reply. At a laptop's width (1280) and a phone's (390:
// nothing wider than the screen). Screenshots in test-results/social/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { RichText } from '@atproto/api';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlueskyNetwork, startBlueskyNetwork } from '../../src/testing/bluesky-network.ts';
import { layoutProblems, openPage, until, wholePageShot } from './pages.ts';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/social');
const OWNER = { email: 'jasmine@cupcakes.test', name: 'Jasmine Baker', password: 'correct horse battery', workspaceName: 'Jasmine’s Cupcakes' };
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A small PNG drawn here (a lemon on a pink plate), so the preview looks like a picture. */
function picture(width = 240, height = 160): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / (width * 0.22);
      const dy = (y - height / 2) / (height * 0.28);
      const lemon = dx * dx + dy * dy < 1;
      const plate = ((x - width / 2) / (width * 0.42)) ** 2 + ((y - height / 2) / (height * 0.45)) ** 2 < 1;
      const rgb = lemon ? [250, 214, 60 - Math.round(dy * 20)] : plate ? [248, 200, 214] : [255 - Math.round((y / height) * 30), 244, 232];
      raw.set(rgb, y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

let server: RunningServer;
let browser: Browser;
let session: Session;
let net: BlueskyNetwork;
let shop: Awaited<ReturnType<BlueskyNetwork['createUser']>>;
let ann: Awaited<ReturnType<BlueskyNetwork['createUser']>>;
let bob: Awaited<ReturnType<BlueskyNetwork['createUser']>>;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let shopKey = '';

const api = sessionApi(() => server.base, () => session);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [net, server, browser] = await Promise.all([startBlueskyNetwork(), startServer(), launchChromium()]);
  shop = await net.createUser('cupcakes.test', { displayName: 'Jasmine’s Cupcakes' });
  ann = await net.createUser('ann.test', { displayName: 'Ann Hathaway' });
  bob = await net.createUser('bob.test', { displayName: 'Bob' });
  session = await setUp(server.base, OWNER);
  await api('PATCH', '/api/v1/workspace', { defaultCurrency: 'GBP' });
  shopKey = (await api('POST', '/api/v1/api-keys', { name: 'Shop checkout', scope: 'shop' })).key;
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await net?.close();
  expect(pageErrors).toEqual([]);
});

const newPage = (size = LAPTOP) => openPage(browser, { base: server.base, cookie: session.cookie, size, shots: SHOTS, contexts, pageErrors, timeoutMs: 20_000 });
const shot = (page: Page, name: string) => wholePageShot(page, path.join(SHOTS, `${name}.png`));
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).replace(/\s+/g, ' ').trim();

/** The page at the phone's width: it fits, and its picture is taken. */
async function phoneShot(url: string, ready: (page: Page) => Promise<unknown>, name: string): Promise<void> {
  const phone = await newPage(PHONE);
  await phone.goto(url);
  await ready(phone);
  await phone.waitForLoadState('networkidle');
  expect(await layoutProblems(phone), `${name} at 390`).toEqual([]);
  await shot(phone, `${name}-390`);
  await phone.context().close();
}

async function laptopShot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await layoutProblems(page), `${name} at 1280`).toEqual([]);
  await shot(page, `${name}-1280`);
}

describe('social in a browser', () => {
  const ids = { campaign: '', post: '', ann: '', bob: '' };
  let laptop: Page;

  it('connects the shop’s Bluesky account from the accounts page, and listens for a hashtag', async () => {
    laptop = await newPage();
    await laptop.goto('/');
    const link = laptop.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Social', exact: true });
    expect(await link.innerText()).not.toContain('Soon');
    await link.click();
    await laptop.waitForURL((url) => url.pathname === '/social');
    // The first visit says what connecting does.
    await laptop.getByTestId('social-intro').getByText('Connect your shop’s Bluesky or Mastodon account').waitFor();
    await laptopShot(laptop, 'accounts-first');
    await phoneShot('/social', (p) => p.getByTestId('social-intro').waitFor(), 'accounts-first');

    const form = laptop.getByTestId('connect-bluesky');
    await form.getByLabel('Handle').fill('@cupcakes.test');
    await form.getByLabel(/^App password/).fill('not-the-app-password');
    await form.getByRole('button', { name: 'Advanced' }).click();
    expect(await form.getByLabel('Server').inputValue()).toBe('https://bsky.social');
    await form.getByLabel('Server').fill(net.pdsUrl);
    await form.getByRole('button', { name: 'Connect Bluesky' }).click();
    // Refused in Bluesky's words, under the app password.
    await form.getByText(/Bluesky refused the sign-in/).waitFor();
    await form.getByLabel(/^App password/).fill(shop.appPassword);
    await form.getByRole('button', { name: 'Connect Bluesky' }).click();
    // The account shows on the accounts tab (/social itself becomes the stream once one is connected).
    await laptop.waitForURL((url) => url.pathname === '/social/accounts');
    const card = laptop.getByTestId('account-card');
    await card.getByText('Jasmine’s Cupcakes').waitFor();
    expect(await text(laptop, 'account-state')).toBe('Connected');
    await card.getByText('@cupcakes.test · Bluesky').waitFor();
    await card.getByText('Mentions and replies come from Bluesky’s notifications').waitFor();
    expect(await text(laptop, 'rate-window')).toMatch(/^(3,000 requests every 5 minutes: all of them left now|[\d,]+ of [\d,]+ requests left until \d\d:\d\d)\.$/);

    // A hashtag to listen for besides the mentions.
    await card.getByRole('textbox', { name: 'Hashtag' }).fill('#lemoncupcakes');
    await card.getByRole('button', { name: 'Listen' }).click();
    await card.getByTestId('stream-row').filter({ hasText: '#lemoncupcakes' }).waitFor();
    expect(await card.getByTestId('stream-row').count()).toBe(2);
    // The first look, now rather than at the next minute's round (what "Check now" on the stream does).
    await api('POST', '/api/v1/social/streams/fetch');
    await laptop.reload();
    await laptop.getByTestId('account-card').waitFor();
    await laptopShot(laptop, 'accounts');
    await phoneShot('/social/accounts', (p) => p.getByTestId('account-card').waitFor(), 'accounts');
  });

  it('writes a post with a coupon of its own, counted as Bluesky counts it, and schedules it for tomorrow', async () => {
    // A campaign of unique codes (as the coupons page makes it), and a customer known by her handle.
    ids.campaign = (
      await api('POST', '/api/v1/coupons/campaigns', {
        name: 'Lemon weekend',
        codeKind: 'unique',
        codeSpec: { length: 6, prefix: 'LEMON-' },
        discount: { kind: 'percent', percent: 15 },
        channel: 'social',
        channelDetail: 'Bluesky',
      })
    ).id;
    ids.ann = (await api('POST', '/api/v1/contacts', { email: 'ann@example.com', firstName: 'Ann', lastName: 'Hathaway', properties: { bluesky_handle: '@ann.test' } })).id;
    ids.bob = (await api('POST', '/api/v1/contacts', { email: 'bob.stone@example.com', firstName: 'Bob', lastName: 'Stone' })).id;

    await laptop.goto('/social');
    // With an account, the stream is the first page; nothing found yet says what happens.
    await laptop.getByText('Nothing found yet').waitFor();
    await laptop.getByTestId('new-post').click();
    await laptop.waitForURL((url) => url.pathname === '/social/compose');
    const textarea = laptop.getByRole('textbox', { name: 'Text of the post' });
    // Too long for Bluesky: the count turns red with Bluesky's own sentence.
    const long = 'Lemon cupcakes, lemon tarts, lemon drizzle. '.repeat(7).trim();
    await textarea.fill(long);
    await laptop.waitForURL((url) => /^\/social\/compose\/[0-9a-f-]{36}$/.test(url.pathname));
    ids.post = new URL(laptop.url()).pathname.split('/').pop()!;
    await laptop.getByTestId('count-problem').filter({ hasText: `Bluesky allows 300 characters in a post; this text has ${long.length}.` }).waitFor();
    expect(await text(laptop, 'count-figure')).toBe(`${long.length} / 300`);
    // Published anyway: refused by the server beside the post, the network, its limit and the account named.
    await laptop.getByRole('button', { name: 'Publish now' }).click();
    expect(await text(laptop, 'refusal')).toBe(`A network would refuse this post Bluesky allows 300 characters in a post; this text has ${long.length}. (cupcakes.test)`);
    expect((await api('GET', `/api/v1/social/posts/${ids.post}`)).state).toBe('draft');

    const words = 'Fresh lemon cupcakes this weekend! 15% off your order with the code ';
    await textarea.fill(words);
    const coupon = laptop.getByTestId('post-coupon');
    await coupon.getByRole('combobox', { name: 'Campaign' }).click();
    await laptop.getByRole('option', { name: 'Lemon weekend · 15% off' }).click();
    await coupon.getByTestId('coupon-missing').waitFor();
    expect(await coupon.getByRole('radio', { name: 'A code of its own for this post' }).isChecked()).toBe(true);
    expect(await coupon.getByRole('radio', { name: 'The campaign’s code' }).isDisabled()).toBe(true);
    await textarea.focus();
    await textarea.press('End');
    await laptop.getByRole('button', { name: 'Insert {{ coupon.code }}' }).click();
    await coupon.getByTestId('coupon-missing').waitFor({ state: 'detached' });
    expect(await textarea.inputValue()).toBe('Fresh lemon cupcakes this weekend! 15% off your order with the code {{ coupon.code }}');
    // Counted with a code of the campaign's length (LEMON- and 6) in place of {{ coupon.code }}.
    const counted = `${words.length + 12} / 300`;
    await until('the count', () => text(laptop, 'count-figure'), (t) => t === counted, 15_000);
    expect(await laptop.getByTestId('count-problem').count()).toBe(0);

    // An image, described.
    await laptop.getByTestId('post-images').locator('input[type=file]').setInputFiles({ name: 'cupcake.png', mimeType: 'image/png', buffer: picture() });
    const image = laptop.getByTestId('post-image');
    await image.waitFor();
    await image.getByLabel('Alt text of image 1').fill('A lemon cupcake with a candied lemon slice');
    await image.getByLabel('Alt text of image 1').blur();
    await until('the alt text', () => api('GET', `/api/v1/social/posts/${ids.post}`), (p) => p.images[0]?.alt === 'A lemon cupcake with a candied lemon slice', 10_000);
    await until('the saved draft', () => text(laptop, 'save-state'), (t) => t === 'Saved as a draft.', 10_000);
    await laptopShot(laptop, 'compose');
    await phoneShot(`/social/compose/${ids.post}`, (p) => p.getByTestId('count-figure').filter({ hasText: counted }).waitFor(), 'compose');

    // Scheduled for tomorrow at 10:00, in the workspace's time zone (UTC here).
    await laptop.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = laptop.getByRole('dialog', { name: 'Schedule the post' });
    expect(await dialog.getByLabel('Time').inputValue()).toBe('10:00');
    const day = await dialog.getByLabel('Day').inputValue();
    expect(day).toBe(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
    await dialog.getByTestId('schedule-zone').getByText('In UTC, the workspace’s time zone.').waitFor();
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
    await laptop.waitForURL((url) => url.pathname === `/social/posts/${ids.post}`);
    expect(await text(laptop, 'post-when')).toMatch(/^Scheduled for \w{3}, \d+ \w{3} \d{4}, 10:00 \(UTC\)\.$/);
    expect(await text(laptop, 'delivery-state')).toBe('Scheduled');
    expect(await text(laptop, 'delivery-text')).toMatch(/^Fresh lemon cupcakes this weekend! 15% off your order with the code LEMON-[A-Z0-9]{6}$/);
    const post = await api('GET', `/api/v1/social/posts/${ids.post}`);
    expect(post).toMatchObject({ state: 'scheduled', scheduledAt: `${day}T10:00:00.000Z`, coupon: { campaignId: ids.campaign, mode: 'per_post' } });
  });

  it('shows the post on the calendar in month and week, and moves it by dragging it', async () => {
    await laptop.goto('/social/calendar');
    const calendar = laptop.locator('.rapport-calendar');
    const event = calendar.getByText('Fresh lemon cupcakes this weekend!', { exact: false }).first();
    await event.waitFor();
    await laptopShot(laptop, 'calendar-month');
    await phoneShot('/social/calendar', (p) => p.locator('.rapport-calendar').getByText('Fresh lemon cupcakes', { exact: false }).first().waitFor(), 'calendar-month');

    await calendar.getByRole('tab', { name: /week/i }).click();
    // Weeks start on Monday: on a Sunday, tomorrow is in the next one.
    if (new Date().getUTCDay() === 0) await calendar.getByRole('button', { name: /^next/i }).click();
    await event.waitFor();
    // Dragged from its 10:00 slot down to the 12:00 one.
    await event.scrollIntoViewIfNeeded();
    const from = (await event.boundingBox())!;
    // The 12:00 lane (as wide as the week; its label in the axis is narrow).
    const boxes = await Promise.all((await calendar.locator('[data-time="12:00:00"]').all()).map((l) => l.boundingBox()));
    const lane = boxes.filter((b) => b !== null).sort((a, b) => b.width - a.width)[0]!;
    const noon = { y: lane.y + lane.height / 2 - 6 };
    await laptop.mouse.move(from.x + from.width / 2, from.y + 6);
    await laptop.mouse.down();
    await laptop.mouse.move(from.x + from.width / 2, from.y + 30, { steps: 5 });
    await laptop.mouse.move(from.x + from.width / 2, noon.y + 6, { steps: 10 });
    await laptop.mouse.up();
    const moved = await until('the move', () => api('GET', `/api/v1/social/posts/${ids.post}`), (p) => p.scheduledAt.endsWith('T12:00:00.000Z'), 10_000);
    expect(moved.deliveries[0].dueAt).toBe(moved.scheduledAt);
    await laptopShot(laptop, 'calendar-week');
    await phoneShot(
      '/social/calendar',
      async (p) => {
        const c = p.locator('.rapport-calendar');
        await c.getByRole('tab', { name: /week/i }).click();
        if (new Date().getUTCDay() === 0) await c.getByRole('button', { name: /^next/i }).click();
        // Narrow days show the time first: the whole text is the event's title.
        await c.locator('[title*="Fresh lemon cupcakes"]').first().waitFor();
      },
      'calendar-week',
    );

    // The feed for the team's calendar apps.
    await laptop.getByRole('button', { name: 'Subscribe in your calendar app' }).click();
    const feedUrl = await laptop.getByRole('dialog').getByLabel('Calendar address').inputValue();
    expect(feedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.ics$/);
    const ics = await (await fetch(feedUrl.replace(/^https?:\/\/[^/]+/, server.base))).text();
    expect(ics).toContain('SUMMARY:Post: Fresh lemon cupcakes this weekend!');
    await laptop.keyboard.press('Escape');
  });

  it('publishes the post now, once, with its code on Bluesky', async () => {
    await laptop.locator('.rapport-calendar').getByText('Fresh lemon cupcakes', { exact: false }).first().click();
    await laptop.waitForURL((url) => url.pathname === `/social/posts/${ids.post}`);
    await laptop.getByRole('button', { name: 'Publish now' }).click();
    await laptop.getByTestId('delivery-state').getByText('Published').waitFor({ timeout: 60_000 });
    await laptop.getByRole('link', { name: 'See it on Bluesky' }).waitFor();
    const records = await shop.agent.com.atproto.repo.listRecords({ repo: shop.did, collection: 'app.bsky.feed.post' });
    expect(records.data.records).toHaveLength(1);
    const record = records.data.records[0]!.value as { text: string; embed: { images: { alt: string }[] } };
    expect(record.text).toMatch(/^Fresh lemon cupcakes this weekend! 15% off your order with the code LEMON-[A-Z0-9]{6}$/);
    expect(record.embed.images.map((i) => i.alt)).toEqual(['A lemon cupcake with a candied lemon slice']);
  });

  it('finds a customer’s reply and a stranger’s complaint, with their sentiment and who wrote them, and answers from the stream', async (test) => {
    if (!net.appView) {
      console.warn('Skipped: the Bluesky AppView (notifications, search) needs PostgreSQL at 127.0.0.1:5432 (or TEST_DATABASE_URL), and none answered.');
      test.skip();
    }
    const delivery = (await api('GET', `/api/v1/social/posts/${ids.post}`)).deliveries[0];
    const rkey = delivery.remoteId.split('/').pop();
    const parent = await shop.agent.com.atproto.repo.getRecord({ repo: shop.did, collection: 'app.bsky.feed.post', rkey });
    const ref = { uri: parent.data.uri, cid: parent.data.cid! };
    await ann.agent.post({ text: 'Love these, see you Saturday! The lemon ones are the best.', reply: { root: ref, parent: ref }, langs: ['en'] });
    const complaint = new RichText({ text: 'My box from @cupcakes.test arrived squashed and late. Really disappointed.' });
    await complaint.detectFacets(bob.agent);
    await bob.agent.post({ text: complaint.text, facets: complaint.facets, langs: ['en'] });
    await net.settle();

    await laptop.goto('/social/stream');
    await laptop.getByRole('button', { name: 'Check now' }).click();
    const mentions = laptop.getByTestId('mention');
    await expect.poll(() => mentions.count(), { timeout: 20_000 }).toBe(2);
    const reply = mentions.filter({ hasText: 'Love these' });
    expect(await reply.getByTestId('sentiment').innerText()).toBe('Positive');
    expect((await reply.getByTestId('mention-contact').innerText()).replace(/\s+/g, ' ')).toBe('Ann Hathaway by their handle');
    await reply.getByText('Reply to your post').waitFor();
    const squashed = mentions.filter({ hasText: 'arrived squashed' });
    expect(await squashed.getByTestId('sentiment').innerText()).toBe('Negative');
    await squashed.getByText('Not one of your contacts yet').waitFor();
    await laptop.getByTestId('stream-volume').getByText('2 posts, 1 by your customers: 1 positive, 1 negative.').waitFor();

    // Filters: known customers only, then negative only.
    await laptop.getByLabel('Known customers only').click();
    await expect.poll(() => mentions.count()).toBe(1);
    expect(await mentions.first().innerText()).toContain('Love these');
    await laptop.getByLabel('Known customers only').click();
    await expect.poll(() => mentions.count()).toBe(2);
    await laptop.getByRole('combobox', { name: 'Sentiment' }).click();
    await laptop.getByRole('option', { name: 'Negative' }).click();
    await expect.poll(() => mentions.count()).toBe(1);
    expect(await mentions.first().innerText()).toContain('arrived squashed');
    expect(new URL(laptop.url()).searchParams.get('sentiment')).toBe('negative');

    // The stranger is Bob Stone: linked by hand, he gets the handle.
    await squashed.getByRole('button', { name: 'Link to a contact' }).click();
    const picker = squashed.getByTestId('link-form');
    await picker.getByRole('combobox', { name: 'Contact' }).fill('Bob');
    await laptop.getByRole('option', { name: 'Bob Stone <bob.stone@example.com>' }).click();
    await picker.getByRole('button', { name: 'Link', exact: true }).click();
    await expect.poll(async () => (await squashed.getByTestId('mention-contact').innerText().catch(() => '')).replace(/\s+/g, ' ')).toBe('Bob Stone linked by hand');
    const bobContact = await api('GET', `/api/v1/contacts/${ids.bob}`);
    expect(bobContact.properties.bluesky_handle).toBe('bob.test');

    // An answer, from the shop's account.
    await squashed.getByRole('button', { name: 'Reply' }).click();
    const form = squashed.getByTestId('reply-form');
    await form.getByLabel('Your reply, from @cupcakes.test').fill('So sorry, Bob! A fresh box is on its way.');
    await form.getByRole('button', { name: 'Send reply' }).click();
    await form.waitFor({ state: 'detached' });
    await until(
      'the reply on Bluesky',
      () => shop.agent.com.atproto.repo.listRecords({ repo: shop.did, collection: 'app.bsky.feed.post' }),
      (r) => r.data.records.some((x) => (x.value as { text: string }).text === 'So sorry, Bob! A fresh box is on its way.'),
      60_000,
    );

    await laptop.goto('/social/stream');
    await expect.poll(() => mentions.count()).toBe(2);
    await laptopShot(laptop, 'stream');
    await phoneShot('/social/stream', (p) => p.getByTestId('mention').nth(1).waitFor(), 'stream');
  });

  it('shows on the post page its code, the order that used it and what it came to, and the reply', async () => {
    const { deliveries } = await api('GET', `/api/v1/social/posts/${ids.post}`);
    const code = deliveries[0].couponCode;
    const res = await fetch(`${server.base}/api/v1/coupons/redeem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shopKey}`, 'content-type': 'application/json', 'idempotency-key': 'order-L-1' },
      body: JSON.stringify({ code, customer: { email: 'ann@example.com' }, amount: 4000, currency: 'GBP', orderId: 'L-1' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);

    await laptop.goto(`/social/posts/${ids.post}`);
    await laptop.getByTestId('coupon-uses').waitFor();
    expect(await text(laptop, 'delivery-coupon')).toBe(`Code ${code} Used once: 1 order in GBP came to £40.00, with £6.00 off.`);
    if (net.appView) await laptop.getByTestId('post-replies').getByText('Love these, see you Saturday!').waitFor();
    await laptopShot(laptop, 'post');
    await phoneShot(`/social/posts/${ids.post}`, (p) => p.getByTestId('coupon-uses').waitFor(), 'post');
  });
});
