// The Content-Security-Policy in Chromium: the web app, the email preview (a sandboxed srcdoc
// frame, which inherits the app's policy) and the API reference all work under it, and the
// browser reports no violation.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/security-headers');
let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const api = sessionApi(() => server.base, () => session);
// A 1×1 GIF, as an email might carry inline.
const DATA_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

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

/** A page that records what the browser refuses under the policy (console messages of every frame). */
async function newPage(signedIn: boolean): Promise<{ page: Page; refused: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.base });
  contexts.push(context);
  if (signedIn) {
    const [name, ...value] = session.cookie.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: server.base }]);
  }
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  page.on('pageerror', (err) => refused.push(`uncaught: ${err.message}`));
  return { page, refused };
}

describe('the Content-Security-Policy in a browser', () => {
  it('lets the API reference render', async () => {
    const { page, refused } = await newPage(false);
    const res = await page.goto('/api/docs');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Rapport API' }).waitFor();
    // Every group of operations is listed, folded (drawn all open, Swagger UI stopped after the
    // first two of 139 operations); a group opens on a click.
    await expect.poll(() => page.locator('.opblock-tag').count()).toBeGreaterThanOrEqual(14);
    await page.locator('.opblock-tag', { hasText: 'Workflows' }).click();
    await expect.poll(() => page.locator('.opblock').count()).toBeGreaterThanOrEqual(15);
    await page.screenshot({ path: path.join(SHOTS, '01-api-docs.png') });
    expect(refused).toEqual([]);
  });

  it('lets the app and the email preview render, inline styles and images of the message included', async () => {
    const [starter] = await api<{ template: { name: string; subject: string; body: string; defaults: object } }[]>('GET', '/api/v1/email/templates/starters');
    const body = starter!.template.body.replace('<mj-column>', `<mj-column>\n        <mj-image src="${DATA_IMAGE}" alt="Inline picture" width="40px" />`);
    const template = await api<{ id: string }>('POST', '/api/v1/email/templates', { ...starter!.template, name: 'Under the policy', body });
    const { page, refused } = await newPage(true);
    await page.goto(`/email/templates/${template.id}`);
    const frame = page.frameLocator('iframe[title="Email preview"]');
    await frame.getByAltText('Inline picture').waitFor();
    // MJML's <style> element applies (body margin 0) and the data: image loads.
    expect(await frame.locator('body').evaluate((b) => getComputedStyle(b).margin)).toBe('0px');
    expect(await frame.getByAltText('Inline picture').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, '02-email-preview.png') });
    await page.goto('/contacts');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    expect(refused).toEqual([]);
  });
});
