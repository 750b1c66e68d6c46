// A survey from an email, end to end in Chromium against the real server, the built web app and
// a real SMTP server on 127.0.0.1 (src/testing/inbox.ts): the NPS starter created and activated
// in the UI, its email sent in a broadcast (made in the UI) to a list of three; the messages as
// received, rendered in Chromium, and a score clicked in them: 3 on a laptop (the answer page
// with 3 chosen, "Confirm my answer", the detractors' follow-up answered with markup in it, the
// ending), 10 on a phone (eleven buttons without sideways scrolling, the follow-up skipped, the
// review ending); a link scanner's GET and POST of the third message's link record nothing; and
// the survey's Results (NPS 0 from one promoter and one detractor, the funnel of the broadcast,
// the trend) and Responses (the answer's markup shown as text) at laptop and phone width.
// The last three tests state what was found wrong on the way (the response rate shown 100 times
// too large, the email's heading cut short, the question twice on the answer page); they fail
// until it is fixed, and the flow does not depend on them.
// Screenshots of each in test-results/surveys-email/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inbox, startInbox, until } from '../../src/testing/inbox.ts';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { openPage } from './pages.ts';

const SHOTS = path.resolve('test-results/surveys-email');
// People, not scanners: a POST from HeadlessChrome's own user agent is refused on purpose.
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const SAFE_LINKS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0 Microsoft Office/16.0 (SafeLinks)';
const WORKSPACE = 'Hearth & Bean';
const QUESTION = `How likely are you to recommend ${WORKSPACE} to a friend or colleague?`;
const PEOPLE = [
  { firstName: 'Zoe', lastName: 'Quinn', email: 'zoe@shop.test' },
  { firstName: 'Max', lastName: 'Berg', email: 'max@shop.test' },
  { firstName: 'Ida', lastName: 'Holm', email: 'ida@shop.test' },
];

let server: RunningServer;
let browser: Browser;
let session: Session;
let inbox: Inbox;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const contactIds: string[] = [];

const api = sessionApi(() => server.base, () => session);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  inbox = await startInbox();
  server = await startServer();
  browser = await launchChromium();
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: WORKSPACE });
  // Email goes out through the test's SMTP server; the footer carries a postal address.
  await api('PUT', '/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: inbox.port, smtpSecurity: 'none', fromName: WORKSPACE, fromEmail: 'hello@hearth.test' });
  await api('PATCH', '/api/v1/workspace', { postalAddress: 'Hearth & Bean Ltd, 3 Mill Street, Leeds LS1 5AB' });
  for (const p of PEOPLE) contactIds.push((await api<{ id: string }>('POST', '/api/v1/contacts', { ...p, emailStatus: 'subscribed' })).id);
  const list = await api<{ id: string }>('POST', '/api/v1/segments', { name: 'Survey panel', kind: 'list' });
  await api('POST', `/api/v1/segments/${list.id}/members`, { contactIds });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await inbox?.close();
  expect(pageErrors).toEqual([]);
});

interface PageOptions {
  width: number;
  height: number;
  /** Signed in as the owner (the app), or a respondent with no session (the answer pages). */
  signedIn: boolean;
  userAgent?: string;
}

const newPage = ({ width, height, signedIn, userAgent }: PageOptions) =>
  openPage(browser, { base: server.base, cookie: signedIn ? session.cookie : null, size: { width, height }, shots: SHOTS, contexts, pageErrors, userAgent, timeoutMs: 20_000 });

/**
 * A picture of the page (as surveys-ui.test.ts takes them); `fullPage` in a window as tall as the
 * page (up to 4,000 px), since Playwright's full-page picture stretches the fixed navigation.
 */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  const viewport = page.viewportSize()!;
  if (viewport.width >= 600) await page.mouse.move(viewport.width - 1, viewport.height - 1);
  if (fullPage) {
    await page.evaluate(() => window.scrollTo(0, 0));
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 4_000)) });
  }
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  if (fullPage) await page.setViewportSize(viewport);
}

