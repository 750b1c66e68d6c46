// Points and rewards under concurrent requests over HTTP on loopback: a reward with a stock of
// 10 redeemed by 1,000 requests at once is given exactly 10 times and no balance goes below
// zero; 1,000 events for one customer arriving at once, worked off by passes running side by
// side, earn exactly 1,000 times the rule's points.
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { earnPending } from './earn.ts';
import { earnSettled } from './jobs.ts';
import { checkLedger } from './ledger/check.ts';
import { adjustPoints } from './rewards.ts';

const t = useHarness();
let url = '';

beforeAll(async () => {
  await t.h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.h.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

const post = async (key: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; code?: string } };
};

describe('the points program under concurrent requests', () => {
  it('gives a reward with a stock of 10 exactly 10 times among 1,000 concurrent redemptions', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    const { key } = await t.h.apiKey(ws, 'shop');
    await owner.client.put('/api/v1/loyalty/program', {});
    const campaign = (await owner.client.post('/api/v1/coupons/campaigns', { name: 'Free coffee', codeKind: 'unique', discount: { kind: 'free_shipping' }, channel: 'email' })).body;
    const reward = (await owner.client.post('/api/v1/loyalty/rewards', { name: 'Free coffee', kind: 'coupon', campaignId: campaign.id, pointsCost: 100, stock: 10 })).body;
    const contacts: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = (await owner.client.post('/api/v1/contacts', { email: `c${i}@example.com` })).body.id as string;
      await adjustPoints(t.h.db, ws, { contactId: id, points: 250, reason: 'Welcome', key: `w${i}`, userId: null }, t.h.clock.now());
      contacts.push(id);
    }
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => post(key, `/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { contactId: contacts[i % 50] } }, { 'idempotency-key': `r-${i}` })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 200);
    for (const r of refused) expect([409], JSON.stringify(r.body)).toContain(r.status);
    const reasons = new Set(refused.map((r) => r.body.error!.code));
    expect([...reasons].every((c) => c === 'out_of_stock' || c === 'insufficient_points')).toBe(true);
    const [row] = await t.h.db.query<{ spent: string; negative: number; codes: number }>(
      `select (select coalesce(sum(points), 0) from loyalty_reward_redemptions where reward_id = $2) as spent,
              (select count(*)::int from loyalty_members where workspace_id = $1 and points < 0) as negative,
              (select count(*)::int from coupon_codes where campaign_id = $3) as codes`,
      [ws, reward.id, campaign.id],
    );
    expect({ ...row, spent: Number(row!.spent) }).toEqual({ spent: 1000, negative: 0, codes: 10 });
    expect(await checkLedger(t.h.db, ws)).toEqual([]);
  }, 180_000);

  it('earns exactly once per event for 1,000 events of one customer arriving at once', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    const { key } = await t.h.apiKey(ws, 'ingest');
    await owner.client.put('/api/v1/loyalty/program', { earnFrom: '2020-01-01T00:00:00Z' });
    await owner.client.post('/api/v1/loyalty/rules', { name: 'Review', kind: 'event', eventName: 'Product Reviewed', points: 7 });
    const sends = Array.from({ length: 1000 }, (_, i) => post(key, '/v1/track', { userId: 'hot', event: 'Product Reviewed', properties: { n: i }, messageId: `review-${i}` }));
    // Passes side by side with the requests, as several workers would run them.
    const passes = Array.from({ length: 4 }, () => earnPending(t.h.db, ws, () => t.h.clock.now()));
    const statuses = await Promise.all(sends);
    expect(statuses.every((s) => s.status === 200)).toBe(true);
    await Promise.all(passes);
    await earnSettled();
    await Promise.all(Array.from({ length: 3 }, () => earnPending(t.h.db, ws, () => t.h.clock.now())));
    const [m] = await t.h.db.query<{ points: string; lots: number }>(
      `select m.points, (select count(*)::int from loyalty_lots l join loyalty_accounts a on a.id = l.account_id where a.workspace_id = $1) as lots
       from loyalty_members m where m.workspace_id = $1`,
      [ws],
    );
    expect({ points: Number(m!.points), lots: m!.lots }).toEqual({ points: 7000, lots: 1000 });
    expect(await checkLedger(t.h.db, ws)).toEqual([]);
  }, 180_000);
});
