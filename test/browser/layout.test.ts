// The layout from a phone to a wide screen, in Chromium against the real server and the built
// web app with the demo shop loaded: at 390, 1024 and 1440 pixels every page with a table or
// wide content fits the window (no sideways scrolling of the page), the navigation hides
// behind a menu button on a phone only, and every table's last column (where row actions
// live) can be reached: on screen, or inside a container of the table that scrolls sideways.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { until } from './pages.ts';

const SHOTS = path.resolve('test-results/layout');
const WIDTHS = [390, 1024, 1440] as const;

let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const api = sessionApi(() => server.base, () => session);

/** The pages to check, with what shows that each has finished loading. */
const pages: { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [];
const table = (name?: string) => (page: Page) => (name ? page.getByRole('table', { name }) : page.locator('table').first()).locator('tbody tr').first().waitFor();
const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name }).first().waitFor();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  const app = await fetch(`${server.base}/contacts`);
  expect(app.headers.get('content-type'), 'the server serves the web app (run `npm run build` first)').toMatch(/text\/html/);
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@hearth.test', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' });

  // The demo shop: 5,000 customers, their orders, four segments, three templates.
  await api('POST', '/api/v1/demo', {});
  await until('the demo load', () => api('GET', '/api/v1/demo'), (s) => s.load?.state === 'completed' || s.load?.state === 'failed');
  expect((await api('GET', '/api/v1/demo')).load.state).toBe('completed');

  // What the settings pages list: a second member, a pending invitation, an API key, a suppression.
  const invited = await api<{ url: string }>('POST', '/api/v1/invitations', { email: 'grace@hearth.test', role: 'marketer' });
  const accepted = await fetch(`${server.base}/api/v1/invites/${invited.url.split('/').pop()}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Grace Hopper', password: 'another long password' }),
  });
  expect(accepted.status).toBe(200);
  await api('POST', '/api/v1/invitations', { email: 'linus@hearth.test', role: 'viewer' });
  await api('POST', '/api/v1/api-keys', { name: 'Shop website', scope: 'ingest' });
  await api('POST', '/api/v1/email/suppressions', { email: 'someone.who.complained.loudly@example.com', reason: 'complained' });

  // An import of a few contacts, with one bad row, for the import pages.
  const csv = ['Email,First name,Last name,Favourite drink,Joined', 'mia@shop.test,Mia,Khan,Flat white,2024-03-01', 'not an address,Leo,Park,Tea,2024-13-45', 'ann@shop.test,Ann,Lee,Espresso,2023-11-20'].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'new customers.csv');
  const upload = await fetch(`${server.base}/api/v1/imports?kind=contacts`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form });
  expect(upload.status).toBe(201);
  const imported = (await upload.json()) as { id: string; preview: { suggestedMapping: string[] } };
  await api('POST', `/api/v1/imports/${imported.id}/start`, { mapping: imported.preview.suggestedMapping, emailConsent: 'not_subscribed' });
  await until('the import', () => api('GET', `/api/v1/imports/${imported.id}`), (i) => i.finishedAt !== null);

  // A broadcast sent (to the outbox) to a demo segment, for the broadcast pages and its report.
  const segments = (await api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/segments')).items;
  const champions = segments.find((s) => s.name === 'Champions')!;
  const templates = await api<{ id: string; name: string }[]>('GET', '/api/v1/email/templates');
  const winBack = templates.find((t) => t.name === 'We miss you')!;
  const broadcast = await api<{ id: string }>('POST', '/api/v1/email/broadcasts', { name: 'Spring win-back for our best customers', templateId: winBack.id, segmentId: champions.id });
  await api('POST', `/api/v1/email/broadcasts/${broadcast.id}/send`, {});
  await until('the broadcast', () => api('GET', `/api/v1/email/broadcasts/${broadcast.id}`), (b) => b.state === 'sent');
  const contact = (await api<{ items: { id: string }[] }>(`GET`, `/api/v1/contacts?limit=1&sort=created_at&order=asc`)).items[0]!;

  pages.push(
    { name: 'contacts', path: '/contacts', ready: table() },
    { name: 'contact', path: `/contacts/${contact.id}`, ready: heading(/\w/) },
    { name: 'import', path: '/contacts/import', ready: table('Earlier imports') },
    { name: 'import-result', path: `/contacts/import/${imported.id}`, ready: heading(/new customers\.csv|Import/) },
    { name: 'segments', path: '/segments', ready: table('Segments and lists') },
    { name: 'segment', path: `/segments/${champions.id}`, ready: table('Members') },
    { name: 'segment-editor', path: `/segments/${champions.id}/edit`, ready: heading(/Champions|Edit/) },
    { name: 'broadcasts', path: '/email/broadcasts', ready: table('Broadcasts') },
    { name: 'broadcast-report', path: `/email/broadcasts/${broadcast.id}`, ready: (page) => page.getByTestId('broadcast-state').waitFor() },
    { name: 'templates', path: '/email/templates', ready: table('Templates') },
    { name: 'template-editor', path: `/email/templates/${winBack.id}`, ready: heading(/We miss you/) },
    { name: 'outbox', path: '/email/outbox', ready: table() },
    { name: 'settings-members', path: '/settings/members', ready: table() },
    { name: 'settings-properties', path: '/settings/properties', ready: table() },
    { name: 'settings-api-keys', path: '/settings/api-keys', ready: table() },
    { name: 'settings-email', path: '/settings/email', ready: table('Suppressed addresses') },
    { name: 'workflows', path: '/workflows', ready: heading(/Workflows/) },
    { name: 'surveys', path: '/surveys', ready: heading(/Surveys/) },
    { name: 'dashboard', path: '/', ready: (page) => page.getByTestId('tile-revenue').getByTestId('tile-value').waitFor() },
    { name: 'reports-cohorts', path: '/reports/cohorts', ready: (page) => page.getByTestId('cohort-grid').waitFor() },
    { name: 'reports-revenue', path: '/reports/revenue', ready: table('Net and gross revenue retention') },
    { name: 'reports-churn', path: '/reports/churn', ready: table('Orders per customer') },
    { name: 'reports-email', path: '/reports/email', ready: table('Campaigns') },
    { name: 'retention', path: '/retention', ready: heading(/Retention/) },
  );
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, baseURL: server.base });
  contexts.push(context);
  const [name, ...value] = session.cookie.split('=');
  await context.addCookies([{ name: name!, value: value.join('='), url: server.base }]);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

/**
 * Every table's last column (header and first row), checked for being reachable: walking up
 * from the cell, an ancestor that clips (overflow other than visible) must either contain it
 * or scroll sideways (then the ancestor's own box is what must be reachable, further up); at
 * the top, it must be inside the window. Row actions (buttons and links of the last column)
 * must be more than reachable when `actionsOnScreen` (1024 px and wider): on screen as the
 * page opens, without scrolling anything sideways. Also anything else cut off without a
 * scrolling container to reach it by.
 */
async function layoutProblems(page: Page, actionsOnScreen: boolean): Promise<string[]> {
  return page.evaluate((actionsOnScreen) => {
    const problems: string[] = [];
    const describe = (el: Element) => {
      const label = el.closest('table')?.getAttribute('aria-label');
      const text = (el.textContent ?? '').trim().slice(0, 40) || el.getAttribute('aria-label') || '';
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${text}"${label ? ` in table "${label}"` : ''}`;
    };
    /** Null when reachable; else why not. `now`: on screen without scrolling anything sideways. */
    const unreachable = (el: Element, now = false): string | null => {
      let { left, right } = el.getBoundingClientRect();
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowX;
        if (overflow === 'visible') continue;
        const box = up.getBoundingClientRect();
        if (right > box.right + 1 || left < box.left - 1) {
          if (overflow !== 'auto' && overflow !== 'scroll') return `cut off by ${describe(up)} (overflow ${overflow})`;
          if (now) return `only reachable by scrolling ${describe(up)} sideways`;
        }
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
      }
      return right > window.innerWidth + 1 ? `ends at ${Math.round(right)} px, beyond the window (${window.innerWidth} px)` : null;
    };
    const visible = (el: Element) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';

    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
    for (const table of document.querySelectorAll('table')) {
      if (!visible(table)) continue;
      const rows = [table.tHead?.rows[0], table.tBodies[0]?.rows[0]].filter((r): r is HTMLTableRowElement => !!r && r.cells.length > 1);
      for (const row of rows) {
        const last = row.cells[row.cells.length - 1]!;
        const why = unreachable(last);
        if (why) problems.push(`last column ${describe(last)}: ${why}`);
        // Row actions are what people reach for: each must be reachable, not only the cell.
        if (row.parentElement?.tagName !== 'TBODY') continue;
        for (const action of last.querySelectorAll('button, a')) {
          const whyAction = unreachable(action, actionsOnScreen);
          if (whyAction) problems.push(`action ${describe(action)}: ${whyAction}`);
        }
      }
    }
    // Anything else cut off: leaves of the tree only (a cut parent shows in its leaves).
    let others = 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (el.children.length > 0 || !visible(el) || el.closest('table, [aria-hidden="true"], .cm-editor, iframe')) continue;
      if (el.getBoundingClientRect().width === 0) continue;
      const why = unreachable(el);
      if (why && others++ < 5) problems.push(`${describe(el)}: ${why}`);
    }
    return problems;
  }, actionsOnScreen);
}

