// Email, clicked through in Chromium against the real server and the built web app: a
// template from a starter, its body edited in the code editor with the preview following,
// a Liquid error marked on its line (and on the subject field), preview as a contact at both
// widths, a test send that lands in the Outbox and opens there, SMTP settings saved and a
// connection test that reaches no server, the sending limits (a cap and quiet hours that
// survive a reload, the server's message under a missing end, the control group) at both
// widths, topics, a broadcast to a list with its report and a follow-up list of who did not
// open; a new broadcast's warning while the workspace has no postal address, the address in
// the preview footer, the bounce and complaint webhook URLs and their rotation, the
// suppression list (added to by hand and by a webhook, an address taken off), and the email
// lines of a contact's timeline.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/email');
const HUMAN_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const contactIds: string[] = [];

const api = sessionApi(() => server.base, () => session);

/** A port nothing listens on: a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Acme Coffee' });

  await api('POST', '/api/v1/properties', { label: 'Winback offer', key: 'winback_offer', type: 'string' });
  const people: [string, string, string, Record<string, string>][] = [
    ['Zoe', 'Quinn', 'zoe@shop.test', { winback_offer: '25% off' }],
    ['Max', 'Berg', 'max@shop.test', {}],
    ['Ida', 'Holm', 'ida@shop.test', {}],
  ];
  for (const [firstName, lastName, email, properties] of people) {
    const c = await api<{ id: string }>('POST', '/api/v1/contacts', { firstName, lastName, email, emailStatus: 'subscribed', properties });
    contactIds.push(c.id);
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function newPage(width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: server.base, ...(width < 600 ? { hasTouch: true, isMobile: true } : {}) });
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
  await page.evaluate(() => window.scrollTo(0, 0));
  // Finite animations only: the code editor's cursor blinks for ever.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const preview = (page: Page): FrameLocator => page.frameLocator('iframe[title="Email preview"]');

/** Replaces the whole text of the template's code editor, as a paste would. */
async function setBody(page: Page, body: string): Promise<void> {
  await page.getByTestId('code-editor').locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(body);
}

const saved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });

