// The contact page as a shop owner reads it, in Chromium against the real server and the built
// web app: a customer imported with their agreement to marketing email, whose shop then sent
// orders in pounds and forints and a refund through the tracking API (Segment's e-commerce
// events, amounts in major units). The summary at the top, an order opened on the timeline,
// and the consent line and record, at 1440 and 390 pixels wide.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/contact-page');
const DAY = 86_400_000;
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const api = sessionApi(() => server.base, () => session);

async function track(key: string, batch: unknown[]): Promise<void> {
  const res = await fetch(`${server.base}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.errors ?? [], JSON.stringify(body)).toEqual([]);
}

/** Uploads customers.csv and imports it with "these people agreed to marketing email". */
async function importCustomers(csv: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([csv]), 'customers.csv');
  const res = await fetch(`${server.base}/api/v1/imports?kind=contacts`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form });
  const uploaded = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(uploaded)).toBe(201);
  await api('POST', `/api/v1/imports/${uploaded.id}/start`, { mapping: ['external_id', 'email', 'first_name', 'last_name'], newProperties: [], emailConsent: 'subscribed' });
  const until = Date.now() + 60_000;
  for (;;) {
    const imp = await api<{ status: string; error: string | null }>('GET', `/api/v1/imports/${uploaded.id}`);
    if (imp.status === 'completed') return;
    if (imp.status === 'failed' || Date.now() > until) throw new Error(`the import is ${imp.status}: ${imp.error}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ann@example.com', name: 'Ann Lee', password: 'correct horse battery', workspaceName: 'Acme Coffee' });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: server.base, isMobile: width < 500, hasTouch: width < 500 });
  contexts.push(context);
  const [name, ...value] = session.cookie.split('=');
  await context.addCookies([{ name: name!, value: value.join('='), url: server.base }]);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(SHOTS, `failed-${contexts.indexOf(context)}.png`), fullPage: true }).catch(() => undefined);
  });
  return page;
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  // From the top: a full-page picture of a scrolled page draws the fixed header mid-page.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

// Labels read as they are shown (upper case); every kind of space as one (Intl puts a
// no-break space in "HUF 4,990.00").
const textOf = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();

