// What the browser tests share beyond the server (server.ts): waiting on the API, opening a
// page signed in (page errors and console errors collected, a screenshot when a test fails),
// a screenshot of the whole page, and what does not fit the window.
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

/** `read()` again every `everyMs` until `done` holds; after `timeoutMs` an error with the last value. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 240_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs / 1000} s: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface PageOptions {
  base: string;
  /** The session cookie (`name=value`); none opens the page signed out. */
  cookie: string | null;
  size: { width: number; height: number };
  /** Where a failed test's screenshot goes. */
  shots: string;
  /** Every context opened, for the suite to close. */
  contexts: BrowserContext[];
  /** Page errors and console errors (other than failed loads), for the suite to check. */
  pageErrors: string[];
  userAgent?: string;
  /** How long a step waits (30 s unless said). */
  timeoutMs?: number;
}

/** A page in a context of its own, at `size` (touch and mobile below 600 px). */
export async function openPage(browser: Browser, options: PageOptions): Promise<Page> {
  const { size, base, cookie, contexts, pageErrors } = options;
  const phone = size.width < 600;
  const context = await browser.newContext({ viewport: size, baseURL: base, deviceScaleFactor: 1, hasTouch: phone, isMobile: phone, ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
  contexts.push(context);
  if (cookie) {
    const [name, ...value] = cookie.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: base }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 30_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`);
  });
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(options.shots, `failed-${contexts.indexOf(context)}.png`), fullPage: true }).catch(() => undefined);
  });
  return page;
}

/** A picture of the whole page (up to 4,000 px) in a window that tall, at `file`; no hover left on it. */
export async function wholePageShot(page: Page, file: string): Promise<void> {
  const viewport = page.viewportSize()!;
  if (viewport.width >= 600) await page.mouse.move(viewport.width - 1, viewport.height - 1);
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 4_000)) });
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  await page.setViewportSize(viewport);
}

/**
 * What does not fit the window: the page scrolling sideways, or a table's last column (or
 * anything else) cut off by a container that does not scroll to it.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const unreachable = (el: Element): string | null => {
      let { left, right } = el.getBoundingClientRect();
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowX;
        if (overflow === 'visible') continue;
        const box = up.getBoundingClientRect();
        if ((right > box.right + 1 || left < box.left - 1) && overflow !== 'auto' && overflow !== 'scroll') return `cut off by ${describe(up)} (overflow ${overflow})`;
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
      }
      return right > window.innerWidth + 1 ? `ends at ${Math.round(right)} px, beyond the window (${window.innerWidth} px)` : null;
    };
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
    for (const table of document.querySelectorAll('table')) {
      const last = table.tHead?.rows[0]?.cells;
      if (!last || last.length < 2) continue;
      const why = unreachable(last[last.length - 1]!);
      if (why) problems.push(`last column of table "${table.getAttribute('aria-label')}": ${why}`);
    }
    let others = 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (el.children.length > 0 || el.closest('table, [aria-hidden="true"], svg') || el.getClientRects().length === 0) continue;
      if (el.getBoundingClientRect().width === 0) continue;
      const why = unreachable(el);
      if (why && others++ < 5) problems.push(`${describe(el)}: ${why}`);
    }
    return problems;
  });
}
