// A points program as a shop runs it: orders and other events earn points by rules (with
// multipliers, pending periods and limits), points expire, refunds take back exactly what their
// order earned, tiers move up at once and down by the program's policy, and rewards are paid
// in points with a coupon issued in the same transaction, or not at all.
import { describe, expect, it } from 'vitest';
import { processPending } from '../segments/membership.ts';
import { useHarness } from '../testing/harness.ts';
import { earnPending } from './earn.ts';
import { earnSettled } from './jobs.ts';
import { checkLedger } from './ledger/check.ts';
import { maintainProgram } from './maintenance.ts';

const t = useHarness();
const NOW = new Date('2026-03-10T12:00:00Z');
const DAY = 86_400_000;

async function shop(program: Record<string, unknown> = {}) {
  t.h.clock.set(NOW);
  const owner = await t.h.signUp();
  // A full API key: the tests move the clock past the session's life.
  const api = (await t.h.apiKey(owner.workspaceId, 'full')).client;
  const ingest = (await t.h.apiKey(owner.workspaceId, 'ingest')).client;
  const res = await api.put('/api/v1/loyalty/program', { earnFrom: '2026-01-01T00:00:00Z', ...program });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  let n = 0;
  const track = async (userId: string, event: string, properties: Record<string, unknown>, at = t.h.clock.now()) => {
    const r = await ingest.post('/v1/track', { userId, event, properties, timestamp: at.toISOString(), messageId: `m-${++n}-${userId}-${event}` });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  // Tracking already asked for a pass in the background: it ends first, then this one takes what is left.
  const earn = async () => {
    await earnSettled();
    return earnPending(t.h.db, owner.workspaceId, () => t.h.clock.now());
  };
  const contactOf = async (userId: string) => (await t.h.db.query<{ id: string }>('select id from contacts where workspace_id = $1 and external_id = $2', [owner.workspaceId, userId]))[0]!.id;
  const member = async (userId: string) => (await api.get(`/api/v1/loyalty/members/${await contactOf(userId)}`)).body;
  const rule = async (body: Record<string, unknown>) => {
    const r = await api.post('/api/v1/loyalty/rules', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  return { ...owner, api, track, earn, contactOf, member, rule };
}

const order = (id: string, total: number, extra: Record<string, unknown> = {}) => ({ order_id: id, total, currency: 'EUR', ...extra });

describe('earning points', () => {
  it('earns by a purchase rule with multipliers, by a fixed-points event rule, and not in another currency', async () => {
    const s = await shop();
    await s.rule({ name: 'Points on orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1, multipliers: [{ match: 'category', value: 'Coffee', bp: 20_000 }] });
    await s.rule({ name: 'Review', kind: 'event', eventName: 'Product Reviewed', points: 50 });
    await s.track('ann', 'Order Completed', order('A1', 60, { products: [{ category: 'coffee', price: 20, quantity: 1 }, { category: 'mugs', price: 35, quantity: 1 }] }));
    await s.track('ann', 'Product Reviewed', { product_id: 'p1' });
    await s.track('ann', 'Order Completed', { order_id: 'A2', total: 100, currency: 'USD' });
    await s.earn();
    const ann = await s.member('ann');
    // 20 € of coffee ×2 = 40, 35 € of mugs and 5 € of shipping ×1 = 40; the review 50; dollars nothing.
    expect(ann).toMatchObject({ points: 130, pending: 0, lifetime: 130 });
    expect(ann.statement.map((l: { what: string; points: number }) => [l.what, l.points])).toEqual([
      ['Review', 50],
      ['Points on orders (order A1)', 80],
    ]);
    const timeline = await s.api.get(`/api/v1/contacts/${await s.contactOf('ann')}/events`);
    expect(timeline.body.items.filter((e: { name: string }) => e.name === 'points.earned')).toHaveLength(2);
    // Run again: nothing is queued, nothing doubles.
    expect(await s.earn()).toBe(0);
    expect((await s.member('ann')).points).toBe(130);
    expect(await checkLedger(t.h.db, s.workspaceId)).toEqual([]);
  });

  it('gives points for the orders already stored since the program’s start when a rule is added, and not for older ones', async () => {
    const s = await shop({ earnFrom: '2026-02-01T00:00:00Z' });
    await s.track('rae', 'Order Completed', order('R1', 30), new Date('2026-01-15T10:00:00Z'));
    await s.track('rae', 'Order Completed', order('R2', 40), new Date('2026-02-15T10:00:00Z'));
    await s.track('rae', 'Order Refunded', { order_id: 'R2', total: 10, currency: 'EUR' }, new Date('2026-02-20T10:00:00Z'));
    await s.earn();
    expect((await s.member('rae')).points).toBe(0);
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    await s.earn();
    expect(await s.member('rae')).toMatchObject({ points: 30, lifetime: 30 });
    // Queued again (the rule saved again): nothing doubles.
    const rules = (await s.api.get('/api/v1/loyalty')).body.rules;
    await s.api.put(`/api/v1/loyalty/rules/${rules[0].id}`, { name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    await s.earn();
    expect((await s.member('rae')).points).toBe(30);
  });

  it('keeps points pending until the period ends, then they can be spent', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 10, pendingDays: 14 });
    const reward = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Tote bag', kind: 'gift', pointsCost: 300 })).body;
    await s.track('bob', 'Order Completed', order('B1', 40));
    await s.earn();
    expect(await s.member('bob')).toMatchObject({ points: 0, pending: 400 });
    const early = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'bob' }, key: 'r1' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'insufficient_points', message: '“Tote bag” costs 300 points; 0 can be spent now.' });
    t.h.clock.set(new Date(NOW.getTime() + 15 * DAY));
    await maintainProgram(t.h.db, s.workspaceId, t.h.clock.now());
    expect(await s.member('bob')).toMatchObject({ points: 400, pending: 0 });
    const ok = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'bob' }, key: 'r2' });
    expect(ok.body).toMatchObject({ points: 300, code: null, duplicate: false });
    expect((await s.member('bob')).points).toBe(100);
  });

  it('gives an event rule at most its limit per period in the workspace calendar', async () => {
    const s = await shop();
    await s.rule({ name: 'Daily visit', kind: 'event', eventName: 'Store Visited', points: 5, limit: { count: 1, period: 'day' } });
    // Two days in one batch: one visit counts on each.
    await s.track('cy', 'Store Visited', {}, new Date('2026-03-09T08:00:00Z'));
    await s.track('cy', 'Store Visited', {}, new Date('2026-03-09T20:00:00Z'));
    await s.track('cy', 'Store Visited', {}, new Date('2026-03-10T09:00:00Z'));
    await s.earn();
    await s.track('cy', 'Store Visited', {}, new Date('2026-03-09T21:00:00Z'));
    await s.track('cy', 'Store Visited', {}, new Date('2026-03-10T10:00:00Z'));
    await s.earn();
    expect((await s.member('cy')).points).toBe(10);
  });

  it('expires lots by their rule when the clock passes their date, earliest expiry spent first', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1, expiry: { kind: 'after_days', days: 30 } });
    await s.rule({ name: 'Birthday', kind: 'event', eventName: 'Birthday', points: 100 });
    const reward = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Sticker', kind: 'gift', pointsCost: 60 })).body;
    await s.track('di', 'Order Completed', order('D1', 100));
    await s.track('di', 'Birthday', {});
    await s.earn();
    const before = await s.member('di');
    expect(before).toMatchObject({ points: 200, nextExpiryPoints: 100 });
    // The reward takes from the order's lot, which expires first.
    await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'di' }, key: 'k' });
    t.h.clock.set(new Date(NOW.getTime() + 31 * DAY));
    const m = await maintainProgram(t.h.db, s.workspaceId, t.h.clock.now());
    expect(m.expiredLots).toBe(1);
    const after = await s.member('di');
    expect(after).toMatchObject({ points: 100, nextExpiryAt: null });
    expect(after.statement[0]).toMatchObject({ kind: 'expire', points: -40 });
    expect(await checkLedger(t.h.db, s.workspaceId)).toEqual([]);
  });
});

