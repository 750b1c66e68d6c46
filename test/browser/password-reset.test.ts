// A forgotten password, in Chromium against the real server: the sign-in page, the request
// form (first with no email server, then with one), the mail, the new password, the used link.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { type Browser, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningServer, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/password-reset');
const OWNER = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct horse battery', workspaceName: 'Acme Coffee' };

let server: RunningServer;
let browser: Browser;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: ParsedMail[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((m) => (mails.push(m), callback()), callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function api(method: string, url: string, body: unknown, auth?: { cookie: string; csrf: string }) {
  const res = await fetch(`${server.base}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(auth ? { cookie: auth.cookie, 'x-csrf-token': auth.csrf } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

async function mailTo(address: string): Promise<ParsedMail> {
  for (let i = 0; i < 200; i++) {
    const found = mails.find((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === address);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address}`);
}

describe('a forgotten password in a browser', () => {
  it('says how to get help without an email server, then mails a link that sets a new password once', async () => {
    const setup = await api('POST', '/setup', OWNER);
    expect(setup.status).toBe(201);
    const auth = { cookie: setup.cookie, csrf: setup.body.csrfToken as string };

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.base });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));

    // The sign-in page claims only what Rapport does, and offers the way back in.
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
    for (const gone of ['journeys', 'Surveys', 'loyalty', 'churn']) expect(await page.getByText(gone).count(), gone).toBe(0);
    await page.getByText('Segments that stay up to date, and email broadcasts that reach them').waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await shot(page, '01-signin');

    // No SMTP server anywhere yet: the page says so, for every address alike.
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByText('Resets by email are not set up here').waitFor();
    await page.getByText('rapport user password --email you@example.com').waitFor();
    await shot(page, '02-not-set-up');

    // The workspace gets an SMTP server: now the form is there.
    expect((await api('PUT', '/email/settings', { smtpHost: '127.0.0.1', smtpPort, smtpSecurity: 'none', fromName: 'Acme Coffee', fromEmail: 'hello@acme.test' }, auth)).status).toBe(200);
    await page.goto(`/forgot-password?email=${encodeURIComponent(OWNER.email)}`);
    const emailField = page.getByLabel('Email');
    await emailField.waitFor();
    expect(await emailField.inputValue()).toBe(OWNER.email);
    await shot(page, '03-request-form');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await page.getByText(`If ${OWNER.email} has a Rapport account`).waitFor();
    await shot(page, '04-check-inbox');

    const mail = await mailTo(OWNER.email);
    expect(mail.subject).toBe('Reset your Rapport password');
    const link = new URL(/https?:\/\/\S+\/reset-password#[\w-]+/.exec(mail.text ?? '')![0]);

    await page.goto(link.pathname + link.hash);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email);
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Set the new password and sign in' }).click();
    await page.getByText('Use at least 10 characters').waitFor();
    await shot(page, '05-new-password');
    await page.getByLabel('New password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set the new password and sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts');
    await page.getByText('Your contact list is empty').waitFor();

    // The session from before ended; the old password no longer works, the new one does.
    expect((await fetch(`${server.base}/api/v1/session`, { headers: { cookie: auth.cookie } })).status).toBe(401);
    expect((await api('POST', '/session', { email: OWNER.email, password: OWNER.password })).status).toBe(401);
    expect((await api('POST', '/session', { email: OWNER.email, password: 'a brand new passphrase' })).status).toBe(200);

    // The link worked once.
    const other = await browser.newPage({ baseURL: server.base, viewport: { width: 390, height: 844 } });
    await other.goto(link.pathname + link.hash);
    await other.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    await shot(other, '06-used-link-phone');
    await other.getByRole('link', { name: 'Ask for a new link' }).click();
    await other.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await other.close();
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
