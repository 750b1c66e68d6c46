// Contacts, clicked through in Chromium against the real server and the built web app: a
// property, a contact created and edited, its history and timeline, the table's search,
// filters, columns, selection and export, the import wizard with undo, and GDPR erase.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/contacts');
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const api = sessionApi(() => server.base, () => session);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Acme Coffee' });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.base, acceptDownloads: true });
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

async function shot(page: Page, name: string): Promise<void> {
  // From the top: a full-page picture of a scrolled page draws the fixed header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function choose(page: Page, label: string, option: string, scope: Page | ReturnType<Page['getByRole']> = page): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const csvOf = async (download: Download) => parse(readFileSync((await download.path())!), { bom: true, columns: true }) as Record<string, string>[];

describe('contacts in a browser', () => {
  let graceId = '';

  it('defines a property, creates and edits a contact, and shows the change in its history', async () => {
    const page = await newPage();
    await page.goto('/settings/properties');
    await page.getByText('No properties yet').waitFor();
    await page.getByRole('button', { name: 'New property' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Loyalty tier');
    expect(await dialog.getByLabel('Key').inputValue()).toBe('loyalty_tier');
    await choose(page, 'Type', 'Choice', dialog);
    for (const option of ['Bronze', 'Silver', 'Gold']) {
      await dialog.getByLabel('Choices').fill(option);
      await dialog.getByLabel('Choices').press('Enter');
    }
    await shot(page, '01-property-new');
    await dialog.getByRole('button', { name: 'Create property' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'Loyalty tier' }).filter({ hasText: 'Bronze, Silver, Gold' }).waitFor();
    await shot(page, '02-properties');

    await page.goto('/contacts');
    await page.getByText('Your contact list is empty').waitFor();
    await shot(page, '03-contacts-empty');
    await page.getByRole('button', { name: 'New contact' }).click();
    await dialog.getByLabel('Email', { exact: true }).fill('grace@example.com');
    await dialog.getByLabel('First name').fill('Grace');
    await dialog.getByLabel('Last name').fill('Hopper');
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    graceId = new URL(page.url()).pathname.split('/').pop()!;
    await shot(page, '04-contact-created');

    await page.getByRole('button', { name: 'Edit' }).click();
    await choose(page, 'Loyalty tier', 'Gold');
    await choose(page, 'Lifecycle stage', 'Customer');
    await page.getByLabel('Phone').fill('+44 7911 123456');
    await shot(page, '05-contact-editing');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The changes are saved and recorded in the history.').waitFor();
    await page.getByText('+447911123456').waitFor();
    await page.getByText('Gold', { exact: true }).waitFor();

    await page.getByRole('tab', { name: 'History' }).click();
    const history = page.getByRole('table', { name: 'Change history' });
    await history.getByRole('row').filter({ hasText: 'Loyalty tier' }).filter({ hasText: 'Gold' }).filter({ hasText: 'Web app' }).waitFor();
    await history.getByRole('row').filter({ hasText: 'Lifecycle stage' }).filter({ hasText: 'Customer' }).waitFor();
    await shot(page, '06-history');
  });

  it('shows the timeline newest first, one sentence per event, filtered by kind', async () => {
    const { key } = await api<{ key: string }>('POST', '/api/v1/api-keys', { name: 'Shop', scope: 'ingest' });
    const at = (minutes: number) => new Date(Date.UTC(2025, 2, 1, 12, minutes)).toISOString();
    const batch = [
      { type: 'identify', userId: 'grace-1', traits: { email: 'grace@example.com' }, timestamp: at(0) },
      { type: 'page', userId: 'grace-1', name: 'Pricing', properties: { title: 'Pricing', url: 'https://shop.test/pricing' }, timestamp: at(1) },
      { type: 'track', userId: 'grace-1', event: 'purchase', properties: { total: 45.2, currency: 'GBP', item_count: 3 }, timestamp: at(2) },
      { type: 'track', userId: 'grace-1', event: 'email.opened', properties: { subject: 'Spring sale' }, timestamp: at(3) },
      { type: 'track', userId: 'grace-1', event: 'refund', properties: { total: 12, currency: 'GBP' }, timestamp: at(4) },
      { type: 'track', userId: 'grace-1', event: 'order_shipped', properties: { carrier: 'UPS' }, timestamp: at(5) },
    ];
    const res = await fetch(`${server.base}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(res.status).toBe(200);

    const page = await newPage();
    await page.goto(`/contacts/${graceId}`);
    const events = page.getByTestId('timeline-event');
    await events.filter({ hasText: 'Bought 3 items for £45.20' }).waitFor();
    const text = (await events.allTextContents()).join(' | ');
    expect(text).toMatch(/Order shipped · carrier: UPS.*Refunded £12\.00.*Opened “Spring sale”.*Bought 3 items for £45\.20.*Viewed Pricing.*Was identified/s);
    await shot(page, '07-timeline');
    await choose(page, 'Event type', 'Purchase (1)');
    await events.first().filter({ hasText: 'Bought 3 items' }).waitFor();
    await expect.poll(() => events.count()).toBe(1);
    await shot(page, '08-timeline-filtered');
  });

  it('searches, filters, sorts, chooses columns, exports and deletes in the contacts table', async () => {
    for (let i = 0; i < 60; i++) {
      await api('POST', '/api/v1/contacts', {
        email: `customer${String(i).padStart(2, '0')}@shop.test`,
        firstName: ['Ann', 'Bob', 'Cara', 'Dan', 'Eve'][i % 5],
        lastName: ['Lee', 'Stone', 'Frost', 'Brown'][i % 4],
        properties: { loyalty_tier: ['Bronze', 'Silver', 'Gold'][i % 3] },
      });
    }
    const page = await newPage();
    await page.goto('/contacts');
    await page.getByTestId('contacts-total').filter({ hasText: '61 contacts' }).waitFor();
    await shot(page, '09-contacts');

    await page.getByLabel('Search contacts').fill('grace');
    await page.getByTestId('contacts-total').filter({ hasText: /^1 contact$/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('grace');
    await page.getByLabel('Search contacts').fill('');
    await page.getByTestId('contacts-total').filter({ hasText: '61 contacts' }).waitFor();

    await page.getByRole('button', { name: 'Filter' }).click();
    await choose(page, 'Field', 'Loyalty tier');
    await choose(page, 'Value', 'Gold');
    await shot(page, '10-filter-builder');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByText('Loyalty tier is Gold').waitFor();
    await page.getByTestId('contacts-total').filter({ hasText: '21 contacts' }).waitFor();

    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Loyalty tier' }).check();
    await page.keyboard.press('Escape');
    await page.getByRole('columnheader', { name: 'Loyalty tier' }).waitFor();
    await page.getByRole('button', { name: 'Name' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('ascending');
    await shot(page, '11-filtered-sorted');
    // The column choice is remembered; the filter and sort live in the address.
    await page.reload();
    await page.getByRole('columnheader', { name: 'Loyalty tier' }).waitFor();
    await page.getByText('Loyalty tier is Gold').waitFor();

    const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    const rows = await csvOf(all);
    expect(rows).toHaveLength(21);
    expect(rows.every((r) => r.loyalty_tier === 'Gold')).toBe(true);
    expect(rows.map((r) => r.email)).toContain('grace@example.com');

    await page.getByRole('checkbox', { name: 'Select Ann Brown' }).first().check();
    await page.getByRole('checkbox', { name: 'Select Ann Frost' }).first().check();
    const bar = page.getByRole('group', { name: 'Selected contacts' }).or(page.getByLabel('Selected contacts'));
    await bar.getByText('2 selected').waitFor();
    await shot(page, '12-selection');
    const [picked] = await Promise.all([page.waitForEvent('download'), bar.getByRole('button', { name: 'Export' }).click()]);
    expect((await csvOf(picked)).map((r) => r.first_name + ' ' + r.last_name).sort()).toEqual(['Ann Brown', 'Ann Frost']);
    await bar.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 2 contacts' }).click();
    await page.getByTestId('contacts-total').filter({ hasText: '19 contacts' }).waitFor();

    // More than 10 at once: the dialog counts them on the server and takes their number typed.
    await page.getByLabel('Search contacts').fill('shop.test');
    await page.getByTestId('contacts-total').filter({ hasText: '18 contacts' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all loaded contacts' }).check();
    await bar.getByText('18 selected').waitFor();
    await bar.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog');
    const typed = confirm.getByLabel('Type 18 to confirm');
    const go = confirm.getByRole('button', { name: 'Delete 18 contacts' });
    await typed.waitFor();
    expect(await go.isDisabled()).toBe(true);
    await typed.fill('17');
    expect(await go.isDisabled()).toBe(true);
    await typed.fill('18');
    await shot(page, '12b-confirm-count');
    await go.click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByLabel('Search contacts').fill('');
    await page.getByTestId('contacts-total').filter({ hasText: /^1 contact$/ }).waitFor();
    const log = await api<{ items: { kind: string; deleted: number }[] }>('GET', '/api/v1/contacts/deletions');
    expect(log.items.map((d) => [d.kind, d.deleted])).toEqual([
      ['many', 18],
      ['many', 2],
    ]);
  });

  it('imports a spreadsheet through the wizard, reports the bad rows and undoes it', async () => {
    const page = await newPage();
    await page.goto('/contacts/import');
    await page.getByText('Drop a spreadsheet of contacts here').waitFor();
    const csv = [
      'E-mail Address;Given Name;Family Name;Member since;Favourite drink',
      'zoe@cafe.test;Zoë;Martin;2021-03-05;Flat white',
      'not-an-email;Broken;Row;2021-03-06;Tea',
      'yann@cafe.test;Yann;Dubois;2022-11-30;Espresso',
    ].join('\r\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'cafe-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Target of E-mail Address' }).inputValue()).toBe('Email');
    expect(await page.getByRole('combobox', { name: 'Target of Given Name' }).inputValue()).toBe('First name');
    expect(await page.getByRole('combobox', { name: 'Target of Favourite drink' }).inputValue()).toBe('New property…');
    await shot(page, '13-import-mapping');
    // The file has addresses: the wizard asks whether these people agreed to marketing email.
    await page.getByRole('radio', { name: /No, or I don’t know/ }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Imported, with problems').waitFor({ timeout: 60_000 });
    await page.getByRole('table', { name: 'Rows skipped' }).getByText('not-an-email', { exact: false }).first().waitFor();
    await shot(page, '14-import-result');

    await page.goto('/contacts?q=cafe.test');
    await page.getByTestId('contacts-total').filter({ hasText: /^2 contacts$/ }).waitFor();
    await page.goBack();
    await page.getByRole('button', { name: 'Undo import' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Undo import' }).click();
    await page.getByText('This import was undone').waitFor({ timeout: 60_000 });
    await shot(page, '15-import-undone');
    await page.goto('/contacts/import');
    await page.getByRole('table', { name: 'Earlier imports' }).getByText('cafe-customers.csv').waitFor();
    await shot(page, '16-import-history');
  });

  it('downloads a contact’s data and erases the contact', async () => {
    const page = await newPage();
    await page.goto(`/contacts/${graceId}`);
    await page.getByRole('tab', { name: 'Data' }).click();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    const data = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(data.contact.email).toBe('grace@example.com');
    expect(data.events.length).toBeGreaterThanOrEqual(6);
    await page.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Type grace@example.com to confirm/).fill('grace@example.com');
    await shot(page, '17-erase');
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts');
    const gone = await fetch(`${server.base}/api/v1/contacts/${graceId}`, { headers: { cookie: session.cookie } });
    expect(gone.status).toBe(404);

    // Every deletion, listed for admins in Settings › Workspace, newest first.
    await page.goto('/settings/workspace');
    const rows = page.getByTestId('deletions').getByTestId('deletion-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(0).innerText()).toMatch(/Erased \(GDPR\)\s+1\s+Nothing that names the person is kept/);
    expect(await rows.nth(1).innerText()).toMatch(/Import undone\s+2\s+The contacts the import had created/);
    expect(await rows.nth(2).innerText()).toMatch(/Many at once\s+18\s+18 chosen by hand/);
    await shot(page, '18-deletions');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