/** Nothing on the page is wider than the window (no sideways scrolling on a phone). */
async function fitsWidth(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

const mailTo = (address: string): ParsedMail => {
  const mail = inbox.received.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);
  if (!mail) throw new Error(`no message to ${address}`);
  return mail;
};

/** The survey's links in a message, by answer: `<base>/s/<message token>/<survey id>?a=N`. */
function surveyLinks(mail: ParsedMail, surveyId: string): Map<string, string> {
  const html = typeof mail.html === 'string' ? mail.html : '';
  const links = new Map<string, string>();
  for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
    const url = new URL(href!.replace(/&amp;/g, '&'));
    if (new RegExp(`^/s/[^/]+/${surveyId}$`).test(url.pathname) && url.searchParams.has('a')) links.set(url.searchParams.get('a')!, url.href);
  }
  return links;
}

const responsesTotal = async (surveyId: string) => (await api<{ total: number }>('GET', `/api/v1/surveys/${surveyId}/responses`)).total;

describe('a survey sent in a broadcast and answered from the email', () => {
  let surveyId = '';
  let templateId = '';
  let templateName = '';
  let sentAt = 0;

  it('creates the NPS survey from its starter and activates it', async () => {
    const page = await newPage({ width: 1280, height: 800, signedIn: true });
    await page.goto('/surveys');
    await page.getByText('No surveys yet').waitFor();
    await page.locator('[data-starter="nps"]').click();
    await page.waitForURL(/\/surveys\/[0-9a-f-]{36}\/edit$/);
    surveyId = page.url().split('/').slice(-2)[0]!;
    await page.getByTestId('question-card').first().waitFor();
    expect(await page.getByTestId('question-title').first().inputValue()).toBe(QUESTION);
    await shot(page, '01-survey-created-laptop');

    // The email made with the survey.
    const detail = await api<{ emailTemplateId: string | null; state: string }>('GET', `/api/v1/surveys/${surveyId}`);
    expect(detail.state).toBe('draft');
    expect(detail.emailTemplateId).toMatch(/^[0-9a-f-]{36}$/);
    templateId = detail.emailTemplateId!;
    templateName = (await api<{ name: string }>('GET', `/api/v1/email/templates/${templateId}`)).name;
    expect(templateName).toBe('Survey: How likely are you to recommend us?');

    await page.getByRole('tab', { name: 'Send' }).click();
    await page.waitForURL(`**/surveys/${surveyId}/send`);
    await page.getByTestId('email-block').waitFor();
    await expect.poll(() => page.getByRole('combobox', { name: 'Email', exact: true }).inputValue()).toBe(`${templateName} (made with this survey)`);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByText('This survey takes answers').waitFor();
    expect(await page.getByTestId('state-badge').innerText()).toBe('Active');
    expect((await api<{ state: string }>('GET', `/api/v1/surveys/${surveyId}`)).state).toBe('active');
    await shot(page, '02-send-tab-active-laptop');
  });

  it('sends the survey’s email in a broadcast to the list, and the SMTP server receives it', async () => {
    const page = await newPage({ width: 1280, height: 800, signedIn: true });
    await page.goto('/email/broadcasts');
    await page.getByRole('link', { name: 'New broadcast' }).first().click();
    await page.getByRole('heading', { name: 'New broadcast' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Spring NPS');
    await page.getByRole('combobox', { name: 'Template', exact: true }).click();
    await page.getByRole('option', { name: templateName }).click();
    await page.getByRole('combobox', { name: 'Audience', exact: true }).click();
    await page.getByRole('option', { name: 'Survey panel · 3 contacts' }).click();
    await page.getByTestId('audience-estimate').getByText('3 contacts get it now').waitFor();
    expect(await page.getByTestId('postal-address-notice').count()).toBe(0);
    await shot(page, '03-broadcast-form-laptop');
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('dialog').getByText('It goes to all 3 contacts of “Survey panel”.', { exact: false }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/\/email\/broadcasts\/[0-9a-f-]{36}$/);
    await page.getByTestId('broadcast-state').filter({ hasText: 'Sent' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('broadcast-progress').getByText('3 of 3 recipients done.').waitFor();

    await until('three messages at the SMTP server', () => (inbox.received.length >= 3 ? true : undefined), 600);
    sentAt = Date.now();
    expect(inbox.received).toHaveLength(3);
    for (const p of PEOPLE) {
      const mail = mailTo(p.email);
      expect(mail.subject).toBe(`A quick question from ${WORKSPACE}`);
      expect(mail.text).toContain(`Hi ${p.firstName}, one question, one click:`);
      // Eleven buttons, 0 to 10, each to the answer page with its score chosen.
      const links = surveyLinks(mail, surveyId);
      expect([...links.keys()]).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    }
    // One link per message: each names its own message (and so its contact).
    const tokens = PEOPLE.map((p) => new URL(surveyLinks(mailTo(p.email), surveyId).get('3')!).pathname.split('/')[2]);
    expect(new Set(tokens).size).toBe(3);
    await shot(page, '04-broadcast-sent-laptop');
  });

  it('answers 3 from the email on a laptop: the score chosen, confirmed, the follow-up answered, the ending', async () => {
    expect(surveyId).not.toBe('');
    const mail = mailTo('zoe@shop.test');
    const href = surveyLinks(mail, surveyId).get('3')!;
    expect(href).toMatch(new RegExp(`/s/[A-Za-z0-9_.-]+/${surveyId}\\?a=3$`));
    // No person answers within two seconds of delivery: sooner is taken for a scanner.
    await new Promise((r) => setTimeout(r, Math.max(0, sentAt + 2_500 - Date.now())));

    // The message as received, in Chromium; a tap on "3".
    const page = await newPage({ width: 1280, height: 900, signedIn: false, userAgent: DESKTOP_UA });
    await page.setContent(mail.html as string, { waitUntil: 'load' });
    await page.getByRole('link', { name: '3', exact: true }).waitFor();
    await shot(page, '05-email-laptop');
    await page.getByRole('link', { name: '3', exact: true }).click();
    await page.waitForURL(href);
    await page.getByRole('button', { name: 'Confirm my answer' }).waitFor();
    await page.getByText(QUESTION, { exact: true }).waitFor();
    expect(await page.locator('input[name="a"][value="3"]').isChecked()).toBe(true);
    expect(await page.locator('input[name="a"]:checked').count()).toBe(1);
    // Nothing recorded by opening the page.
    expect(await responsesTotal(surveyId)).toBe(0);
    await shot(page, '06-answer-3-laptop');

    await page.getByRole('button', { name: 'Confirm my answer' }).click();
    await page.waitForURL(/\/s\/r\/[^/]+$/);
    await page.getByText('What should we do better?').waitFor();
    expect(await page.getByText('Question 2 of 2').count()).toBe(1);
    await page.locator('textarea[name="a"]').fill('<b>slow</b> delivery');
    await shot(page, '07-follow-up-laptop');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await page.getByText('Your answer helps us do better.').waitFor();
    expect(await page.getByRole('link', { name: 'Leave a review' }).count()).toBe(0);
    await shot(page, '08-ending-laptop');

    const { items } = await api<{ items: { score: number | null; band: string | null; state: string; texts: string[]; contact: { id: string } | null }[] }>('GET', `/api/v1/surveys/${surveyId}/responses`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ score: 3, band: 'detractor', state: 'complete', texts: ['<b>slow</b> delivery'], contact: { id: contactIds[0] } });
  });

  it('answers 10 from the email on a phone: eleven buttons that fit, confirmed, the follow-up skipped, the review ending', async () => {
    expect(surveyId).not.toBe('');
    const mail = mailTo('max@shop.test');
    const href = surveyLinks(mail, surveyId).get('10')!;
    await new Promise((r) => setTimeout(r, Math.max(0, sentAt + 2_500 - Date.now())));

    const page = await newPage({ width: 375, height: 740, signedIn: false, userAgent: PHONE_UA });
    await page.setContent(mail.html as string, { waitUntil: 'load' });
    await page.getByRole('link', { name: '10', exact: true }).waitFor();
    await shot(page, '09-email-phone');
    await page.getByRole('link', { name: '10', exact: true }).click();
    await page.waitForURL(href);
    await page.getByRole('button', { name: 'Confirm my answer' }).waitFor();
    expect(await page.locator('input[name="a"][value="10"]').isChecked()).toBe(true);

    // All eleven buttons on the screen, none cut off, and no sideways scrolling.
    await fitsWidth(page, 375);
    const buttons = page.locator('.scale label');
    expect(await buttons.count()).toBe(11);
    for (let i = 0; i <= 10; i++) {
      const box = (await buttons.nth(i).boundingBox())!;
      expect(await buttons.nth(i).innerText()).toBe(String(i));
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      expect(box.width).toBeGreaterThanOrEqual(24);
    }
    await shot(page, '10-answer-10-phone');

    await page.getByRole('button', { name: 'Confirm my answer' }).click();
    await page.waitForURL(/\/s\/r\/[^/]+$/);
    await page.getByText('What did you like most?').waitFor();
    await fitsWidth(page, 375);
    await shot(page, '11-follow-up-phone');
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.getByRole('heading', { name: 'Thank you, that means a lot!' }).waitFor();
    expect(await page.getByRole('link', { name: 'Leave a review' }).getAttribute('href')).toBe('https://example.com/reviews');
    await fitsWidth(page, 375);
    await shot(page, '12-ending-phone');
    expect(await responsesTotal(surveyId)).toBe(2);

    // The same link again: already answered, nothing new recorded.
    await page.goto(href);
    await page.getByRole('heading', { name: 'You have already answered' }).waitFor();
    expect(await responsesTotal(surveyId)).toBe(2);
  });

  it('records nothing when a link scanner opens (GET) or posts (POST) the third message’s link', async () => {
    expect(surveyId).not.toBe('');
    const href = surveyLinks(mailTo('ida@shop.test'), surveyId).get('7')!;
    const before = await responsesTotal(surveyId);
    expect(before).toBe(2);

    const get = await fetch(href, { headers: { 'user-agent': SAFE_LINKS_UA } });
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('Confirm my answer');
    expect(await responsesTotal(surveyId)).toBe(before);

    // Even the form's POST, when a scanner sends it, is refused.
    const post = await fetch(href.split('?')[0]!, {
      method: 'POST',
      headers: { 'user-agent': SAFE_LINKS_UA, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'q=nps&a=7',
      redirect: 'manual',
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('Your answer was not recorded');
    expect(await responsesTotal(surveyId)).toBe(before);

    // Ida can still answer: her link shows the question, not "already answered".
    const page = await newPage({ width: 1280, height: 900, signedIn: false, userAgent: DESKTOP_UA });
    await page.goto(href);
    await page.getByRole('button', { name: 'Confirm my answer' }).waitFor();
    expect(await page.locator('input[name="a"][value="7"]').isChecked()).toBe(true);
    expect(await responsesTotal(surveyId)).toBe(before);
  });

  it('shows NPS 0 of two responses, the funnel and the trend in Results, and the answer’s markup as text in Responses', async () => {
    expect(surveyId).not.toBe('');
    for (const [width, height, name] of [
      [1280, 800, 'laptop'],
      [375, 740, 'phone'],
    ] as const) {
      const page = await newPage({ width, height, signedIn: true });
      await page.goto(`/surveys/${surveyId}`);
      const headline = page.getByTestId('kpi-headline');
      await headline.waitFor();
      await expect.poll(() => headline.getByTestId('kpi-value').innerText(), { timeout: 20_000 }).toBe('0');
      expect(await page.getByTestId('kpi-responses').getByTestId('kpi-value').innerText()).toBe('2');
      expect(await page.getByTestId('kpi-responses').innerText()).toContain('2 complete');
      const split = await page.getByTestId('split').innerText();
      expect(split).toMatch(/Promoters \(9–10\)\s*1\s*50%/);
      expect(split).toMatch(/Detractors \(0–6\)\s*1\s*50%/);
      expect(split).toMatch(/Passives \(7–8\)\s*0/);
      // The broadcast's three messages are the invitations: two opened (the pixel, loaded when
      // Chromium showed the message) and two answered.
      expect(await page.getByTestId('kpi-rate').innerText()).toContain('3 sent → 2 opened → 2 answered');
      const funnel = await page.getByTestId('funnel').innerText();
      expect(funnel).toMatch(/Sent\s*3/);
      expect(funnel).toMatch(/Opened\s*2\s*66\.7% of sent/);
      expect(funnel).toMatch(/Answered\s*2\s*66\.7% of sent/);
      await page.getByTestId('trend').locator('svg').first().waitFor();
      if (width < 600) await fitsWidth(page, width);
      await shot(page, `13-results-${name}`);

      await page.getByRole('tab', { name: 'Responses' }).click();
      await page.waitForURL(`**/surveys/${surveyId}/responses`);
      const responses = page.getByTestId('response');
      await responses.first().waitFor();
      expect(await responses.count()).toBe(2);
      const zoe = responses.filter({ hasText: 'Zoe Quinn' });
      expect(await zoe.getByTestId('score').innerText()).toBe('3');
      // The markup typed in the answer is shown as its characters, never as bold text.
      await zoe.getByText('<b>slow</b> delivery', { exact: true }).waitFor();
      expect(await page.getByTestId('responses').locator('b').count()).toBe(0);
      const max = responses.filter({ hasText: 'Max Berg' });
      expect(await max.getByTestId('score').innerText()).toBe('10');
      if (width < 600) await fitsWidth(page, width);
      await shot(page, `14-responses-${name}`);
    }
  });

  // Three things the first run of this flow found wrong (fixed since), each kept as a check of its own.

  it('gives the response rate of the broadcast as 66.7% (two answers from three messages)', async () => {
    expect(surveyId).not.toBe('');
    const page = await newPage({ width: 1280, height: 800, signedIn: true });
    await page.goto(`/surveys/${surveyId}`);
    const rate = page.getByTestId('kpi-rate');
    await rate.getByText('3 sent → 2 opened → 2 answered').waitFor();
    // The API gives a percentage (66.7); the page showed it multiplied by 100 again ("6,670%").
    expect((await api<{ funnel: { responseRate: number } }>('GET', `/api/v1/surveys/${surveyId}/results`)).funnel.responseRate).toBe(66.7);
    expect(await rate.getByTestId('kpi-value').innerText()).toBe('66.7%');
  });

  it('heads the survey’s email with a whole sentence, not one cut short after “from”', () => {
    expect(inbox.received).toHaveLength(3);
    // The heading keeps the workspace's name (it was cut to "A quick question from").
    const heading = mailTo('zoe@shop.test')
      .text!.split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '');
    expect(heading).not.toMatch(/ from$/);
  });

  it('shows the question once on the answer page of the NPS starter', async () => {
    expect(surveyId).not.toBe('');
    // Ida's link: a GET records nothing.
    const page = await newPage({ width: 1280, height: 900, signedIn: false, userAgent: DESKTOP_UA });
    await page.goto(surveyLinks(mailTo('ida@shop.test'), surveyId).get('8')!);
    await page.getByRole('button', { name: 'Confirm my answer' }).waitFor();
    // The survey's title (at the top of the first page) was the starter's question word for word.
    expect(await page.getByText(QUESTION, { exact: true }).count()).toBe(1);
  });
});
