import { describe, expect, it } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import { useHarness } from '../testing/harness.ts';
import { addMember } from '../workspaces/workspaces.ts';
import type { DemoProgress } from './contract.ts';
import { loadDemo } from './demo.ts';
import { generateDemo } from './generate.ts';
import { countDemo } from './progress.ts';

const t = useHarness();
const NOW = new Date('2026-01-15T12:00:00Z');

/** Everything the demo wrote into a workspace, without the ids the database chose (its segments' entry events are not its history). */
async function snapshot(workspaceId: string) {
  const contacts = await t.h.db.query(
    `select email, first_name, last_name, phone, lifecycle_stage, email_status, properties, created_at, updated_at
     from contacts where workspace_id = $1 order by email`,
    [workspaceId],
  );
  const events = await t.h.db.query(
    `select c.email, e.name, e.properties, e.occurred_at, e.received_at, e.source, e.message_id
     from events e join contacts c on c.id = e.contact_id
     where e.workspace_id = $1 and e.source = 'demo' order by e.message_id`,
    [workspaceId],
  );
  const definitions = await t.h.db.query('select key, label, type, options from property_definitions where workspace_id = $1 order by key', [workspaceId]);
  return { contacts, events, definitions };
}

describe('loading the demo', () => {
  it('writes the generated contacts and events, the same for the same seed and now, other data for another seed', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const c = await t.h.signUp();
    t.h.clock.set(NOW);
    const result = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 400 });
    const generated = [...generateDemo({ contacts: 400, now: NOW })];
    const expectedEvents = generated.reduce((s, x) => s + x.events.length, 0);
    expect(result.contacts).toEqual({ total: 400, created: 400 });
    expect(result.events).toEqual({ total: expectedEvents, inserted: expectedEvents });
    expect(result.now).toBe(NOW.toISOString());

    const snapA = await snapshot(a.workspaceId);
    expect(snapA.contacts).toHaveLength(400);
    expect(snapA.events).toHaveLength(expectedEvents);
    expect(snapA.definitions.map((d) => d.key)).toEqual(['accepts_sms', 'birthday', 'city', 'country', 'favourite_category', 'loyalty_tier', 'nps_band', 'nps_date', 'nps_score', 'signup_source']);
    // Contacts carry their own signup dates, spread over years, not the time of loading.
    const created = snapA.contacts.map((x) => new Date(x.created_at as string).getTime());
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(365 * 86_400_000);
    const first = generated[0]!.contacts[0]!;
    expect(snapA.contacts.find((x) => x.email === first.email)).toMatchObject({
      first_name: first.firstName,
      lifecycle_stage: first.lifecycleStage,
      properties: first.properties,
    });

    // Another batch size, another workspace, the same seed and now: the same rows.
    await loadDemo(t.h.ctx, b.workspaceId, { contacts: 400, now: NOW, batchSize: 150 });
    expect(await snapshot(b.workspaceId)).toEqual(snapA);

    await loadDemo(t.h.ctx, c.workspaceId, { contacts: 400, now: NOW, seed: 7 });
    const snapC = await snapshot(c.workspaceId);
    expect(snapC.contacts.map((x) => x.email)).not.toEqual(snapA.contacts.map((x) => x.email));
  });

  it('changes nothing when loaded again, and adds only the new contacts when asked for more', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    t.h.clock.set(NOW);
    await loadDemo(t.h.ctx, a.workspaceId, { contacts: 300 });
    const before = await snapshot(a.workspaceId);
    const [changes] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_changes where workspace_id = $1', [a.workspaceId]);

    const again = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 300 });
    expect(again.contacts.created).toBe(0);
    expect(again.events.inserted).toBe(0);
    expect(await snapshot(a.workspaceId)).toEqual(before);
    const [changesAfter] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_changes where workspace_id = $1', [a.workspaceId]);
    expect(changesAfter!.n).toBe(changes!.n);

    // A day later the history has moved on; what is already there is recognized, not doubled.
    t.h.clock.advanceDays(1);
    const later = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 300 });
    expect(later.contacts.created).toBe(0);
    const [dupes] = await t.h.db.query<{ n: number }>(
      `select count(*)::int as n from (
         select 1 from events where workspace_id = $1 and name = 'email.sent'
         group by contact_id, properties ->> 'campaign' having count(*) > 1) d`,
      [a.workspaceId],
    );
    expect(dupes!.n).toBe(0);

    const more = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 350, now: NOW });
    expect(more.contacts.created).toBe(50);
    expect((await snapshot(a.workspaceId)).contacts).toHaveLength(350);
  });

  it('answers the questions later features will ask, in SQL', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    await loadDemo(t.h.ctx, a.workspaceId, { contacts: 1_000, now: NOW });
    const [row] = await t.h.db.query<{ buyers: number; once: number; lapsed90: number; lapsed180: number; churned: number; top10: number }>(
      `with per as (
         select contact_id, count(*) as orders, max(occurred_at) as last, sum((properties ->> 'total')::bigint) as spend
         from events where workspace_id = $1 and name = 'purchase' group by contact_id
       ), ranked as (select *, ntile(10) over (order by spend desc) as decile from per)
       select count(*)::int as buyers,
              count(*) filter (where orders = 1)::int as once,
              count(*) filter (where last < $2::timestamptz - interval '90 days')::int as lapsed90,
              count(*) filter (where last < $2::timestamptz - interval '180 days')::int as lapsed180,
              (select count(*)::int from contacts where workspace_id = $1 and lifecycle_stage = 'churned') as churned,
              round(100 * sum(spend) filter (where decile = 1) / sum(spend))::int as top10
       from ranked`,
      [a.workspaceId, NOW],
    );
    expect(row!.buyers).toBeGreaterThan(700);
    expect(row!.once / row!.buyers).toBeGreaterThan(0.4);
    expect(row!.lapsed90).toBeGreaterThan(row!.lapsed180);
    expect(row!.churned).toBe(row!.lapsed180);
    expect(row!.top10).toBeGreaterThan(30);
    const stages = await t.h.db.query<{ lifecycle_stage: string }>('select distinct lifecycle_stage from contacts where workspace_id = $1 order by 1', [a.workspaceId]);
    expect(stages.map((s) => s.lifecycle_stage)).toEqual(['churned', 'customer', 'lead']);
    // Its campaigns are broadcasts with their messages and engagement, as the email report counts them.
    const [mail] = await t.h.db.query<{ sent: number; messages: number; opened: number; people_opens: number; campaigns: number; broadcasts: number }>(
      `select (select count(*) from events where workspace_id = $1 and name = 'email.sent')::int as sent,
              (select count(*) from email_messages where workspace_id = $1 and state = 'sent')::int as messages,
              (select count(*) from events where workspace_id = $1 and name = 'email.opened')::int as opened,
              (select count(distinct message_id) from email_engagement where workspace_id = $1 and kind = 'open' and not prefetch)::int as people_opens,
              (select count(distinct properties ->> 'campaign') from events where workspace_id = $1 and name = 'email.sent')::int as campaigns,
              (select count(*) from broadcasts where workspace_id = $1 and state = 'sent')::int as broadcasts`,
      [a.workspaceId],
    );
    expect(mail!.sent).toBeGreaterThan(1_000);
    expect(mail).toMatchObject({ messages: mail!.sent, people_opens: mail!.opened, broadcasts: mail!.campaigns });
  });

  it('comes with segments computed from its own purchases and the email templates to send them, leaving names already taken alone', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    t.h.clock.set(NOW);
    // The workspace already has a template of its own named like one of the demo's.
    const mine = await a.client.post('/api/v1/email/templates', { name: 'We miss you', subject: 'Mine', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' });
    expect(mine.status).toBe(201);

    const result = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 600 });
    expect(result.examples).toEqual({
      segments: ['Champions', 'At risk', 'No purchase in 90 days', 'Top 10% by spend'],
      templates: ['Loyalty points summary', 'Exclusive offer'],
    });
    const segments = (await a.client.get('/api/v1/segments')).body.items as { name: string; memberCount: number; evaluatedAt: string | null }[];
    expect(segments.map((s) => s.name).sort()).toEqual(['At risk', 'Champions', 'No purchase in 90 days', 'Top 10% by spend']);
    for (const s of segments) {
      expect(s.evaluatedAt, s.name).not.toBeNull();
      expect(s.memberCount, s.name).toBeGreaterThan(0);
    }
    // Computed, not guessed: the win-back audience is every buyer whose last order is more than 90 days old.
    const [lapsed] = await t.h.db.query<{ n: number }>(
      `select count(*)::int as n from (select contact_id from events where workspace_id = $1 and name = 'purchase'
       group by contact_id having max(occurred_at) < $2::timestamptz - interval '90 days') x`,
      [a.workspaceId, NOW],
    );
    expect(segments.find((s) => s.name === 'No purchase in 90 days')!.memberCount).toBe(lapsed!.n);

    const templates = (await a.client.get('/api/v1/email/templates')).body as { name: string; subject: string }[];
    expect(templates.map((x) => x.name).sort()).toEqual(['Exclusive offer', 'Loyalty points summary', 'Survey: How likely are you to recommend us?', 'We miss you']);
    expect(templates.find((x) => x.name === 'We miss you')!.subject).toBe('Mine');

    // An NPS survey with a year of answers: the figures, the trend and the contacts' latest score agree with the responses.
    const surveys = (await a.client.get('/api/v1/surveys')).body.items as { id: string; name: string; state: string; responses: number; sent: number }[];
    expect(surveys).toMatchObject([{ name: 'How likely are you to recommend us?', state: 'active' }]);
    const survey = surveys[0]!;
    expect(survey.responses).toBeGreaterThan(5);
    expect(survey.sent).toBeGreaterThan(survey.responses);
    const results = (await a.client.get(`/api/v1/surveys/${survey.id}/results?interval=month`)).body;
    const [byBand] = await t.h.db.query<{ p: number; d: number; n: number }>(
      "select count(*) filter (where score >= 9)::int as p, count(*) filter (where score <= 6)::int as d, count(*)::int as n from survey_responses where survey_id = $1",
      [survey.id],
    );
    expect(results.nps.nps).toBe(Math.round(((byBand!.p - byBand!.d) / byBand!.n) * 1000) / 10);
    expect(results.trend.length).toBeGreaterThan(3);
    const [props] = await t.h.db.query<{ n: number }>("select count(*)::int as n from contacts where workspace_id = $1 and properties ? 'nps_score'", [a.workspaceId]);
    const [answered] = await t.h.db.query<{ n: number; events: number }>(
      "select count(distinct contact_id)::int as n, (select count(*)::int from events where workspace_id = $1 and name = 'survey.answered') as events from survey_responses where workspace_id = $1",
      [a.workspaceId],
    );
    expect(props!.n).toBe(answered!.n);
    expect(answered!.events).toBe(survey.responses);

    const again = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 600 });
    expect(again.examples).toEqual({ segments: [], templates: [] });
    expect((await a.client.get('/api/v1/segments')).body.items).toHaveLength(4);
    expect((await a.client.get('/api/v1/surveys')).body.items).toHaveLength(1);
  });

  it('tells its progress step by step, with counts that end at the totals counted beforehand', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    const totals = await countDemo({ contacts: 450, now: NOW });
    const generated = [...generateDemo({ contacts: 450, now: NOW })].flatMap((b) => b.events);
    expect(totals).toEqual({
      orders: generated.filter((e) => e.name === 'purchase').length,
      refunds: generated.filter((e) => e.name === 'refund').length,
      events: generated.length,
    });
    const seen: DemoProgress[] = [];
    await loadDemo(t.h.ctx, a.workspaceId, { contacts: 450, now: NOW, batchSize: 200, totals, onProgress: (p) => void seen.push(p) });

    // The steps come in order, each at least once.
    const steps = seen.map((p) => p.step).filter((s, i, all) => s !== all[i - 1]);
    expect(steps).toEqual(['preparing', 'history', 'indexing', 'segments', 'templates', 'done']);
    // Contacts and orders go up batch by batch to the totals (on a server two batches are written
    // at once and may finish in either order: 200, 400, 450 or 200, 250, 450).
    const contacts = seen.filter((p) => p.step === 'history').map((p) => p.contacts.done);
    expect(contacts).toHaveLength(4);
    expect(contacts[0]).toBe(0);
    expect(contacts.at(-1)).toBe(450);
    expect(contacts).toEqual([...contacts].sort((x, y) => x - y));
    const orders = seen.map((p) => p.orders.done);
    expect(orders).toEqual([...orders].sort((x, y) => x - y));
    const last = seen.at(-1)!;
    expect(last).toEqual({
      step: 'done',
      contacts: { done: 450, total: 450, created: 450 },
      orders: { done: totals.orders, total: totals.orders },
      refunds: { done: totals.refunds, total: totals.refunds },
      events: { done: totals.events, total: totals.events },
      segments: { done: 4, total: 4, names: ['Champions', 'At risk', 'No purchase in 90 days', 'Top 10% by spend'] },
      templates: { done: 3, total: 3, names: ['We miss you', 'Loyalty points summary', 'Exclusive offer'] },
    });
    // Segments are computed one at a time, and said so.
    expect(seen.filter((p) => p.step === 'segments').map((p) => p.segments.done)).toEqual([0, 1, 2, 3, 4]);

    // Loaded again: nothing new, and the last progress says so.
    const again: DemoProgress[] = [];
    await loadDemo(t.h.ctx, a.workspaceId, { contacts: 450, now: NOW, onProgress: (p) => void again.push(p) });
    expect(again.at(-1)).toMatchObject({ contacts: { done: 450, created: 0 }, orders: { total: null }, segments: { total: 0, names: [] }, templates: { names: [] } });
  });

  it('leaves out a property the workspace already defines differently', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    await t.h.db.query(`insert into property_definitions (workspace_id, key, label, type) values ($1, 'loyalty_tier', 'Tier', 'number')`, [a.workspaceId]);
    const result = await loadDemo(t.h.ctx, a.workspaceId, { contacts: 50, now: NOW });
    expect(result.skippedProperties).toEqual(['loyalty_tier']);
    const [row] = await t.h.db.query<{ n: number }>(`select count(*)::int as n from contacts where workspace_id = $1 and properties ? 'loyalty_tier'`, [a.workspaceId]);
    expect(row!.n).toBe(0);
    const [def] = await t.h.db.query(`select label, type from property_definitions where workspace_id = $1 and key = 'loyalty_tier'`, [a.workspaceId]);
    expect(def).toEqual({ label: 'Tier', type: 'number' });
  });
});

