// Answering from an email: a link scanner's GET (and POST) records nothing; the person's confirming
// POST records exactly one answer however often it is repeated; the follow-up completes it; the
// answer becomes a survey.answered event and the contact's latest NPS; hostile input is escaped
// or refused with a clear page; tampered tokens are not found.
import { beforeAll, describe, expect, it } from 'vitest';
import { messageLinks } from '../messaging/delivery/links.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop, type Shop } from '../testing/workflows.ts';
import type { ApiClient } from '../testing/client.ts';

const t = useHarness();
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFE_LINKS = 'Mozilla/5.0 (compatible; Microsoft Office/16.0 (SafeLinks))';

let shop: Shop;
let api: ApiClient;
let surveyId: string;

beforeAll(async () => {
  shop = await openShop(t.h);
  api = await t.h.signIn(shop.userId, shop.workspaceId);
  const created = await api.post('/api/v1/surveys', { starter: 'nps' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  surveyId = created.body.id;
  expect((await api.patch(`/api/v1/surveys/${surveyId}`, { state: 'active' })).status).toBe(200);
});

/** Invites a new contact; returns the contact and the path of the email's link for score `a`. */
async function invite(name: string): Promise<{ contactId: string; path: (a?: number) => string }> {
  const contactId = await shop.contact({ firstName: name });
  const detail = await api.get(`/api/v1/surveys/${surveyId}`);
  const sent = await api.post(`/api/v1/surveys/${surveyId}/sends`, { templateId: detail.body.emailTemplateId, audience: { contactIds: [contactId] } });
  expect(sent.body).toMatchObject({ queued: 1 });
  const [m] = await t.h.db.query<{ id: string }>('select id from email_messages where contact_id = $1', [contactId]);
  const base = new URL(messageLinks(t.h.ctx, shop.workspaceId, contactId, m!.id).surveys!).pathname;
  return { contactId, path: (a) => `${base}/${surveyId}${a === undefined ? '' : `?a=${a}`}` };
}

const get = (url: string, ua = BROWSER) => t.h.app.inject({ method: 'GET', url, headers: { 'user-agent': ua } });
const post = (url: string, form: Record<string, string | string[]>, ua = BROWSER) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return t.h.app.inject({ method: 'POST', url, headers: { 'user-agent': ua, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
};
const responses = (contactId: string) => t.h.db.query<{ id: string; state: string; score: number; answers: Record<string, unknown>; recorded_at: Date | null }>('select * from survey_responses where contact_id = $1', [contactId]);

describe('answering from an email', () => {
  it('a scanner opening every link records nothing; the page shows the score chosen in the email', async () => {
    const ann = await invite('Ann');
    for (let a = 0; a <= 10; a++) expect((await get(ann.path(a), SAFE_LINKS)).statusCode).toBe(200);
    const page = await get(ann.path(3));
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('value="3" checked');
    expect(page.body).toContain('Confirm my answer');
    expect(page.body).not.toContain('<script');
    expect(await responses(ann.contactId)).toEqual([]);
    // A scanner that even submits the form is refused.
    const scanned = await post(ann.path(), { q: 'nps', a: '3' }, SAFE_LINKS);
    expect(scanned.statusCode).toBe(403);
    expect(scanned.body).toContain('Your answer was not recorded');
    expect(await responses(ann.contactId)).toEqual([]);
  });

  it('the confirming POST records one answer even when repeated; the follow-up completes it into an event and the contact’s latest NPS', async () => {
    const bob = await invite('Bob');
    const first = await post(bob.path(), { q: 'nps', a: '3' });
    expect(first.statusCode).toBe(303);
    const next = first.headers.location as string;
    expect(next).toMatch(/^\/s\/r\//);
    const again = await post(bob.path(), { q: 'nps', a: '3' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(next);
    expect(await responses(bob.contactId)).toMatchObject([{ state: 'partial', score: 3 }]);

    const followUp = await get(next);
    expect(followUp.body).toContain('What should we do better?');
    const done = await post(next, { q: 'better', a: 'Delivery took <b>two weeks</b>' });
    expect(done.statusCode).toBe(303);
    const ending = await get(done.headers.location as string);
    expect(ending.body).toContain('Thank you!');
    const [r] = await responses(bob.contactId);
    expect(r).toMatchObject({ state: 'complete', score: 3, answers: { nps: 3, better: 'Delivery took <b>two weeks</b>' } });
    expect(r!.recorded_at).not.toBeNull();

    const events = await shop.events(bob.contactId, 'survey.');
    expect(events.map((e) => e.name)).toEqual(['survey.sent', 'survey.answered']);
    expect(events[1]!.properties).toMatchObject({ survey_id: surveyId, score: 3, band: 'detractor', partial: false, channel: 'email', kind: 'nps', text: 'Delivery took <b>two weeks</b>' });
    const contact = await api.get(`/api/v1/contacts/${bob.contactId}`);
    expect(contact.body.properties).toMatchObject({ nps_score: 3, nps_band: 'detractor', nps_date: t.h.clock.now().toISOString().slice(0, 10) });

    // Back to the email's link once done: already answered, nothing changes.
    const late = await post(bob.path(), { q: 'nps', a: '10' });
    expect(late.body).toContain('You have already answered');
    expect(await responses(bob.contactId)).toMatchObject([{ score: 3 }]);
  });

  it('a promoter is asked what they liked and ends on the review request', async () => {
    const cat = await invite('Cat');
    const first = await post(cat.path(), { q: 'nps', a: '10' });
    const page = await get(first.headers.location as string);
    expect(page.body).toContain('What did you like most?');
    const skipped = await post(first.headers.location as string, { q: 'liked', skip: '1' });
    const ending = await get(skipped.headers.location as string);
    expect(ending.body).toContain('Leave a review');
    expect(ending.body).toContain('href="https://example.com/reviews"');
  });
});

describe('hostile input', () => {
  it('markup is escaped on every page, oversized answers are refused with a page that says so, tampered tokens are not found', async () => {
    const dan = await invite('Dan');
    const first = await post(dan.path(), { q: 'nps', a: '2' });
    const next = first.headers.location as string;
    const long = `<script>alert(1)</script>${'x'.repeat(2100)}`;
    const tooLong = await post(next, { q: 'better', a: long });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('Please keep your answer under 2000 characters.');
    expect(tooLong.body).not.toContain('<script>alert(1)');
    expect(tooLong.body).toContain('&#60;script&#62;');
    const huge = await post(next, { q: 'better', a: 'y'.repeat(6000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('Please keep your answer under 5000 characters.');
    // Changing the score (the back button) to something that is not one: refused, the response as it was.
    const notANumber = await post(dan.path(), { q: 'nps', a: '<img src=x onerror=alert(1)>' });
    expect(notANumber.statusCode).toBe(400);
    expect(notANumber.body).toContain('Please choose a number from 0 to 10.');
    expect(notANumber.body).not.toContain('<img src=x');
    expect(await responses(dan.contactId)).toMatchObject([{ state: 'partial', score: 2 }]);

    const token = dan.path().split('/')[2]!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const url of [`/s/${tampered}/${surveyId}?a=9`, `/s/r/${tampered}`, `/s/c/${tampered}`, `/s/o/${tampered}`, `/s/${token}/00000000-0000-4000-8000-000000000000`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('This link is not recognized');
      expect((await post(url, { q: 'nps', a: '9' })).statusCode, url).toBe(404);
    }
  });

  it('a new response with a wrong answer is not stored and the page says what to fix', async () => {
    const eve = await invite('Eve');
    const res = await post(eve.path(), { q: 'nps', a: '11' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please choose a number from 0 to 10.');
    expect(await responses(eve.contactId)).toEqual([]);
  });

  it('a closed survey says so and records nothing', async () => {
    const fay = await invite('Fay');
    await api.patch(`/api/v1/surveys/${surveyId}`, { state: 'closed' });
    try {
      expect((await get(fay.path(9))).statusCode).toBe(410);
      const res = await post(fay.path(), { q: 'nps', a: '9' });
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('This survey is closed');
      expect(await responses(fay.contactId)).toEqual([]);
    } finally {
      await api.patch(`/api/v1/surveys/${surveyId}`, { state: 'active' });
    }
  });
});

describe('links without an email', () => {
  it('a personal link answers for its contact, once; the open link takes anonymous answers only where the survey says so', async () => {
    const gil = await shop.contact({ firstName: 'Gil' });
    const links = await api.post(`/api/v1/surveys/${surveyId}/links`, { contactIds: [gil] });
    const personal = new URL(links.body.items[0].url).pathname;
    expect((await get(personal)).body).toContain('How likely are you to recommend');
    expect((await post(personal, { q: 'nps', a: '8' })).statusCode).toBe(303);
    expect((await post(personal, { q: 'nps', a: '8' })).statusCode).toBe(303);
    expect(await responses(gil)).toMatchObject([{ score: 8, state: 'partial' }]);

    // No open link while the survey takes no anonymous answers.
    const detail = await api.get(`/api/v1/surveys/${surveyId}`);
    expect(detail.body.openLink).toBeNull();
    await api.patch(`/api/v1/surveys/${surveyId}`, { settings: { ...detail.body.settings, anonymous: true } });
    try {
      const open = new URL((await api.get(`/api/v1/surveys/${surveyId}`)).body.openLink).pathname;
      const page = await get(open);
      const visit = /name="v" value="([0-9a-f-]{36})"/.exec(page.body)?.[1];
      expect(visit).toBeDefined();
      const before = await t.h.db.query('select 1 from survey_responses where survey_id = $1 and contact_id is null', [surveyId]);
      expect((await post(open, { v: visit!, q: 'nps', a: '9' })).statusCode).toBe(303);
      expect((await post(open, { v: visit!, q: 'nps', a: '9' })).statusCode).toBe(303);
      const after = await t.h.db.query<{ score: number; channel: string }>('select score, channel from survey_responses where survey_id = $1 and contact_id is null', [surveyId]);
      expect(after.length - before.length).toBe(1);
      expect(after.at(-1)).toMatchObject({ score: 9, channel: 'link' });
      await api.patch(`/api/v1/surveys/${surveyId}`, { settings: { ...detail.body.settings, anonymous: false } });
      expect((await get(open)).statusCode).toBe(404);
    } finally {
      await api.patch(`/api/v1/surveys/${surveyId}`, { settings: detail.body.settings });
    }
  });
});

describe('the preview', () => {
  it('shows the survey to members of its workspace only, and records nothing', async () => {
    expect((await get(`/s/preview/${surveyId}?a=7`)).statusCode).toBe(404);
    const other = await t.h.signUp();
    expect((await other.client.get(`/s/preview/${surveyId}?a=7`)).status).toBe(404);
    const mine = await api.get(`/s/preview/${surveyId}?a=7`);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-type']).toContain('text/html');
    const before = await t.h.db.query('select 1 from survey_responses where survey_id = $1', [surveyId]);
    const next = await api.get(`/s/preview/${surveyId}?q=nps&a=2`);
    expect(next.status).toBe(200);
    const after = await t.h.db.query('select 1 from survey_responses where survey_id = $1', [surveyId]);
    expect(after.length).toBe(before.length);
  });
});
