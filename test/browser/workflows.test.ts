// Workflows, clicked through in Chromium against the real server and the built web app: the
// win-back starter opened in the editor as a graph (steps in plain words, ways out on the
// edges), a wait changed, a split whose shares do not add up refused by the server with the
// problem on its node and then deleted, the draft published; lapsed customers enrolled from
// the editor, the engine moving them (the counts on the steps change), some of them buying
// (they reach the goal), the contacts at a step and a contact's journey, the lift report; a
// blank workflow with a branch on a condition of the segment editors and its own email limits
// (the server's message about quiet hours with one end, then saved and read back); and the
// phone's width.
// Screenshots of each in test-results/workflows/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { until } from './pages.ts';

const SHOTS = path.resolve('test-results/workflows');
const LAPSED = 60;
const RECENT = 12;
let server: RunningServer;
let browser: Browser;
let session: Session;
let ingestKey = '';
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const api = sessionApi(() => server.base, () => session);
/** What the page shows, asked until it is as expected (the page reloads its data every few seconds). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 200 });

async function track(batch: unknown[]): Promise<void> {
  const res = await fetch(`${server.base}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status).toBe(200);
}

const FIRST = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jon', 'Kim', 'Lea', 'Max', 'Nia', 'Oli'];
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' });
  ({ key: ingestKey } = await api<{ key: string }>('POST', '/api/v1/api-keys', { name: 'Shop', scope: 'ingest' }));

  // Sixty customers whose last order is 100 to 250 days old (the win-back audience), and twelve who bought last week.
  const batch: unknown[] = [];
  for (let i = 0; i < LAPSED + RECENT; i++) {
    const userId = `cust-${i}`;
    const first = FIRST[i % FIRST.length]!;
    const last = `Shopper${Math.floor(i / FIRST.length) || ''}`;
    batch.push({ type: 'identify', userId, traits: { email: `${first.toLowerCase()}.${i}@shop.test`, firstName: first, lastName: last }, timestamp: daysAgo(400) });
    const when = i < LAPSED ? 100 + (i * 5) % 150 : 7;
    batch.push({ type: 'track', userId, event: 'Order Completed', properties: { order_id: `old-${i}`, total: 20 + (i % 7) * 5, currency: 'GBP' }, timestamp: daysAgo(when) });
  }
  await track(batch);
  const lapsed = { kind: 'group', op: 'and', children: [{ kind: 'purchases', metric: 'orders', op: 'gte', value: 1 }] };
  await until('the tracked orders', () => api('POST', '/api/v1/segments/preview', { definition: lapsed }), (p) => p.count === LAPSED + RECENT);
  // The shop has the "No purchase in 90 days" segment from the segment templates already: the starter uses it.
  const template = (await api('GET', '/api/v1/segments/templates')).items.find((t: any) => t.key === 'lapsed_90');
  await api('POST', '/api/v1/segments', { name: template.name, description: template.description, kind: 'segment', definition: template.definition });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  expect(pageErrors).toEqual([]);
});

async function newPage(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: server.base, deviceScaleFactor: 1, hasTouch: width < 600, isMobile: width < 600 });
  contexts.push(context);
  const [name, ...value] = session.cookie.split('=');
  await context.addCookies([{ name: name!, value: value.join('='), url: server.base }]);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(SHOTS, `failed-${contexts.indexOf(context)}.png`), fullPage: true }).catch(() => undefined);
  });
  return page;
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** The node of a step, by its key. */
const node = (page: Page, key: string): Locator => page.locator(`[data-testid="step-node"][data-step="${key}"]`);
const waitingAt = async (page: Page, key: string) => Number((await node(page, key).getByTestId('node-waiting').innerText()).replace(/[^\d]/g, ''));

