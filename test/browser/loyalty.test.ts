// Loyalty and coupons, clicked through in Chromium against the real server and the built web
// app: the points program set up from its first-run form, a purchase rule with a multiplier,
// two tiers (Silver, Gold); orders sent by the shop through the tracking API become points and
// tiers on the Members tab and on a customer's page; a coupon campaign of unique codes made in
// the app, codes generated; a reward giving its codes, redeemed for a customer through the API
// with a full key, the code on the customer's page; points adjusted by hand; the code checked
// and used by the shop's checkout (a shop key), the use on the campaign page and in the loyalty
// report. At a laptop's width (1280) and a phone's (390: nothing wider than the screen).
// Screenshots in test-results/loyalty/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { layoutProblems, openPage, until, wholePageShot } from './pages.ts';

const SHOTS = path.resolve('test-results/loyalty');
const OWNER = { email: 'ada@hearth.test', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' };
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;

let server: RunningServer;
let browser: Browser;
let session: Session;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const keys = { ingest: '', full: '', shop: '' };

const api = sessionApi(() => server.base, () => session);

/** A call with an API key (the shop's systems), answering status and body. */
async function withKey(key: string, method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.base}${url}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, OWNER);
  // Orders that name no currency are in pounds; the forms offer pounds first.
  await api('PATCH', '/api/v1/workspace', { defaultCurrency: 'GBP' });
  for (const scope of ['ingest', 'full', 'shop'] as const) keys[scope] = (await api('POST', '/api/v1/api-keys', { name: `Shop (${scope})`, scope })).key;
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  expect(pageErrors).toEqual([]);
});

const newPage = (size = LAPTOP) => openPage(browser, { base: server.base, cookie: session.cookie, size, shots: SHOTS, contexts, pageErrors, timeoutMs: 15_000 });
const shot = (page: Page, name: string) => wholePageShot(page, path.join(SHOTS, `${name}.png`));
const rows = (page: Page, name: string) => page.getByRole('table', { name, exact: true }).locator('tbody tr');

/** Picks `option` in the Mantine select labelled `label` inside `scope`. */
async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Phone and laptop: the page fits, and its picture is taken. */
async function bothWidths(url: string, ready: (page: Page) => Promise<unknown>, name: string, laptop: Page, phone: Page): Promise<void> {
  for (const [page, width] of [
    [laptop, 1280],
    [phone, 390],
  ] as const) {
    await page.goto(url);
    await ready(page);
    await page.waitForLoadState('networkidle');
    expect(await layoutProblems(page), `${name} at ${width}`).toEqual([]);
    await shot(page, `${name}-${width}`);
  }
}

