// Five concurrent orders must not use a once-only coupon five times (Vendure #4660, Magento
// #31798, PrestaShop #29493). 1,000 checkouts race over HTTP on loopback for a code with a
// limit of 1: exactly one redeems it, the others are told it is used up.
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();
let url = '';

beforeAll(async () => {
  await t.h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.h.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

describe('a coupon under concurrent checkouts', () => {
  it('redeems a code with a limit of 1 exactly once among 1,000 concurrent orders', async () => {
    const owner = await t.h.signUp();
    const { key } = await t.h.apiKey(owner.workspaceId, 'shop');
    const c = await owner.client.post('/api/v1/coupons/campaigns', { name: 'First customer', codeKind: 'shared', sharedCode: 'FIRST', discount: { kind: 'percent', percent: 50 }, maxRedemptions: 1, channel: 'social' });
    expect(c.status).toBe(201);
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const res = await fetch(`${url}/api/v1/coupons/redeem`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'FIRST', amount: 2000, currency: 'EUR', orderId: `order-${i}` }),
        });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        return { status: res.status, code: body.error?.code, message: body.error?.message };
      }),
    );
    expect(statuses.filter((s) => s.status === 200)).toHaveLength(1);
    const refused = statuses.filter((s) => s.status !== 200);
    expect(refused).toHaveLength(999);
    for (const r of refused) expect(r).toEqual({ status: 409, code: 'used_up', message: 'This offer has been used as many times as it allows.' });
    const [row] = await t.h.db.query<{ n: number }>("select count(*)::int as n from coupon_redemptions where campaign_id = $1 and state = 'redeemed'", [c.body.id]);
    expect(row!.n).toBe(1);
  }, 120_000);
});
