// The workflows API as a shop uses it: create, publish, enroll, watch the counts and the
// contacts at each step, pause and resume, read a contact's journeys and the lift report;
// other workspaces see nothing, viewers only look, bad input is a 400 naming the field.
import { describe, expect, it } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop, type Shop } from '../testing/workflows.ts';
import { addMember } from '../workspaces/workspaces.ts';
import { liftOf } from './lift.ts';

const t = useHarness();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function shopWithApi(): Promise<Shop & { api: ApiClient }> {
  const shop = await openShop(t.h);
  return { ...shop, api: await t.h.signIn(shop.userId, shop.workspaceId) };
}

const winBack = (templateId: string) => ({
  trigger: { kind: 'manual' },
  reentry: { policy: 'once' },
  goal: { kind: 'event_since_entry', event: 'purchase', where: [] },
  start: 'wait',
  steps: {
    wait: { kind: 'wait', for: { days: 2 }, next: 'mail' },
    mail: { kind: 'send_email', templateId, next: null },
  },
});

async function created(api: ApiClient, body: unknown): Promise<string> {
  const res = await api.post('/api/v1/workflows', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function published(api: ApiClient, body: unknown): Promise<string> {
  const id = await created(api, body);
  const res = await api.post(`/api/v1/workflows/${id}/publish`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return id;
}

describe('the workflows API', () => {
  it('create → publish → enroll → run: the counts per step, the contacts at a step page by page, pause and resume, a contact’s journey', async () => {
    const shop = await shopWithApi();
    const { api } = shop;
    const template = await shop.template();

    const res = await api.post('/api/v1/workflows', { name: 'Win back', description: 'Lapsed buyers', graph: winBack(template) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: 'Win back', state: 'draft', liveVersion: null, holdoutPercent: 0, live: null, versions: [], counts: { inNow: 0, entered: 0 } });
    expect(res.body.graph.steps.mail).toEqual({ kind: 'send_email', templateId: template, transactional: false, whenCapped: 'skip', next: null });
    const id = res.body.id as string;

    const pub = await api.post(`/api/v1/workflows/${id}/publish`, {});
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect(pub.body).toMatchObject({ version: 1, moved: 0, workflow: { state: 'active', liveVersion: 1, live: { version: 1 } } });
    expect(pub.body.workflow.versions).toEqual([{ number: 1, publishedAt: expect.any(String), publishedBy: { name: expect.any(String), email: expect.stringContaining('@') }, inNow: 0 }]);

    const contacts: string[] = [];
    for (let i = 0; i < 5; i++) contacts.push(await shop.contact({ firstName: `Ann${i}` }));
    const enrolled = await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: contacts });
    expect(enrolled.body).toEqual({ enrolled: 5, skipped: 0 });
    // Entered once ever: asking again lets no one in twice.
    expect((await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: contacts })).body).toEqual({ enrolled: 0, skipped: 5 });
    await shop.run();

    const steps = await api.get(`/api/v1/workflows/${id}/steps`);
    expect(steps.status).toBe(200);
    expect(steps.body).toEqual({
      versions: [
        {
          version: 1,
          live: true,
          steps: [
            { key: 'wait', kind: 'wait', waiting: 5, passed: 0 },
            { key: 'mail', kind: 'send_email', waiting: 0, passed: 0 },
          ],
        },
      ],
    });

    // The contacts at the wait, two at a time, in the order they entered.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const q: string = `/api/v1/workflows/${id}/enrollments?step=wait&limit=2${after ? `&after=${after}` : ''}`;
      const r = await api.get(q);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      for (const e of r.body.items) {
        expect(e).toMatchObject({ step: 'wait', state: 'waiting', version: 1, holdout: false, outcome: null, email: expect.stringContaining('@'), name: expect.stringMatching(/^Ann\d$/) });
        expect(new Date(e.wakeAt).getTime()).toBe(new Date(e.stepEnteredAt).getTime() + 2 * DAY);
        seen.push(e.contactId);
      }
      after = r.body.nextCursor;
      if (!after) break;
    }
    expect(seen.sort()).toEqual([...contacts].sort());
    expect((await api.get(`/api/v1/workflows/${id}/enrollments?step=mail`)).body.items).toEqual([]);

    // Paused: the wait ends, no one moves, no one enters.
    const paused = await api.post(`/api/v1/workflows/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.state).toBe('paused');
    t.h.clock.advance(3 * DAY);
    await shop.run();
    expect((await api.get(`/api/v1/workflows/${id}/steps`)).body.versions[0].steps[0]).toMatchObject({ key: 'wait', waiting: 5 });
    const whilePaused = await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: [await shop.contact()] });
    expect(whilePaused.status).toBe(409);
    expect((await api.post(`/api/v1/workflows/${id}/pause`)).body.state).toBe('paused');

    const resumed = await api.post(`/api/v1/workflows/${id}/resume`);
    expect(resumed.body.state).toBe('active');
    await shop.run();
    expect((await api.get(`/api/v1/workflows/${id}/steps`)).body.versions[0].steps).toEqual([
      { key: 'wait', kind: 'wait', waiting: 0, passed: 5 },
      { key: 'mail', kind: 'send_email', waiting: 0, passed: 5 },
    ]);
    expect(await shop.messages()).toHaveLength(5);

    const list = await api.get('/api/v1/workflows');
    expect(list.body.items).toEqual([
      expect.objectContaining({ id, name: 'Win back', state: 'active', liveVersion: 1, holdoutPercent: 0, counts: { inNow: 0, entered: 5, converted: 0, completed: 5, exited: 0 } }),
    ]);
    const done = await api.get(`/api/v1/workflows/${id}/enrollments?state=done&step=mail`);
    expect(done.body.items).toHaveLength(5);
    expect(done.body.items[0]).toMatchObject({ state: 'done', outcome: 'completed', leftAt: expect.any(String) });

    const journeys = await api.get(`/api/v1/contacts/${contacts[0]}/workflows`);
    expect(journeys.status).toBe(200);
    expect(journeys.body.items).toHaveLength(1);
    const [run] = journeys.body.items;
    expect(run).toMatchObject({ workflowId: id, workflowName: 'Win back', version: 1, path: ['wait', 'mail'], state: 'done', outcome: 'completed', holdout: false });
    expect(run.events.map((e: { name: string }) => e.name)).toEqual(['workflow.entered', 'workflow.step_completed', 'workflow.exited']);
    expect(run.events[1].properties).toMatchObject({ step: 'mail', step_kind: 'send_email' });
    expect((await api.get(`/api/v1/contacts/${await shop.contact()}/workflows`)).body).toEqual({ items: [] });
  });

  it('an Idempotency-Key makes a repeated enrollment request harmless; each request without one is a new occasion', async () => {
    const shop = await shopWithApi();
    const id = await published(shop.api, {
      name: 'Every time',
      graph: { trigger: { kind: 'manual' }, reentry: { policy: 'every_time', minIntervalHours: 0 }, start: 'end', steps: { end: { kind: 'exit' } } },
    });
    const ann = await shop.contact();
    const enroll = (key?: string) => shop.api.request('POST', `/api/v1/workflows/${id}/enrollments`, { contactIds: [ann] }, key ? { 'idempotency-key': key } : {});
    expect((await enroll('order-1')).body).toEqual({ enrolled: 1, skipped: 0 });
    await shop.run(); // the run ends at once: the contact could enter again
    expect((await enroll('order-1')).body).toEqual({ enrolled: 0, skipped: 1 });
    expect((await enroll('order-2')).body).toEqual({ enrolled: 1, skipped: 0 });
    await shop.run();
    expect((await enroll()).body).toEqual({ enrolled: 1, skipped: 0 });
    await shop.run();
    expect((await enroll()).body).toEqual({ enrolled: 1, skipped: 0 });
    const bad = await enroll('has space');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('headers.idempotency-key');
  });

  it('enrolls a segment’s members; an unknown segment is a 404', async () => {
    const shop = await shopWithApi();
    const id = await published(shop.api, { name: 'List', graph: { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } } });
    const list = await shop.list('VIPs');
    const [a, b] = [await shop.contact(), await shop.contact()];
    expect((await shop.api.post(`/api/v1/segments/${list}/members`, { contactIds: [a, b] })).status).toBe(200);
    expect((await shop.api.post(`/api/v1/workflows/${id}/enrollments`, { segmentId: list })).body).toEqual({ enrolled: 2, skipped: 0 });
    const unknown = await shop.api.post(`/api/v1/workflows/${id}/enrollments`, { segmentId: '01890000-0000-7000-8000-000000000000' });
    expect(unknown.status).toBe(404);
  });

  it('the lift report: treated against a 50% holdout, conversions to the goal after entering, revenue per contact per currency, with the formulas', async () => {
    const shop = await shopWithApi();
    const { api } = shop;
    const template = await shop.template();
    const id = await created(api, { name: 'Lift', graph: { ...winBack(template), steps: { ...winBack(template).steps, wait: { kind: 'wait', for: { days: 7 }, next: 'mail' } } }, holdoutPercent: 50 });
    expect((await api.post(`/api/v1/workflows/${id}/publish`)).status).toBe(200);

    const contacts: string[] = [];
    for (let i = 0; i < 200; i++) contacts.push(await shop.contact());
    // Bought before entering: neither a conversion nor revenue after entering.
    await shop.track(contacts[0]!, 'purchase', { order_id: 'before', total: 99_900, currency: 'GBP' });
    t.h.clock.advance(HOUR);
    expect((await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: contacts })).body).toEqual({ enrolled: 200, skipped: 0 });
    await shop.run();

    const all = await api.get(`/api/v1/workflows/${id}/enrollments?limit=500`);
    const held = all.body.items.filter((e: { holdout: boolean }) => e.holdout).map((e: { contactId: string }) => e.contactId) as string[];
    const treated = all.body.items.filter((e: { holdout: boolean }) => !e.holdout).map((e: { contactId: string }) => e.contactId) as string[];
    expect(held.length).toBeGreaterThan(60);
    expect(treated.length).toBeGreaterThan(60);

    // 40 treated contacts buy (£25.00 each, one of them also €10.00), 8 in the holdout (£25.00).
    t.h.clock.advance(DAY);
    let order = 0;
    const buy = (c: string, total: number, currency: string) => shop.track(c, 'purchase', { order_id: `o-${++order}`, total, currency });
    for (const c of treated.slice(0, 40)) await buy(c, 2_500, 'GBP');
    await buy(treated[0]!, 1_000, 'EUR');
    for (const c of held.slice(0, 8)) await buy(c, 2_500, 'GBP');
    await shop.run();

    const report = await api.get(`/api/v1/workflows/${id}/report`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const r = report.body;
    const expected = liftOf({ contacts: treated.length, converted: 40 }, { contacts: held.length, converted: 8 });
    expect(r.overall.lift).toEqual(expected);
    expect(r.overall.lift.significant).toBe(true);
    expect(r).toMatchObject({ workflowId: id, holdoutPercent: 50, goal: { kind: 'event_since_entry', event: 'purchase', where: [] } });
    expect(r.overall.revenue).toEqual([
      {
        currency: 'GBP',
        treated: { contacts: treated.length, buyers: 40, orders: 40, revenue: 100_000, perContact: 100_000 / treated.length },
        holdout: { contacts: held.length, buyers: 8, orders: 8, revenue: 20_000, perContact: 20_000 / held.length },
        perContactDifference: 100_000 / treated.length - 20_000 / held.length,
      },
      {
        currency: 'EUR',
        treated: { contacts: treated.length, buyers: 1, orders: 1, revenue: 1_000, perContact: 1_000 / treated.length },
        holdout: { contacts: held.length, buyers: 0, orders: 0, revenue: 0, perContact: 0 },
        perContactDifference: 1_000 / treated.length,
      },
    ]);
    expect(r.versions).toHaveLength(1);
    expect(r.versions[0]).toMatchObject({ version: 1, goal: { kind: 'event_since_entry' }, lift: expected, revenue: r.overall.revenue });
    expect(r.formulas).toContain("Newcombe's hybrid score interval");
    expect(r.formulas).toContain('never added');

    // The workflow's counts say the same.
    const detail = await api.get(`/api/v1/workflows/${id}`);
    expect(detail.body.counts).toMatchObject({ entered: 200, converted: 48, inNow: 152 });

    expect((await api.get(`/api/v1/workflows/${id}/report?version=1`)).body.versions).toHaveLength(1);
    const missing = await api.get(`/api/v1/workflows/${id}/report?version=9`);
    expect(missing.status).toBe(404);
    const bad = await api.get(`/api/v1/workflows/${id}/report?version=first`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.version');

    // Without a holdout, the report says so in numbers.
    const none = await published(api, { name: 'No holdout', graph: winBack(template) });
    const empty = await api.get(`/api/v1/workflows/${none}/report`);
    expect(empty.body.overall).toMatchObject({ lift: { treated: { contacts: 0 }, holdout: { contacts: 0 }, significant: false }, revenue: [] });
    expect(empty.body.overall.lift.verdict).toBe('No contacts have entered this workflow yet.');
  });

  it('a new version with a step mapping moves contacts in flight; the steps of both versions are counted while the old one holds contacts', async () => {
    const shop = await shopWithApi();
    const { api } = shop;
    const v1 = { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'wait', steps: { wait: { kind: 'wait', for: { days: 1 }, next: 'end' }, end: { kind: 'exit' } } };
    const id = await published(api, { name: 'Versions', graph: v1 });
    const [ann, bob] = [await shop.contact(), await shop.contact()];
    await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: [ann] });
    await shop.run();
    const v2 = { ...v1, start: 'pause', steps: { pause: { kind: 'wait', for: { days: 1 }, next: 'last' }, last: { kind: 'exit' } } };
    expect((await api.patch(`/api/v1/workflows/${id}`, { graph: v2 })).status).toBe(200);
    const second = await api.post(`/api/v1/workflows/${id}/publish`, {});
    expect(second.body).toMatchObject({ version: 2, moved: 0 });
    await api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: [bob] });
    await shop.run();
    const steps = await api.get(`/api/v1/workflows/${id}/steps`);
    expect(steps.body.versions.map((v: { version: number; live: boolean; steps: { key: string; waiting: number }[] }) => [v.version, v.live, v.steps.map((s) => `${s.key}:${s.waiting}`)])).toEqual([
      [2, true, ['pause:1', 'last:0']],
      [1, false, ['wait:1', 'end:0']],
    ]);

    const v3 = { ...v1, start: 'hold', steps: { hold: { kind: 'wait', for: { days: 1 }, next: 'fin' }, fin: { kind: 'exit' } } };
    await api.patch(`/api/v1/workflows/${id}`, { graph: v3 });
    const third = await api.post(`/api/v1/workflows/${id}/publish`, { mapping: { pause: 'hold', wait: 'hold' } });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body).toMatchObject({ version: 3, moved: 2 });
    expect(third.body.workflow.versions.map((v: { number: number; inNow: number }) => [v.number, v.inNow])).toEqual([
      [3, 2],
      [2, 0],
      [1, 0],
    ]);
    expect(third.body.workflow.live.graph.start).toBe('hold');
    expect(third.body.workflow.graph.start).toBe('hold');
    const now = await api.get(`/api/v1/workflows/${id}/steps`);
    expect(now.body.versions).toHaveLength(1);
    expect(now.body.versions[0].steps[0]).toMatchObject({ key: 'hold', waiting: 2 });
    expect((await api.get(`/api/v1/workflows/${id}/enrollments?version=3&step=hold`)).body.items).toHaveLength(2);
    expect((await api.get(`/api/v1/workflows/${id}/enrollments?version=1`)).body.items).toHaveLength(0);

    // Archived: every run ends, and nothing changes it any more.
    const archived = await api.post(`/api/v1/workflows/${id}/archive`);
    expect(archived.body).toMatchObject({ state: 'archived', counts: { inNow: 0, exited: 2 } });
    expect((await api.patch(`/api/v1/workflows/${id}`, { name: 'Again' })).status).toBe(409);
    expect((await api.post(`/api/v1/workflows/${id}/publish`, {})).status).toBe(409);
  });

  it('another workspace gets 404 for everything of this one, and cannot enroll its contacts', async () => {
    const shop = await shopWithApi();
    const id = await published(shop.api, { name: 'Mine', graph: { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } } });
    const contact = await shop.contact();
    const other = await shopWithApi();
    const theirs = await published(other.api, { name: 'Theirs', graph: { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } } });

    expect((await other.api.get('/api/v1/workflows')).body.items.map((w: { id: string }) => w.id)).toEqual([theirs]);
    for (const [method, url] of [
      ['GET', `/api/v1/workflows/${id}`],
      ['PATCH', `/api/v1/workflows/${id}`],
      ['POST', `/api/v1/workflows/${id}/publish`],
      ['POST', `/api/v1/workflows/${id}/pause`],
      ['POST', `/api/v1/workflows/${id}/resume`],
      ['POST', `/api/v1/workflows/${id}/archive`],
      ['GET', `/api/v1/workflows/${id}/steps`],
      ['GET', `/api/v1/workflows/${id}/enrollments`],
      ['GET', `/api/v1/workflows/${id}/report`],
      ['GET', `/api/v1/contacts/${contact}/workflows`],
    ] as const) {
      const res = await other.api.request(method, url, method === 'GET' ? undefined : {});
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(404);
    }
    expect((await other.api.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: [contact] })).status).toBe(404);
    // Their own workflow does not take this workspace's contacts.
    expect((await other.api.post(`/api/v1/workflows/${theirs}/enrollments`, { contactIds: [contact] })).body).toEqual({ enrolled: 0, skipped: 1 });
    expect((await shop.api.get(`/api/v1/workflows/${id}`)).body.state).toBe('active');
  });

  it('a viewer may look but not create, publish, pause, enroll or archive; an API key may', async () => {
    const shop = await shopWithApi();
    const id = await created(shop.api, { name: 'Looked at', graph: { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } } });
    const user = await createUser(t.h.ctx, { email: `viewer-${id.slice(-6)}@example.com`, name: 'V', password: 'a long password 123' });
    await addMember(t.h.ctx, shop.workspaceId, user.id, 'viewer');
    const viewer = await t.h.signIn(user.id, shop.workspaceId);
    for (const url of ['/api/v1/workflows', `/api/v1/workflows/${id}`, `/api/v1/workflows/${id}/steps`, `/api/v1/workflows/${id}/enrollments`, `/api/v1/workflows/${id}/report`]) {
      expect((await viewer.get(url)).status, url).toBe(200);
    }
    expect((await viewer.post(`/api/v1/workflows/${id}/publish`, {})).status).toBe(403);
    expect((await viewer.post('/api/v1/workflows', { name: 'Mine' })).status).toBe(403);
    expect((await viewer.patch(`/api/v1/workflows/${id}`, { name: 'Mine' })).status).toBe(403);
    expect((await viewer.post(`/api/v1/workflows/${id}/pause`)).status).toBe(403);
    expect((await viewer.post(`/api/v1/workflows/${id}/archive`)).status).toBe(403);
    expect((await viewer.post(`/api/v1/workflows/${id}/enrollments`, { contactIds: [await shop.contact()] })).status).toBe(403);
    expect((await shop.api.get(`/api/v1/workflows/${id}`)).body.state).toBe('draft');

    const key = (await t.h.apiKey(shop.workspaceId)).client;
    // Without a body at all, as `curl -X POST` sends it.
    const byKey = await key.request('POST', `/api/v1/workflows/${id}/publish`);
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(200);
    expect(byKey.body.workflow.versions[0].publishedBy).toBeNull();
  });

  it('a workflow’s own email limits: null (the workspace’s) until set, saved by PATCH and shown by GET, the list and publishing; bad ones are 400s naming the field', async () => {
    const shop = await shopWithApi();
    const { api } = shop;
    const id = await created(api, { name: 'Own limits', graph: { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } } });
    expect((await api.get(`/api/v1/workflows/${id}`)).body.emailLimits).toBeNull();

    const own = { perDay: 3, perWeek: null, quietHours: { from: '22:00', to: '07:30' } };
    const patched = await api.patch(`/api/v1/workflows/${id}`, { emailLimits: own });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.emailLimits).toEqual(own);
    expect((await api.get(`/api/v1/workflows/${id}`)).body.emailLimits).toEqual(own);
    // A field left out stays out (the workspace's); other changes keep the limits.
    expect((await api.patch(`/api/v1/workflows/${id}`, { emailLimits: { perWeek: 9 } })).body.emailLimits).toEqual({ perWeek: 9 });
    expect((await api.patch(`/api/v1/workflows/${id}`, { name: 'Own limits, renamed' })).body.emailLimits).toEqual({ perWeek: 9 });
    const pub = await api.post(`/api/v1/workflows/${id}/publish`, {});
    expect(pub.body.workflow.emailLimits).toEqual({ perWeek: 9 });
    // The list has no limits: it is the detail that shows them.
    expect((await api.get('/api/v1/workflows')).body.items[0]).not.toHaveProperty('emailLimits');

    for (const [emailLimits, path, message] of [
      [{ quietHours: { from: '22:00' } }, 'body.emailLimits.quietHours.to', 'is missing: quiet hours need both a start and an end'],
      [{ quietHours: { from: '', to: '07:00' } }, 'body.emailLimits.quietHours.from', 'is missing: quiet hours need both a start and an end'],
      [{ quietHours: { from: '7pm', to: '07:00' } }, 'body.emailLimits.quietHours.from', 'must be a time of day as HH:MM'],
      [{ quietHours: { from: '07:00', to: '07:00' } }, 'body.emailLimits.quietHours.to', 'must be another time than the start'],
      [{ perDay: 0 }, 'body.emailLimits.perDay', 'must be at least 1'],
      [{ perWeek: 501 }, 'body.emailLimits.perWeek', 'must be at most 500'],
      [{ controlGroupPercent: 10 }, 'body.emailLimits', expect.any(String)],
    ] as const) {
      const res = await api.patch(`/api/v1/workflows/${id}`, { emailLimits });
      expect(res.status, JSON.stringify(emailLimits)).toBe(400);
      expect(res.body.error.details, JSON.stringify(emailLimits)).toEqual([{ path, message }]);
    }

    expect((await api.patch(`/api/v1/workflows/${id}`, { emailLimits: null })).body.emailLimits).toBeNull();
    expect((await api.get(`/api/v1/workflows/${id}`)).body.emailLimits).toBeNull();

    const user = await createUser(t.h.ctx, { email: `viewer-${id.slice(-6)}@example.com`, name: 'V', password: 'a long password 123' });
    await addMember(t.h.ctx, shop.workspaceId, user.id, 'viewer');
    const viewer = await t.h.signIn(user.id, shop.workspaceId);
    expect((await viewer.patch(`/api/v1/workflows/${id}`, { emailLimits: { perDay: 1 } })).status).toBe(403);
    expect((await viewer.get(`/api/v1/workflows/${id}`)).body.emailLimits).toBeNull();
  });

  it('bad graphs and bad input are 400s naming the field: the step at fault in a published draft, the body, the query, the path', async () => {
    const shop = await shopWithApi();
    const { api } = shop;
    const base = { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'mail' };

    // The shape, checked when saved.
    const shape = await api.post('/api/v1/workflows', { name: 'Broken', graph: { ...base, steps: { mail: { kind: 'send_email', templateId: 'not-a-uuid', next: null } } } });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details.map((d: { path: string }) => d.path)).toContain('body.graph.steps.mail.templateId');
    const holdout = await api.post('/api/v1/workflows', { name: 'Broken', holdoutPercent: 60 });
    expect(holdout.status).toBe(400);
    expect(holdout.body.error.details[0].path).toBe('body.holdoutPercent');
    expect((await api.post('/api/v1/workflows', { name: '  ' })).status).toBe(400);
    expect((await api.request('POST', '/api/v1/workflows', '{"name": ', { 'content-type': 'application/json' })).status).toBe(400);

    // What only the workspace can tell, checked when published: the steps at fault.
    const id = await created(api, {
      name: 'Broken',
      graph: {
        ...base,
        steps: {
          mail: { kind: 'send_email', templateId: '01890000-0000-7000-8000-000000000000', next: 'pick' },
          pick: { kind: 'branch', paths: [], otherwise: null },
        },
      },
    });
    const pub = await api.post(`/api/v1/workflows/${id}/publish`, {});
    expect(pub.status).toBe(400);
    const paths = pub.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['graph.steps.mail.templateId', 'graph.steps.pick.paths']));
    expect(pub.body.error.message).toContain('steps.');
    expect((await api.get(`/api/v1/workflows/${id}`)).body).toMatchObject({ state: 'draft', liveVersion: null });

    const taken = await api.post('/api/v1/workflows', { name: 'broken' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details[0].path).toBe('body.name');

    const empty = await created(api, { name: 'Empty' });
    const nothing = await api.post(`/api/v1/workflows/${empty}/publish`, {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.details).toEqual([{ path: 'graph', message: 'is required' }]);

    // A mapping to a step the new version does not have.
    const good = await published(api, { name: 'Good', graph: { ...base, start: 'wait', steps: { wait: { kind: 'wait', for: { days: 1 }, next: null } } } });
    const mapped = await api.post(`/api/v1/workflows/${good}/publish`, { mapping: { wait: 'nowhere' } });
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.details).toEqual([{ path: 'body.mapping.wait', message: expect.stringContaining('nowhere') }]);
    expect((await api.post(`/api/v1/workflows/${good}/publish`, { mapping: { wait: 'bad key!' } })).status).toBe(400);

    const bodies: [unknown, string][] = [
      [{ contactIds: [] }, 'body'],
      [{ contactIds: ['x'] }, 'body'],
      [{ contactIds: [], segmentId: 'x' }, 'body'],
      [{}, 'body'],
    ];
    for (const [body, where] of bodies) {
      const res = await api.post(`/api/v1/workflows/${good}/enrollments`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details[0].path.startsWith(where)).toBe(true);
    }
    const tooMany = Array.from({ length: 10_001 }, () => '01890000-0000-7000-8000-000000000000');
    expect((await api.post(`/api/v1/workflows/${good}/enrollments`, { contactIds: tooMany })).status).toBe(400);

    for (const [query, field] of [
      ['limit=0', 'query.limit'],
      ['limit=many', 'query.limit'],
      ['after=zzz', 'query.after'],
      ['state=gone', 'query.state'],
      ['step=no%20spaces', 'query.step'],
      ['version=-1', 'query.version'],
      ['colour=red', 'query'],
    ]) {
      const res = await api.get(`/api/v1/workflows/${good}/enrollments?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details[0].path, query).toBe(field);
    }
    for (const url of ['/api/v1/workflows/nope', '/api/v1/workflows/nope/steps', '/api/v1/contacts/nope/workflows']) {
      const res = await api.get(url);
      expect(res.status, url).toBe(400);
      expect(res.body.error.details[0].path).toBe('path.id');
    }
    expect((await api.get('/api/v1/workflows/01890000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await api.get('/api/v1/contacts/01890000-0000-7000-8000-000000000000/workflows')).status).toBe(404);
  });
});
