// The dashboard and the Reports area, clicked through in Chromium against the real server and
// the built web app: before any order the dashboard (the first page after sign-in) says to
// import the order history and offers the demo shop, which is loaded from there; then the
// dashboard's tiles with their numbers, changes and formulas, the currency and the period kept
// in the URL (a reload shows the same); the cohort triangle with its percentages, counts on
// hover, toggles and charts; revenue retention with NRR and GRR; churn and repeat purchase with
// their distributions; email performance, lift and segments over time after a broadcast sent
// with a control group; the report settings (a value out of range refused under its field);
// and every report at a phone's width (375 px: nothing wider than the screen, tables scroll
// inside their cards). Screenshots at 1280×800 and 375×812 in test-results/reports/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS } from '../../src/reports/definitions.ts';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { layoutProblems, openPage, until, wholePageShot } from './pages.ts';

const SHOTS = path.resolve('test-results/reports');
const OWNER = { email: 'ada@hearth.test', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' };
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

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

const newPage = (size = LAPTOP, signedIn = true) =>
  openPage(browser, { base: server.base, cookie: signedIn ? session.cookie : null, size, shots: SHOTS, contexts, pageErrors });
const shot = (page: Page, name: string) => wholePageShot(page, path.join(SHOTS, `${name}.png`));

const tileValue = (page: Page, key: string) => page.getByTestId(`tile-${key}`).getByTestId('tile-value');
const tableRows = (page: Page, name: string) => page.getByRole('table', { name, exact: true }).locator('tbody tr');
const search = (page: Page) => new URL(page.url()).searchParams;

describe('the dashboard and the reports in a browser', () => {
  it('before any order, the dashboard is the first page after sign-in: it says to import the order history, and loads the demo shop', { timeout: 420_000 }, async () => {
    const page = await newPage(LAPTOP, false);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Dashboard', exact: true }).getAttribute('data-active')).toBe('true');
    expect(await nav.getByRole('link', { name: 'Reports', exact: true }).innerText()).not.toContain('Soon');

    const empty = page.getByTestId('no-orders');
    await empty.getByText('Import your order history to see revenue, customers and cohorts').waitFor();
    expect(await empty.getByRole('link', { name: 'Import order history' }).getAttribute('href')).toBe('/contacts/import');
    // NPS and email say what is missing, and where to start.
    await page.getByTestId('tile-nps').getByText('No NPS answers yet.').waitFor();
    expect(await page.getByTestId('tile-nps').getByRole('link', { name: 'Send an NPS survey' }).getAttribute('href')).toBe('/surveys');
    await page.getByTestId('tile-openRate').getByText('No email sent yet.').waitFor();
    await shot(page, '01-dashboard-empty-1280');

    const phone = await newPage(PHONE);
    await phone.goto('/');
    await phone.getByText('Import your order history to see revenue, customers and cohorts').waitFor();
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, '01-dashboard-empty-375');

    // The demo shop, loaded from the dashboard: once it is in, the dashboard shows its figures.
    await page.getByRole('button', { name: 'Load demo data' }).click();
    await until('the demo load', () => api('GET', '/api/v1/demo'), (s) => s.load?.state === 'completed' || s.load?.state === 'failed');
    expect((await api('GET', '/api/v1/demo')).load.state).toBe('completed');
    await tileValue(page, 'revenue').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('no-orders').count()).toBe(0);
  });

  it('sends a broadcast with a control group, for the email and lift reports', { timeout: 300_000 }, async () => {
    await api('PUT', '/api/v1/email/limits', { perDay: null, perWeek: null, quietHours: null, controlGroupPercent: 10 });
    const segments = (await api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/segments')).items;
    const lapsed = segments.find((s) => s.name === 'No purchase in 90 days')!;
    const templates = await api<{ id: string; name: string }[]>('GET', '/api/v1/email/templates');
    const winBack = templates.find((t) => t.name === 'We miss you')!;
    const broadcast = await api<{ id: string }>('POST', '/api/v1/email/broadcasts', { name: 'Winter win-back', templateId: winBack.id, segmentId: lapsed.id });
    await api('POST', `/api/v1/email/broadcasts/${broadcast.id}/send`, {});
    await until('the broadcast', () => api('GET', `/api/v1/email/broadcasts/${broadcast.id}`), (b) => b.state === 'sent');
  });

  it('shows revenue, customers and every tile with its change, small chart and formula; currency and period stay in the URL', async () => {
    const page = await newPage();
    await page.goto('/');
    await tileValue(page, 'revenue').waitFor();
    expect(await tileValue(page, 'revenue').innerText()).toMatch(/^£[\d,]+\.\d\d$/);
    expect(await tileValue(page, 'orders').innerText()).toMatch(/^[1-9][\d,]*$/);
    expect(await tileValue(page, 'averageOrder').innerText()).toMatch(/^£[\d,]+\.\d\d$/);
    expect(await tileValue(page, 'customers').innerText()).toMatch(/^[1-9][\d,]*$/);
    expect(await tileValue(page, 'repeatRate').innerText()).toMatch(/^\d+\.\d%$/);
    expect(await tileValue(page, 'churnRate').innerText()).toMatch(/^\d+\.\d%$/);
    expect(await tileValue(page, 'nps').innerText()).toMatch(/^[−-]?\d+(\.\d)?$/);
    // The demo's campaigns were opened; the broadcast sent above went to the outbox, unopened.
    expect(await tileValue(page, 'openRate').innerText()).toMatch(/^[1-9]\d?\.\d%$/);
    expect(await page.getByTestId('tile-customers').getByTestId('tile-change').innerText()).toMatch(/^[+−]\d+(\.\d)?%$/);
    expect(await page.getByTestId('tile-churnRate').getByTestId('tile-change').innerText()).toMatch(/^([+−]\d+(\.\d)? pts|0 pts)$/);
    expect(await page.getByTestId('tile-revenue').locator('.recharts-surface').count()).toBe(1);
    // How a tile is counted, on hover.
    await page.getByTestId('tile-customers').getByText('Customers', { exact: true }).hover();
    await page.getByRole('tooltip').filter({ hasText: DEFINITIONS.customers.formula }).waitFor();
    await page.mouse.move(0, 0);
    await shot(page, '02-dashboard-1280');

    // Another currency: never added to the first.
    await page.getByTestId('currency-picker').getByText('EUR', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('currency') === 'EUR');
    await expect.poll(() => tileValue(page, 'revenue').innerText()).toMatch(/^€[\d,]+\.\d\d$/);

    // The period: 12 months, then a custom one; a reload shows the same report.
    await page.getByTestId('period-picker').getByText('12 months', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '365d');
    await page.getByText(/against the 365 days before/).waitFor();
    await page.reload();
    await page.getByText(/against the 365 days before/).waitFor();
    await expect.poll(() => tileValue(page, 'revenue').innerText()).toMatch(/^€/);
    await page.getByTestId('period-picker').getByText('Custom', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === 'custom');
    const to = search(page).get('to')!;
    await page.getByLabel('First day').fill(`${to.slice(0, 4)}-01-01`);
    await page.waitForURL((url) => url.searchParams.get('from') === `${to.slice(0, 4)}-01-01`);
    await page.reload();
    await page.getByText(/from Jan 1 – /).waitFor();
    expect(await page.getByLabel('First day').inputValue()).toBe(`${to.slice(0, 4)}-01-01`);
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toBe(`/api/v1/reports/dashboard.csv?range=custom&from=${to.slice(0, 4)}-01-01&to=${to}`);
    const res = await fetch(`${server.base}${csv}`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);

    const phone = await newPage(PHONE);
    await phone.goto('/?range=90d');
    await tileValue(phone, 'revenue').waitFor();
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, '02-dashboard-375');
  });

  it('draws the cohort triangle with percentages and counts on hover; its filters stay in the URL', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/reports/cohorts');
    const grid = page.getByTestId('cohort-grid');
    await grid.waitFor();
    const rows = grid.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    const first = rows.nth(1);
    expect(await first.locator('td').nth(2).innerText()).toBe('100.0%');
    expect(await first.locator('td').nth(3).innerText()).toMatch(/^\d+\.\d%$/);
    expect(await first.locator('td').nth(3).getAttribute('title')).toMatch(/cohort, month 1: [\d,]+ of [\d,]+ customers ordered in month 1 \(\d+\.\d%\)/);
    await page.getByText(DEFINITIONS.cohortRetention.formula).waitFor();
    await page.getByTestId('cohort-curves').locator('.recharts-surface').waitFor();
    await page.getByRole('table', { name: 'Retention curves' }).waitFor();
    await page.getByRole('heading', { name: 'Month-1 retention over cohorts' }).waitFor();
    await shot(page, '03-cohorts-1280');

    // In period N or later, by week; then split by a segment; the trend at N = 3.
    await page.getByText('In month N or later').click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'orLater');
    await page.getByRole('radiogroup', { name: 'Cohorts by' }).getByText('Week', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('grain') === 'week');
    await grid.getByRole('columnheader', { name: 'Week 4', exact: true }).waitFor();
    await page.reload();
    await grid.getByRole('columnheader', { name: 'Week 4', exact: true }).waitFor();
    expect(await grid.locator('tbody tr').nth(1).locator('td').nth(3).getAttribute('title')).toMatch(/ordered in or after week 1/);

    await page.getByRole('radiogroup', { name: 'Cohorts by' }).getByText('Month', { exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has('grain'));
    await page.getByRole('combobox', { name: 'Split by', exact: true }).click();
    await page.getByRole('option', { name: 'A segment' }).click();
    await page.getByText('Choose the segment to split the cohorts by.').waitFor();
    await page.getByRole('combobox', { name: 'Segment', exact: true }).click();
    await page.getByRole('option', { name: 'Champions' }).click();
    await page.waitForURL((url) => url.searchParams.get('breakdown') === 'segment' && !!url.searchParams.get('segmentId') && url.searchParams.get('view') === 'orLater');
    await page.getByRole('radiogroup', { name: 'Group shown' }).getByText('Members', { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Period N', exact: true }).click();
    await page.getByRole('option', { name: 'Month 3', exact: true }).click();
    await page.getByRole('heading', { name: 'Month-3 retention over cohorts' }).waitFor();
    expect(search(page).get('n')).toBe('3');
    await page.reload();
    await page.getByRole('heading', { name: 'Month-3 retention over cohorts' }).waitFor();
    await page.getByRole('radiogroup', { name: 'Group shown' }).getByText('Not members', { exact: true }).waitFor();
    await shot(page, '03-cohorts-by-segment-1280');
    const csv = await page.getByTestId('cohorts').getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/v1\/reports\/cohorts\.csv\?.*breakdown=segment/);
    expect((await fetch(`${server.base}${csv}`, { headers: { cookie: session.cookie } })).status).toBe(200);
  });

  it('shows revenue retention: revenue per customer by cohort, NRR and GRR with their formulas, in the chosen currency', async () => {
    const page = await newPage();
    await page.goto('/reports/revenue');
    await tableRows(page, 'Net and gross revenue retention').first().waitFor();
    const retention = tableRows(page, 'Net and gross revenue retention');
    expect(await retention.count()).toBeGreaterThanOrEqual(10);
    const cells = await retention.nth(2).locator('td').allInnerTexts();
    expect(cells[2]).toMatch(/^£[\d,]+\.\d\d$/);
    expect(cells[5]).toMatch(/^\d+\.\d%$/);
    expect(cells[6]).toMatch(/^\d+\.\d%$/);
    await page.getByText(DEFINITIONS.netRevenueRetention.formula).waitFor();
    await page.getByText(DEFINITIONS.grossRevenueRetention.formula).waitFor();
    await page.getByTestId('revenue-retention').locator('.recharts-surface').waitFor();
    expect(await tableRows(page, 'Revenue per customer, by cohort').count()).toBeGreaterThanOrEqual(10);
    await shot(page, '04-revenue-1280');

    await page.getByTestId('currency-picker').getByText('USD', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('currency') === 'USD');
    await expect.poll(async () => (await retention.nth(2).locator('td').allInnerTexts())[2]).toMatch(/^\$[\d,]+\.\d\d$/);
    // Year by year over three years (the demo shop has nearly three years of orders).
    await page.getByRole('combobox', { name: 'Period', exact: true }).click();
    await page.getByRole('option', { name: 'Last 3 years' }).click();
    await page.getByRole('radiogroup', { name: 'Retention per' }).getByText('Year', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('retention') === 'year' && url.searchParams.get('span') === '36m' && url.searchParams.get('currency') === 'USD');
    await page.reload();
    await expect.poll(async () => (await retention.first().locator('td').allInnerTexts())[0]).toMatch(/^\d{4}$/);
    expect((await retention.first().locator('td').allInnerTexts())[2]).toMatch(/^\$/);
    expect((await retention.last().locator('td').allInnerTexts())[0]).toMatch(/^\d{4} \(so far\)$/);
  });

  it('shows churn and repeat purchase per month, time to second order, orders per customer, one-time and repeat buyers', async () => {
    const page = await newPage();
    await page.goto('/reports/churn');
    const monthly = tableRows(page, 'Churn and repeat purchase, month by month');
    await monthly.first().waitFor();
    expect(await monthly.count()).toBe(12);
    expect((await monthly.first().locator('td').allInnerTexts())[3]).toMatch(/^[\d,]+ of [\d,]+$/);
    expect(await tableRows(page, 'Time to second order').count()).toBe(8);
    expect(await tableRows(page, 'Orders per customer').count()).toBe(7);
    expect((await tableRows(page, 'Orders per customer').first().locator('td').allInnerTexts())[0]).toBe('1');
    await page.getByTestId('second-order').locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByTestId('second-order').getByText(/half of them within [\d,]+ days/).waitFor();
    const buyers = tableRows(page, 'One-time and repeat buyers');
    expect((await buyers.first().locator('td').allInnerTexts())[0]).toBe('One-time buyers');
    await page.getByTestId('buyers').getByText('Revenue in GBP').waitFor();
    await shot(page, '05-churn-1280');

    await page.getByRole('combobox', { name: 'Period', exact: true }).click();
    await page.getByRole('option', { name: 'Last 6 months' }).click();
    await page.waitForURL((url) => url.searchParams.get('span') === '6m');
    await expect.poll(() => monthly.count()).toBe(6);
    await page.reload();
    await expect.poll(() => monthly.count()).toBe(6);
  });

  it('shows email performance, lift and segments over time', async () => {
    const page = await newPage();
    await page.goto('/reports/email');
    await page.getByTestId('kpi-sent').waitFor();
    expect(await page.getByTestId('kpi-sent').getByTestId('kpi-value').innerText()).toMatch(/^[1-9][\d,]*$/);
    const campaigns = tableRows(page, 'Campaigns');
    // The demo's year of newsletters and promotions, and the broadcast sent above.
    await campaigns.filter({ hasText: 'Winter win-back' }).first().waitFor();
    expect(await campaigns.count()).toBeGreaterThan(5);
    expect(await tableRows(page, 'Templates').first().innerText()).toContain('We miss you');
    await page.getByTestId('email-series').locator('.recharts-surface').waitFor();
    await page.getByText(/Revenue attributed:.*within 5 days/).first().waitFor();
    await shot(page, '06-email-1280');

    await page.getByRole('tab', { name: 'Lift' }).click();
    await page.waitForURL((url) => url.pathname === '/reports/lift');
    const lift = tableRows(page, 'Lift');
    await lift.first().waitFor();
    expect(await lift.first().innerText()).toContain('Winter win-back');
    expect(await lift.first().getByTestId('lift-badge').innerText()).toMatch(/^(Significant|Not yet)$/);
    await page.getByText(DEFINITIONS.lift.formula).waitFor();
    await shot(page, '07-lift-1280');

    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.waitForURL((url) => url.pathname === '/reports/segments');
    const sizes = page.getByRole('table', { name: 'Segment sizes over time' });
    await sizes.waitFor();
    await sizes.getByRole('columnheader', { name: 'Champions' }).waitFor();
    await shot(page, '08-segments-1280');
    // The segments chosen are in the URL: a shared link shows those.
    const champions = (await api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/segments')).items.find((x) => x.name === 'Champions')!;
    await page.goto(`/reports/segments?ids=${champions.id}`);
    await sizes.getByRole('columnheader', { name: 'Champions' }).waitFor();
    expect(await sizes.getByRole('columnheader').allInnerTexts()).toEqual(['DAY', 'CHAMPIONS']);
  });

  it('changes the report settings as an admin; a value out of range is refused under its field', async () => {
    const page = await newPage();
    await page.goto('/reports/churn');
    await page.getByRole('button', { name: 'Report settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report settings' });
    await dialog.getByLabel('Active window').fill('5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Must be at least 7 days').waitFor();
    await shot(page, '09-settings-error-1280');
    await dialog.getByLabel('Active window').fill('60');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('GET', '/api/v1/reports/settings')).activeDays).toBe(60);
    await page.getByTestId('churn-monthly').getByText(/an order in the 60 days before/).first().waitFor();
  });

  it('fits a phone: no report is wider than the screen, tables scroll inside their cards', { timeout: 240_000 }, async () => {
    const page = await newPage(PHONE);
    const found: Record<string, string[]> = {};
    const reports: [string, string, (p: Page) => Promise<unknown>][] = [
      ['dashboard', '/', (p) => tileValue(p, 'revenue').waitFor()],
      ['cohorts', '/reports/cohorts', (p) => p.getByTestId('cohort-grid').waitFor()],
      ['revenue', '/reports/revenue', (p) => tableRows(p, 'Net and gross revenue retention').first().waitFor()],
      ['churn', '/reports/churn', (p) => tableRows(p, 'Orders per customer').first().waitFor()],
      ['email', '/reports/email', (p) => tableRows(p, 'Campaigns').first().waitFor()],
      ['lift', '/reports/lift', (p) => tableRows(p, 'Lift').first().waitFor()],
      ['segments', '/reports/segments', (p) => p.getByRole('table', { name: 'Segment sizes over time' }).waitFor()],
    ];
    for (const [name, url, ready] of reports) {
      await page.goto(url);
      await ready(page);
      await page.waitForLoadState('networkidle');
      const problems = await layoutProblems(page);
      if (problems.length > 0) found[name] = problems;
      await shot(page, `10-${name}-375`);
    }
    expect(found).toEqual({});
  });
});