describe('loyalty figures as conditions', () => {
  it('puts a member in a segment on their points and tier as soon as they earn', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    await s.api.put('/api/v1/loyalty/tiers', { tiers: [{ name: 'Gold', threshold: 100 }] });
    const seg = await s.api.post('/api/v1/segments', {
      name: 'Gold with points to spend',
      definition: { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'loyalty.points', op: 'gte', value: 100 }, { kind: 'field', field: 'loyalty.tier', op: 'eq', value: 'Gold' }] },
    });
    expect(seg.status, JSON.stringify(seg.body)).toBe(201);
    await s.track('jo', 'Order Completed', order('J1', 150));
    await s.track('ky', 'Order Completed', order('K1', 50));
    await s.earn();
    await processPending(t.h.ctx, s.workspaceId);
    const members = await t.h.db.query<{ contact_id: string }>('select contact_id from segment_members where segment_id = $1 and exited_at is null', [seg.body.id]);
    expect(members.map((m) => m.contact_id)).toEqual([await s.contactOf('jo')]);
  });
});

describe('points expiring soon', () => {
  it('puts members whose points expire within 14 days in the segment, and not the others', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1, expiry: { kind: 'after_days', days: 20 } });
    await s.rule({ name: 'Review', kind: 'event', eventName: 'Product Reviewed', points: 10 });
    const seg = await s.api.post('/api/v1/segments', {
      name: 'Expiring',
      definition: { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'loyalty.next_expiry_at', op: 'within_next_days', value: 14 }, { kind: 'field', field: 'loyalty.next_expiry_points', op: 'gt', value: 0 }] },
    });
    expect(seg.status, JSON.stringify(seg.body)).toBe(201);
    await s.track('oz', 'Order Completed', order('O1', 40), new Date(NOW.getTime() - 10 * DAY));
    await s.track('pia', 'Order Completed', order('P1', 40));
    await s.track('quin', 'Product Reviewed', {});
    await s.earn();
    await processPending(t.h.ctx, s.workspaceId);
    const members = await t.h.db.query<{ contact_id: string }>('select contact_id from segment_members where segment_id = $1 and exited_at is null', [seg.body.id]);
    expect(members.map((m) => m.contact_id)).toEqual([await s.contactOf('oz')]);
  });
});