describe('loyalty and coupons in a browser', () => {
  const ids = { grace: '', linus: '', campaign: '', reward: '' };

  it('sets up the program, a purchase rule and two tiers, and turns the shop’s orders into points and tiers', async () => {
    const page = await newPage();
    await page.goto('/');
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Loyalty', exact: true });
    expect(await link.innerText()).not.toContain('Soon');
    await link.click();
    await page.waitForURL((url) => url.pathname === '/loyalty');

    // First run: the program's settings, orders earning from 30 days ago.
    const setup = page.getByTestId('first-run');
    await setup.getByText('Set up your points program').waitFor();
    await shot(page, 'first-run-1280');
    const phone = await newPage(PHONE);
    await phone.goto('/loyalty');
    await phone.getByTestId('first-run').waitFor();
    expect(await layoutProblems(phone)).toEqual([]);
    await shot(phone, 'first-run-390');
    await setup.getByLabel('Name of the program').fill('Bean Points');
    await setup.getByLabel('Give points for orders since').fill(new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10));
    await setup.getByText('Take back only the points they still have').click();
    await setup.getByRole('button', { name: 'Start the program' }).click();
    await page.waitForURL((url) => url.pathname === '/loyalty/rules');
    await page.getByRole('heading', { name: 'Bean Points' }).waitFor();

    // A purchase rule: 1 point per £1.00, coffee ×2, expiring a year after.
    await page.getByTestId('add-rule').click();
    const rule = page.getByTestId('rule-form');
    await rule.getByLabel('Name').fill('Points for orders');
    expect(await rule.getByLabel('Points for every £1.00 spent').inputValue()).toBe('1');
    await rule.getByTestId('currency-note').getByText('Orders in another currency earn nothing by this rule').waitFor();
    await rule.getByRole('button', { name: 'Add a multiplier' }).click();
    await rule.getByRole('textbox', { name: 'Value' }).fill('coffee');
    await rule.getByRole('textbox', { name: 'Multiplier' }).fill('2');
    await choose(page, rule, 'The points expire', 'After a number of days');
    await shot(page, 'rule-form-1280');
    await rule.getByRole('button', { name: 'Add rule' }).click();
    await rule.waitFor({ state: 'detached' });
    const ruleRow = page.getByTestId('rule-row');
    expect(await ruleRow.getByTestId('rule-sentence').innerText()).toBe('1 point for every £1.00 spent, on orders in GBP.');
    expect(await ruleRow.getByTestId('rule-multipliers').innerText()).toBe('Category coffee ×2');
    await ruleRow.getByText('Usable at once · expire 365 days after they are earned.').waitFor();

    // Two tiers: Silver from 50 points, Gold from 250 points with ×1.5 (first typed at 50: refused under the field).
    await page.getByRole('tab', { name: 'Tiers' }).click();
    for (const [name, from, times] of [
      ['Silver', '50', '1'],
      ['Gold', '50', '1.5'],
    ]) {
      await page.getByTestId('add-tier').click();
      const row = page.getByTestId('tier-row').last();
      await row.getByRole('textbox', { name: 'Name' }).fill(name!);
      await row.getByRole('textbox', { name: 'From, points earned' }).fill(from!);
      await row.getByRole('textbox', { name: 'Points multiplier' }).fill(times!);
    }
    await page.getByTestId('save-tiers').click();
    const gold = page.getByTestId('tier-row').last();
    await gold.getByText('Is the threshold of another tier').waitFor();
    await gold.getByRole('textbox', { name: 'From, points earned' }).fill('250');
    await page.getByTestId('save-tiers').click();
    await until('the tiers', () => api('GET', '/api/v1/loyalty'), (o) => o.tiers.length === 2);
    const overview = await api('GET', '/api/v1/loyalty');
    expect(overview.tiers.map((t: any) => [t.name, t.threshold, t.multiplierBp]).sort()).toEqual([
      ['Gold', 250, 15_000],
      ['Silver', 50, 10_000],
    ]);
    await shot(page, 'tiers-1280');

    // The shop sends its customers and their orders (major units; timestamps after the program's start).
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const res = await fetch(`${server.base}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          { type: 'identify', userId: 'cust-1', traits: { email: 'grace@hearth.test', firstName: 'Grace', lastName: 'Hopper' }, timestamp: at(12) },
          { type: 'identify', userId: 'cust-2', traits: { email: 'linus@hearth.test', firstName: 'Linus', lastName: 'Pauling' }, timestamp: at(12) },
          { type: 'identify', userId: 'cust-3', traits: { email: 'marie@hearth.test', firstName: 'Marie', lastName: 'Curie' }, timestamp: at(12) },
          { type: 'track', userId: 'cust-1', event: 'Order Completed', timestamp: at(10), properties: { order_id: 'A-1', total: 150, currency: 'GBP', products: [{ name: 'Espresso beans', category: 'coffee', price: 25, quantity: 2 }, { name: 'Grinder', category: 'tools', price: 100, quantity: 1 }] } },
          { type: 'track', userId: 'cust-1', event: 'Order Completed', timestamp: at(5), properties: { order_id: 'A-2', total: 80, currency: 'GBP', products: [{ name: 'Kettle', category: 'tools', price: 80, quantity: 1 }] } },
          { type: 'track', userId: 'cust-2', event: 'Order Completed', timestamp: at(4), properties: { order_id: 'B-1', total: 60, currency: 'GBP', products: [{ name: 'Mug', category: 'tools', price: 60, quantity: 1 }] } },
          { type: 'track', userId: 'cust-3', event: 'Order Completed', timestamp: at(3), properties: { order_id: 'C-1', total: 20, currency: 'GBP' } },
          // Euros: the rule is for pounds, so this order earns nothing.
          { type: 'track', userId: 'cust-3', event: 'Order Completed', timestamp: at(2), properties: { order_id: 'C-2', total: 500, currency: 'EUR' } },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const members = await until('the points', () => api('GET', '/api/v1/loyalty/members'), (m) => m.members.length === 3, 60_000);
    const byEmail = Object.fromEntries(members.members.map((m: any) => [m.email, m]));
    // Grace: 50 × 2 (coffee) + 100 (the grinder) + 80 = 280; Linus 60; Marie 20 (the euros earn nothing).
    expect([byEmail['grace@hearth.test'].points, byEmail['linus@hearth.test'].points, byEmail['marie@hearth.test'].points]).toEqual([280, 60, 20]);
    const tierOf = Object.fromEntries(overview.tiers.map((t: any) => [t.id, t.name]));
    expect([tierOf[byEmail['grace@hearth.test'].tierId], tierOf[byEmail['linus@hearth.test'].tierId], byEmail['marie@hearth.test'].tierId]).toEqual(['Gold', 'Silver', null]);
    ids.grace = byEmail['grace@hearth.test'].contactId;
    ids.linus = byEmail['linus@hearth.test'].contactId;

    await page.getByRole('tab', { name: 'Members' }).click();
    const memberRows = rows(page, 'Members');
    await expect.poll(() => memberRows.count()).toBe(3);
    const cells = (await memberRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toMatch(/^Grace Hopper grace@hearth\.test 280 – Gold \d+ on \w{3} \d+, \d{4}$/);
    expect(cells[1]).toMatch(/^Linus Pauling linus@hearth\.test 60 – Silver 60 on /);
    expect(cells[2]).toMatch(/^Marie Curie marie@hearth\.test 20 – – 20 on /);
    // Filtered by tier.
    await choose(page, page.locator('body'), 'Tier', 'Gold');
    await expect.poll(() => memberRows.count()).toBe(1);
    await shot(page, 'members-1280');
  });

  it('makes a coupon campaign in the app, generates codes, and gives a code as a reward for points', async () => {
    const page = await newPage();
    await page.goto('/coupons');
    await page.getByText('No coupon campaigns yet').waitFor();
    await page.getByTestId('new-campaign').first().click();
    const form = page.getByTestId('campaign-form');
    await form.getByLabel('Name').fill('Thank-you 10% off');
    await form.getByText('A code per customer').click();
    await form.getByLabel('Starting with').fill('THANKS-');
    await form.getByLabel('Where exactly').fill('Loyalty rewards');
    await shot(page, 'campaign-form-1280');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL((url) => /^\/coupons\/[0-9a-f-]{36}$/.test(url.pathname));
    ids.campaign = page.url().split('/').pop()!;
    expect(await page.getByTestId('campaign-terms').innerText()).toBe('10% off any order; once per customer. Shared by email (Loyalty rewards).');

    // 20 codes made in the background, their progress followed.
    const generate = page.getByTestId('generate-codes');
    await generate.getByLabel('Generate').fill('20');
    await generate.getByRole('button', { name: 'Generate codes' }).click();
    await page.getByTestId('batch-state').getByText('Done').waitFor({ timeout: 30_000 });
    await expect.poll(() => rows(page, 'Codes').count()).toBe(20);
    expect(await rows(page, 'Codes').first().locator('td').first().innerText()).toMatch(/^THANKS-[A-Z2-9]{8}$/);
    expect(await page.getByTestId('codes-csv').getAttribute('href')).toBe(`/api/v1/coupons/campaigns/${ids.campaign}/codes.csv`);
    const csv = await fetch(`${server.base}/api/v1/coupons/campaigns/${ids.campaign}/codes.csv`, { headers: { cookie: session.cookie } });
    expect((await csv.text()).trim().split('\n')).toHaveLength(21);

    // The reward: 100 points for a code of the campaign.
    await page.goto('/loyalty/rewards');
    await page.getByTestId('add-reward').click();
    const reward = page.getByTestId('reward-form');
    await reward.getByLabel('Name').fill('10% off your next order');
    await choose(page, reward, 'Code from the campaign', 'Thank-you 10% off · 10% off');
    await reward.getByLabel('Costs').fill('100');
    await reward.getByLabel('In stock').fill('50');
    await reward.getByRole('button', { name: 'Add reward' }).click();
    await reward.waitFor({ state: 'detached' });
    const rewardRow = page.getByTestId('reward-row');
    await shot(page, 'rewards-1280');
    expect((await rewardRow.innerText()).replace(/\s+/g, ' ')).toMatch(/^10% off your next order 10% off · Thank-you 10% off 100 points 50 0/);
    ids.reward = (await api('GET', '/api/v1/loyalty')).rewards[0].id;

    // The shop redeems it for Grace (a full key; a retry with the same key spends once).
    const redeem = () => withKey(keys.full, 'POST', `/api/v1/loyalty/rewards/${ids.reward}/redeem`, { customer: { userId: 'cust-1' } }, { 'idempotency-key': 'checkout-42' });
    const first = await redeem();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.code).toMatch(/^THANKS-/);
    expect((await redeem()).body).toMatchObject({ code: first.body.code, duplicate: true });

    // Her page: points, tier, the statement with causes, the reward and the code.
    await page.goto(`/contacts/${ids.grace}`);
    const card = page.getByTestId('contact-loyalty');
    await card.getByTestId('loyalty-sentence').getByText('180 points to spend, in Gold.').waitFor();
    expect((await card.getByTestId('loyalty-tier').innerText()).replace(/\s+/g, ' ')).toBe('TIER Gold the highest tier');
    expect((await card.getByTestId('loyalty-expiry').innerText()).replace(/\s+/g, ' ')).toMatch(/^EXPIRING NEXT \d+ on /);
    const statement = (await page.getByTestId('statement-line').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(statement[0]).toMatch(/^Reward: 10% off your next order \w{3} \d+, \d{4} −100$/);
    expect(statement.some((l) => /^Points for orders \(order A-1\) .* · expires .* · 100 left \+200$/.test(l))).toBe(true);
    expect(statement.some((l) => /^Points for orders \(order A-2\) .* · expires .* \+80$/.test(l))).toBe(true);
    const code = page.getByTestId('contact-code');
    expect((await code.innerText()).replace(/\s+/g, ' ')).toContain(`${first.body.code} 10% off · Thank-you 10% off`);
    await code.getByText('Not used').waitFor();

    // Adjusted by hand, with a reason.
    await card.getByTestId('adjust-points').click();
    const adjust = page.getByTestId('adjust-form');
    await adjust.getByLabel('Points').fill('25');
    await adjust.getByLabel('Reason').fill('Apology for a late delivery');
    await adjust.getByText('180 now, 205 after.').waitFor();
    await adjust.getByRole('button', { name: 'Add points' }).click();
    await card.getByTestId('loyalty-sentence').getByText('205 points to spend, in Gold.').waitFor();
    expect((await page.getByTestId('statement-line').first().innerText()).replace(/\s+/g, ' ')).toMatch(/^Adjustment: Apology for a late delivery .* · by ada@hearth\.test \+25$/);

    // Linus is 190 points from Gold.
    await page.goto(`/contacts/${ids.linus}`);
    expect((await page.getByTestId('loyalty-tier').innerText()).replace(/\s+/g, ' ')).toBe('TIER Silver 190 points to Gold');
    expect(await page.getByTestId('contact-coupons').count()).toBe(0);
  });

  it('checks and uses the code at the shop’s checkout, and shows the use on the campaign and in the report', async () => {
    const code = (await api('GET', `/api/v1/coupons/contacts/${ids.grace}`)).codes[0].code;
    const order = { code: code.toLowerCase(), customer: { userId: 'cust-1' }, amount: 5000, currency: 'GBP' };
    const valid = await withKey(keys.shop, 'POST', '/api/v1/coupons/validate', order);
    expect(valid.body).toMatchObject({ valid: true, discount: 500, currency: 'GBP' });
    const used = await withKey(keys.shop, 'POST', '/api/v1/coupons/redeem', { ...order, orderId: 'A-3' }, { 'idempotency-key': 'order-A-3' });
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    const again = await withKey(keys.shop, 'POST', '/api/v1/coupons/validate', order);
    expect(again.body).toMatchObject({ valid: false, reason: 'limit_per_customer' });

    const laptop = await newPage();
    const phone = await newPage(PHONE);
    // The campaign: the use by channel and in the latest uses.
    await bothWidths(`/coupons/${ids.campaign}`, (p) => p.getByTestId('redemption-row').first().waitFor(), 'campaign', laptop, phone);
    expect((await rows(laptop, 'Results by channel').first().innerText()).replace(/\s+/g, ' ')).toBe('Email · Loyalty rewards 1 £50.00 £5.00');
    expect((await laptop.getByTestId('redemption-row').innerText()).replace(/\s+/g, ' ')).toMatch(new RegExp(`${code} £5.00 £50.00 Used A-3 View customer$`));
    // Paused, its codes are refused at checkout; resumed, they work again.
    await laptop.getByRole('button', { name: 'Pause' }).click();
    await laptop.getByTestId('campaign-state').getByText('Paused').waitFor();
    expect((await withKey(keys.shop, 'POST', '/api/v1/coupons/validate', { ...order, customer: { userId: 'cust-2' } })).body).toMatchObject({ valid: false, reason: 'campaign_paused' });
    await laptop.getByRole('button', { name: 'Resume' }).click();
    await laptop.getByTestId('campaign-state').getByText('Active').waitFor();

    // The list: used once, orders and discounts in pounds; a code tested in the app.
    await laptop.goto('/coupons');
    expect((await laptop.getByTestId('campaign-row').innerText()).replace(/\s+/g, ' ')).toMatch(/Thank-you 10% off 10% off 21 unique codes Email · Loyalty rewards 1 £50\.00 £5\.00/);
    const test = laptop.getByTestId('test-code');
    await test.getByRole('textbox', { name: 'Code' }).fill(code);
    await test.getByRole('textbox', { name: 'Customer’s email' }).fill('linus@hearth.test');
    await test.getByRole('button', { name: 'Test the code' }).click();
    expect(await test.getByTestId('test-answer').innerText()).toBe('Not valid: This code belongs to another customer.');

    // A point is worth a penny (Settings): the points held show as money.
    await laptop.goto('/loyalty/settings');
    await laptop.getByLabel('One point is worth').fill('0.01');
    await laptop.getByTestId('save-program').click();
    await until('the point value', () => api('GET', '/api/v1/loyalty'), (o) => o.program.pointValue?.minor === 1);

    // The report: points month by month, the reward, the coupon by campaign and channel, the check.
    await bothWidths('/loyalty/overview', (p) => p.getByTestId('coupons-report').locator('tbody tr').first().waitFor(), 'overview', laptop, phone);
    await laptop.getByTestId('ledger-check').getByText(/All balances check out/).waitFor();
    expect(await laptop.getByTestId('kpi-members').getByTestId('kpi-value').innerText()).toBe('3');
    // 360 earned, 100 spent, 25 added: 285 held.
    expect(await laptop.getByTestId('kpi-outstanding').getByTestId('kpi-value').innerText()).toBe('285');
    expect(await laptop.getByTestId('kpi-liability').getByTestId('kpi-value').innerText()).toBe('£2.85');
    expect((await rows(laptop, 'Points month by month').first().innerText()).replace(/\s+/g, ' ')).toMatch(/^\w{3} \d{4} 360 100 0 0 \+25$/);
    expect((await rows(laptop, 'Rewards redeemed').first().innerText()).replace(/\s+/g, ' ')).toBe('10% off your next order 1 100');
    expect((await rows(laptop, 'Coupons used').first().innerText()).replace(/\s+/g, ' ')).toBe('Thank-you 10% off Email · Loyalty rewards 1 £50.00 £5.00 21');
    await expect.poll(() => laptop.getByTestId('months').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);

    await bothWidths('/loyalty/rules', (p) => p.getByTestId('rule-row').first().waitFor(), 'rules', laptop, phone);
    await bothWidths(`/contacts/${ids.grace}`, (p) => p.getByTestId('contact-coupons').getByTestId('contact-redemption').waitFor(), 'contact', laptop, phone);
    await laptop.getByTestId('contact-code').getByText('Used', { exact: true }).waitFor();
    await bothWidths('/coupons', (p) => p.getByTestId('campaign-row').first().waitFor(), 'coupons', laptop, phone);
  });
});
