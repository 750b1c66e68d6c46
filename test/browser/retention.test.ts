// The Retention area, clicked through in Chromium against the real server and the built web
// app, on the demo shop: before any fit the page says so and fits the models from there
// ("Fit now", then "Fitting…" until the fit is done); the at-risk list with its summary, band,
// currency, CSV and the segment template; the models' check (the verdict in words, the
// tracking plot with its two lines and the holdout marked, made against predicted per group,
// the parameters folded away); the settings (a value out of range refused under its field);
// a customer's page with the scores sentence; the contacts table with score columns sorted.
// At a laptop's width (1280) and a phone's (390: nothing wider than the screen). Screenshots
// in test-results/retention/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEFINITION, VERDICT_TEXT } from '../../src/retention/definitions.ts';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { layoutProblems, openPage, until, wholePageShot } from './pages.ts';

const SHOTS = path.resolve('test-results/retention');
const OWNER = { email: 'ada@hearth.test', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' };
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

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
  session = await setUp(server.base, OWNER);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  expect(pageErrors).toEqual([]);
});

const newPage = (size = LAPTOP) => openPage(browser, { base: server.base, cookie: session.cookie, size, shots: SHOTS, contexts, pageErrors });
const shot = (page: Page, name: string) => wholePageShot(page, path.join(SHOTS, `${name}.png`));

const tableRows = (page: Page, name: string) => page.getByRole('table', { name, exact: true }).locator('tbody tr');

/** The fit that wrote the scores, once the latest one is no longer running. */
async function fitted(): Promise<any> {
  const overview = await until('the fit', () => api('GET', '/api/v1/retention'), (o) => o.latest !== null && o.latest.state !== 'running', 300_000);
  if (overview.latest.state === 'failed') throw new Error(`The fit failed: ${overview.latest.error}`);
  return overview;
}

