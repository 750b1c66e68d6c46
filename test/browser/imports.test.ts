// Imports clicked through in Chromium against the real server and the built web app: an order
// history (test/fixtures/online-retail, December 2010, gzip) whose progress shows bytes read
// and the orders and customers found while it runs, then its result; the contact wizard's
// questions (who is who, consent) and a result that imported nothing; the default country.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/imports');
const RETAIL = path.resolve('test/fixtures/online-retail/online_retail_2010-12.csv.gz');
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Acme Gifts' });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.base });
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
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const statValue = async (page: Page, label: string) =>
  Number((await page.getByRole('main').getByText(label, { exact: true }).locator('xpath=following-sibling::*[1]').innerText()).replace(/,/g, ''));

describe('imports in a browser', () => {
  it('an order history: real progress while it runs, purchases and customers as they are found, then the result', async () => {
    const page = await newPage();
    await page.goto('/contacts/import?kind=orders');
    await page.getByText('Drop your order history here').waitFor();
    await page.getByTestId('import-file').setInputFiles({ name: 'online_retail_2010-12.csv.gz', mimeType: 'application/gzip', buffer: readFileSync(RETAIL) });
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Target of CustomerID' }).inputValue()).toBe('Customer ID');
    // No customer email in this file: nobody to ask about consent, and the customer ID says who bought.
    expect(await page.getByText('Did the people in this file agree').count()).toBe(0);
    expect(await page.getByTestId('identity-missing').count()).toBe(0);
    await page.getByLabel('Currency').fill('GBP');
    await shot(page, '01-orders-mapping');

    await page.getByRole('button', { name: 'Start import' }).click();
    // While it runs: the share of the compressed file read, and what was found so far.
    const progress = page.getByTestId('import-progress');
    await progress.filter({ hasText: /\d+(\.\d)? (B|KB|MB) of \d+(\.\d)? (KB|MB) read · [1-9][\d,]* rows/ }).waitFor({ timeout: 60_000 });
    await page.getByText('Orders found', { exact: true }).waitFor();
    await expect.poll(() => statValue(page, 'Orders found'), { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
    expect(await statValue(page, 'Customers found')).toBeGreaterThan(0);
    expect(await page.getByText('Created', { exact: true }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, '02-orders-progress.png'), fullPage: true });

    await page.getByText('Imported, with problems').waitFor({ timeout: 120_000 });
    expect(await statValue(page, 'Purchases')).toBe(1400);
    expect(await statValue(page, 'Refunds')).toBe(308);
    expect(await statValue(page, 'Customers')).toBe(948);
    expect(await statValue(page, 'Without customer')).toBe(15_631);
    await page.getByRole('table', { name: 'Rows skipped' }).getByText('no customer id or email', { exact: false }).first().waitFor();
    await shot(page, '03-orders-result');
  });

  it('the contact wizard asks who is who and about consent, with no answer given for the person', async () => {
    const page = await newPage();
    await page.goto('/contacts/import');
    await page.getByTestId('import-file').setInputFiles({ name: 'names.csv', mimeType: 'text/csv', buffer: Buffer.from('First name;Last name;Stadt\r\nAnna;Schmidt;Berlin\r\n') });
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();
    await page.getByTestId('identity-missing').waitFor();
    expect(await page.getByRole('button', { name: 'Start import' }).isDisabled()).toBe(true);
    await shot(page, '04-no-identity');
    await page.getByRole('button', { name: 'Discard this upload' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts/import');

    const csv = 'Name;Kontakt;Telefonnummer\r\nLena Vogel;lena.vogel@beispiel.de;+49 170 1234567\r\nTom Becker;tom.becker@beispiel.de;12\r\n';
    await page.getByTestId('import-file').setInputFiles({ name: 'kontaktliste.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Target of Kontakt' }).inputValue()).toBe('Email');
    const yes = page.getByRole('radio', { name: /Yes, they agreed/ });
    const no = page.getByRole('radio', { name: /No, or I don’t know/ });
    expect([await yes.isChecked(), await no.isChecked()]).toEqual([false, false]);
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Answer this question to start the import').waitFor();
    await shot(page, '05-consent-question');
    await yes.check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Imported, with problems').waitFor({ timeout: 60_000 });
    await page.getByTestId('import-consent').filter({ hasText: 'Consent stated by ada@example.com' }).waitFor();
    await page.getByRole('table', { name: 'Values left out' }).getByText('"12" is not a phone number', { exact: false }).waitFor();
    await shot(page, '06-contacts-result');
  });

  it('an import that imports nothing says so in red, with the reason', async () => {
    const page = await newPage();
    await page.goto('/contacts/import');
    const csv = 'email,first name,last name\r\nann@example.com,Ann\r\nbob@example.com,Bob\r\n';
    await page.getByTestId('import-file').setInputFiles({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();
    await page.getByRole('radio', { name: /No, or I don’t know/ }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Nothing was imported').waitFor({ timeout: 60_000 });
    await page.getByText('Most often (2 rows): has 2 fields where the file has 3 columns', { exact: false }).waitFor();
    await shot(page, '07-nothing-imported');
    await page.goto('/contacts/import');
    await page.getByRole('table', { name: 'Earlier imports' }).getByText('Nothing imported').waitFor();
    await shot(page, '08-history');
  });

  it('a file with a row far too long is refused at once, naming the row and what to fix', async () => {
    const page = await newPage();
    await page.goto('/contacts/import');
    const csv = `email,notes\r\nann@example.com,${'x'.repeat(1_200_000)}\r\n`;
    await page.getByTestId('import-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('Row 2 is longer than 1,000,000 characters', { exact: false }).waitFor({ timeout: 30_000 });
    await shot(page, '09-row-too-long');
  });

  it('the default country is chosen by name in Settings › Workspace', async () => {
    const page = await newPage();
    await page.goto('/settings/workspace');
    await page.getByRole('combobox', { name: 'Default country' }).fill('Germ');
    await page.getByRole('option', { name: 'Germany', exact: true }).click();
    await page.getByRole('button', { name: 'Save the default country' }).click();
    await page.getByText('Phone numbers without a country code are now read as numbers of Germany.').waitFor();
    await shot(page, '10-default-country');
    const res = await fetch(`${server.base}/api/v1/workspace`, { headers: { cookie: session.cookie } });
    expect(((await res.json()) as { defaultCountry: string }).defaultCountry).toBe('DE');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
