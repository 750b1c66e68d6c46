// Asking contacts: the workspace's fatigue rule and the survey's answer-once rules, with the clock
// moved; a repeated request asks no one twice; reminders go to those who did not answer; an answer
// left unfinished is recorded as partial; a detractor's answer starts a win-back workflow and a
// promoter's does not.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop, type Shop } from '../testing/workflows.ts';
import { createFromStarter } from '../workflows/starters.ts';
import { publishWorkflow } from '../workflows/workflows.ts';
import { recordLeftResponses } from './jobs.ts';
import { sendReminders } from './send.ts';

const t = useHarness();
let shop: Shop;
let api: ApiClient;

// A shop per test, and an API key (a session would end when the clock moves on by weeks).
beforeEach(async () => {
  shop = await openShop(t.h);
  api = (await t.h.apiKey(shop.workspaceId)).client;
});

async function survey(starter: string, settings?: Record<string, unknown>): Promise<{ id: string; templateId: string }> {
  const res = await api.post('/api/v1/surveys', { starter });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const patch = await api.patch(`/api/v1/surveys/${res.body.id}`, { state: 'active', ...(settings ? { settings: { ...res.body.settings, ...settings } } : {}) });
  expect(patch.status, JSON.stringify(patch.body)).toBe(200);
  return { id: res.body.id, templateId: res.body.emailTemplateId };
}

const send = (s: { id: string; templateId: string }, contactIds: string[], key?: string) =>
  api.request('POST', `/api/v1/surveys/${s.id}/sends`, { templateId: s.templateId, audience: { contactIds } }, key ? { 'idempotency-key': key } : {});

const answer = (s: { id: string }, contactId: string, score: number, extra: Record<string, unknown> = {}) =>
  api.post(`/api/v1/surveys/${s.id}/responses`, { contactId, answers: { nps: score, ...extra } });

describe('who is asked', () => {
  it('nobody is surveyed more than once every N days, whichever survey asks; the clock moved past it, they are asked again', async () => {
    expect((await api.put('/api/v1/surveys/settings', { minDaysBetween: 30 })).body).toEqual({ minDaysBetween: 30 });
    try {
      const nps = await survey('nps');
      const ces = await survey('ces');
      const ann = await shop.contact({ firstName: 'Ann' });
      expect((await send(nps, [ann])).body).toMatchObject({ audience: 1, queued: 1 });
      t.h.clock.advanceDays(10);
      expect((await send(ces, [ann])).body).toMatchObject({ queued: 0, leftOut: { recentlySurveyed: 1 } });
      t.h.clock.advanceDays(21);
      expect((await send(ces, [ann])).body).toMatchObject({ queued: 1, leftOut: { recentlySurveyed: 0 } });
    } finally {
      await api.put('/api/v1/surveys/settings', { minDaysBetween: null });
    }
  });

  it('a survey answered once per 90 days is not sent to someone who answered 31 days ago, and is after 91', async () => {
    const nps = await survey('nps', { answerOnce: 'period', periodDays: 90 });
    const bob = await shop.contact({ firstName: 'Bob' });
    expect((await answer(nps, bob, 9)).status).toBe(201);
    t.h.clock.advanceDays(31);
    expect((await send(nps, [bob])).body).toMatchObject({ queued: 0, leftOut: { alreadyAnswered: 1 } });
    const twice = await answer(nps, bob, 7);
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain('already answered');
    t.h.clock.advanceDays(60);
    expect((await send(nps, [bob])).body).toMatchObject({ queued: 1 });
  });

  it('a repeated request asks no one twice; contacts who may not get email are counted, not asked', async () => {
    const csat = await survey('csat_order');
    const cat = await shop.contact({ firstName: 'Cat' });
    const dan = await shop.contact({ firstName: 'Dan', emailStatus: 'unsubscribed' });
    expect((await send(csat, [cat, dan], 'order-42')).body).toEqual({ audience: 2, queued: 1, repeated: 0, leftOut: { recentlySurveyed: 0, alreadyAnswered: 0, noEmail: 1 } });
    expect((await send(csat, [cat, dan], 'order-42')).body).toMatchObject({ queued: 0, repeated: 2 });
    const msgs = await t.h.db.query<{ idempotency_key: string }>('select idempotency_key from email_messages where contact_id = any($1::uuid[])', [[cat, dan]]);
    expect(msgs).toHaveLength(1);
  });

  it('refuses a template that does not carry the survey, and a survey that is not active, saying what to do', async () => {
    const nps = await survey('nps');
    const other = await shop.template('Plain');
    const res = await api.post(`/api/v1/surveys/${nps.id}/sends`, { templateId: other, audience: { contactIds: [await shop.contact()] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'body.templateId', message: 'does not contain this survey’s block' }]);
    const draft = await api.post('/api/v1/surveys', { starter: 'ces' });
    const res2 = await api.post(`/api/v1/surveys/${draft.body.id}/sends`, { templateId: draft.body.emailTemplateId, audience: { contactIds: [await shop.contact()] } });
    expect(res2.status).toBe(409);
    expect(res2.body.error.message).toContain('Activate the survey first');
  });
});