/**
 * The whole page (up to 3,000 px of it) in a window that tall, rather than Playwright's full
 * page picture, which stretches the fixed navigation into nonsense.
 */
async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 3_000)) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize(viewport);
}

describe('the layout from a phone to a wide screen', () => {
  for (const width of WIDTHS) {
    it(`fits every page at ${width} px: navigation, tables and their actions`, { timeout: 600_000 }, async () => {
      const page = await newPage(width);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const menu = page.getByRole('button', { name: 'Open the navigation' });
      const found: Record<string, string[]> = {};
      let current = 'start';
      onTestFailed(async () => {
        await page.screenshot({ path: path.join(SHOTS, `failed-${current}-${width}.png`), fullPage: true }).catch(() => undefined);
      });
      for (const { name, path: url, ready } of pages) {
        current = name;
        await page.goto(url);
        await ready(page);
        await page.waitForLoadState('networkidle');
        if (width < 768) {
          expect(await nav.isVisible(), `${name}: the navigation is behind the menu button`).toBe(false);
          expect(await menu.isVisible(), `${name}: the menu button shows`).toBe(true);
        } else {
          expect(await nav.isVisible(), `${name}: the navigation shows`).toBe(true);
          expect(await menu.isVisible(), `${name}: no menu button`).toBe(false);
        }
        const problems = await layoutProblems(page, width >= 1024);
        if (problems.length > 0) found[name] = problems;
        await shot(page, `${name}-${width}`);
      }
      expect(found).toEqual({});

      if (width < 768) {
        // The menu button opens the navigation, and choosing a page closes it.
        await page.goto('/contacts');
        await table()(page);
        await menu.click();
        await nav.waitFor({ state: 'visible' });
        expect(await page.getByRole('button', { name: 'Close the navigation' }).getAttribute('aria-expanded')).toBe('true');
        await shot(page, `navigation-open-${width}`);
        await nav.getByRole('link', { name: 'Segments', exact: true }).click();
        await page.waitForURL('**/segments');
        await nav.waitFor({ state: 'hidden' });
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
      } else {
        // Every area is built now (Social was the last): no link says "Soon", to screen readers
        // either. An area not built yet would (Navigation.tsx: a badge and aria-describedby).
        const social = nav.getByRole('link', { name: 'Social', exact: true });
        expect(await social.innerText()).not.toContain('Soon');
        expect(await social.getAttribute('aria-describedby')).toBeNull();
        expect(await nav.getByText('Soon', { exact: true }).count()).toBe(0);
        expect(await nav.getByRole('link', { name: 'Contacts', exact: true }).getAttribute('aria-describedby')).toBeNull();
      }
      expect(pageErrors).toEqual([]);
    });
  }
});