describe('the demo API', () => {
  it('reports an empty workspace, queues a load for admins only, and keeps workspaces apart', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    expect((await a.client.get('/api/v1/demo')).body).toEqual({ contacts: 0, events: 0, load: null });

    const marketer = await createUser(t.h.ctx, { email: 'marketer@demo.test', name: 'M', password: 'long enough password' });
    await addMember(t.h.ctx, a.workspaceId, marketer.id, 'marketer');
    const asMarketer = await t.h.signIn(marketer.id, a.workspaceId);
    expect((await asMarketer.post('/api/v1/demo', {})).status).toBe(403);
    expect((await a.client.post('/api/v1/demo', { contacts: 0 })).status).toBe(400);
    expect((await a.client.post('/api/v1/demo', { contacts: 2_000_000 })).status).toBe(400);

    const started = await a.client.post('/api/v1/demo', { contacts: 200 });
    expect(started.status).toBe(202);
    expect(started.body.load).toMatchObject({ state: 'queued', contacts: 200, seed: 1, startedAt: null, finishedAt: null, error: null });
    // Asking again while it waits answers with the same load.
    const twice = await a.client.post('/api/v1/demo', {});
    expect(twice.body.load.id).toBe(started.body.load.id);
    expect((await asMarketer.get('/api/v1/demo')).body.load.id).toBe(started.body.load.id);

    // B sees nothing of A's load, and an API key of B neither.
    expect((await b.client.get('/api/v1/demo')).body).toEqual({ contacts: 0, events: 0, load: null });
    expect((await (await t.h.apiKey(b.workspaceId)).client.get('/api/v1/demo')).body.load).toBeNull();

    // Play the worker (this harness runs none): the job loads A and only A.
    const [job] = await t.h.ctx.jobs.boss.fetch<{ workspaceId: string; contacts: number; seed: number; now: string }>('demo.load');
    expect(job!.id).toBe(started.body.load.id);
    expect(job!.data).toMatchObject({ workspaceId: a.workspaceId, contacts: 200, seed: 1 });
    await loadDemo(t.h.ctx, job!.data.workspaceId, { ...job!.data, now: new Date(job!.data.now) });
    const running = (await a.client.get('/api/v1/demo')).body;
    expect(running).toMatchObject({ contacts: 200, events: null, load: { state: 'running', finishedAt: null } });
    await t.h.ctx.jobs.boss.complete('demo.load', job!.id);
    const status = (await a.client.get('/api/v1/demo')).body;
    expect(status.load.state).toBe('completed');
    expect(status.contacts).toBe(200);
    expect(status.events).toBeGreaterThan(1_000);
    expect((await b.client.get('/api/v1/demo')).body).toMatchObject({ contacts: 0, events: 0 });
    const [bRows] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [b.workspaceId]);
    expect(bRows!.n).toBe(0);
  });
});
