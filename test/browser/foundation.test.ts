// The foundation, clicked through in Chromium against the real server and the built web app:
// first-run setup, sign-out and sign-in, API keys, workspaces, and an invitation.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningServer, startServer } from './server.ts';

const SHOTS = path.resolve('test-results/foundation');
const OWNER = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct horse battery' };

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

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

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: server.base });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // What the page looked like when a step failed.
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(SHOTS, `failed-${contexts.indexOf(context)}.png`), fullPage: true }).catch(() => undefined);
  });
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  // Let notifications and modals finish their entrance so the picture shows the settled page.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const workspaceButton = (page: Page) => page.getByRole('button', { name: 'Workspace', exact: true });

describe('the foundation in a browser', () => {
  let apiKey = '';

  it('sets up, signs out and in, creates an API key, and switches workspaces', async () => {
    const page = await newPage();

    // First run: the setup page.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Set up Rapport' }).waitFor();
    await shot(page, '01-setup');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('Enter an email address, like ada@example.com').waitFor();
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Workspace name').fill('Acme Coffee');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // In the app: the Contacts empty state, the workspace in the header.
    await page.getByRole('heading', { name: /Contacts/ }).waitFor();
    await page.getByText('Your contact list is empty').waitFor();
    await workspaceButton(page).filter({ hasText: 'Acme Coffee' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/contacts');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const area of ['Contacts', 'Segments', 'Email', 'Workflows', 'Surveys', 'Reports', 'Social', 'Loyalty', 'Coupons', 'Settings']) {
      await nav.getByRole('link', { name: area, exact: true }).waitFor();
    }
    await shot(page, '02-contacts');
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, '02-contacts-1440');
    await page.getByRole('link', { name: 'Social', exact: true }).click();
    await page.getByText('Connect your shop’s Bluesky or Mastodon account').waitFor();
    await shot(page, '02-social-1440');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Sign out, then a wrong password, then the right one.
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
    await page.waitForURL((url) => url.pathname === '/signin' && url.search === '');
    await shot(page, '03-signin');
    await signIn(page, OWNER.email, 'not the password');
    await page.getByRole('alert').filter({ hasText: 'The email or password is not right.' }).waitFor();
    await shot(page, '04-signin-error');
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A sign-in lands on the dashboard, which says what to import first.
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    await page.getByText('Import your order history to see revenue, customers and cohorts').waitFor();

    // Settings › API keys: create an ingest key, shown once.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByRole('tab', { name: 'Workspace' }).waitFor();
    await shot(page, '05-settings-workspace');
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByText('No API keys yet').waitFor();
    await shot(page, '06-api-keys-empty');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Website tracking');
    await dialog.getByRole('radio', { name: /Ingest only/ }).click();
    await shot(page, '07-api-key-create');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('This key will not be shown again').waitFor();
    apiKey = await dialog.getByLabel('API key').inputValue();
    expect(apiKey).toMatch(/^rap_/);
    await shot(page, '08-api-key-shown-once');
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: 'Website tracking' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Ingest');
    expect(await row.textContent()).toContain('Active');
    expect(await row.textContent()).not.toContain(apiKey);
    await shot(page, '09-api-keys-table');

    // An ingest key reaches only the tracking API.
    const res = await fetch(`${server.base}/api/v1/workspace`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(403);

    // A second workspace through the switcher; it starts empty.
    await workspaceButton(page).click();
    await page.getByRole('menuitem', { name: /New workspace/ }).click();
    await page.getByRole('dialog').getByLabel('Workspace name').fill('Acme Europe');
    await page.getByRole('dialog').getByRole('button', { name: 'Create workspace' }).click();
    await workspaceButton(page).filter({ hasText: 'Acme Europe' }).waitFor();
    await page.getByText('Your contact list is empty').waitFor();
    await shot(page, '10-second-workspace');
    await page.goto('/settings/api-keys');
    await page.getByText('No API keys yet').waitFor();
    await workspaceButton(page).filter({ hasText: 'Acme Europe' }).waitFor();

    // Back to the first workspace: the header says so, and its key is there again.
    await workspaceButton(page).click();
    await shot(page, '11-workspace-switcher');
    await page.getByRole('menuitem', { name: /Acme Coffee/ }).click();
    await workspaceButton(page).filter({ hasText: 'Acme Coffee' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Website tracking' }).waitFor();
    await shot(page, '12-back-to-first-workspace');

    // Sign out.
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
    const session = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
    expect(session).toBe(401);
  });

  it('invites members: a new account joins and sees the team read-only, an existing one signs in first', async () => {
    const owner = await newPage({ width: 1440, height: 900 });
    await owner.goto('/signin');
    await signIn(owner, OWNER.email, OWNER.password);
    await owner.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    await owner.goto('/settings/members');
    await owner.getByRole('row').filter({ hasText: OWNER.email }).waitFor();
    await owner.getByRole('button', { name: 'Invite member' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel('Email', { exact: true }).fill('grace@example.com');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const link = await dialog.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/\/invite\/[\w-]+$/);
    await shot(owner, '13-invitation-link');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await owner.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor();
    await shot(owner, '14-members');

    const invitee = await newPage();
    await invitee.goto(new URL(link).pathname);
    await invitee.getByRole('heading', { name: 'Join Acme Coffee' }).waitFor();
    await shot(invitee, '15-invitation');
    await invitee.getByLabel('Your name').fill('Grace Hopper');
    await invitee.getByLabel('Password', { exact: true }).fill('another good passphrase');
    await invitee.getByRole('button', { name: 'Join Acme Coffee' }).click();
    await invitee.getByText('Your contact list is empty').waitFor();
    await workspaceButton(invitee).filter({ hasText: 'Acme Coffee' }).waitFor();

    // A marketer sees the members but cannot change them, and has no API keys.
    await invitee.goto('/settings/members');
    await invitee.getByRole('row').filter({ hasText: OWNER.email }).waitFor();
    expect(await invitee.getByRole('button', { name: 'Invite member' }).count()).toBe(0);
    await shot(invitee, '16-members-as-marketer');
    await invitee.getByRole('tab', { name: 'API keys' }).click();
    await invitee.getByText('Only admins and owners can manage API keys').waitFor();

    // Nor may they create a workspace (RAPPORT_WORKSPACE_CREATION=admins, the default): the switcher does not offer it.
    await workspaceButton(invitee).click();
    await invitee.getByRole('menuitem', { name: /Acme Coffee/ }).waitFor();
    expect(await invitee.getByRole('menuitem', { name: /New workspace/ }).count()).toBe(0);
    await invitee.keyboard.press('Escape');

    // The link works once.
    await invitee.goto(new URL(link).pathname);
    await invitee.getByRole('heading', { name: 'This invitation was already used' }).waitFor();
    await shot(invitee, '17-invitation-used');

    // An invitation for an existing account: sign in first, then join.
    await workspaceButton(owner).click();
    await owner.getByRole('menuitem', { name: /Acme Europe/ }).click();
    await workspaceButton(owner).filter({ hasText: 'Acme Europe' }).waitFor();
    await owner.getByRole('button', { name: 'Invite member' }).click();
    await dialog.getByLabel('Email', { exact: true }).fill('grace@example.com');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const second = new URL(await dialog.getByLabel('Invitation link').inputValue()).pathname;
    await dialog.getByRole('button', { name: 'Done' }).click();

    const elsewhere = await newPage();
    await elsewhere.goto(second);
    await elsewhere.getByText('grace@example.com already has a Rapport account', { exact: false }).waitFor();
    await shot(elsewhere, '18-invitation-sign-in-first');
    await elsewhere.getByRole('link', { name: 'Sign in as grace@example.com' }).click();
    await elsewhere.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor();
    expect(await elsewhere.getByLabel('Email').inputValue()).toBe('grace@example.com');
    await elsewhere.getByLabel('Password', { exact: true }).fill('another good passphrase');
    await elsewhere.getByRole('button', { name: 'Sign in' }).click();
    await elsewhere.getByRole('button', { name: 'Join Acme Europe' }).click();
    await elsewhere.getByText('Your contact list is empty').waitFor();
    await workspaceButton(elsewhere).filter({ hasText: 'Acme Europe' }).waitFor();
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
