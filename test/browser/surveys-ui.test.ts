// Surveys, clicked through in Chromium against the real server and the built web app: the NPS
// starter created from the empty list, the survey in the list, its first question changed in
// the editor and saved (and an empty title refused by the server, with the message under the
// field), Results with no answers, activated on the Send tab with the block to copy; then
// answers posted through the API, and Results and Responses drawn from them; and the phone's
// width (375 px: nothing wider than the screen).
// Screenshots of each in test-results/surveys/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningServer, type Session, sessionApi, setUp, startServer } from './server.ts';
import { openPage } from './pages.ts';

const SHOTS = path.resolve('test-results/surveys');
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
  session = await setUp(server.base, { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery', workspaceName: 'Hearth & Bean' });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  expect(pageErrors).toEqual([]);
});

const newPage = (width: number, height: number) =>
  openPage(browser, { base: server.base, cookie: session.cookie, size: { width, height }, shots: SHOTS, contexts, pageErrors, timeoutMs: 20_000 });

/**
 * A picture of the page; `fullPage` in a window as tall as the page (up to 4,000 px), since
 * Playwright's full-page picture stretches the fixed navigation.
 */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  const viewport = page.viewportSize()!;
  // No hover left over from the last click (a tooltip over the picture).
  if (!page.context().pages()[0]?.isClosed() && viewport.width >= 600) await page.mouse.move(viewport.width - 1, viewport.height - 1);
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
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