describe('email in a browser', () => {
  let templateId = '';
  let goodBody = '';

  it('creates a template from a starter, edits its body with the preview following, and marks a Liquid error on its line', async () => {
    const page = await newPage();
    await page.goto('/email');
    await page.waitForURL(/\/email\/broadcasts$/);
    await page.getByText('No broadcasts yet').waitFor();
    await shot(page, '01-broadcasts-empty');
    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.getByText('No templates yet').waitFor();
    await shot(page, '02-templates-empty');

    await page.getByRole('button', { name: 'New template' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /We miss you/ }).click();
    expect(await dialog.getByLabel('Template name').inputValue()).toBe('We miss you');
    await shot(page, '03-new-template');
    await dialog.getByRole('button', { name: 'Create and edit' }).click();
    await page.waitForURL(/\/email\/templates\/[0-9a-f-]{36}$/);
    templateId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: 'We miss you' }).waitFor();

    // With no contact chosen, the fallbacks show: "friend" for the first name, "10% off".
    await preview(page).getByText('We miss you, friend').waitFor();
    await preview(page).getByText(/Here is 10% off your next order/).waitFor();
    await page.getByTestId('preview-subject').filter({ hasText: 'friend, it has been a while' }).waitFor();
    expect(await page.getByLabel('Fallback').first().inputValue()).toBe('friend');

    // Edited in the code editor: saved as it is typed, and the preview renders it.
    const original = (await api<{ body: string }>('GET', `/api/v1/email/templates/${templateId}`)).body;
    goodBody = original.replace('It has been some time since your last visit.', 'Your favourite beans are back in stock.');
    await setBody(page, goodBody);
    await preview(page).getByText(/Your favourite beans are back in stock\./).waitFor();
    await saved(page);
    expect((await api<{ body: string }>('GET', `/api/v1/email/templates/${templateId}`)).body).toBe(goodBody);
    await shot(page, '04-editor');

    // A Liquid tag left open: not saved, the problem is marked on its line, the preview keeps the last good version.
    const broken = goodBody.replace('Your favourite beans are back in stock.', 'Your favourite beans are {% if contact.first_name %} back.');
    const line = broken.split('\n').findIndex((l) => l.includes('{% if contact.first_name %}')) + 1;
    expect(line).toBeGreaterThan(1);
    await setBody(page, broken);
    await page.locator('[data-testid="save-state"][data-state="error"]').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="code-editor"][data-error-lines="${line}"]`).waitFor();
    await page.locator(`.cm-errorLine[data-line="${line}"]`).waitFor();
    await page.getByTestId('body-error').getByText(new RegExp(`^Line ${line}, column \\d+: .*`)).waitFor();
    await page.getByTestId('preview-stale').waitFor();
    await preview(page).getByText(/Your favourite beans are back in stock\./).waitFor();
    expect((await api<{ body: string }>('GET', `/api/v1/email/templates/${templateId}`)).body).toBe(goodBody);
    await shot(page, '05-editor-liquid-error');

    // Fixed: saved again and the marks go.
    await setBody(page, goodBody);
    await saved(page);
    await expect.poll(() => page.locator('.cm-errorLine').count()).toBe(0);
    await expect.poll(() => page.getByTestId('preview-stale').count()).toBe(0);

    // A problem in the subject is shown under the subject field.
    const subject = page.getByRole('textbox', { name: 'Subject' });
    await subject.fill('{{ contact.first_name, it has been a while');
    await page.locator('[data-testid="save-state"][data-state="error"]').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await subject.getAttribute('aria-invalid')) === 'true').toBe(true);
    await page.getByText(/^Line 1, column \d+: /).first().waitFor();
    await subject.fill('{{ contact.first_name }}, it has been a while');
    await saved(page);
  });

  it('previews as a contact at desktop and phone width, and a test send lands in the Outbox and opens', async () => {
    const page = await newPage();
    await page.goto(`/email/templates/${templateId}`);
    await preview(page).getByText('We miss you, friend').waitFor();

    const picker = page.getByRole('combobox', { name: 'Preview as' });
    await picker.click();
    await picker.fill('Zoe');
    await page.getByRole('option', { name: 'Zoe Quinn <zoe@shop.test>' }).click();
    await preview(page).getByText('We miss you, Zoe').waitFor();
    await preview(page).getByText(/Here is 25% off your next order/).waitFor();
    await page.getByTestId('preview-subject').filter({ hasText: 'Zoe, it has been a while' }).waitFor();
    expect(await page.getByTestId('preview-frame').getAttribute('data-width')).toBe('640');
    await shot(page, '06-preview-as-contact');

    await page.getByText('Mobile', { exact: true }).click();
    await page.locator('[data-testid="preview-frame"][data-width="375"]').waitFor();
    await preview(page).getByText('We miss you, Zoe').waitFor();
    await shot(page, '07-preview-mobile');
    await page.getByRole('tab', { name: 'Plain text' }).click();
    await page.getByTestId('preview-text').filter({ hasText: 'We miss you, Zoe' }).waitFor();
    await page.getByRole('tab', { name: 'Preview', exact: true }).click();

    // A snippet made from the editor, then rendered by the template.
    await page.getByRole('button', { name: 'Snippets' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('signoff');
    await dialog.getByTestId('code-editor').locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('<mj-text>Cheers, the {{ workspace.name }} team</mj-text>');
    await dialog.getByRole('button', { name: 'Save snippet' }).click();
    await dialog.getByRole('link', { name: 'signoff' }).or(dialog.getByText('signoff', { exact: true })).first().waitFor();
    await shot(page, '08a-snippets', false);
    await page.keyboard.press('Escape');
    if (await dialog.isVisible()) await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await setBody(page, goodBody.replace(/(\n\s*<\/mj-column>)/, "\n        {% render 'signoff' %}$1"));
    await preview(page).getByText('Cheers, the Acme Coffee team').waitFor();
    await saved(page);

    await page.getByRole('button', { name: 'Send test to me' }).click();
    await page.getByTestId('test-sent').getByText('A test is on its way to ada@example.com.').waitFor();
    await page.getByRole('link', { name: 'See it in the Outbox' }).click();
    await page.waitForURL(/\/email\/outbox\?message=/);
    const detail = page.getByTestId('message-detail');
    await detail.getByText('ada@example.com').waitFor();
    await page.frameLocator('iframe[title="Message as sent"]').getByText('We miss you, Zoe').waitFor();
    await shot(page, '08-outbox-message', false);
    await detail.getByRole('tab', { name: 'Plain text' }).click();
    await page.getByTestId('message-text').filter({ hasText: 'Your favourite beans are back in stock.' }).waitFor();
    await page.keyboard.press('Escape');

    const row = page.getByTestId('message-row').filter({ hasText: 'ada@example.com' });
    await row.getByText('[Test] Zoe, it has been a while').waitFor();
    await row.getByText('sent', { exact: true }).waitFor({ timeout: 15_000 });
    await row.getByText('Outbox', { exact: true }).waitFor();
    await shot(page, '09-outbox');
  });

  it('manages topics, and sends a broadcast to a list and shows its report', async (ctx) => {
    const probe = await fetch(`${server.base}/api/v1/email/broadcasts`, { headers: { cookie: session.cookie } });
    if (probe.status === 404) ctx.skip();
    const list = await api<{ id: string }>('POST', '/api/v1/segments', { name: 'Coffee club', kind: 'list' });
    await api('POST', `/api/v1/segments/${list.id}/members`, { contactIds });

    const page = await newPage();
    await page.goto('/settings/email');
    await page.getByText('No topics yet').waitFor();
    await page.getByRole('button', { name: 'New topic' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Newsletter');
    await dialog.getByLabel('Description').fill('News and stories, once a month');
    await dialog.getByRole('button', { name: 'Add topic' }).click();
    const topics = page.getByRole('table', { name: 'Topics' });
    await topics.getByRole('row').filter({ hasText: 'Newsletter' }).filter({ hasText: '0' }).waitFor();

    await page.goto('/email/broadcasts');
    await page.getByRole('link', { name: 'New broadcast' }).first().click();
    await page.getByRole('heading', { name: 'New broadcast' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Spring win-back');
    await page.getByRole('combobox', { name: 'Template', exact: true }).click();
    await page.getByRole('option', { name: 'We miss you' }).click();
    await page.getByRole('combobox', { name: 'Audience', exact: true }).click();
    await page.getByRole('option', { name: 'Coffee club · 3 contacts' }).click();
    await page.getByRole('combobox', { name: 'Topic', exact: true }).click();
    await page.getByRole('option', { name: 'Newsletter' }).click();
    await page.getByTestId('audience-estimate').getByText('3 contacts get it now').waitFor();
    await shot(page, '10-broadcast-form');
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('dialog').getByText('It goes to all 3 contacts of “Coffee club”.', { exact: false }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/\/email\/broadcasts\/[0-9a-f-]{36}$/);
    const broadcastId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByTestId('broadcast-state').filter({ hasText: 'Sent' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('broadcast-progress').getByText('3 of 3 recipients done.').waitFor();

    // Two people open it (one clicks), and a mail-privacy proxy fetches the pixel of the third.
    const messages = (await api<{ id: string; kind: string; to: string }[]>('GET', '/api/v1/email/messages')).filter((m) => m.kind === 'broadcast');
    expect(messages.map((m) => m.to).sort()).toEqual(['ida@shop.test', 'max@shop.test', 'zoe@shop.test']);
    await new Promise((r) => setTimeout(r, 2_100));
    for (const m of messages) {
      const { html } = await api<{ html: string }>('GET', `/api/v1/email/messages/${m.id}`);
      const pixel = /<img src="([^"]*\/t\/o\/[^"]+)"/.exec(html)![1]!;
      const ua = m.to === 'ida@shop.test' ? 'Mozilla/5.0' : HUMAN_UA;
      expect((await fetch(pixel, { headers: { 'user-agent': ua } })).status).toBe(200);
      if (m.to === 'zoe@shop.test') {
        const click = /href="([^"]*\/t\/c\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
        expect((await fetch(click, { headers: { 'user-agent': HUMAN_UA }, redirect: 'manual' })).status).toBe(302);
      }
    }
    await page.reload();
    const kpi = (id: string) => page.getByTestId(`kpi-${id}`).getByTestId('kpi-value');
    await expect.poll(() => kpi('unique-opens').textContent(), { timeout: 15_000 }).toBe('2');
    expect(await kpi('recipients').textContent()).toBe('3');
    expect(await kpi('delivered').textContent()).toBe('3');
    expect(await kpi('open-rate').textContent()).toBe('66.7%');
    expect(await kpi('unique-clicks').textContent()).toBe('1');
    expect(await kpi('ctr').textContent()).toBe('33.3%');
    expect(await kpi('prefetch').textContent()).toBe('1');
    await page.getByRole('table', { name: 'Links' }).getByRole('row').filter({ hasText: 'https://example.com' }).waitFor();
    await page.locator('.recharts-area-area').first().waitFor();
    await shot(page, '11-broadcast-report');

    // Viewing a broadcast message in the Outbox is not counted as an open.
    await page.goto(`/email/outbox?message=${messages.find((m) => m.to === 'max@shop.test')!.id}`);
    await page.frameLocator('iframe[title="Message as sent"]').getByText('We miss you, Max').waitFor();
    const report = await api<{ uniqueOpens: number; prefetchOpens: number }>('GET', `/api/v1/email/broadcasts/${broadcastId}/report`);
    expect(report).toMatchObject({ uniqueOpens: 2, prefetchOpens: 1 });
    await page.keyboard.press('Escape');

    // The Outbox finds a recipient's messages and filters by state.
    const rows = page.getByTestId('message-row');
    await page.getByLabel('Search by recipient').fill('zoe@');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await rows.filter({ hasText: 'zoe@shop.test' }).waitFor();
    await shot(page, '11b-outbox-search');
    await page.getByLabel('Search by recipient').fill('');
    await page.getByRole('combobox', { name: 'State', exact: true }).click();
    await page.getByRole('option', { name: 'Suppressed' }).click();
    await page.getByText('No message matches.').waitFor();

    await page.goto('/email/broadcasts');
    const row = page.getByRole('row').filter({ hasText: 'Spring win-back' });
    await row.getByText('Coffee club').waitFor();
    await row.getByText('of 3 sent').waitFor();
    await shot(page, '12-broadcasts');

    // A follow-up list of who did not open: Ida (only Apple's proxy fetched her pixel).
    await page.goto(`/email/broadcasts/${broadcastId}`);
    await page.getByRole('button', { name: 'Make a list' }).click();
    await page.getByRole('menuitem', { name: 'Who did not open' }).click();
    await page.getByRole('heading', { name: 'Spring win-back: did not open' }).waitFor();
    await page.getByTestId('segment-size').filter({ hasText: /^1$/ }).waitFor();
    await page.getByRole('table', { name: 'Members' }).getByText('Ida Holm').waitFor();
    await shot(page, '12b-follow-up-list');
  });

  it('saves SMTP settings with a stored password, and "Test connection" says when no server is reached', async () => {
    const page = await newPage();
    await page.goto('/settings/email');
    await page.getByText('No SMTP server is set: every message lands in the').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('smtp-test-result').getByText('No SMTP server to test').waitFor();

    const port = await closedPort();
    await page.getByRole('textbox', { name: 'SMTP server' }).fill('127.0.0.1');
    await page.getByRole('combobox', { name: 'Encryption', exact: true }).click();
    await page.getByRole('option', { name: /^None/ }).click();
    await page.getByLabel('Port').fill(String(port));
    await page.getByLabel('User name').fill('mailer');
    await page.getByRole('textbox', { name: 'Password' }).fill('s3cret-pass');
    await page.getByLabel('From name').fill('Acme Coffee');
    await page.getByLabel('From address').fill('hello@acme.test');
    await page.getByLabel('Reply-to').fill('help@acme.test');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Email goes out through 127.0.0.1.').waitFor();
    await page.getByText('Stored (encrypted). Leave empty to keep it.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Password' }).inputValue()).toBe('');
    const settings = await api('GET', '/api/v1/email/settings');
    expect(settings).toMatchObject({ smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'mailer', passwordSet: true, fromEmail: 'hello@acme.test', replyTo: 'help@acme.test' });
    expect(JSON.stringify(settings)).not.toContain('s3cret-pass');

    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('smtp-test-result');
    await result.getByText('The connection failed').waitFor({ timeout: 30_000 });
    await result.getByText(/could not connect: nothing accepted the connection/).waitFor();
    await shot(page, '13-settings-smtp');
  });

  it('sets the sending limits: a daily cap and quiet hours survive a reload, and quiet hours with one end show the server’s message under the field', async () => {
    const page = await newPage();
    await page.goto('/settings/email');
    const card = page.getByTestId('email-limits');
    const perDay = card.getByRole('textbox', { name: 'Marketing emails a day, at most' });
    const perWeek = card.getByRole('textbox', { name: 'Marketing emails a week, at most' });
    const from = card.getByLabel('From', { exact: true });
    const until = card.getByLabel('Until', { exact: true });
    const control = card.getByRole('textbox', { name: 'Control group' });
    await perDay.waitFor();
    await card.getByText('Transactional emails, such as receipts, are never limited.').waitFor();
    expect(await perDay.inputValue()).toBe('');
    expect(await from.inputValue()).toBe('');
    expect(await control.inputValue()).toBe('0%');
    const save = card.getByRole('button', { name: 'Save limits' });
    expect(await save.isDisabled()).toBe(true);

    await perDay.fill('2');
    await from.fill('21:00');
    await until.fill('08:00');
    await save.click();
    await page.getByText('At most 2 marketing emails a day per contact; none from 21:00 to 08:00 their time.').waitFor();
    expect(await api('GET', '/api/v1/email/limits')).toEqual({ perDay: 2, perWeek: null, quietHours: { from: '21:00', to: '08:00' }, controlGroupPercent: 0 });

    await page.reload();
    await perDay.waitFor();
    await expect.poll(() => perDay.inputValue()).toBe('2');
    expect(await perWeek.inputValue()).toBe('');
    expect(await from.inputValue()).toBe('21:00');
    expect(await until.inputValue()).toBe('08:00');
    expect(await save.isDisabled()).toBe(true);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(SHOTS, '13c-sending-limits-laptop.png') });

    // Quiet hours with a start and no end: the server's message, under the missing end.
    await card.getByRole('button', { name: 'No quiet hours' }).click();
    expect(await until.inputValue()).toBe('');
    await from.fill('22:30');
    await save.click();
    await card.getByText('Is missing: quiet hours need both a start and an end').waitFor();
    expect(await until.getAttribute('aria-invalid')).toBe('true');
    expect(await from.getAttribute('aria-invalid')).not.toBe('true');
    expect(await api('GET', '/api/v1/email/limits')).toMatchObject({ perDay: 2, quietHours: { from: '21:00', to: '08:00' } });
    await card.screenshot({ path: path.join(SHOTS, '13d-sending-limits-error.png') });

    // The end given: the message goes, and the limits are saved with the control group.
    await until.fill('07:00');
    expect(await card.getByText('Is missing: quiet hours need both a start and an end').count()).toBe(0);
    await control.fill('10');
    await save.click();
    await page.getByText('10% of contacts are in the control group.', { exact: false }).waitFor();
    expect(await api('GET', '/api/v1/email/limits')).toEqual({ perDay: 2, perWeek: null, quietHours: { from: '22:30', to: '07:00' }, controlGroupPercent: 10 });

    const phone = await newPage(390, 844);
    await phone.goto('/settings/email');
    const phoneCard = phone.getByTestId('email-limits');
    await phoneCard.getByRole('textbox', { name: 'Marketing emails a day, at most' }).waitFor();
    await expect.poll(() => phoneCard.getByRole('textbox', { name: 'Control group' }).inputValue()).toBe('10%');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phoneCard.scrollIntoViewIfNeeded();
    await phoneCard.screenshot({ path: path.join(SHOTS, '13e-sending-limits-phone.png') });

    // Put back: the other tests send to every contact.
    await api('PUT', '/api/v1/email/limits', { controlGroupPercent: 0 });
  });

  it('warns on a new broadcast while there is no postal address, sets it in Settings › Workspace, and the template preview shows it in the footer', async () => {
    const address = 'Acme Coffee Ltd, 12 Roaster Lane, Bristol BS1 4QA';
    const page = await newPage();
    await page.goto('/email/broadcasts/new');
    const notice = page.getByTestId('postal-address-notice');
    await notice.getByText('Your emails carry no postal address').waitFor();
    await shot(page, '13b-postal-address-notice');
    await notice.getByRole('link', { name: 'Add it in Settings › Workspace' }).click();
    await page.waitForURL(/\/settings\/workspace$/);
    const field = page.getByRole('textbox', { name: 'Postal address' });
    await field.waitFor();
    await page.getByText('Appears in the footer of every marketing email').waitFor();
    expect(await field.inputValue()).toBe('');
    await field.fill(`  ${address}  `);
    const save = page.getByRole('button', { name: 'Save' }).nth(1);
    await save.click();
    await page.getByText('Postal address saved').waitFor();
    await expect.poll(() => field.inputValue()).toBe(address);
    expect(await save.isDisabled()).toBe(true);
    expect(await api('GET', '/api/v1/workspace')).toMatchObject({ name: 'Acme Coffee', postalAddress: address });
    await shot(page, '14-settings-workspace');
    await page.goto('/email/broadcasts/new');
    await page.getByRole('heading', { name: 'New broadcast' }).waitFor();
    await page.getByRole('combobox', { name: 'Template', exact: true }).waitFor();
    expect(await page.getByTestId('postal-address-notice').count()).toBe(0);

    await page.goto(`/email/templates/${templateId}`);
    await preview(page).getByText(`Acme Coffee · ${address}`, { exact: false }).waitFor();
    await shot(page, '15-preview-postal-address', false);
  });

  it('shows the webhook URLs and rotates them, and keeps the suppression list by hand', async () => {
    const page = await newPage();
    await page.goto('/settings/email');
    const hooks = page.getByTestId('email-webhooks');
    const url = (name: string) => hooks.getByRole('textbox', { name, exact: true });
    await url('Postmark').waitFor();
    const before = { postmark: await url('Postmark').inputValue(), ses: await url('Amazon SES').inputValue(), generic: await url('Any other system').inputValue() };
    const secret = /\/hooks\/email\/([A-Za-z0-9_-]{43})\/postmark$/.exec(before.postmark)?.[1];
    expect(secret).toBeTruthy();
    expect(before.ses).toMatch(new RegExp(`/hooks/email/${secret}/ses$`));
    expect(before.generic).toMatch(new RegExp(`/hooks/email/${secret}/generic$`));
    expect(await api('GET', '/api/v1/email/webhooks')).toMatchObject({ ...before, rotatedAt: null });
    await hooks.getByText('Servers › your server › Webhooks', { exact: false }).waitFor();
    // Without RAPPORT_PUBLIC_URL the URLs name this machine, and the card says so.
    await hooks.getByTestId('webhooks-local').getByText('RAPPORT_PUBLIC_URL').waitFor();
    await page.getByText('No suppressed addresses').waitFor();
    await shot(page, '16-settings-email-webhooks');

    // Rotated: the URLs change and the old ones are refused.
    await hooks.getByRole('button', { name: 'Rotate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The current URLs stop working at once', { exact: false }).waitFor();
    await shot(page, '17-rotate-confirm', false);
    await dialog.getByRole('button', { name: 'Rotate URLs' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => url('Any other system').inputValue()).not.toBe(before.generic);
    const after = await url('Any other system').inputValue();
    expect(await url('Postmark').inputValue()).not.toBe(before.postmark);
    await hooks.getByText(/Last rotated/).waitFor();
    // The server names its URLs after its own address; the path is what matters here.
    const post = (u: string, body: unknown) =>
      fetch(`${server.base}${new URL(u).pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bounce = { type: 'bounce', email: 'gone@elsewhere.test', bounceType: 'hard' };
    expect((await post(before.generic, bounce)).status).toBe(404);
    const res = await post(after, bounce);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });

    // The bounce from the webhook is listed without its address (no contact has it).
    await page.reload();
    const list = page.getByTestId('suppressions');
    const rows = list.getByTestId('suppression-row');
    await rows.filter({ hasText: '(address not in contacts)' }).filter({ hasText: 'Bounced' }).waitFor();
    expect(await rows.filter({ hasText: '(address not in contacts)' }).getByRole('button', { name: /Remove/ }).count()).toBe(0);

    // Added by hand: a bad address is refused on its field, a good one is listed and its contact bounced.
    const email = list.getByRole('textbox', { name: 'Email address' });
    await email.fill('not an address');
    await list.getByRole('button', { name: 'Add to list' }).click();
    await list.getByText('Is not an email address').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await email.fill('Max@Shop.test');
    await list.getByRole('combobox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Bounced' }).click();
    await list.getByRole('button', { name: 'Add to list' }).click();
    await page.getByText('max@shop.test gets no more marketing email.').waitFor();
    const max = rows.filter({ hasText: 'max@shop.test' });
    await max.getByText('Bounced').waitFor();
    expect(await email.inputValue()).toBe('');
    expect(await rows.count()).toBe(2);
    const maxId = contactIds[1]!;
    expect(await api('GET', `/api/v1/contacts/${maxId}`)).toMatchObject({ email: 'max@shop.test', emailStatus: 'bounced' });
    await shot(page, '18-suppressions');

    // Taken off the list: the bounced contact is subscribed again.
    await max.getByRole('button', { name: 'Remove max@shop.test' }).click();
    await dialog.getByText('A contact with it who bounced is subscribed again', { exact: false }).waitFor();
    await dialog.getByText('stays as they are', { exact: false }).waitFor();
    await shot(page, '19-remove-suppression-confirm', false);
    await dialog.getByRole('button', { name: 'Remove from list' }).click();
    await page.getByText('max@shop.test is off the list, and its contact is subscribed again.').waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await api('GET', `/api/v1/contacts/${maxId}`)).toMatchObject({ emailStatus: 'subscribed' });
    const { items } = await api<{ items: { email: string | null; reason: string }[] }>('GET', '/api/v1/email/suppressions');
    expect(items).toEqual([expect.objectContaining({ email: null, reason: 'bounced' })]);
  });

  it('shows the email a contact was sent, opened and clicked on their timeline', async (ctx) => {
    const zoe = contactIds[0]!;
    const events = await api<{ items: { name: string; properties: Record<string, unknown> }[] }>('GET', `/api/v1/contacts/${zoe}/events?limit=100`);
    const clicked = events.items.find((e) => e.name === 'email.clicked');
    if (!clicked) ctx.skip();
    const page = await newPage();
    await page.goto(`/contacts/${zoe}`);
    const timeline = page.getByTestId('timeline-event');
    await timeline.filter({ hasText: 'Was sent “Zoe, it has been a while”' }).waitFor();
    await timeline.filter({ hasText: 'Opened “Zoe, it has been a while”' }).first().waitFor();
    const url = String(clicked!.properties.url);
    expect(url).toMatch(/^https:\/\/example\.com/);
    const click = timeline.filter({ hasText: `Clicked ${url} in “Zoe, it has been a while”` });
    await click.waitFor();
    // The URL is text, never a link.
    expect(await click.locator('a').count()).toBe(0);
    await shot(page, '20-contact-timeline');
    expect(pageErrors).toEqual([]);
  });
});
