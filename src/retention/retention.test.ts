// What a shop sees of the retention models: a fit on its own purchases (the demo's), every
// customer's scores as contact fields (segments, merge fields, the contact page), the at-risk
// list, the settings, and nothing of another workspace.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/demo.ts';
import type { ApiClient } from '../testing/client.ts';
import { insertEventsSql } from '../events/record.ts';
import { type Member, useHarness } from '../testing/harness.ts';
import { dueWorkspaces, fitRetention } from './retention.ts';

const t = useHarness({ work: true });
const NOW = new Date('2026-11-20T12:00:00Z');

async function fitted(client: ApiClient, body: Record<string, unknown> = {}) {
  const started = await client.post('/api/v1/retention/fit', body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let i = 0; i < 600; i++) {
    const res = await client.get('/api/v1/retention');
    if (res.body.latest?.id === started.body.id && res.body.latest.state !== 'running') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the fit did not finish');
}

describe('retention intelligence on a shop’s own purchases', () => {
  let owner: Pick<Member, 'workspaceId' | 'client'>;

  beforeAll(async () => {
    t.h.clock.set(NOW);
    const member = await t.h.signUp();
    // An API key: the clock moves by weeks below, and a session would end.
    owner = { workspaceId: member.workspaceId, client: (await t.h.apiKey(member.workspaceId)).client };
    await loadDemo(t.h.ctx, owner.workspaceId, { contacts: 1200 });
  }, 300_000);

  it('fits the models, checks them on a holdout period, and scores every customer', async () => {
    const overview = await fitted(owner.client);
    expect(overview.latest).toMatchObject({ state: 'done', cause: 'request', scored: true, until: '2026-11-20' });
    const r = overview.current.result;
    expect(r.customers).toBeGreaterThan(500);
    expect(r.bgnbd.params.r).toBeGreaterThan(0);
    expect(r.check.groups.length).toBeGreaterThan(1);
    expect(r.check.tracking.length).toBeGreaterThan(10);
    expect(['good', 'fair', 'poor']).toContain(r.verdict);
    expect(r.scored).toBe(r.customers);

    const [scores] = await t.h.db.query<{ n: number; alive: number; rfm: number; health: number; bad: number }>(
      `select count(*)::int as n, count(p_alive)::int as alive, count(rfm_recency)::int as rfm, count(health)::int as health,
              count(*) filter (where p_alive < 0 or p_alive > 1 or health < 0 or health > 100 or rfm_recency not between 1 and 5 or clv < 0)::int as bad
       from contact_scores where workspace_id = $1`,
      [owner.workspaceId],
    );
    expect(scores).toEqual({ n: r.customers, alive: r.customers, rfm: r.customers, health: r.customers, bad: 0 });
    // Customers who bought once: the longer ago, the less likely still customers (the scores'
    // model is Pareto/NBD, under which one can leave at any time; BG/NBD would say 100 % for all).
    const once = await t.h.db.query<{ age: number; p: number }>(
      `select '2026-11-20'::date - min(o.day) as age, min(s.p_alive) as p from contact_scores s join order_days o on o.workspace_id = s.workspace_id and o.contact_id = s.contact_id
       where s.workspace_id = $1 group by s.contact_id having count(*) = 1 order by 1`,
      [owner.workspaceId],
    );
    expect(once.length).toBeGreaterThan(10);
    for (let i = 1; i < once.length; i++) expect(once[i]!.p).toBeLessThanOrEqual(once[i - 1]!.p + 1e-6);
    expect(once.at(-1)!.p).toBeLessThan(once[0]!.p);
    expect(r.scoringModel).toBe('paretonbd');
  });

  it('shows a customer’s scores on their page, in merge fields and as segment conditions', async () => {
    const [someone] = await t.h.db.query<{ contact_id: string; p_alive: number }>(
      'select contact_id, p_alive from contact_scores where workspace_id = $1 and p_alive < 0.9 order by clv desc nulls last limit 1',
      [owner.workspaceId],
    );
    const page = await owner.client.get(`/api/v1/contacts/${someone!.contact_id}`);
    expect(page.body.purchases.scores).toMatchObject({ currency: expect.any(String), rfm: { recency: expect.any(Number) } });
    expect(page.body.purchases.scores.pAlive).toBeCloseTo(someone!.p_alive, 5);

    const template = await owner.client.post('/api/v1/email/templates', {
      name: 'Scores',
      subject: 'Hi',
      body: '<mjml><mj-body><mj-section><mj-column><mj-text>Still here: {{ contact.scores.p_alive }}% health {{ contact.scores.health }}</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const preview = await owner.client.post(`/api/v1/email/templates/${template.body.id}/preview`, { contactId: someone!.contact_id });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.html).toContain(`Still here: ${Math.round(someone!.p_alive * 100)}%`);

    const definition = { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'scores.p_alive', op: 'lt', value: 0.5 }] };
    const segment = await owner.client.post('/api/v1/segments', { name: 'Slipping', definition });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
    const [expected] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_scores where workspace_id = $1 and p_alive < 0.5', [owner.workspaceId]);
    expect(expected!.n).toBeGreaterThan(0);
    // Computed at once or by the recompute job (on a server): wait for it.
    let members = 0;
    for (let i = 0; i < 300; i++) {
      const got = await owner.client.get(`/api/v1/segments/${segment.body.id}`);
      members = got.body.memberCount;
      if (got.body.evaluatedAt && members === expected!.n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(members).toBe(expected!.n);

    // A predicted lifetime value is money: a condition on it names its currency.
    const currency = page.body.purchases.scores.currency;
    const clv = await owner.client.post('/api/v1/segments/preview', {
      definition: { kind: 'group', op: 'and', children: [{ kind: 'purchases', metric: 'clv', currency, op: 'gte', value: 1 }] },
    });
    const [valued] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_scores where workspace_id = $1 and currency = $2 and clv >= 1', [owner.workspaceId, currency]);
    expect(clv.status, JSON.stringify(clv.body)).toBe(200);
    expect(clv.body.count).toBe(valued!.n);
    const noCurrency = await owner.client.post('/api/v1/segments', {
      name: 'No currency',
      definition: { kind: 'group', op: 'and', children: [{ kind: 'purchases', metric: 'clv', op: 'gte', value: 1 }] },
    });
    expect(noCurrency.status).toBe(400);
  });

  it('a refit keeps the chance at the fit before, and the segments reading a score are brought up to date', async () => {
    t.h.clock.set(new Date(NOW.getTime() + 40 * 86_400_000));
    const overview = await fitted(owner.client);
    expect(overview.current.until).toBe('2026-12-30');
    const [moved] = await t.h.db.query<{ kept: number; fell: number }>(
      `select count(p_alive_before)::int as kept, count(*) filter (where p_alive < p_alive_before)::int as fell from contact_scores where workspace_id = $1`,
      [owner.workspaceId],
    );
    expect(moved!.kept).toBeGreaterThan(0);
    // Forty days without orders: repeat buyers' chances fall.
    expect(moved!.fell).toBeGreaterThan(0);
    const [pending] = await t.h.db.query<{ n: number }>("select count(*)::int as n from segment_pending where workspace_id = $1 and reason = 'field:scores.p_alive'", [
      owner.workspaceId,
    ]);
    const [segments] = await t.h.db.query<{ n: number }>("select count(*)::int as n from segments where workspace_id = $1 and 'scores.p_alive' = any(depends_on_fields)", [owner.workspaceId]);
    if (segments!.n > 0) {
      // Queued for the segments job, or already worked off by it.
      const [stale] = await t.h.db.query<{ n: number }>(
        `select count(*)::int as n from segments s where s.workspace_id = $1 and 'scores.p_alive' = any(s.depends_on_fields)
           and s.member_count <> (select count(*) from contact_scores c where c.workspace_id = $1 and c.p_alive < 0.5)`,
        [owner.workspaceId],
      );
      expect(pending!.n > 0 || stale!.n === 0).toBe(true);
    }
    t.h.clock.set(NOW);
  });

  it('lists the customers most worth saving, the most valuable first, and exports them safely', async () => {
    const res = await owner.client.get('/api/v1/retention/at-risk?limit=20');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.customers.length).toBeGreaterThan(0);
    const values = res.body.customers.map((c: any) => c.valueIfKept ?? 0);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    for (const c of res.body.customers) {
      expect(c.pAlive).toBeGreaterThanOrEqual(0.2);
      expect(c.pAlive).toBeLessThan(0.7);
      expect(c.orders).toBeGreaterThanOrEqual(2);
    }
    expect(res.body.total.customers).toBeGreaterThanOrEqual(res.body.customers.length);

    const first = res.body.customers[0];
    await t.h.db.query("update contacts set first_name = '=HYPERLINK(\"http://evil\")' where id = $1", [first.contactId]);
    const csv = await owner.client.get('/api/v1/retention/at-risk.csv?limit=20');
    expect(csv.status).toBe(200);
    expect(csv.body).toContain("'=HYPERLINK");
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('refuses what it cannot do, saying what to fix', async () => {
    const future = await owner.client.post('/api/v1/retention/fit', { until: '2099-01-01' });
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].path).toMatch(/until$/);
    expect(future.body.error.message).toMatch(/has not come yet/);
    const garbled = await owner.client.post('/api/v1/retention/fit', { until: '31/12/2025' });
    expect(garbled.status).toBe(400);
    const settings = await owner.client.put('/api/v1/retention/settings', {
      windowDays: 100,
      holdoutDays: 90,
      horizonMonths: 12,
      discountRate: 0.1,
      refit: 'nightly',
      renewalEvent: null,
      renewalPeriod: 'month',
    });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details[0].path).toMatch(/holdoutDays$/);
    const ok = await owner.client.put('/api/v1/retention/settings', {
      windowDays: null,
      holdoutDays: 91,
      horizonMonths: 24,
      discountRate: 0.08,
      refit: 'manual',
      renewalEvent: null,
      renewalPeriod: 'month',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ holdoutDays: 91, horizonMonths: 24, refit: 'manual' });
    // One fit at a time.
    await t.h.db.query(
      "insert into retention_fits (workspace_id, cause, state, until, started_at) values ($1, 'request', 'running', '2026-11-20', $2)",
      [owner.workspaceId, t.h.clock.now()],
    );
    const busy = await owner.client.post('/api/v1/retention/fit', {});
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('fit_running');
    await t.h.db.query("delete from retention_fits where workspace_id = $1 and state = 'running'", [owner.workspaceId]);
  });

  it('shows another workspace nothing of this one', async () => {
    const other = await t.h.signUp();
    const overview = await other.client.get('/api/v1/retention');
    expect(overview.body).toMatchObject({ current: null, latest: null });
    const atRisk = await other.client.get('/api/v1/retention/at-risk');
    expect(atRisk.body).toMatchObject({ customers: [], total: { customers: 0 } });
    const fit = await fitted(other.client);
    expect(fit.latest.result).toMatchObject({ customers: 0, verdict: 'too_little_data', bgnbd: null, scored: 0 });
    const [mine] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_scores where workspace_id = $1', [other.workspaceId]);
    expect(mine!.n).toBe(0);
  });

  it('forgets the scores of a deleted contact', async () => {
    const [someone] = await t.h.db.query<{ contact_id: string }>('select contact_id from contact_scores where workspace_id = $1 limit 1', [owner.workspaceId]);
    const deleted = await owner.client.delete(`/api/v1/contacts/${someone!.contact_id}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBeLessThan(300);
    const left = await t.h.db.query('select 1 from contact_scores where workspace_id = $1 and contact_id = $2', [owner.workspaceId, someone!.contact_id]);
    expect(left).toHaveLength(0);
  });
});

describe('the nightly refit', () => {
  it('is due once a day from 02:00 the workspace’s time, for workspaces with orders whose refits are not manual', async () => {
    const shop = await t.h.signUp();
    const quiet = await t.h.signUp();
    await t.h.db.query("update workspaces set timezone = 'Asia/Tokyo' where id = $1", [shop.workspaceId]);
    const [c] = await t.h.db.query<{ id: string }>("insert into contacts (workspace_id, email, created_at, updated_at) values ($1, 'n@example.com', now(), now()) returning id", [
      shop.workspaceId,
    ]);
    await t.h.db.query(
      insertEventsSql(`select $1::uuid, $2::uuid, 'purchase', '{"order_id":"n1","total":1000,"currency":"GBP"}'::jsonb, $3::timestamptz, $3::timestamptz, 'tracking', 'purchase:n1'`),
      [shop.workspaceId, c!.id, new Date('2026-11-01T10:00:00Z')],
    );
    const due = async () => (await dueWorkspaces(t.h.ctx)).filter((id) => id === shop.workspaceId || id === quiet.workspaceId);
    // 01:30 in Tokyo: not yet.
    t.h.clock.set(new Date('2026-11-19T16:30:00Z'));
    expect(await due()).toEqual([]);
    // 02:30 in Tokyo: the shop with orders, not the one without.
    t.h.clock.set(new Date('2026-11-19T17:30:00Z'));
    expect(await due()).toEqual([shop.workspaceId]);
    await fitRetention(t.h.ctx, shop.workspaceId, { cause: 'schedule' });
    expect(await due()).toEqual([]);
    // The next day again, unless refits are set to manual.
    t.h.clock.set(new Date('2026-11-20T17:30:00Z'));
    expect(await due()).toEqual([shop.workspaceId]);
    await t.h.db.query("insert into retention_settings (workspace_id, refit) values ($1, 'manual')", [shop.workspaceId]);
    expect(await due()).toEqual([]);
    t.h.clock.set(NOW);
  });
});