describe('after asking', () => {
  it('reminds those who did not answer after N days, at most as often as set', async () => {
    const nps = await survey('nps', { reminders: { count: 1, afterDays: 3 } });
    const eve = await shop.contact({ firstName: 'Eve' });
    const fay = await shop.contact({ firstName: 'Fay' });
    await send(nps, [eve, fay]);
    await answer(nps, fay, 10);
    t.h.clock.advanceDays(2);
    expect(await sendReminders(t.h.ctx)).toBe(0);
    t.h.clock.advanceDays(1);
    expect(await sendReminders(t.h.ctx)).toBe(1);
    t.h.clock.advanceDays(5);
    expect(await sendReminders(t.h.ctx)).toBe(0);
    const keys = await t.h.db.query<{ idempotency_key: string }>('select idempotency_key from email_messages where contact_id = $1 order by created_at', [eve]);
    expect(keys.map((k) => k.idempotency_key.replace(/[0-9a-f-]{36}/, '<send>'))).toEqual(['survey:<send>', 'survey:<send>:reminder:1']);
    expect((await shop.events(eve, 'survey.')).map((e) => e.properties.reminder)).toEqual([0, 1]);
  });

  it('an answer left unfinished is recorded as partial once the respondent has been gone 30 minutes', async () => {
    const nps = await survey('nps');
    const gus = await shop.contact({ firstName: 'Gus' });
    const res = await api.post(`/api/v1/surveys/${nps.id}/responses`, { contactId: gus, answers: { nps: 6 }, complete: false });
    expect(res.body).toMatchObject({ state: 'partial' });
    t.h.clock.advance(29 * 60_000);
    await recordLeftResponses(t.h.ctx);
    expect(await shop.events(gus, 'survey.answered')).toEqual([]);
    t.h.clock.advance(2 * 60_000);
    await recordLeftResponses(t.h.ctx);
    const events = await shop.events(gus, 'survey.answered');
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({ score: 6, band: 'detractor', partial: true });
    await recordLeftResponses(t.h.ctx);
    expect(await shop.events(gus, 'survey.answered')).toHaveLength(1);
  });
});

describe('answers feed workflows', () => {
  it('a detractor’s answer starts the win-back workflow; a promoter’s does not', async () => {
    const nps = await survey('nps', { answerOnce: 'always' });
    const winBack = await shop.publish('Win back detractors', {
      trigger: {
        kind: 'event',
        event: 'survey.answered',
        where: [
          { property: 'survey_id', type: 'string', op: 'eq', value: nps.id },
          { property: 'score', type: 'number', op: 'lte', value: 6 },
        ],
      },
      reentry: { policy: 'once' },
      start: 'wait',
      steps: { wait: { kind: 'wait', for: { days: 1 }, next: null } },
    });
    const hal = await shop.contact({ firstName: 'Hal' });
    const ivy = await shop.contact({ firstName: 'Ivy' });
    expect((await answer(nps, hal, 4, { better: 'Slow delivery' })).status).toBe(201);
    expect((await answer(nps, ivy, 10)).status).toBe(201);
    await shop.run();
    const runs = await shop.enrollments(winBack);
    expect(runs.map((r) => r.contact_id)).toEqual([hal]);
  });
});

describe('a workflow asks', () => {
  it('the “How was your order?” starter asks a week after each order, and the fatigue rule holds back a second ask', async () => {
    await api.put('/api/v1/surveys/settings', { minDaysBetween: 30 });
    const w = await createFromStarter(t.h.ctx, shop.workspaceId, shop.userId, 'order_csat');
    await publishWorkflow(t.h.ctx, shop.workspaceId, w.id, shop.userId);
    const jo = await shop.contact({ firstName: 'Jo' });
    await shop.track(jo, 'purchase', { order_id: 'A-1', total: 2500, currency: 'EUR' });
    await shop.run();
    t.h.clock.advanceDays(7);
    await shop.run(); // asked
    t.h.clock.advanceDays(3);
    await shop.track(jo, 'purchase', { order_id: 'A-2', total: 1500, currency: 'EUR' });
    await shop.run();
    t.h.clock.advanceDays(7);
    await shop.run(); // 10 days after the first ask: held back
    const sends = await t.h.db.query<{ state: string }>('select s.state from survey_sends s where s.contact_id = $1', [jo]);
    expect(sends).toEqual([{ state: 'queued' }]);
    const steps = (await shop.events(jo, 'workflow.step_completed')).map((e) => [e.properties.result, e.properties.detail ?? null]);
    expect(steps).toEqual([
      ['survey_queued', null],
      ['skipped', 'asked by a survey in the last 30 days'],
    ]);
    const [survey] = await t.h.db.query<{ name: string; state: string; kind: string }>('select name, state, kind from surveys where workspace_id = $1', [shop.workspaceId]);
    expect(survey).toEqual({ name: 'How was your order?', state: 'active', kind: 'csat' });
  });
});
