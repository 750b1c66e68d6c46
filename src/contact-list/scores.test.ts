// The contact list with the retention models' scores (table contact_scores, written here
// directly as a fit would): returned on request, sorted by (contacts never scored last, in
// both directions, keyset pages covering everyone once), and filtered on.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();
let c: ApiClient;
let workspaceId: string;
const ids = new Map<string, string>();

// name → scores (p_alive, expected purchases, health, rfm r/f/m, currency, clv); Eve has none,
// Dan's model was too unsure for a chance (null) but he has RFM scores.
const scores: Record<string, [number | null, number | null, number | null, number, number, number, string, number | null] | null> = {
  Ann: [0.92, 1.4, 88, 5, 5, 4, 'GBP', 48_200],
  Bob: [0.35, 0.3, 41, 2, 3, 5, 'GBP', 12_050],
  Cara: [0.61, 0.8, 64, 4, 2, 2, 'EUR', 3_000],
  Dan: [null, null, 20, 1, 1, 1, 'GBP', null],
  Eve: null,
};

beforeAll(async () => {
  const owner = await t.h.signUp();
  c = owner.client;
  workspaceId = owner.workspaceId;
  for (const firstName of Object.keys(scores)) {
    t.h.clock.advance(1000);
    const res = await c.post('/api/v1/contacts', { firstName, email: `${firstName.toLowerCase()}@example.com` });
    expect(res.status).toBe(201);
    ids.set(firstName, res.body.id);
  }
  for (const [name, s] of Object.entries(scores)) {
    if (!s) continue;
    const [pAlive, expected, health, r, f, m, currency, clv] = s;
    await t.h.db.query(
      `insert into contact_scores (workspace_id, contact_id, scored_at, p_alive, p_alive_before, expected_purchases_90, currency, expected_order_value, clv, rfm_recency, rfm_frequency, rfm_monetary, health)
       values ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [workspaceId, ids.get(name), pAlive, pAlive === null ? null : Math.min(1, pAlive + 0.1), expected, currency, clv === null ? null : 2_500, clv, r, f, m, health],
    );
  }
});

const q = (params: Record<string, unknown>) =>
  '/api/v1/contacts?' + new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
const names = async (params: Record<string, unknown>) => {
  const res = await c.get(q(params));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((x: { firstName: string }) => x.firstName);
};

describe('scores in the contact list', () => {
  it('come with each contact when asked for, and not otherwise', async () => {
    const plain = (await c.get(q({ sort: 'first_name', order: 'asc' }))).body.items;
    expect(plain.every((x: object) => !('scores' in x))).toBe(true);
    const res = await c.get(q({ sort: 'first_name', order: 'asc', scores: 'true' }));
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.items.map((x: { firstName: string; scores: unknown }) => [x.firstName, x.scores]));
    expect(byName.Ann).toMatchObject({
      pAlive: expect.closeTo(0.92, 5),
      pAliveBefore: 1,
      expectedPurchases90: expect.closeTo(1.4, 5),
      currency: 'GBP',
      expectedOrderValue: 2500,
      clv: 48_200,
      rfm: { recency: 5, frequency: 5, monetary: 4 },
      health: 88,
    });
    expect(typeof byName.Ann.scoredAt).toBe('string');
    expect(byName.Dan).toMatchObject({ pAlive: null, clv: null, health: 20, rfm: { recency: 1, frequency: 1, monetary: 1 } });
    expect(byName.Eve).toBeNull();
    // Anything but true or false is refused.
    expect((await c.get(q({ scores: 'yes' }))).status).toBe(400);
  });

  it('sort by a score, contacts without one last in both directions (in the order they were added, as the direction goes)', async () => {
    expect(await names({ sort: 'scores.p_alive', order: 'desc' })).toEqual(['Ann', 'Cara', 'Bob', 'Eve', 'Dan']);
    expect(await names({ sort: 'scores.p_alive', order: 'asc' })).toEqual(['Bob', 'Cara', 'Ann', 'Dan', 'Eve']);
    expect(await names({ sort: 'scores.health', order: 'asc' })).toEqual(['Dan', 'Bob', 'Cara', 'Ann', 'Eve']);
    expect(await names({ sort: 'scores.rfm_monetary', order: 'desc' })).toEqual(['Bob', 'Ann', 'Cara', 'Dan', 'Eve']);
    expect(await names({ sort: 'scores.expected_purchases_90', order: 'desc', scores: 'true' })).toEqual(['Ann', 'Cara', 'Bob', 'Eve', 'Dan']);
  });

  it('keyset pages under a score sort cover every contact once, in order', async () => {
    for (const sort of ['scores.p_alive', 'scores.expected_purchases_90', 'scores.health', 'scores.rfm_recency', 'scores.rfm_frequency', 'scores.rfm_monetary']) {
      for (const order of ['asc', 'desc']) {
        const whole = await names({ sort, order, limit: '500' });
        expect([...whole].sort()).toEqual(Object.keys(scores));
        for (const limit of [1, 2]) {
          const seen: string[] = [];
          let after: string | null = null;
          do {
            const res: { status: number; body: any } = await c.get(q({ sort, order, limit: String(limit), scores: 'true', ...(after ? { after } : {}) }));
            expect(res.status).toBe(200);
            seen.push(...res.body.items.map((x: { firstName: string }) => x.firstName));
            after = res.body.nextCursor;
            expect(seen.length).toBeLessThanOrEqual(whole.length);
          } while (after);
          expect(seen, `${sort} ${order} by ${limit}`).toEqual(whole);
        }
      }
    }
  });

  it('filter on a score, as segments do', async () => {
    const where = (field: string, op: string, value?: unknown) => names({ sort: 'first_name', order: 'asc', filters: [{ field, op, value }] });
    expect(await where('scores.p_alive', 'gte', 0.5)).toEqual(['Ann', 'Cara']);
    expect(await where('scores.p_alive', 'between', ['0.2', '0.7'])).toEqual(['Bob', 'Cara']);
    expect(await where('scores.p_alive', 'is_not_set')).toEqual(['Dan', 'Eve']);
    expect(await where('scores.health', 'lt', 50)).toEqual(['Bob', 'Dan']);
    expect(await where('scores.rfm_recency', 'eq', '5')).toEqual(['Ann']);
    // A score combined with another filter and a score sort.
    const res = await c.get(q({ sort: 'scores.health', order: 'desc', filters: [{ field: 'scores.rfm_monetary', op: 'gte', value: 2 }, { field: 'email', op: 'neq', value: 'bob@example.com' }] }));
    expect(res.body.items.map((x: { firstName: string }) => x.firstName)).toEqual(['Ann', 'Cara']);
  });

  it('refuses a score that does not exist, naming it', async () => {
    const sort = await c.get(q({ sort: 'scores.p_dead' }));
    expect(sort.status).toBe(400);
    expect(sort.body.error.details[0]).toMatchObject({ path: 'query.sort' });
    expect(sort.body.error.details[0].message).toContain('scores.p_alive');
    const filter = await c.get(q({ filters: [{ field: 'scores.clv', op: 'gt', value: 1 }] }));
    expect(filter.status).toBe(400);
    expect(filter.body.error.details[0].path).toBe('query.filters.0.field');
  });
});