describe('loyalty figures in emails', () => {
  it('fills {{ loyalty.* }} with the member’s points, tier gap and next expiry', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1, expiry: { kind: 'end_of_year' } });
    await s.api.put('/api/v1/loyalty/tiers', { tiers: [{ name: 'Silver', threshold: 100 }, { name: 'Gold', threshold: 500 }] });
    await s.track('lu', 'Order Completed', order('L1', 120));
    await s.earn();
    const body = '<mjml><mj-body><mj-section><mj-column><mj-text>You have {{ loyalty.points }} points ({{ loyalty.tier }}); {{ loyalty.points_to_next_tier }} more for {{ loyalty.next_tier }}. {{ loyalty.next_expiry_points }} expire on {{ loyalty.next_expiry_date }}.</mj-text></mj-column></mj-section></mj-body></mjml>';
    const template = (await s.api.post('/api/v1/email/templates', { name: 'Points', subject: '{{ loyalty.points }} points', body })).body;
    const preview = await s.api.post(`/api/v1/email/templates/${template.id}/preview`, { contactId: await s.contactOf('lu') });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.subject).toBe('120 points');
    expect(preview.body.text).toContain('You have 120 points (Silver); 380 more for Gold. 120 expire on 2026-12-31.');
  });
});

describe('refunds', () => {
  for (const policy of ['negative', 'cap'] as const) {
    it(`take back exactly what the order earned, also after some was spent (${policy})`, async () => {
      const s = await shop({ refundPolicy: policy });
      await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
      const reward = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Mug', kind: 'gift', pointsCost: 80 })).body;
      await s.track('eve', 'Order Completed', order('E1', 100));
      await s.track('eve', 'Order Completed', order('E2', 10));
      await s.earn();
      // A partial refund of a third of E2 takes back 3 of its 10 points.
      await s.track('eve', 'Order Refunded', { order_id: 'E2', total: 3.33, currency: 'EUR' });
      await s.earn();
      expect((await s.member('eve')).points).toBe(107);
      await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'eve' }, key: 'mug' });
      expect((await s.member('eve')).points).toBe(27);
      // E1 refunded whole: its 100 points go back; 80 of them had been spent.
      await s.track('eve', 'Order Refunded', { order_id: 'E1' });
      await s.earn();
      const eve = await s.member('eve');
      if (policy === 'negative') expect(eve).toMatchObject({ points: -73, debt: 73, lifetime: 7 });
      else expect(eve).toMatchObject({ points: 0, debt: 0 });
      expect(await checkLedger(t.h.db, s.workspaceId)).toEqual([]);
      if (policy === 'negative') {
        // New points pay the debt first.
        await s.track('eve', 'Order Completed', order('E3', 100));
        await s.earn();
        expect(await s.member('eve')).toMatchObject({ points: 27, debt: 0 });
      }
    });
  }
});