describe('surveys in a browser', () => {
  let surveyId = '';
  const title = 'How likely are you to recommend Hearth & Bean to a friend?';

  it('creates a survey from the NPS starter, changes its first question and saves it', async () => {
    const page = await newPage(1280, 800);
    await page.goto('/surveys');
    await page.getByText('No surveys yet').waitFor();
    await page.locator('[data-starter="nps"]').waitFor();
    expect(await page.getByTestId('starter').count()).toBe(4);
    expect(await page.getByTestId('fatigue-rule').innerText()).toMatch(/once every \d+ days|No limit/);
    await shot(page, '01-empty-laptop');

    await page.locator('[data-starter="nps"]').click();
    await page.waitForURL(/\/surveys\/[0-9a-f-]{36}\/edit$/);
    surveyId = page.url().split('/').slice(-2)[0]!;
    await page.getByTestId('editor').waitFor();
    expect(await page.getByTestId('question-card').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('state-badge').innerText()).toBe('Draft');

    // An empty title: the server says why, under the field and in the list at the top.
    const first = page.getByTestId('question-title').first();
    await first.fill('');
    await page.getByTestId('unsaved').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByTestId('problems').waitFor();
    expect(await page.getByTestId('problems').innerText()).toContain('Question 1');
    const card = page.getByTestId('question-card').first();
    expect(await card.locator('.mantine-InputWrapper-error').first().innerText()).toMatch(/empty/i);
    await shot(page, '02-edit-problem-laptop', false);

    await first.fill(title);
    expect(await page.getByTestId('problems').count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByTestId('unsaved').waitFor({ state: 'detached' });
    const saved = await api('GET', `/api/v1/surveys/${surveyId}`);
    expect(saved.content.questions[0].title).toBe(title);
    await shot(page, '03-edit-laptop');

    // In the list.
    await page.getByRole('link', { name: 'Surveys', exact: true }).first().click();
    await page.waitForURL('**/surveys');
    const row = page.getByTestId('survey-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const text = await row.first().innerText();
    expect(text).toContain('Draft');
    expect(text).toContain('NPS');
    await shot(page, '04-list-laptop');

    // Results with no answers.
    await row.first().getByRole('link').click();
    await page.getByTestId('results').waitFor();
    await page.getByTestId('kpi-headline').waitFor();
    expect(await page.getByTestId('kpi-headline').getByTestId('kpi-value').innerText()).toBe('–');
    expect(await page.getByTestId('kpi-responses').getByTestId('kpi-value').innerText()).toBe('0');
    await page.getByTestId('split').waitFor();
    await page.getByTestId('trend').waitFor();
    await shot(page, '05-results-empty-laptop');

    await page.getByRole('tab', { name: 'Responses' }).click();
    await page.getByText(/No responses yet/).waitFor();
  });

  it('activates the survey on the Send tab and shows the block for a template', async () => {
    const page = await newPage(1280, 800);
    await page.goto(`/surveys/${surveyId}/send`);
    await page.getByTestId('state-text').waitFor();
    expect(await page.getByTestId('state-text').innerText()).toMatch(/draft/i);
    expect(await page.getByRole('button', { name: 'Send survey' }).isDisabled()).toBe(true);
    await page.getByTestId('email-block').waitFor();
    expect(await page.getByTestId('email-block').innerText()).toContain('mj-');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByText('This survey takes answers').waitFor();
    expect(await page.getByTestId('state-badge').innerText()).toBe('Active');
    await shot(page, '06-send-laptop');
  });

  it('draws the results and responses of answers', async () => {
    // Twelve contacts answer: 6 promoters, 3 passives, 3 detractors (NPS +25), some with words.
    const scores = [10, 9, 9, 10, 9, 10, 8, 7, 8, 3, 6, 0];
    const words: Record<number, [string, string]> = {
      0: ['liked', 'Lovely coffee and the delivery was fast. Great service!'],
      1: ['liked', 'Great beans, great price.'],
      9: ['better', 'The delivery was late and the package was damaged. Terrible.'],
      10: ['better', 'Der Kaffee war leider kalt und die Lieferung zu spät.'],
      11: ['better', 'Awful support, never again.'],
    };
    for (const [i, score] of scores.entries()) {
      const contact = await api('POST', '/api/v1/contacts', { email: `c${i}@shop.test`, firstName: ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay'][i % 6], lastName: `Shopper${i}` });
      const answers: Record<string, unknown> = { nps: score };
      if (words[i]) answers[words[i]![0]] = words[i]![1];
      await api('POST', `/api/v1/surveys/${surveyId}/responses`, { contactId: contact.id, answers, complete: i !== 7 });
    }

    const page = await newPage(1280, 800);
    await page.goto(`/surveys/${surveyId}`);
    await page.getByTestId('kpi-headline').waitFor();
    await expect.poll(() => page.getByTestId('kpi-headline').getByTestId('kpi-value').innerText(), { timeout: 20_000 }).toBe('+25');
    expect(await page.getByTestId('kpi-headline').innerText()).toContain('±');
    expect(await page.getByTestId('kpi-responses').getByTestId('kpi-value').innerText()).toBe('12');
    expect(await page.getByTestId('split').innerText()).toContain('Promoters (9–10)');
    await page.getByTestId('distribution').locator('svg').first().waitFor();
    await page.getByTestId('trend').locator('svg').first().waitFor();
    await page.getByTestId('trend').getByText('By week').click();
    await page.getByTestId('trend').locator('svg').first().waitFor();
    await shot(page, '07-results-laptop');

    await page.getByRole('tab', { name: 'Responses' }).click();
    await page.getByTestId('response').first().waitFor();
    expect(await page.getByTestId('response').count()).toBe(12);
    const all = await page.getByRole('list', { name: 'Responses' }).innerText();
    expect(all).toContain('Partial');
    expect(all).toMatch(/In German: not scored/);
    await page.getByRole('switch', { name: 'With text only' }).evaluate((el: HTMLElement) => el.click());
    await expect.poll(() => page.getByTestId('response').count()).toBe(5);
    await shot(page, '08-responses-laptop');
    // A contact's name leads to their page.
    await page.getByTestId('response').first().getByRole('link').click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  });

  it('starts a blank survey from New survey, adds a choice question with a rule and saves it', async () => {
    const page = await newPage(1280, 800);
    await page.goto('/surveys');
    await page.getByRole('button', { name: /^(New survey|Or start from a blank survey)$/ }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New survey' });
    await dialog.getByRole('listitem', { name: 'Was it easy?' }).waitFor();
    await shot(page, '14-new-survey-laptop', false);
    await dialog.getByRole('textbox', { name: 'Name of the new survey' }).fill('After delivery');
    await dialog.getByRole('button', { name: 'Blank survey' }).click();
    await page.waitForURL(/\/surveys\/[0-9a-f-]{36}\/edit$/);
    const id = page.url().split('/').slice(-2)[0]!;
    await page.getByTestId('question-card').first().waitFor();
    expect(await page.getByTestId('question-card').count()).toBe(1);

    await page.getByRole('button', { name: 'Add a question' }).click();
    await page.getByRole('menuitem', { name: /One choice/ }).click();
    const card = page.getByTestId('question-card').nth(1);
    await card.getByRole('textbox', { name: 'Answer 1', exact: true }).fill('On time');
    await card.getByRole('textbox', { name: 'Answer 2', exact: true }).fill('Late');
    await card.getByRole('button', { name: 'Add a rule' }).click();
    await card.getByTestId('rule').getByLabel(/if the answer is one of/).click();
    await page.getByRole('option', { name: 'Late' }).click();
    await page.keyboard.press('Escape');
    // Moved to the top: the open question comes after it, and the rule may lead there.
    await card.getByRole('button', { name: 'Move question 2 up' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByTestId('unsaved').waitFor({ state: 'detached' });
    const saved = await api('GET', `/api/v1/surveys/${id}`);
    expect(saved.kind).toBe('custom');
    expect(saved.content.questions.map((q: any) => q.type)).toEqual(['single', 'text']);
    expect(saved.content.questions[0].choices).toEqual([
      { key: 'on_time', label: 'On time' },
      { key: 'late', label: 'Late' },
    ]);
    expect(saved.content.questions[0].logic).toEqual([{ when: { values: ['late'] }, goTo: 'thanks' }]);
    await shot(page, '15-edit-custom-laptop');
  });

  it('fits a phone', async () => {
    const page = await newPage(375, 760);
    await page.goto('/surveys');
    await page.getByTestId('survey-row').first().waitFor();
    await fitsWidth(page);
    await shot(page, '09-list-phone');

    await page.goto(`/surveys/${surveyId}`);
    await page.getByTestId('kpi-headline').waitFor();
    await page.getByTestId('distribution').locator('svg').first().waitFor();
    await fitsWidth(page);
    await shot(page, '10-results-phone');

    await page.goto(`/surveys/${surveyId}/responses`);
    await page.getByTestId('response').first().waitFor();
    await fitsWidth(page);
    await shot(page, '11-responses-phone');

    await page.goto(`/surveys/${surveyId}/edit`);
    await page.getByTestId('question-card').first().waitFor();
    await fitsWidth(page);
    await shot(page, '12-edit-phone');

    await page.goto(`/surveys/${surveyId}/send`);
    await page.getByTestId('email-block').waitFor();
    await fitsWidth(page);
    await shot(page, '13-send-phone');
  });
});
