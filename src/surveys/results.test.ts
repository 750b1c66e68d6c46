// What the results page shows, from responses posted through the API: NPS with its split, the
// trend by month, per-question counts, the open text's sentiment; the responses list and the CSV
// export (a formula in an answer stays text); a response from a shop's own form checked as the
// page checks it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop, type Shop } from '../testing/workflows.ts';

const t = useHarness();
let shop: Shop;
let api: ApiClient;
let surveyId: string;

beforeAll(async () => {
  shop = await openShop(t.h);
  api = (await t.h.apiKey(shop.workspaceId)).client;
  const res = await api.post('/api/v1/surveys', { starter: 'nps' });
  surveyId = res.body.id;
  await api.patch(`/api/v1/surveys/${surveyId}`, { state: 'active', settings: { ...res.body.settings, answerOnce: 'always' } });
});

const post = (body: Record<string, unknown>) => api.post(`/api/v1/surveys/${surveyId}/responses`, body);

describe('results', () => {
  it('10 promoters, 5 passives and 5 detractors show an NPS of +25 with its interval, month by month', async () => {
    t.h.clock.set('2026-10-15T12:00:00Z');
    const scores = [10, 10, 9, 9, 10, 9, 10, 9, 10, 9, 7, 8, 7, 8, 7, 0, 3, 6, 5, 2];
    for (const [i, score] of scores.entries()) {
      if (i === 10) t.h.clock.set('2026-11-15T12:00:00Z');
      const contactId = await shop.contact();
      const extra = score <= 6 ? { better: i === 15 ? '=HYPERLINK("http://evil.example","click")' : 'Delivery was slow and the box arrived broken' } : score >= 9 ? { liked: 'Great quality, friendly and fast service' } : {};
      expect((await post({ contactId, answers: { nps: score, ...extra } })).status).toBe(201);
    }
    const r = await api.get(`/api/v1/surveys/${surveyId}/results?interval=month`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.nps).toEqual({ n: 20, promoters: 10, passives: 5, detractors: 5, nps: 25, ci95: [-11.3, 61.3] });
    expect(r.body.responses).toEqual({ total: 20, complete: 20, partial: 0 });
    expect(r.body.trend.map((p: { period: string; n: number; value: number }) => [p.period, p.n, p.value])).toEqual([
      ['2026-10-01', 10, 100],
      ['2026-11-01', 10, -50],
    ]);
    const q = r.body.questions.find((x: { key: string }) => x.key === 'nps');
    expect(q.counts.map((c: { count: number }) => c.count)).toEqual([1, 0, 1, 1, 0, 1, 1, 3, 2, 5, 5]);
    const detractors = r.body.text.find((x: { band: string }) => x.band === 'detractor');
    expect(detractors.answers).toBe(5);
    expect(detractors.negative).toBeGreaterThanOrEqual(3);
    const promoters = r.body.text.find((x: { band: string }) => x.band === 'promoter');
    expect(promoters.positive).toBe(10);
    expect(promoters.terms.map((x: { term: string }) => x.term)).toContain('quality');

    const list = await api.get(`/api/v1/surveys/${surveyId}`);
    expect(list.body.headline).toEqual({ kind: 'nps', value: 25, n: 20 });
    const oct = await api.get(`/api/v1/surveys/${surveyId}/results?from=2026-10-01&to=2026-10-31`);
    expect(oct.body.nps.nps).toBe(100);

    // NPS among a list's members: the two detractors on it.
    const [d1, d2] = (await t.h.db.query<{ contact_id: string }>("select contact_id from survey_responses where survey_id = $1 and band = 'detractor' order by started_at limit 2", [surveyId])).map((x) => x.contact_id);
    const unhappy = await api.post('/api/v1/segments', { name: 'Unhappy', kind: 'list' });
    expect((await api.post(`/api/v1/segments/${unhappy.body.id}/members`, { contactIds: [d1, d2] })).status).toBe(200);
    const among = await api.get(`/api/v1/surveys/${surveyId}/results?segmentId=${unhappy.body.id}`);
    expect(among.body.nps).toMatchObject({ n: 2, detractors: 2, nps: -100 });
  });

  it('lists responses newest first with filters and pages, and exports CSV in which a formula stays text', async () => {
    const page1 = await api.get(`/api/v1/surveys/${surveyId}/responses?band=detractor&limit=3`);
    expect(page1.body.total).toBe(5);
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.items[0].contact.email).toMatch(/@example.com$/);
    const page2 = await api.get(`/api/v1/surveys/${surveyId}/responses?band=detractor&limit=3&before=${page1.body.next}`);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.next).toBeNull();
    expect((await api.get(`/api/v1/surveys/${surveyId}/responses?before=nonsense`)).status).toBe(400);

    const csv = await t.h.app.inject({ method: 'GET', url: `/api/v1/surveys/${surveyId}/responses.csv`, headers: { authorization: `Bearer ${(await t.h.apiKey(shop.workspaceId)).key}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toContain('How likely are you to recommend');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  });
});

describe('responses from a shop’s own form', () => {
  it('checks each answer as the page does and names the field at fault', async () => {
    const contactId = await shop.contact();
    const bad = await post({ contactId, answers: { nps: 11, nope: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: 'body.answers.nps', message: 'Please choose a number from 0 to 10.' },
      { path: 'body.answers.nope', message: 'is not a question of this survey' },
    ]);
    const noContact = await post({ answers: { nps: 9 } });
    expect(noContact.status).toBe(400);
    expect(noContact.body.error.message).toContain('does not take anonymous answers');
    const same = { contactId, answers: { nps: 8 }, key: 'form-1' };
    const first = await post(same);
    const again = await post(same);
    expect(first.body).toMatchObject({ state: 'complete', repeated: false });
    expect(again.body).toMatchObject({ id: first.body.id, repeated: true });
    expect(await shop.events(contactId, 'survey.answered')).toHaveLength(1);
  });
});