describe('tiers', () => {
  for (const [policy, expected] of [
    ['period_end', null],
    ['one_step', 'Silver'],
    ['never', 'Gold'],
  ] as const) {
    it(`moves up at once and, at the end of the year, down by the policy "${policy}"`, async () => {
      const s = await shop({ tierWindow: 'year', downgrade: policy });
      await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
      const tiers = await s.api.put('/api/v1/loyalty/tiers', { tiers: [{ name: 'Silver', threshold: 100 }, { name: 'Gold', threshold: 500, multiplierBp: 15_000 }] });
      expect(tiers.status).toBe(200);
      await maintainProgram(t.h.db, s.workspaceId, t.h.clock.now());
      await s.track('fay', 'Order Completed', order('F1', 600));
      await s.earn();
      const fay = await s.member('fay');
      expect(fay.tier.name).toBe('Gold');
      expect(fay.nextTier).toBeNull();
      // Gold earns ×1.5.
      await s.track('fay', 'Order Completed', order('F2', 10));
      await s.earn();
      expect((await s.member('fay')).points).toBe(615);

      t.h.clock.set(new Date('2027-01-01T01:00:00Z'));
      const review = await maintainProgram(t.h.db, s.workspaceId, t.h.clock.now());
      expect(review.reviewed).toBe('2027');
      const after = await s.member('fay');
      expect(after.tier?.name ?? null).toBe(expected);
      if (expected === null) expect(after.nextTier).toMatchObject({ tier: { name: 'Silver' }, missing: 100 });
      const changed = (await s.api.get(`/api/v1/contacts/${await s.contactOf('fay')}/events`)).body.items.filter((e: { name: string }) => e.name === 'tier.changed');
      expect(changed).toHaveLength(expected === 'Gold' ? 1 : 2);
    });
  }
});