describe('the contact page', () => {
  let graceId = '';
  let linusId = '';

  beforeAll(async () => {
    await importCustomers('Customer ID,Email,First name,Last name\ncust-1,grace@example.com,Grace,Hopper\n');
    const found = await api<{ items: { id: string }[] }>('GET', '/api/v1/contacts?q=grace');
    graceId = found.items[0]!.id;
    // Added by hand without saying they agreed: not subscribed.
    linusId = (await api<{ id: string }>('POST', '/api/v1/contacts', { email: 'linus@example.com', firstName: 'Linus', lastName: 'Pauling' })).id;

    const { key } = await api<{ key: string }>('POST', '/api/v1/api-keys', { name: 'Shop', scope: 'ingest' });
    const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const context = { ip: '203.0.113.7', locale: 'en-GB', page: { url: 'https://shop.test/checkout' }, library: { name: 'analytics-node', version: '6.2.0' } };
    await track(key, [
      // A shop's own event: Segment's amounts are major units (24.5 is £24.50).
      { type: 'track', userId: 'cust-1', event: 'Product Viewed', timestamp: ago(93), context, properties: { product_id: 'ESP-250', name: 'Espresso beans 250 g', price: 24.5, currency: 'GBP', in_stock: true } },
      {
        type: 'track',
        userId: 'cust-1',
        event: 'Order Completed',
        timestamp: ago(92),
        context,
        properties: {
          order_id: 'A-1001',
          currency: 'GBP',
          total: 32.95,
          shipping: 3.95,
          discount: 2,
          coupon: 'WELCOME2',
          products: [
            { sku: 'ESP-250', name: 'Espresso beans 250 g', price: 9.5, quantity: 2 },
            { sku: 'MUG-1', name: 'Stoneware mug', price: 12, quantity: 1 },
          ],
        },
      },
      { type: 'track', userId: 'cust-1', event: 'Order Completed', timestamp: ago(40), properties: { order_id: 'A-1002', currency: 'GBP', total: 19, products: [{ name: 'Pour-over kettle', price: 19, quantity: 1 }] } },
      // Forints: ISO 4217 gives them two decimals where browsers display none.
      { type: 'track', userId: 'cust-1', event: 'Order Completed', timestamp: ago(2), properties: { order_id: 'H-7', currency: 'HUF', total: 4990, products: [{ name: 'Matcha tin', price: 2495, quantity: 2 }] } },
    ]);
    // The whole of A-1002 given back (no amount named: what is left of the order).
    await track(key, [{ type: 'track', userId: 'cust-1', event: 'Order Refunded', timestamp: ago(35), properties: { order_id: 'A-1002' } }]);
  });

  it('sums up the orders per currency at the top, never adding pounds to forints', async () => {
    const page = await newPage(1440, 900);
    await page.goto(`/contacts/${graceId}`);
    await page.getByTestId('purchase-summary').waitFor();
    expect(await textOf(page, 'summary-orders')).toBe('ORDERS 3 2 in GBP · 1 in HUF');
    expect(await textOf(page, 'summary-items')).toBe('ITEMS BOUGHT 6');
    expect(await textOf(page, 'summary-spent')).toBe('TOTAL SPENT £51.95 HUF 4,990.00');
    expect(await textOf(page, 'summary-refunded')).toBe('REFUNDED £19.00 1 refund');
    expect(await textOf(page, 'summary-net')).toBe('AFTER REFUNDS £32.95 HUF 4,990.00');
    // £51.95 over two orders is £25.975: the server rounds to the penny.
    expect(await textOf(page, 'summary-average')).toBe('AVERAGE ORDER £25.98 HUF 4,990.00');
    expect(await textOf(page, 'summary-first')).toBe('FIRST ORDER 3 months ago');
    expect(await textOf(page, 'summary-last')).toBe('LAST ORDER 2 days ago');
    await expect.poll(() => page.getByTestId('purchase-summary').innerText()).toContain('never added together');

    // The date is on hover.
    await page.getByTestId('summary-first').getByText('3 months ago').hover();
    await expect.poll(() => page.getByRole('tooltip').innerText()).toMatch(new RegExp(String(new Date(Date.now() - 92 * DAY).getUTCFullYear())));
    await page.mouse.move(0, 0);

    // Visible without scrolling on a laptop: the summary and the start of the timeline.
    const box = await page.getByTestId('purchase-summary').boundingBox();
    expect(box!.y + box!.height).toBeLessThan(900);
    expect((await page.getByTestId('timeline-event').first().boundingBox())!.y).toBeLessThan(900);
    await shot(page, '01-summary-1440', false);
  });

  it('opens an order on the timeline as lines and money, with the raw data one click away', async () => {
    const page = await newPage(1440, 900);
    await page.goto(`/contacts/${graceId}`);
    const events = page.getByTestId('timeline-event');
    await events.filter({ hasText: 'Bought 2 items for HUF 4,990.00' }).waitFor();
    const sentences = (await events.allInnerTexts()).map((t) => t.split('\n')[0]!.replace(/\s+/g, ' ').trim());
    expect(sentences).toEqual([
      'Bought 2 items for HUF 4,990.00',
      'Refunded £19.00',
      'Bought 1 item for £19.00',
      'Bought 3 items for £32.95',
      'Product viewed · name: Espresso beans 250 g, price: £24.50, in stock: yes',
    ]);
    const first = events.filter({ hasText: 'Bought 3 items for £32.95' });
    expect(await first.innerText()).toContain('Purchase · via the tracking API');

    await first.getByRole('button', { name: /Bought 3 items/ }).click();
    const order = first.getByTestId('order-details');
    await order.waitFor();
    const lines = (await order.getByTestId('order-line').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    expect(lines).toEqual(['Espresso beans 250 g 2 × £9.50 · SKU ESP-250 £19.00', 'Stoneware mug 1 × £12.00 · SKU MUG-1 £12.00']);
    const orderText = (await order.innerText()).replace(/\s+/g, ' ');
    expect(orderText).toContain('Order A-1001');
    expect(orderText).toContain('sent as “Order Completed”');
    expect(orderText).toMatch(/Discount −£2\.00 Shipping £3\.95 Total · 3 items £32\.95/);
    const details = first.getByTestId('event-details');
    const detailText = (await details.innerText()).replace(/\s+/g, ' ');
    expect(detailText).toContain('Coupon WELCOME2');
    expect(detailText).toContain('Page https://shop.test/checkout');
    expect(detailText).toContain('Sent by analytics-node 6.2.0');
    // No amount in minor units anywhere but the raw data.
    expect(detailText).not.toContain('3295');

    await details.getByRole('button', { name: 'Show raw data' }).click();
    await expect.poll(() => details.locator('pre').innerText()).toContain('"total": 3295');
    await shot(page, '02-order-1440');

    const refund = events.filter({ hasText: 'Refunded £19.00' });
    await refund.getByRole('button', { name: /Refunded/ }).click();
    await expect.poll(async () => (await refund.getByTestId('order-details').innerText()).replace(/\s+/g, ' ')).toMatch(/Refund for order A-1002.*Refunded £19\.00/);

    // Any other event: its properties labelled, its amounts as money in its currency.
    const viewed = events.filter({ hasText: 'Product viewed' });
    expect(await viewed.innerText()).toContain('Product Viewed · via the tracking API');
    await viewed.getByRole('button', { name: /Product viewed/ }).click();
    const viewedText = (await viewed.getByTestId('event-details').innerText()).replace(/\s+/g, ' ');
    for (const pair of ['Product ID ESP-250', 'Name Espresso beans 250 g', 'Price £24.50', 'Currency GBP', 'In stock Yes']) expect(viewedText).toContain(pair);
    expect(viewedText).toMatch(/where it came from page https:\/\/shop.test\/checkout/i);

    // The event-type filter says what kinds of events there are, in words.
    await page.getByRole('combobox', { name: 'Event type' }).click();
    expect(await page.getByRole('option').allInnerTexts()).toEqual(expect.arrayContaining(['Purchase (3)', 'Refund (1)', 'Product Viewed (1)']));
    expect(pageErrors).toEqual([]);
  });

  it('says when and how the contact agreed to email, and records a change made here', async () => {
    const page = await newPage(1440, 900);
    await page.goto(`/contacts/${graceId}`);
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date());
    await expect.poll(() => textOf(page, 'consent-line')).toBe(`Subscribed on ${today} · import of customers.csv, agreement stated by Ann Lee`);

    await page.goto(`/contacts/${linusId}`);
    await page.getByTestId('purchase-summary').getByText('No orders yet').waitFor();
    await expect.poll(() => textOf(page, 'consent-line')).toBe('Not subscribed · nobody has said they agreed to marketing email');
    await shot(page, '03-no-orders-1440', false);

    // Subscribing them in the edit form leaves a record, with who did it.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('combobox', { name: 'Email status' }).click();
    await page.getByRole('option', { name: 'Subscribed', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => textOf(page, 'consent-line')).toBe(`Subscribed on ${today} · the web app`);

    // Their own system then says they left, through the API: the record lists both changes.
    const { key } = await api<{ key: string }>('POST', '/api/v1/api-keys', { name: 'CRM', scope: 'full' });
    const res = await fetch(`${server.base}/api/v1/contacts/${linusId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ emailStatus: 'unsubscribed' }),
    });
    expect(res.status).toBe(200);
    await page.reload();
    await expect.poll(() => textOf(page, 'consent-line')).toBe(`Unsubscribed on ${today} · the API`);
    const record = (await page.getByTestId('consent-history').innerText()).split('\n').filter(Boolean);
    expect(record).toEqual([
      'Subscribed → Unsubscribed',
      expect.stringMatching(new RegExp(`^${today}, .* · the API$`)),
      'Not subscribed → Subscribed',
      expect.stringMatching(new RegExp(`^${today}, .* · the web app$`)),
    ]);
    await shot(page, '04-consent-record-1440', false);
    expect(pageErrors).toEqual([]);
  });

  it('lists what templates get of a contact’s orders in the merge field help', async () => {
    const body = '<mjml><mj-body><mj-section><mj-column><mj-text>You have spent {{ contact.purchases.total_spent }} with us. <a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>';
    const template = await api<{ id: string }>('POST', '/api/v1/email/templates', { name: 'Thank you', subject: 'Thank you', body });
    const page = await newPage(1440, 900);
    await page.goto(`/email/templates/${template.id}`);
    await page.getByRole('button', { name: 'Merge fields' }).click();
    const help = page.getByRole('dialog');
    for (const field of ['orders', 'items', 'refunds', 'total_spent', 'net_spent', 'average_order', 'first_order_date', 'last_order_date', 'currency']) {
      await help.getByText(`{{ contact.purchases.${field} }}`, { exact: true }).waitFor();
    }
    expect(await help.getByRole('row').filter({ hasText: 'contact.purchases.net_spent' }).innerText()).toContain('Total spent after refunds');
    // Within the window, the rest a scroll away inside it.
    const box = (await help.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    await help.getByText('Their orders').scrollIntoViewIfNeeded();
    await shot(page, '05-merge-fields-1440', false);
    expect(pageErrors).toEqual([]);
  });

  it('reads on a phone: the summary two by two, the order and consent without sideways scrolling', async () => {
    const page = await newPage(390, 844);
    await page.goto(`/contacts/${graceId}`);
    await page.getByTestId('purchase-summary').waitFor();
    expect(await textOf(page, 'summary-spent')).toBe('TOTAL SPENT £51.95 HUF 4,990.00');
    const [orders, items, spent] = await Promise.all(['summary-orders', 'summary-items', 'summary-spent'].map(async (id) => (await page.getByTestId(id).boundingBox())!));
    expect(items!.y).toBeCloseTo(orders!.y, 0);
    expect(spent!.y).toBeGreaterThan(orders!.y + orders!.height);
    await page.getByTestId('consent-line').waitFor();
    await shot(page, '06-summary-390', false);

    const first = page.getByTestId('timeline-event').filter({ hasText: 'Bought 3 items for £32.95' });
    await first.getByRole('button', { name: /Bought 3 items/ }).click();
    await first.getByTestId('order-details').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, '07-order-390');
    expect(pageErrors).toEqual([]);
  });
});
