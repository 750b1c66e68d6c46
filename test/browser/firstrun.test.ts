// The first run with the demo shop, in Chromium against the real server and the built web app:
// setup with "Fill the workspace with demo data", the load's steps as the job reports them,
// the summary and the contacts once it is done; and how a failed load reads.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/firstrun');
const OWNER = { name: 'Ada Lovelace', email: 'ada@hearth.test', password: 'correct horse battery' };

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let pages = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(context?: BrowserContext): Promise<Page> {
  if (!context) {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: server.base });
    contexts.push(context);
  }
  const page = await context.newPage();
  const number = ++pages;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(SHOTS, `failed-${number}.png`), fullPage: true }).catch(() => undefined);
  });
  return page;
}

/** The window as someone sees it (a full page of 50 contacts says nothing more). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Each step line's key and state (done, active, waiting), as the page shows them now. */
async function stepStates(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="demo-steps"] li')].map((li) => [li.getAttribute('data-step'), li.getAttribute('data-state')]),
    ),
  );
}

describe('the first run with the demo shop', () => {
  let context: BrowserContext;

  it('sets up with demo data, shows the load step by step, then the summary and the contacts', { timeout: 300_000 }, async () => {
    const page = await newPage();
    context = page.context();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Set up Rapport' }).waitFor();
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Workspace name').fill('Hearth & Bean');
    await page.getByRole('checkbox', { name: /Fill the workspace with demo data/ }).check();
    // The answer to starting the load comes late, as on a busy server: the app shows Contacts
    // as soon as the account exists, and the page must still follow the load to its summary.
    await page.route('**/api/v1/demo', async (route) => {
      if (route.request().method() === 'POST') await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.fallback();
    });
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // The Contacts page follows the load: every step listed, the first ones under way.
    await page.waitForURL('**/contacts');
    const steps = page.getByRole('list', { name: 'Loading the demo shop' });
    await steps.waitFor();
    await expect.poll(() => steps.getByRole('listitem').allInnerTexts(), { timeout: 10_000 }).toEqual([
      expect.stringMatching(/^Getting ready/),
      expect.stringMatching(/^Creating 5,000 customers/),
      expect.stringMatching(/^Writing nearly three years of orders, emails and website visits/),
      expect.stringMatching(/^Preparing the data for fast searches/),
      expect.stringMatching(/^Computing 4 segments/),
      expect.stringMatching(/^Adding 3 email templates/),
    ]);

    // Counts come from the job as it writes: wait until the contacts are partly written.
    const contactsLine = steps.locator('li[data-step="contacts"]');
    await expect.poll(() => contactsLine.innerText(), { timeout: 120_000, interval: 200 }).toMatch(/[1-9][\d,]* of 5,000/);
    const ordersLine = steps.locator('li[data-step="orders"]');
    expect(await ordersLine.innerText()).toMatch(/[\d,]+ of [1-9][\d,]+ orders/);
    expect(await stepStates(page)).toMatchObject({ preparing: 'done', contacts: 'active', orders: 'active', segments: 'waiting', templates: 'waiting' });
    // Screen readers hear which step it is at.
    expect(await page.getByRole('status').filter({ hasText: 'Creating 5,000 customers' }).count()).toBe(1);
    await shot(page, '01-loading');

    // A look at another page meanwhile: back on Contacts, the load is still followed on top.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Segments' }).click();
    await page.waitForURL('**/segments');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL('**/contacts');
    await steps.waitFor({ timeout: 10_000 });

    // Follow the steps to the end: a step once done stays done, and they finish in order.
    const order = ['preparing', 'contacts', 'orders', 'indexing', 'segments', 'templates'];
    const seen = new Set<string>();
    let segmentsShot = false;
    const deadline = Date.now() + 180_000;
    while (!(await page.getByTestId('demo-done').isVisible())) {
      expect(Date.now(), 'the demo load did not finish in three minutes').toBeLessThan(deadline);
      expect(await page.getByTestId('demo-card').count(), 'the demo card went away before its summary was closed').toBe(1);
      const states = await stepStates(page);
      for (const [key, state] of Object.entries(states)) {
        if (state === 'done') seen.add(key);
        if (seen.has(key)) expect(state, `${key} went back to ${state}`).toBe('done');
      }
      const done = order.filter((k) => states[k] === 'done');
      expect(done, 'steps finish in order').toEqual(order.slice(0, done.length));
      if (states.segments === 'active' && !segmentsShot) {
        expect(await steps.locator('li[data-step="segments"]').innerText()).toMatch(/Champions, At risk, No purchase in 90 days and Top 10% by spend \(\d of 4\)/);
        await shot(page, '02-segments');
        segmentsShot = true;
      }
      await page.waitForTimeout(150);
    }

    // Done: what the shop holds, where to look next, and the contacts themselves.
    const summary = page.getByTestId('demo-done');
    expect(await summary.innerText()).toMatch(/The demo shop is ready: 5,000 customers with [\d,]+ orders \([\d,]+ refunded\), 4 segments and 3 email templates\./);
    expect(await summary.getByRole('link', { name: 'See the segments' }).getAttribute('href')).toBe('/segments');
    await expect.poll(() => page.getByTestId('contacts-total').innerText(), { timeout: 30_000 }).toBe('5,000 contacts');
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(10);
    await shot(page, '03-loaded');

    // The figures are the server's: the orders in the summary are the purchases in the workspace.
    const status = await page.evaluate(async () => (await fetch('/api/v1/demo')).json());
    expect(await summary.innerText()).toContain(`${status.load.progress.orders.done.toLocaleString('en')} orders`);

    await page.getByRole('button', { name: 'Close the demo shop summary' }).click();
    await page.getByTestId('demo-card').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('shows a failed load as a failure, with the reason and a way to try again', async () => {
    // A second, empty workspace, whose latest load (as the server words a failure) stopped.
    const page = await newPage(context);
    await page.goto('/contacts');
    const created = await page.evaluate(async () => {
      const session = await (await fetch('/api/v1/session')).json();
      const headers = { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken };
      const ws = await (await fetch('/api/v1/workspaces', { method: 'POST', headers, body: JSON.stringify({ name: 'Empty shop' }) })).json();
      await fetch('/api/v1/session/workspace', { method: 'PUT', headers, body: JSON.stringify({ workspaceId: ws.id }) });
      return ws.id as string;
    });
    expect(created).toBeTruthy();
    const reason = 'Stopped while computing the segments: canceling statement due to statement timeout';
    await page.route('**/api/v1/demo', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      expect(body.load).toBeNull();
      const at = new Date().toISOString();
      body.load = { id: '0190a5c4-0000-7000-8000-000000000001', state: 'failed', contacts: 5000, seed: 1, requestedAt: at, startedAt: at, finishedAt: at, error: reason, progress: null };
      await route.fulfill({ response, json: body });
    });
    await page.goto('/contacts');
    const alert = page.getByRole('alert').filter({ hasText: 'The demo data could not be loaded' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain(reason);
    expect(await alert.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    await shot(page, '04-failed');
  });
});