describe('rewards', () => {
  it('spends no points when the coupon cannot be issued, and gives the code when it can', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    const campaign = (await s.api.post('/api/v1/coupons/campaigns', { name: '5 € voucher', codeKind: 'unique', discount: { kind: 'fixed', amount: 500, currency: 'EUR' }, perCodeLimit: 1, channel: 'email', state: 'paused' })).body;
    const reward = (await s.api.post('/api/v1/loyalty/rewards', { name: '5 € off', kind: 'coupon', campaignId: campaign.id, pointsCost: 100, stock: 1, perContactLimit: 1 })).body;
    await s.track('gus', 'Order Completed', order('G1', 250));
    await s.track('hal', 'Order Completed', order('H1', 250));
    await s.earn();
    const refused = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'gus' }, key: 'g1' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('campaign_not_issuing');
    expect((await s.member('gus')).points).toBe(250);

    await s.api.put(`/api/v1/coupons/campaigns/${campaign.id}`, { name: '5 € voucher', codeKind: 'unique', discount: { kind: 'fixed', amount: 500, currency: 'EUR' }, perCodeLimit: 1, channel: 'email', state: 'active' });
    const ok = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'gus' }, key: 'g2' });
    expect(ok.body.code).toMatch(/^[A-Z2-9]{8}$/);
    expect((await s.member('gus')).points).toBe(150);
    const again = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'gus' }, key: 'g2' });
    expect(again.body).toMatchObject({ code: ok.body.code, duplicate: true });
    const limit = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'gus' }, key: 'g3' });
    expect(limit.body.error.code).toBe('out_of_stock');
    const hal = await s.api.post(`/api/v1/loyalty/rewards/${reward.id}/redeem`, { customer: { userId: 'hal' }, key: 'h1' });
    expect(hal.body.error).toMatchObject({ code: 'out_of_stock', message: '“5 € off” is out of stock.' });

    // The code is the customer's: it redeems at the checkout for them only.
    const shopKey = (await t.h.apiKey(s.workspaceId, 'shop')).client;
    const used = await shopKey.post('/api/v1/coupons/redeem', { code: ok.body.code, customer: { userId: 'gus' }, amount: 2000, currency: 'EUR', orderId: 'G2' });
    expect(used.body.redemption).toMatchObject({ discount: 500 });
  });

  it('decides redemptions that arrive together one by one: a customer short of points costs no one the stock, the same key twice at once is one redemption, and a coupon that cannot be issued fails only its own request', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    const gift = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Tote bag', kind: 'gift', pointsCost: 100, stock: 2 })).body;
    for (const [who, total] of [['ann', 50], ['bob', 150], ['cy', 150], ['di', 150], ['eve', 150]] as const) await s.track(who, 'Order Completed', order(`O-${who}`, total));
    await s.earn();
    // Sent at once, so the server redeems them in one batch or a few; the order they arrive in is not known.
    const redeem = (who: string, key: string, reward = gift.id) => s.api.post(`/api/v1/loyalty/rewards/${reward}/redeem`, { customer: { userId: who }, key });
    const [ann, bob, bobAgain, cy, di] = await Promise.all([redeem('ann', 'a1'), redeem('bob', 'b1'), redeem('bob', 'b1'), redeem('cy', 'c1'), redeem('di', 'd1')]);
    expect(ann.body.error).toMatchObject({ code: 'insufficient_points', message: '“Tote bag” costs 100 points; 50 can be spent now.' });
    // Ann's refusal took no stock: two of the three who can pay get the bag.
    const got = { bob: bob.status === 200, cy: cy.status === 200, di: di.status === 200 };
    expect(Object.values(got).filter(Boolean)).toHaveLength(2);
    for (const r of [bob, cy, di]) if (r.status !== 200) expect(r.body.error.code).toBe('out_of_stock');
    // The same key twice is one redemption (or one refusal).
    expect(bobAgain.status).toBe(bob.status);
    if (got.bob) expect([bob.body.redemptionId, [bob.body.duplicate, bobAgain.body.duplicate].sort()]).toEqual([bobAgain.body.redemptionId, [false, true]]);
    for (const who of ['bob', 'cy', 'di'] as const) expect((await s.member(who)).points).toBe(got[who] ? 50 : 150);

    const campaign = (await s.api.post('/api/v1/coupons/campaigns', { name: 'Paused', codeKind: 'unique', discount: { kind: 'free_shipping' }, channel: 'email', state: 'paused' })).body;
    const coupon = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Free shipping', kind: 'coupon', campaignId: campaign.id, pointsCost: 10 })).body;
    const sticker = (await s.api.post('/api/v1/loyalty/rewards', { name: 'Sticker', kind: 'gift', pointsCost: 20 })).body;
    const mixed = await Promise.all([redeem('eve', 'e2', sticker.id), redeem('eve', 'e3', coupon.id), redeem('eve', 'e4', sticker.id)]);
    expect(mixed.map((r) => r.status)).toEqual([200, 409, 200]);
    expect(mixed[1]!.body.error.code).toBe('campaign_not_issuing');
    expect((await s.member('eve')).points).toBe(110);
    expect((await s.api.get('/api/v1/loyalty/report')).body.check).toMatchObject({ problems: 0 });
  });

  it('forfeits a deleted customer’s points, so the outstanding points no longer count them', async () => {
    const s = await shop();
    await s.rule({ name: 'Orders', kind: 'purchase', currency: 'EUR', pointsPerUnit: 1 });
    await s.track('mo', 'Order Completed', order('M1', 70));
    await s.track('ned', 'Order Completed', order('N1', 30));
    await s.earn();
    expect((await s.api.get('/api/v1/loyalty/report')).body).toMatchObject({ members: 2, outstanding: 100 });
    const del = await s.api.delete(`/api/v1/contacts/${await s.contactOf('mo')}`);
    expect(del.status).toBeLessThan(300);
    const report = (await s.api.get('/api/v1/loyalty/report')).body;
    expect(report).toMatchObject({ members: 1, outstanding: 30, check: { problems: 0 } });
    const sum = (k: 'issued' | 'expired') => report.months.reduce((n: number, m: Record<string, number>) => n + m[k]!, 0);
    expect({ issued: sum('issued'), expired: sum('expired') }).toEqual({ issued: 100, expired: 70 });
  });

  it('lets an admin adjust points with a reason, kept on the statement with who made it', async () => {
    const s = await shop();
    await s.track('ida', 'Signed Up', {});
    const ida = await s.contactOf('ida');
    const add = await s.client.request('POST', `/api/v1/loyalty/members/${ida}/adjust`, { points: 40, reason: 'Sorry for the late parcel' }, { 'idempotency-key': 'adj-1' });
    expect(add.status).toBe(200);
    await s.api.request('POST', `/api/v1/loyalty/members/${ida}/adjust`, { points: 40, reason: 'Sorry for the late parcel' }, { 'idempotency-key': 'adj-1' });
    const tooMuch = await s.api.request('POST', `/api/v1/loyalty/members/${ida}/adjust`, { points: -50, reason: 'Mistake' }, { 'idempotency-key': 'adj-2' });
    expect(tooMuch.body.error.message).toBe('Only 40 points can be removed now.');
    const m = await s.member('ida');
    expect(m.points).toBe(40);
    expect(m.statement).toEqual([expect.objectContaining({ kind: 'adjust', points: 40, what: 'Adjustment: Sorry for the late parcel', by: s.email })]);
    const report = (await s.api.get('/api/v1/loyalty/report')).body;
    expect(report).toMatchObject({ members: 1, outstanding: 40, check: { problems: 0 } });
  });
});