describe('the retention area in a browser', () => {
  it('before any fit says the models have not been fitted; fitted without orders, says to import them; with the demo shop, lists who is slipping away', { timeout: 480_000 }, async () => {
    const page = await newPage();
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const link = nav.getByRole('link', { name: 'Retention', exact: true });
    expect(await link.innerText()).not.toContain('Soon');
    await link.click();
    await page.waitForURL((url) => url.pathname === '/retention');
    const empty = page.getByTestId('no-fit');
    await empty.getByText('The models have not been fitted yet').waitFor();
    await empty.getByText(/Rapport fits the models every night/).waitFor();
    await shot(page, '01-no-fit-1280');

    // Fitted from the page on a shop without orders: "Fitting…", then what to do.
    await empty.getByRole('button', { name: 'Fit now' }).click();
    await page.getByTestId('no-orders').or(page.getByRole('button', { name: 'Fitting…' }).first()).first().waitFor();
    const none = await fitted();
    expect(none.current.result.customers).toBe(0);
    await page.getByTestId('no-orders').getByText('Import your order history to see who is slipping away').waitFor();
    await shot(page, '01-no-orders-1280');

    // A small shop: too little to trust a model, said plainly, with no confident numbers.
    await api('POST', '/api/v1/demo', { contacts: 60 });
    await until('the small demo load', () => api('GET', '/api/v1/demo'), (s) => s.load?.state === 'completed' || s.load?.state === 'failed', 300_000);
    const small = await fitted();
    expect(small.current.result.verdict).toBe('too_little_data');
    await page.goto('/retention/at-risk');
    await page.getByTestId('at-risk-caution').getByText(small.current.result.verdictText).waitFor();
    await page.getByTestId('at-risk-empty').getByText('Nobody is listed until there is enough order history to trust the models.').waitFor();
    await page.getByRole('tab', { name: 'Model quality' }).click();
    const verdict = page.getByTestId('verdict');
    await verdict.getByTestId('verdict-text').getByText(small.current.result.verdictText).waitFor();
    expect(await verdict.getByTestId('verdict-badge').innerText()).toMatch(/^too little data$/i);
    await verdict.getByText(/^Customers: [\d,]+ \(needs 200\)$/).waitFor();
    expect(await page.getByTestId('tracking').count()).toBe(0);
    expect(await page.getByTestId('parameters').count()).toBe(0);
    await shot(page, '01-too-little-data-1280');
    const scored = await api('GET', `/api/v1/contacts?scores=true&limit=100&filters=${encodeURIComponent(JSON.stringify([{ field: 'scores.health', op: 'is_set' }]))}`);
    expect(scored.items.length).toBeGreaterThan(0);
    expect(scored.items.every((c: { scores: { pAlive: number | null } }) => c.scores.pAlive === null)).toBe(true);
    await page.goto(`/contacts/${scored.items[0].id}`);
    await page.getByTestId('scores-sentence').getByText('Not enough order history yet to predict.').waitFor();

    // The demo shop comes with its orders and a fit of them.
    await api('POST', '/api/v1/demo', {});
    await until('the demo load', () => api('GET', '/api/v1/demo'), (s) => s.load?.state === 'completed' || s.load?.state === 'failed', 420_000);
    expect((await api('GET', '/api/v1/demo')).load.state).toBe('completed');
    const overview = await fitted();
    expect(overview.current?.id).toBe(overview.latest.id);
    expect(overview.current.result.customers).toBeGreaterThan(1000);
    await page.goto('/retention/at-risk');
    await page.getByTestId('at-risk-summary').waitFor({ timeout: 60_000 });
    await page.getByTestId('fit-status').getByText(/^Fitted .* on the orders of [\d,]+ customers up to \d{4}-\d\d-\d\d\. Rapport fits them again every night\.$/).waitFor();
  });

  it('lists the customers slipping away with a summary, a band, a currency, a CSV and a segment', async () => {
    const page = await newPage();
    await page.goto('/retention');
    await page.waitForURL((url) => url.pathname === '/retention/at-risk');
    const summary = page.getByTestId('at-risk-summary');
    await summary.waitFor();
    expect(await summary.locator('p').first().innerText()).toMatch(/^[\d,]+ valuable customers? (is|are) slipping away, worth £[\d,]+(\.\d\d)? if kept\.$/);
    const rows = tableRows(page, 'Customers slipping away');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(5);
    // Customer, chance still a customer, value if kept, last order, orders, orders expected, health.
    const cells = await rows.first().locator('td').allInnerTexts();
    expect(cells[1]).toMatch(/^\d+%$/);
    const chance = Number(cells[1]!.replace('%', ''));
    expect(chance).toBeGreaterThanOrEqual(20);
    expect(chance).toBeLessThan(70);
    expect(cells[2]).toMatch(/^£[\d,]+\.\d\d$/);
    expect(cells[3]).toMatch(/ago$/);
    expect(cells[4]).toMatch(/^\d+$/);
    expect(cells[5]).toMatch(/^(<0\.1|\d+\.\d)$/);
    expect(cells[6]).toMatch(/^\d+$/);
    // The most valuable first.
    const values = (await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[2]!.textContent!))).map((v) => Number(v.replace(/[£,]/g, '')));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // Each name opens the customer's page; the formulas are under the table, in words.
    expect(await rows.first().getByRole('link').getAttribute('href')).toMatch(/^\/contacts\/[0-9a-f-]{36}$/);
    await page.getByText(HEALTH_DEFINITION).waitFor();
    expect(await page.getByTestId('at-risk').innerText()).not.toMatch(/P\(alive\)/);
    await shot(page, '02-at-risk-1280');

    // CSV: the same customers (up to 1,000).
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toBe('/api/v1/retention/at-risk.csv?min=0.2&max=0.7&limit=1000');
    const res = await fetch(`${server.base}${csv}`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n')[0]).toContain('Chance still a customer');

    // A wider band, kept in the URL: more customers.
    const before = await summary.locator('p').first().innerText();
    await page.goto('/retention/at-risk?min=10&max=90');
    await page.getByText('Customers who ordered at least twice and whose chance of still being a customer is between 10% and 90%', { exact: false }).waitFor();
    const wider = await summary.locator('p').first().innerText();
    expect(Number(wider.split(' ')[0]!.replace(/,/g, ''))).toBeGreaterThan(Number(before.split(' ')[0]!.replace(/,/g, '')));
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/v1/retention/at-risk.csv?min=0.1&max=0.9&limit=1000');

    // Another currency: its own customers and amounts, never added to the first.
    await page.getByTestId('currency-picker').getByText('EUR', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('currency') === 'EUR');
    await expect.poll(async () => (await rows.first().locator('td').allInnerTexts())[2]).toMatch(/^€[\d,]+\.\d\d$/);
    await expect.poll(() => summary.locator('p').first().innerText()).toMatch(/worth €[\d,]+(\.\d\d)? if kept\.$/);

    // The segment template of the same customers opens in the builder.
    await page.getByTestId('make-segment').click();
    await page.waitForURL((url) => url.pathname === '/segments/new' && url.searchParams.get('template') === 'valuable_slipping_away');
    await page.getByText('Chance still a customer').first().waitFor();

    const phone = await newPage(PHONE);
    await phone.goto('/retention/at-risk');
    await tableRows(phone, 'Customers slipping away').first().waitFor();
    await phone.waitForLoadState('networkidle');
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, '02-at-risk-390');
  });

  it('says how far the models can be trusted: the verdict, the tracking plot, each group, the parameters folded away', async () => {
    const overview = await api('GET', '/api/v1/retention');
    const result = overview.current.result;
    const page = await newPage();
    await page.goto('/retention/at-risk');
    await page.getByRole('tab', { name: 'Model quality' }).click();
    await page.waitForURL((url) => url.pathname === '/retention/quality');
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.getByTestId('verdict-text').innerText()).toBe(result.verdictText);
    expect(result.verdictText).toBe(VERDICT_TEXT[result.verdict as keyof typeof VERDICT_TEXT]);
    expect(result.verdict).not.toBe('too_little_data');
    expect(await verdict.getByTestId('verdict-badge').innerText()).toMatch(/^(GOOD|FAIR|POOR)$/i);
    expect(await verdict.innerText()).toMatch(/It predicted [\d,]+; they placed [\d,]+(: the prediction was [\d.]+% too (high|low)|, exactly as predicted)\. Within 10% is good, within 25% fair\./);

    // The tracking plot: made and predicted, two lines, the holdout marked.
    const tracking = page.getByTestId('tracking');
    await tracking.locator('.recharts-surface').waitFor();
    await expect.poll(() => tracking.locator('.recharts-line-curve').count()).toBe(2);
    expect(await tracking.locator('.recharts-reference-line').count()).toBe(1);
    expect(await tableRows(page, 'Repeat orders week by week').count()).toBe(result.check.tracking.length);
    // Per group: 0 … 7+ repeat orders before, made and predicted per customer.
    const groups = tableRows(page, 'Repeat orders per customer, by orders before');
    expect(await groups.count()).toBe(result.check.groups.length);
    expect((await groups.first().locator('td').allInnerTexts())[0]).toBe('0');
    expect((await groups.first().locator('td').allInnerTexts())[2]).toMatch(/^\d+\.\d\d$/);
    await page.getByTestId('groups').locator('.recharts-bar-rectangle').first().waitFor();

    // The parameters, for the curious: folded away until asked for.
    const parameters = page.getByTestId('parameters');
    expect(await parameters.getByRole('table', { name: 'Model parameters' }).isVisible()).toBe(false);
    await shot(page, '03-quality-1280');
    await parameters.getByRole('button', { name: /Model parameters, for the curious/ }).click();
    const params = parameters.getByRole('table', { name: 'Model parameters' });
    await params.waitFor();
    const text = await params.innerText();
    expect(text).toContain('BG/NBD');
    expect(text).toContain('Log-likelihood');
    expect(text).toMatch(/α\s+[\d.]+\s+[\d.]+/);
    await shot(page, '03-quality-parameters-1280');

    const phone = await newPage(PHONE);
    await phone.goto('/retention/quality');
    await phone.getByTestId('tracking').locator('.recharts-line-curve').first().waitFor();
    await phone.waitForLoadState('networkidle');
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, '03-quality-390');
  });

  it('refits from the page: "Fitting…" while it runs, then the new fit', { timeout: 360_000 }, async () => {
    const before = await api('GET', '/api/v1/retention');
    const page = await newPage();
    await page.goto('/retention/quality');
    await page.getByTestId('verdict').waitFor();
    await page.getByRole('button', { name: 'Fit now' }).click();
    await page.getByRole('button', { name: 'Fitting…' }).or(page.getByRole('alert').filter({ hasText: 'The models are fitted' })).first().waitFor();
    const after = await fitted();
    expect(after.current.id).not.toBe(before.current.id);
    await page.getByRole('button', { name: 'Fit now' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Fit now' }).isEnabled()).toBe(true);
    // A second customer-facing fit while one runs is refused kindly.
    const started = await api('POST', '/api/v1/retention/fit', {});
    const second = await fetch(`${server.base}/api/v1/retention/fit`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, body: '{}' });
    if (second.status === 409) expect((await second.json()).error.code).toBe('fit_running');
    expect(started.state).toBe('running');
    await fitted();
  });

  it('changes the settings as an admin; a value out of range is refused under its field', async () => {
    const page = await newPage();
    await page.goto('/retention/at-risk');
    await page.getByRole('button', { name: 'Retention settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retention settings' });
    await dialog.getByLabel('Check the models on the last').fill('5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Must be at least 14 days').waitFor();
    await dialog.getByLabel('Discount rate').fill('150');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Must be from 0% to 100% a year').waitFor();
    await shot(page, '04-settings-error-1280');
    await dialog.getByLabel('Check the models on the last').fill('');
    await dialog.getByLabel('Discount rate').fill('8');
    await dialog.getByLabel('Lifetime value over').fill('24');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const settings = await api('GET', '/api/v1/retention/settings');
    expect(settings).toMatchObject({ holdoutDays: null, discountRate: 0.08, horizonMonths: 24 });
    await page.getByText(/What they would spend in the next 24 months if they stayed/).waitFor();
    await api('PUT', '/api/v1/retention/settings', { ...settings, discountRate: 0.1, horizonMonths: 12 });
  });

  it('shows a customer’s predictions on their page, in words', async () => {
    const list = await api('GET', '/api/v1/retention/at-risk?limit=1');
    const contactId = list.customers[0].contactId;
    const page = await newPage();
    await page.goto(`/contacts/${contactId}`);
    const card = page.getByTestId('contact-scores');
    await card.waitFor();
    const sentence = await card.getByTestId('scores-sentence').innerText();
    const p = list.customers[0].pAlive as number;
    const words = p >= 0.7 ? 'Probably still a customer' : p >= 0.3 ? 'May be slipping away' : 'Probably lost';
    expect(sentence).toMatch(new RegExp(`^${words}: ${Math.round(p * 100)}%\\. Expected to buy (once|less than 0\\.1 times|\\d+(\\.\\d)? times) in the next 90 days\\.$`));
    expect(await card.getByTestId('score-clv').innerText()).toMatch(/£[\d,]+\.\d\d/);
    expect(await card.getByTestId('score-health').innerText()).toMatch(/\d+ \/ 100/);
    expect(await card.getByTestId('score-rfm').innerText()).toMatch(/R\s*[1-5]\s*F\s*[1-5]\s*M\s*[1-5]/);
    await card.getByRole('button', { name: 'What is health?' }).hover();
    await page.getByRole('tooltip').filter({ hasText: HEALTH_DEFINITION }).waitFor();
    await page.mouse.move(0, 0);
    await shot(page, '05-contact-1280');
    await card.screenshot({ path: path.join(SHOTS, '05-contact-scores-card-1280.png') });

    // A contact who never ordered has no predictions.
    const plain = await api('POST', '/api/v1/contacts', { email: 'nobody@example.com', firstName: 'Nobody' });
    await page.goto(`/contacts/${plain.id}`);
    await page.getByTestId('purchase-summary').getByText('No orders yet').waitFor();
    expect(await page.getByTestId('contact-scores').count()).toBe(0);

    const phone = await newPage(PHONE);
    await phone.goto(`/contacts/${contactId}`);
    const small = phone.getByTestId('contact-scores');
    await small.waitFor();
    await phone.waitForLoadState('networkidle');
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, '05-contact-390');
    await small.screenshot({ path: path.join(SHOTS, '05-contact-scores-card-390.png') });
  });

  it('adds score columns to the contacts table, sorted by them', async () => {
    const page = await newPage();
    await page.goto('/contacts');
    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.locator('[aria-label="Choose columns"]');
    // Fewer contact columns, for the scores to be seen at a laptop's width.
    await chooser.getByLabel('Phone').uncheck();
    await chooser.getByLabel('Lifecycle stage').uncheck();
    await chooser.getByLabel('Created').uncheck();
    await chooser.getByLabel('Chance still a customer').check();
    await chooser.getByLabel('Health score').check();
    await chooser.getByLabel('Lifetime value (predicted)').check();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Chance still a customer' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'scores.p_alive' && url.searchParams.get('order') === 'desc');
    const table = page.locator('table').first();
    const column = async (name: string) => (await table.locator('thead th').allInnerTexts()).findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
    await expect.poll(async () => (await table.locator('tbody tr').first().locator('td').allInnerTexts())[await column('Chance still a customer')]).toMatch(/^\d+%$/);
    const chances = await table.locator('tbody tr').evaluateAll((trs, i) => trs.map((tr) => tr.querySelectorAll('td')[i]!.textContent!), await column('Chance still a customer'));
    const numbers = chances.filter((c) => c.endsWith('%')).map((c) => Number(c.replace('%', '')));
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect((await table.locator('tbody tr').first().locator('td').allInnerTexts())[await column('Lifetime value (predicted)')]).toMatch(/^[£€$][\d,]+\.\d\d$|^—$/);
    await shot(page, '06-contacts-scores-1280');
  });
});
