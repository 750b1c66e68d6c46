// Segments, clicked through in Chromium against the real server and the built web app: a
// segment built by clicking (an event counted in a time window AND a property), its live count
// and a server error marked on its node, saving and the background count, members and CSV,
// a list filled from the contacts table, a segment that uses the list, a contact's segments and
// lists on their page (a list changed from there), the 409 on deleting a list in use,
// templates, and members paged with "Load more".
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/segments');
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const api = sessionApi(() => server.base, () => session);

// Twelve customers. Customer i bought (i % 4) times in the last year, and once more 400 days
// ago when i % 4 is 0 or 1 (but not customer 0, who never bought). Loyalty tier: gold, silver,
// bronze in turn. So: performed purchase ever: 11; at least twice ever: 9; at least twice in
// the last 365 days: 6 (i = 2, 3, 6, 7, 10, 11); and gold too: 2 (Dan and Gus, i = 3 and 6).
const FIRST = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jon', 'Kim', 'Lea'];
const TIERS = ['gold', 'silver', 'bronze'];
const FILLERS = 55;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Acme Coffee' });

  await api('POST', '/api/v1/properties', { label: 'Loyalty tier', type: 'enum', options: ['bronze', 'silver', 'gold'] });
  const { key } = await api<{ key: string }>('POST', '/api/v1/api-keys', { name: 'Shop', scope: 'ingest' });
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const batch: unknown[] = [];
  FIRST.forEach((first, i) => {
    const userId = `cust-${i}`;
    batch.push({ type: 'identify', userId, traits: { email: `${first.toLowerCase()}@shop.test`, firstName: first, lastName: 'Shopper', loyalty_tier: TIERS[i % 3] }, timestamp: daysAgo(500) });
    for (let k = 0; k < i % 4; k++) {
      batch.push({ type: 'track', userId, event: 'purchase', properties: { total: 10 * (i + 1), currency: 'GBP' }, timestamp: daysAgo(20 + i + 60 * k) });
    }
    if (i > 0 && i % 4 <= 1) batch.push({ type: 'track', userId, event: 'purchase', properties: { total: 5, currency: 'GBP' }, timestamp: daysAgo(400) });
  });
  for (let f = 0; f < FILLERS; f++) {
    batch.push({ type: 'identify', userId: `fan-${f}`, traits: { email: `fan${String(f).padStart(2, '0')}@list.test` }, timestamp: daysAgo(300 - f) });
  }
  const sent = await fetch(`${server.base}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(sent.status).toBe(200);
  const performed = { kind: 'group', op: 'and', children: [{ kind: 'event', event: 'purchase' }] };
  for (let tries = 0; (await api('POST', '/api/v1/segments/preview', { definition: performed })).count !== 11; tries++) {
    if (tries > 150) throw new Error('The tracked purchases did not arrive.');
    await new Promise((r) => setTimeout(r, 200));
  }
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
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Picks an option of a Mantine Select (a combobox named by its label) inside `scope`. */
async function choose(page: Page, scope: Page | Locator, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const count = (page: Page, n: number) => page.getByTestId('preview-count').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();

describe('segments in a browser', () => {
  let repeatGoldId = '';
  let listId = '';

  it('builds a segment by clicking, with a live count, an error marked on its node, and saves it', async () => {
    const page = await newPage();
    await page.goto('/segments');
    await page.getByText('No segments or lists yet').waitFor();
    await shot(page, '01-empty');

    await page.getByRole('link', { name: 'New segment' }).first().click();
    await page.getByRole('heading', { name: 'New segment' }).waitFor();
    await count(page, 12 + FILLERS);
    await page.getByLabel('Name').fill('Repeat buyers, gold');
    await page.getByLabel('Description').fill('Bought at least twice this year and hold the gold tier.');

    // Purchase, performed at least 2 times in the last 365 days.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('menuitem', { name: 'Event (what they did)' }).click();
    const event = page.getByTestId('condition').nth(0);
    await choose(page, event, 'Event', 'Purchase');
    await count(page, 11);
    await choose(page, event, 'Measure', 'at least … times');
    await event.getByLabel('Times').fill('2');
    await count(page, 9);
    await choose(page, event, 'Time window', 'in the last … days');
    await event.getByLabel('Window in days').fill('365');
    await count(page, 6);

    // AND a property condition: loyalty tier is gold.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('menuitem', { name: 'Contact field or property' }).click();
    const tier = page.getByTestId('condition').nth(1);
    await choose(page, tier, 'Field', 'Loyalty tier');
    await expect.poll(() => tier.getByRole('combobox', { name: 'Operator', exact: true }).inputValue()).toBe('is');
    await choose(page, tier, 'Value', 'gold');
    await count(page, 2);
    await page.getByTestId('preview-sample').getByText('Gus Shopper').waitFor();
    await page.getByTestId('preview-sample').getByText('Dan Shopper').waitFor();
    await shot(page, '02-builder');

    // A range the wrong way round: the server's 400 is shown, on the condition it is about.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('menuitem', { name: 'Event (what they did)' }).click();
    const spend = page.getByTestId('condition').nth(2);
    await choose(page, spend, 'Event', 'Purchase');
    await choose(page, spend, 'Measure', 'total of a property');
    await expect.poll(() => spend.getByRole('combobox', { name: 'Property', exact: true }).inputValue()).toBe('total');
    await choose(page, spend, 'Comparison', 'is between');
    await spend.getByLabel('Amount low').fill('5000');
    await spend.getByLabel('Amount high').fill('1000');
    await page.getByTestId('preview-error').waitFor();
    expect(await page.getByTestId('preview-error').textContent()).toContain('low ≤ high');
    await spend.getByRole('alert').filter({ hasText: 'Measure: must be [low, high] with low ≤ high' }).waitFor();
    expect(await spend.getAttribute('data-error')).not.toBeNull();
    expect(await event.getAttribute('data-error')).toBeNull();
    await shot(page, '03-builder-error');
    await spend.getByRole('button', { name: 'Remove condition' }).click();
    await count(page, 2);

    // A nested "any of" group, then removed: the tree edits both ways.
    await page.getByRole('button', { name: 'Add group' }).click();
    await expect.poll(() => page.getByTestId('group').count()).toBe(2);
    const nested = page.getByTestId('group').nth(1).getByTestId('condition');
    await choose(page, nested, 'Field', 'Email');
    await choose(page, nested, 'Operator', 'contains');
    await nested.getByRole('textbox', { name: 'Value', exact: true }).fill('@shop.test');
    await count(page, 2);
    await shot(page, '03b-builder-nested-group');
    await page.getByRole('button', { name: 'Remove group' }).click();
    await expect.poll(() => page.getByTestId('group').count()).toBe(1);

    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    repeatGoldId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: 'Repeat buyers, gold' }).waitFor();
    await page.getByTestId('segment-size').filter({ hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    const summary = page.getByTestId('definition-summary');
    await summary.getByText('Bought at least twice in the last year').waitFor();
    await summary.getByText('Loyalty tier is gold').waitFor();
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('row').filter({ hasText: 'Dan Shopper' }).filter({ hasText: 'dan@shop.test' }).waitFor();
    await members.getByRole('row').filter({ hasText: 'Gus Shopper' }).waitFor();
    await shot(page, '04-segment');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const rows = parse(readFileSync((await csv.path())!), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email).sort()).toEqual(['dan@shop.test', 'gus@shop.test']);

    // The members in the contacts list, by a membership filter that can be turned around.
    await page.getByRole('link', { name: 'Open in Contacts' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts');
    const pill = 'Segment or list is Repeat buyers, gold (segment)';
    await page.getByText(pill).waitFor();
    await page.getByTestId('contacts-total').filter({ hasText: /^2 contacts$/ }).waitFor();
    await page.getByRole('button', { name: `Remove filter ${pill}` }).click();
    const everyone = (await api<{ total: number }>('GET', '/api/v1/contacts?limit=1')).total;
    await page.getByTestId('contacts-total').filter({ hasText: new RegExp(`^${everyone} contacts$`) }).waitFor();
    await page.getByRole('button', { name: 'Filter' }).click();
    await choose(page, page, 'Field', 'Segment or list');
    await choose(page, page, 'Condition', 'is not');
    await choose(page, page, 'Value', 'Repeat buyers, gold (segment)');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByText('Segment or list is not Repeat buyers, gold (segment)').waitFor();
    await page.getByTestId('contacts-total').filter({ hasText: new RegExp(`^${everyone - 2} contacts$`) }).waitFor();
    await shot(page, '04b-contacts-not-in-segment');

    await page.goto('/segments');
    const row = page.getByRole('row').filter({ hasText: 'Repeat buyers, gold' });
    await row.getByTestId('segment-size').filter({ hasText: /^2$/ }).waitFor();
    await row.getByRole('img', { name: /Size of Repeat buyers, gold over 30 days/ }).waitFor();
  });

  it('edits the segment, which opens with its conditions and is recounted when saved', async () => {
    const page = await newPage();
    await page.goto(`/segments/${repeatGoldId}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “Repeat buyers, gold”' }).waitFor();
    await count(page, 2);
    const event = page.getByTestId('condition').nth(0);
    expect(await event.getByRole('combobox', { name: 'Measure', exact: true }).inputValue()).toBe('at least … times');
    expect(await event.getByLabel('Window in days').inputValue()).toBe('365');
    // Only purchases of at least 5000: Dan's are 4000 each, so Gus alone is left.
    await event.getByRole('button', { name: 'Filter on its properties' }).click();
    const filter = event.getByTestId('event-filter');
    await choose(page, filter, 'Event property', 'total (number)');
    await choose(page, filter, 'Filter operator', 'is at least');
    await filter.getByLabel('Filter value').fill('5000');
    await count(page, 1);
    await page.getByTestId('preview-sample').getByText('Gus Shopper').waitFor();
    await shot(page, '05-builder-event-filter');
    await filter.getByRole('button', { name: 'Remove filter' }).click();
    await count(page, 2);
    // "any of" instead of "all of": bought twice this year, or gold (Ann, Jon too).
    await choose(page, page.getByRole('group', { name: 'Conditions' }), 'Match', 'any of');
    await count(page, 8);
    await choose(page, page.getByRole('group', { name: 'Conditions' }), 'Match', 'all of');
    await count(page, 2);
    // Three times: Dan alone (Gus bought twice).
    await event.getByLabel('Times').fill('3');
    await count(page, 1);
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL((url) => url.pathname === `/segments/${repeatGoldId}`);
    await page.getByTestId('segment-size').filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('definition-summary').getByText('Bought at least 3 times in the last year').waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Members' }).getByRole('row').count()).toBe(2);
  });

  it('fills a list from the contacts table, removes a member, and uses the list in a segment', async () => {
    const page = await newPage();
    await page.goto('/segments');
    await page.getByRole('button', { name: 'New list' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('VIP list');
    await dialog.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: 'VIP list' }).waitFor();
    listId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByText('No one is in this list yet').waitFor();

    await page.goto('/contacts?q=shop.test');
    await page.getByTestId('contacts-total').filter({ hasText: '12 contacts' }).waitFor();
    for (const name of ['Ann Shopper', 'Ben Shopper', 'Dan Shopper']) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    const bar = page.getByLabel('Selected contacts');
    await bar.getByText('3 selected').waitFor();
    await bar.getByRole('button', { name: 'Add to list' }).click();
    await choose(page, dialog, 'List', 'VIP list (0)');
    await shot(page, '06-add-to-list');
    await dialog.getByRole('button', { name: 'Add to list' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('3 contacts were added to “VIP list”.').waitFor();

    await page.goto(`/segments/${listId}`);
    const members = page.getByRole('table', { name: 'Members' });
    await expect.poll(() => members.getByRole('row').count()).toBe(4);
    await page.getByRole('checkbox', { name: 'Select Ben Shopper' }).check();
    await page.getByLabel('Selected members').getByRole('button', { name: 'Remove from list' }).click();
    await expect.poll(() => members.getByRole('row').count()).toBe(3);
    await page.getByTestId('segment-size').filter({ hasText: /^2$/ }).waitFor();

    // Pasted addresses: the known one is added, the unknown one reported.
    await page.getByRole('button', { name: 'Add contacts' }).click();
    await dialog.getByRole('tab', { name: 'Paste emails' }).click();
    await dialog.getByLabel('Email addresses').fill('cat@shop.test\nnobody@nowhere.test');
    await dialog.getByRole('button', { name: 'Add to list' }).click();
    await dialog.getByText('No contact has this address: nobody@nowhere.test').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => members.getByRole('row').count()).toBe(4);
    await page.getByTestId('segment-size').filter({ hasText: /^3$/ }).waitFor();
    await shot(page, '07-list');

    // A segment that uses the list and the first segment: Dan is in both.
    await page.goto('/segments/new');
    await page.getByLabel('Name').fill('VIP repeat buyers');
    for (const [i, target] of [
      [0, 'VIP list'],
      [1, 'Repeat buyers, gold'],
    ] as const) {
      await page.getByRole('button', { name: 'Add condition' }).click();
      await page.getByRole('menuitem', { name: 'Member of a segment or list' }).click();
      await choose(page, page.getByTestId('condition').nth(i), 'Segment or list', target);
    }
    await count(page, 1);
    await page.getByTestId('preview-sample').getByText('Dan Shopper').waitFor();
    await choose(page, page.getByTestId('condition').nth(1), 'Membership', 'is not in');
    await count(page, 2);
    await page.getByTestId('preview-sample').getByText('Ann Shopper').waitFor();
    await page.getByTestId('preview-sample').getByText('Cat Shopper').waitFor();
    await choose(page, page.getByTestId('condition').nth(1), 'Membership', 'is in');
    await count(page, 1);
    await shot(page, '08-builder-membership');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('heading', { name: 'VIP repeat buyers' }).waitFor();
    await page.getByTestId('segment-size').filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('definition-summary').getByText('Is in “VIP list” (list)').waitFor();

    // On Dan's page: the segments he is in, then his list. Ben, taken off the list above, is put back from his own page.
    await page.goto('/contacts?q=dan%40shop.test');
    await page.getByRole('link', { name: 'Dan Shopper' }).first().click();
    const dans = page.getByTestId('contact-memberships');
    await expect.poll(async () => (await dans.getByRole('link').allTextContents()).join(' | ')).toBe('Repeat buyers, gold | VIP repeat buyers | VIP list');
    await dans.getByText(/^List · since /).waitFor();
    await page.getByText('Added to list “VIP list”').waitFor();
    await shot(page, '08b-contact-memberships');
    await page.goto('/contacts?q=ben%40shop.test');
    await page.getByRole('link', { name: 'Ben Shopper' }).first().click();
    const bens = page.getByTestId('contact-memberships');
    await bens.getByRole('combobox', { name: 'Add to a list' }).click();
    await page.getByRole('option', { name: 'VIP list' }).click();
    await bens.getByRole('link', { name: 'VIP list' }).waitFor();
    await bens.getByRole('button', { name: 'Take off the list VIP list' }).click();
    await bens.getByRole('link', { name: 'VIP list' }).waitFor({ state: 'detached' });
    await bens.getByRole('combobox', { name: 'Add to a list' }).click();
    await page.getByRole('option', { name: 'VIP list' }).click();
    await bens.getByRole('link', { name: 'VIP list' }).waitFor();
    expect((await api<{ memberCount: number }>('GET', `/api/v1/segments/${listId}`)).memberCount).toBe(4);

    // The list is in use: deleting it is refused, and the page says why.
    await page.goto(`/segments/${listId}`);
    await page.getByText('Used by:').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete list' }).click();
    await page.getByTestId('delete-error').filter({ hasText: 'Used by "VIP repeat buyers": change those first.' }).waitFor();
    await shot(page, '09-delete-refused');
  });

  it('starts from a template and pages through members', async () => {
    const fans = await api('POST', '/api/v1/segments', {
      name: 'Newsletter fans',
      definition: { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'email', op: 'contains', value: '@list.test' }] },
    });
    const page = await newPage();
    await page.goto('/segments');
    await page.getByRole('button', { name: 'Start from a template' }).click();
    await page.getByRole('listitem', { name: 'No purchase in 90 days' }).waitFor();
    await shot(page, '10-templates');
    await page.getByRole('listitem', { name: 'No purchase in 90 days' }).click();
    await page.getByRole('heading', { name: 'New segment' }).waitFor();
    expect(await page.getByLabel('Name').inputValue()).toBe('No purchase in 90 days');
    await expect.poll(() => page.getByTestId('condition').count()).toBe(2);
    // Bought before, but not in the last 90 days: Eve and Ivy, whose only purchase is old.
    await count(page, 2);
    await shot(page, '11-template-builder');

    await page.goto(`/segments/${fans.id}`);
    await page.getByTestId('segment-size').filter({ hasText: new RegExp(`^${FILLERS}$`) }).waitFor({ timeout: 30_000 });
    const members = page.getByRole('table', { name: 'Members' });
    await expect.poll(() => members.getByRole('row').count()).toBe(51);
    await page.getByText(`${FILLERS} contacts, 50 shown`).waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => members.getByRole('row').count()).toBe(FILLERS + 1);
    await page.goto('/segments');
    await page.getByRole('row').filter({ hasText: 'Newsletter fans' }).waitFor();
    await shot(page, '12-segments');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