describe('workflows in a browser', () => {
  let workflowId = '';
  let buyers: { contactId: string; holdout: boolean }[] = [];
  let published = false;

  it('builds the win-back workflow from its starter, shows the server’s problems on the step, and publishes it', async () => {
    const page = await newPage(1280, 800);
    await page.goto('/workflows');
    await page.getByText('No workflows yet').waitFor();
    await shot(page, '01-empty-laptop');

    await page.getByRole('button', { name: 'New workflow' }).first().click();
    await page.getByRole('listitem', { name: 'Win back after 90 quiet days' }).waitFor();
    await shot(page, '02-starters-laptop', false);
    await page.getByRole('listitem', { name: 'Win back after 90 quiet days' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    workflowId = page.url().split('/').pop()!;

    // The starter as a graph: the trigger, then four steps in plain words.
    await page.getByTestId('trigger-node').getByText('When someone enters “No purchase in 90 days”').waitFor();
    await poll(() => page.getByTestId('step-node').count()).toBe(4);
    await node(page, 'morning').getByText('Wait until 10:00 their time').waitFor();
    await node(page, 'miss-you').getByText('Send “We miss you”').waitFor();
    await node(page, 'a-week').getByText('Wait for a purchase, up to 7 days').waitFor();
    await node(page, 'offer').getByText('Send “Exclusive offer”').waitFor();
    await page.getByText('happened', { exact: true }).waitFor();
    await page.getByText('timed out', { exact: true }).waitFor();
    await poll(() => page.getByTestId('version-line').innerText()).toBe('A draft: nothing happens until you publish it.');
    await shot(page, '03-editor-starter-laptop');

    // The first wait, changed: the morning email goes out at a time of day twelve hours from now (the workspace's zone is UTC).
    const at = `${String((new Date().getUTCHours() + 12) % 24).padStart(2, '0')}:00`;
    await node(page, 'morning').click();
    const panel = page.getByTestId('step-panel');
    await panel.getByText('Step “morning”').waitFor();
    await panel.getByRole('textbox', { name: 'Until' }).fill(at);
    await node(page, 'morning').getByText(`Wait until ${at} their time`).waitFor();
    await page.getByTestId('unsaved').waitFor();

    // A split after the offer whose shares add up to 90%: publishing names the problem on its node.
    await node(page, 'offer').click();
    await page.getByRole('button', { name: 'Add: Split' }).click();
    await node(page, 'split-1').waitFor();
    await panel.getByText('Step “split-1”').waitFor();
    await panel.getByRole('textbox', { name: 'Share' }).first().fill('40');
    await panel.getByText('90% of 100%').waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await node(page, 'split-1').getByTestId('node-problems').waitFor();
    await page.getByTestId('panel-problems').getByText('Paths: must share 100% between its paths (they add up to 90%)').waitFor();
    await page.getByTestId('problems').waitFor();
    await shot(page, '04-publish-problem-laptop');

    await panel.getByRole('button', { name: 'Delete this step' }).click();
    await poll(() => page.getByTestId('step-node').count()).toBe(4);
    await poll(() => page.getByTestId('problems').count()).toBe(0);

    // Trigger settings and the workflow's settings are there to read.
    await page.getByTestId('trigger-node').click();
    await page.getByTestId('trigger-panel').getByText('Yes, after they have left it').waitFor();
    await shot(page, '04b-trigger-panel-laptop', false);
    await page.getByRole('button', { name: 'Goal, exits, holdout' }).click();
    await page.getByTestId('settings-panel').getByRole('textbox', { name: 'Held out, in percent' }).waitFor();
    await poll(() => page.getByTestId('settings-panel').getByRole('textbox', { name: 'Held out, in percent' }).inputValue()).toBe('10%');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('state-badge').filter({ hasText: 'Live' }).waitFor();
    await poll(() => page.getByTestId('version-line').innerText()).toContain('Version 1 is live since');
    await poll(() => page.getByTestId('unsaved').count()).toBe(0);
    const detail = await api('GET', `/api/v1/workflows/${workflowId}`);
    expect(detail.state).toBe('active');
    expect(Object.keys(detail.live.graph.steps).sort()).toEqual(['a-week', 'miss-you', 'morning', 'offer']);
    expect(detail.live.graph.steps.morning).toEqual({ kind: 'wait_until', at, next: 'miss-you' });
    published = true;
  });

  it('enrolls the lapsed customers, and the counts on the steps follow them as the engine moves them and some buy', async () => {
    expect(published, 'the workflow was published by the first test').toBe(true);
    // The starter's segment, computed in the background.
    const segments = await until('the win-back segment', () => api('GET', '/api/v1/segments'), (s) => s.items.some((x: any) => x.name === 'No purchase in 90 days' && x.memberCount === LAPSED));
    expect(segments.items.find((x: any) => x.name === 'No purchase in 90 days').memberCount).toBe(LAPSED);

    const page = await newPage(1280, 800);
    await page.goto(`/workflows/${workflowId}`);
    await node(page, 'morning').waitFor();
    expect(await waitingAt(page, 'morning')).toBe(0);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Enroll contacts…' }).click();
    await page.getByRole('combobox', { name: 'Segment or list' }).click();
    await page.getByRole('option', { name: `No purchase in 90 days (${LAPSED})` }).click();
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    await page.getByText(`${LAPSED} contacts entered`).waitFor();

    // The engine runs after any change of data: everyone waits for the morning email.
    await track([{ type: 'identify', userId: 'cust-0', traits: { city: 'Leeds' } }]);
    await expect.poll(() => waitingAt(page, 'morning'), { timeout: 90_000, interval: 500 }).toBe(LAPSED);
    await poll(() => page.getByTestId('trigger-node').innerText()).toContain(`${LAPSED} entered`);
    expect(await waitingAt(page, 'miss-you')).toBe(0);
    await shot(page, '05-counts-laptop');

    // Some buy: twelve who got the email, and one held out. They reach the goal and leave.
    const all = await api('GET', `/api/v1/workflows/${workflowId}/enrollments?state=all&limit=500`);
    const held = all.items.filter((e: any) => e.holdout);
    expect(held.length).toBeGreaterThan(0);
    buyers = [...all.items.filter((e: any) => !e.holdout).slice(0, 12), held[0]].map((e: any) => ({ contactId: e.contactId, holdout: e.holdout }));
    const emails = new Map(all.items.map((e: any) => [e.contactId, e.email]));
    await track(
      buyers.map((b, i) => ({
        type: 'track',
        userId: `cust-${Number(String(emails.get(b.contactId)).split('@')[0]!.split('.')[1])}`,
        event: 'Order Completed',
        properties: { order_id: `new-${i}`, total: 30 + i * 2.5, currency: 'GBP' },
        timestamp: new Date().toISOString(),
      })),
    );
    await expect.poll(() => waitingAt(page, 'morning'), { timeout: 60_000, interval: 500 }).toBe(LAPSED - buyers.length);
    const list = await api('GET', '/api/v1/workflows');
    expect(list.items[0].counts).toMatchObject({ inNow: LAPSED - buyers.length, entered: LAPSED, converted: buyers.length });

    // The contacts at a step, linking to their pages.
    await node(page, 'morning').getByTestId('node-waiting').click();
    const drawer = page.getByRole('dialog', { name: /Contacts at this step now/ });
    await drawer.getByTestId('step-contact').first().waitFor();
    await poll(() => drawer.getByTestId('step-contact').count()).toBe(LAPSED - buyers.length);
    await drawer.getByText(/Here since/).first().waitFor();
    await drawer.getByText(/moves on/).first().waitFor();
    await shot(page, '06-contacts-at-step-laptop', false);
    await drawer.getByRole('link').first().click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await page.getByTestId('contact-workflows').getByText(`At “morning”`).waitFor();

    // A buyer's journey on their page.
    await page.goto(`/contacts/${buyers[0]!.contactId}`);
    const journeys = page.getByTestId('contact-workflows');
    await journeys.getByText('Win back after 90 quiet days').waitFor();
    await journeys.getByText('Reached the goal').waitFor();
    await shot(page, '07-contact-journey-laptop');
  });

  it('shows the lift report: the two groups, the verdict, the revenue per contact and the formulas', async () => {
    expect(published, 'the workflow was published by the first test').toBe(true);
    const page = await newPage(1280, 800);
    await page.goto(`/workflows/${workflowId}`);
    await page.getByRole('tab', { name: 'Report' }).click();
    await page.waitForURL(/\/report$/);
    const report = page.getByTestId('report');
    await report.getByTestId('verdict').waitFor();
    const r = await api('GET', `/api/v1/workflows/${workflowId}/report`);
    expect(r.overall.lift.treated.converted).toBe(12);
    expect(r.overall.lift.holdout.converted).toBe(1);
    await poll(() => report.getByTestId('verdict').innerText()).toBe(r.overall.lift.verdict);
    await poll(() => report.getByTestId('kpi-treated').innerText()).toContain(`12 of ${r.overall.lift.treated.contacts} contacts`);
    await poll(() => report.getByTestId('kpi-holdout').innerText()).toContain(`1 of ${r.overall.lift.holdout.contacts} contacts`);
    await report.getByTestId('lift-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await report.getByTestId('revenue').getByText('GBP').waitFor();
    await poll(() => report.getByTestId('revenue').innerText()).toContain('£');
    await report.getByText('How these numbers are computed').click();
    await poll(() => report.getByTestId('formulas').innerText()).toContain("Newcombe's hybrid score interval");
    await shot(page, '08-report-laptop');
  });

  it('builds a blank workflow: a branch on a condition made with the segment editors, an email on one path, saved as a draft', async () => {
    expect(published, 'the workflow was published by the first test').toBe(true);
    const page = await newPage(1280, 800);
    await page.goto('/workflows');
    await page.getByRole('button', { name: 'New workflow' }).first().click();
    await page.getByRole('listitem', { name: 'Blank workflow' }).click();
    await page.getByRole('textbox', { name: 'Name of the new workflow' }).fill('Thank our buyers');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    await page.getByTestId('trigger-node').getByText('Only when you enroll contacts by hand or through the API').waitFor();
    await poll(() => page.getByTestId('step-node').count()).toBe(0);

    // A branch after the trigger, its path on a condition of the segment builder.
    await page.getByTestId('end-node').click();
    await page.getByRole('button', { name: 'Add: Branch' }).click();
    await node(page, 'branch-1').getByText('Branch: 1 path + everyone else').waitFor();
    const panel = page.getByTestId('step-panel');
    await panel.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Conditions' });
    await dialog.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('menuitem', { name: 'Orders (how many, how much, when)' }).click();
    await dialog.getByText(`${LAPSED + RECENT} contacts match now.`).waitFor();
    await shot(page, '10-condition-laptop', false);
    await dialog.getByRole('button', { name: 'Use these conditions' }).click();
    await panel.getByText('Bought at least once').waitFor();
    await panel.getByRole('textbox', { name: 'Path 1' }).fill('Buyers');
    await page.locator('.react-flow__edge-text', { hasText: 'Buyers' }).waitFor();

    // An email on the buyers' path; everyone else ends.
    await panel.getByRole('combobox', { name: 'On the way out' }).click();
    await page.getByRole('option', { name: 'Buyers' }).click();
    await panel.getByRole('button', { name: 'Add: Send email' }).click();
    await node(page, 'send-1').getByText('Send an email (choose a template)').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await node(page, 'send-1').getByTestId('node-problems').waitFor();
    await page.getByTestId('panel-problems').getByText('Choose the email template to send.').waitFor();
    await page.getByTestId('step-panel').getByRole('combobox', { name: 'Email template' }).click();
    await page.getByRole('option', { name: 'We miss you' }).click();
    await node(page, 'send-1').getByText('Send “We miss you”').waitFor();
    await poll(() => node(page, 'send-1').getByTestId('node-problems').count()).toBe(0);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('The draft is saved. Publish it to make it live.').waitFor();
    await shot(page, '09-blank-branch-laptop');

    const saved = await api('GET', `/api/v1/workflows/${id}`);
    expect(saved.state).toBe('draft');
    expect(saved.graph.start).toBe('branch-1');
    expect(saved.graph.steps['branch-1']).toMatchObject({
      kind: 'branch',
      paths: [{ name: 'Buyers', next: 'send-1', condition: { kind: 'group', op: 'and', children: [{ kind: 'purchases', metric: 'orders', op: 'gte', value: 1 }] } }],
      otherwise: null,
    });
    expect(saved.graph.steps['send-1']).toMatchObject({ kind: 'send_email', next: null });
    expect(saved.emailLimits).toBeNull();

    // Its own email limits: quiet hours with a start and no end are refused by the server, which the panel says; then saved.
    await page.getByRole('button', { name: 'Goal, exits, holdout' }).click();
    const settings = page.getByTestId('settings-panel');
    const limits = settings.getByTestId('workflow-email-limits');
    const workspaceLimits = limits.getByRole('radio', { name: 'Use the workspace’s limits' });
    await workspaceLimits.waitFor();
    expect(await workspaceLimits.isChecked()).toBe(true);
    await limits.getByText('No limit on how many marketing emails a contact gets.').waitFor();
    await limits.getByRole('radio', { name: 'Set its own limits' }).check();
    await limits.getByRole('textbox', { name: 'Emails a day, at most' }).fill('3');
    await limits.getByLabel('Quiet from').fill('22:00');
    await page.getByTestId('unsaved').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await settings.getByTestId('panel-problems').getByText('The end of the quiet hours is missing: quiet hours need both a start and an end').waitFor();
    expect((await api('GET', `/api/v1/workflows/${id}`)).emailLimits).toBeNull();
    await limits.getByLabel('Quiet until').fill('07:00');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await poll(() => page.getByTestId('unsaved').count()).toBe(0);
    const own = { perDay: 3, perWeek: null, quietHours: { from: '22:00', to: '07:00' } };
    expect((await api('GET', `/api/v1/workflows/${id}`)).emailLimits).toEqual(own);
    await poll(() => settings.getByTestId('panel-problems').count()).toBe(0);
    await poll(() => page.locator('.mantine-Notification-root').count()).toBe(0);
    await limits.scrollIntoViewIfNeeded();
    await limits.screenshot({ path: path.join(SHOTS, '09b-own-email-limits-laptop.png') });

    // After a reload: its own limits, at a glance and in the panel; then the workspace's again.
    await page.reload();
    await page.getByTestId('overview-email-limits').getByText('Its own: at most 3 marketing emails a day per contact; none from 22:00 to 07:00 their time.').waitFor();
    await page.getByRole('button', { name: 'Goal, exits, holdout', exact: true }).click();
    expect(await limits.getByRole('radio', { name: 'Set its own limits' }).isChecked()).toBe(true);
    expect(await limits.getByRole('textbox', { name: 'Emails a day, at most' }).inputValue()).toBe('3');
    expect(await limits.getByLabel('Quiet until').inputValue()).toBe('07:00');
    await workspaceLimits.check();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await poll(() => page.getByTestId('unsaved').count()).toBe(0);
    expect((await api('GET', `/api/v1/workflows/${id}`)).emailLimits).toBeNull();
  });

  it('works at a phone’s width: the list, the graph with its panel in a drawer, the contacts at a step, the report', async () => {
    expect(published, 'the workflow was published by the first test').toBe(true);
    const page = await newPage(390, 844);
    await page.goto('/workflows');
    await page.getByRole('link', { name: 'Win back after 90 quiet days' }).waitFor();
    await poll(() => page.getByTestId('workflow-row').filter({ hasText: 'Win back after 90 quiet days' }).getByTestId('in-now').innerText()).toBe(String(LAPSED - buyers.length));
    await shot(page, '11-list-phone');

    await page.getByRole('link', { name: 'Win back after 90 quiet days' }).click();
    await node(page, 'morning').waitFor();
    await poll(() => waitingAt(page, 'morning')).toBe(LAPSED - buyers.length);
    // Nothing on the page scrolls sideways: the graph pans inside its own frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, '12-editor-phone');

    await node(page, 'morning').click();
    const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('step-panel') });
    await drawer.getByText('Step “morning”').waitFor();
    const box = await drawer.getByTestId('step-panel').boundingBox();
    expect(box!.width).toBeGreaterThan(340);
    await shot(page, '13-panel-phone', false);
    await drawer.getByRole('button', { name: /here now/ }).click();
    const contacts = page.getByRole('dialog', { name: /Contacts at this step now/ });
    await contacts.getByTestId('step-contact').first().waitFor();
    await shot(page, '14-contacts-at-step-phone', false);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.goto(`/workflows/${workflowId}/report`);
    await page.getByTestId('verdict').waitFor();
    await page.getByTestId('lift-chart').locator('.recharts-bar-rectangle').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, '15-report-phone');
  });
});
