// A shop's coupons from the campaign to the checkout: what a code is worth on an order and why
// not, redeemed once whatever the retries, limits per customer that a cancelled order frees,
// reservations that lapse, unique codes generated without repeats and issued to one customer,
// and every redemption traced to the channel its code was shared through.
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { generateBatch } from './issue.ts';

const t = useHarness();
const NOW = new Date('2026-06-01T12:00:00Z');

async function shop() {
  t.h.clock.set(NOW);
  const owner = await t.h.signUp();
  const api = owner.client;
  const checkout = (await t.h.apiKey(owner.workspaceId, 'shop')).client;
  const contact = async (email: string) => (await api.post('/api/v1/contacts', { email })).body.id as string;
  return { ...owner, api, checkout, contact };
}

const summer = {
  name: 'Summer sale',
  codeKind: 'shared',
  sharedCode: 'summer15',
  discount: { kind: 'percent', percent: 15 },
  minOrder: { amount: 5000, currency: 'EUR' },
  endsAt: '2026-09-01T00:00:00Z',
  perContactLimit: 1,
  channel: 'social',
  channelDetail: 'Instagram followers',
};

describe('coupon campaigns at the checkout', () => {
  it('says what a shared code is worth on an order, and why not in words', async () => {
    const s = await shop();
    const created = await s.api.post('/api/v1/coupons/campaigns', summer);
    expect(created.status).toBe(201);
    expect(created.body.sharedCode).toBe('SUMMER15');
    const ann = await s.contact('ann@example.com');

    const ok = await s.checkout.post('/api/v1/coupons/validate', { code: ' Summer15 ', customer: { email: 'ANN@example.com' }, amount: 8000, currency: 'EUR' });
    expect(ok.body).toMatchObject({ valid: true, code: 'SUMMER15', discount: 1200, currency: 'EUR', channel: 'social' });

    const reason = async (body: object) => (await s.checkout.post('/api/v1/coupons/validate', { code: 'SUMMER15', customer: { contactId: ann }, amount: 8000, currency: 'EUR', ...body })).body;
    expect(await reason({ amount: 4999 })).toMatchObject({ valid: false, reason: 'below_minimum', message: expect.stringContaining('€50.00') });
    expect(await reason({ currency: 'GBP' })).toMatchObject({ valid: false, reason: 'wrong_currency' });
    expect(await reason({ code: 'WINTER' })).toMatchObject({ valid: false, reason: 'unknown_code' });
    expect(await reason({ customer: null })).toMatchObject({ valid: false, reason: 'customer_required' });
    t.h.clock.set(new Date('2026-09-02T00:00:00Z'));
    expect(await reason({})).toMatchObject({ valid: false, reason: 'expired', message: 'This code expired on 2026-09-01.' });
    t.h.clock.set(NOW);

    // Bad input is a 400 that names the field; a shop key reads no contacts.
    const bad = await s.checkout.post('/api/v1/coupons/validate', { code: 'SUMMER15', amount: 12.5, currency: 'EUR' });
    expect(bad.status).toBe(400);
    expect((await s.checkout.get('/api/v1/contacts')).status).toBe(403);
    const badCampaign = await s.api.post('/api/v1/coupons/campaigns', { ...summer, sharedCode: 'SUMMER15', name: 'Again' });
    expect(badCampaign.status).toBe(409);
  });

  it('redeems once per key whatever the retries, holds the per-customer limit, and a cancelled order frees the place', async () => {
    const s = await shop();
    await s.api.post('/api/v1/coupons/campaigns', summer);
    const ann = await s.contact('ann@example.com');
    const order = { code: 'SUMMER15', customer: { contactId: ann }, amount: 8000, currency: 'EUR' };

    const first = await s.checkout.post('/api/v1/coupons/redeem', { ...order, orderId: 'A-1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ duplicate: false, redemption: { state: 'redeemed', discount: 1200, channel: 'social', channelDetail: 'Instagram followers', orderId: 'A-1' } });
    const retry = await s.checkout.post('/api/v1/coupons/redeem', { ...order, orderId: 'A-1' });
    expect(retry.body).toMatchObject({ duplicate: true, redemption: { id: first.body.redemption.id } });

    const second = await s.checkout.post('/api/v1/coupons/redeem', { ...order, orderId: 'A-2' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'limit_per_customer', message: 'You have already used this offer.' });

    const rolled = await s.checkout.post('/api/v1/coupons/rollback', { orderId: 'A-1' });
    expect(rolled.body).toMatchObject({ changed: 1, redemptions: [{ state: 'rolled_back' }] });
    expect((await s.checkout.post('/api/v1/coupons/rollback', { orderId: 'A-1' })).body.changed).toBe(0);
    const again = await s.checkout.post('/api/v1/coupons/redeem', { ...order, orderId: 'A-2' });
    expect(again.body.redemption.state).toBe('redeemed');
    // The old key stays rolled back: a retry of it does not redeem behind the shop's back.
    expect((await s.checkout.post('/api/v1/coupons/redeem', { ...order, orderId: 'A-1' })).body.error.code).toBe('rolled_back');

    const timeline = await s.api.get(`/api/v1/contacts/${ann}/events`);
    const names = timeline.body.items.map((e: { name: string }) => e.name);
    expect(names.filter((n: string) => n === 'coupon.redeemed')).toHaveLength(2);
    expect(names.filter((n: string) => n === 'coupon.rolled_back')).toHaveLength(1);

    const list = await s.api.get('/api/v1/coupons/campaigns');
    expect(list.body.campaigns[0]).toMatchObject({ redemptions: 1, revenue: [{ currency: 'EUR', orders: 8000, discount: 1200 }] });
  });

  it('holds a reserved code for the checkout until it lapses; a confirmation in time redeems it', async () => {
    const s = await shop();
    await s.api.post('/api/v1/coupons/campaigns', { ...summer, perContactLimit: null, minOrder: null, maxRedemptions: 1, sharedCode: 'ONLYONE' });
    const order = { code: 'ONLYONE', amount: 8000, currency: 'EUR' };
    const held = await s.checkout.request('POST', '/api/v1/coupons/redeem', { ...order, reserve: true, reserveMinutes: 10 }, { 'idempotency-key': 'cart-1' });
    expect(held.body.redemption).toMatchObject({ state: 'reserved' });
    const other = await s.checkout.request('POST', '/api/v1/coupons/redeem', order, { 'idempotency-key': 'cart-2' });
    expect(other.body.error.code).toBe('used_up');

    t.h.clock.set(new Date(NOW.getTime() + 11 * 60_000));
    const late = await s.checkout.request('POST', '/api/v1/coupons/redeem', order, { 'idempotency-key': 'cart-2' });
    expect(late.body.redemption.state).toBe('redeemed');
    const lapsed = await s.checkout.request('POST', '/api/v1/coupons/redeem', order, { 'idempotency-key': 'cart-1' });
    expect(lapsed.body.error.code).toBe('used_up');

    const noKey = await s.checkout.post('/api/v1/coupons/redeem', order);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('key_required');
  });

  it('generates unique codes in bulk and issues a customer a code of their own', async () => {
    const s = await shop();
    const created = await s.api.post('/api/v1/coupons/campaigns', {
      name: 'Partner cards',
      codeKind: 'unique',
      codeSpec: { length: 5, prefix: 'P-' },
      discount: { kind: 'fixed', amount: 500, currency: 'EUR' },
      perCodeLimit: 1,
      channel: 'partner',
      channelDetail: 'Café Rose',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const tooMany = await s.api.post(`/api/v1/coupons/campaigns/${id}/batches`, { count: 5_000_000 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/length of at least/);

    const batch = await s.api.post(`/api/v1/coupons/campaigns/${id}/batches`, { count: 30_000 });
    expect(batch.status).toBe(202);
    const done = await generateBatch(t.h.db, s.workspaceId, batch.body.id, () => t.h.clock.now());
    expect(done).toMatchObject({ state: 'done', generated: 30_000 });
    const [counts] = await t.h.db.query<{ n: number; distinct: number }>('select count(*)::int as n, count(distinct code)::int as distinct from coupon_codes where campaign_id = $1', [id]);
    expect(counts).toEqual({ n: 30_000, distinct: 30_000 });

    const bob = await s.contact('bob@example.com');
    const issued = await s.api.post(`/api/v1/coupons/campaigns/${id}/issue`, { customer: { email: 'bob@example.com' }, key: 'welcome-bob' });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.code).toMatch(/^P-[A-Z2-9]{5}$/);
    const reissued = await s.api.post(`/api/v1/coupons/campaigns/${id}/issue`, { customer: { email: 'bob@example.com' }, key: 'welcome-bob' });
    expect(reissued.body).toMatchObject({ code: issued.body.code, created: false });

    const cara = await s.contact('cara@example.com');
    const notHers = await s.checkout.post('/api/v1/coupons/redeem', { code: issued.body.code, customer: { contactId: cara }, amount: 300, currency: 'EUR', orderId: 'C-1' });
    expect(notHers.body.error.code).toBe('not_for_this_customer');
    const his = await s.checkout.post('/api/v1/coupons/redeem', { code: issued.body.code, customer: { contactId: bob }, amount: 300, currency: 'EUR', orderId: 'B-1' });
    expect(his.body.redemption).toMatchObject({ discount: 300, channel: 'partner' });

    const detail = await s.api.get(`/api/v1/coupons/campaigns/${id}`);
    // A unique campaign has no shared code to show: none of its codes is shown as one.
    expect(detail.body.sharedCode ?? null).toBeNull();
    expect(detail.body).toMatchObject({ codes: 30_001, issued: 1, byChannel: [{ channel: 'partner', channelDetail: 'Café Rose', currency: 'EUR', redemptions: 1, orders: 300, discount: 300 }] });
    const csv = await s.api.get(`/api/v1/coupons/campaigns/${id}/codes.csv`);
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\n');
    expect(lines).toHaveLength(30_002);
    expect(lines.some((l) => l.includes('bob@example.com'))).toBe(true);
  });

  it('escapes a code that would run as a formula in a spreadsheet', async () => {
    const s = await shop();
    const c = await s.api.post('/api/v1/coupons/campaigns', { name: 'Formula', codeKind: 'unique', codeSpec: { length: 8, prefix: '-', charset: 'ABCDEFGHJK' }, discount: { kind: 'free_shipping' }, channel: 'email' });
    const batch = await s.api.post(`/api/v1/coupons/campaigns/${c.body.id}/batches`, { count: 3 });
    await generateBatch(t.h.db, s.workspaceId, batch.body.id, () => t.h.clock.now());
    const csv = String((await s.api.get(`/api/v1/coupons/campaigns/${c.body.id}/codes.csv`)).body);
    for (const line of csv.trim().split('\n').slice(1)) expect(line).toMatch(/^'-/);
  });
});
