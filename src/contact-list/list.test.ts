import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();
let c: ApiClient;
let workspaceId: string;

const people = [
  { email: 'ann.lee@example.com', firstName: 'Ann', lastName: 'Lee', lifecycleStage: 'customer', emailStatus: 'subscribed', properties: { orders: 12, vip: true, tier: 'Gold', city: 'London', joined: '2023-01-15' } },
  { email: 'bob@lee.io', firstName: 'Bob', lastName: 'Stone', lifecycleStage: 'lead', emailStatus: 'subscribed', properties: { orders: 3, vip: false, tier: 'Silver', city: 'Leeds', joined: '2023-06-30' } },
  { email: 'cara@example.org', firstName: 'Cara', lastName: 'Frost', emailStatus: 'subscribed', properties: { orders: 0, tier: 'Bronze', city: '100% Cotton_Co', joined: '2024-02-29T15:30:00.000Z' } },
  { email: 'dan@example.net', firstName: 'Dan', lastName: 'Brown', lifecycleStage: 'customer', emailStatus: 'unsubscribed', properties: { orders: 7.5, vip: true } },
  { externalId: 'x-5', firstName: 'Eve', properties: { city: 'london' } },
];

beforeAll(async () => {
  const owner = await t.h.signUp();
  c = owner.client;
  workspaceId = owner.workspaceId;
  for (const [label, type, options] of [
    ['Orders', 'number'],
    ['VIP', 'boolean'],
    ['Tier', 'enum', ['Bronze', 'Silver', 'Gold']],
    ['City', 'string'],
    ['Joined', 'date'],
  ] as const) {
    expect((await c.post('/api/v1/properties', { label, type, options })).status).toBe(201);
  }
  for (const p of people) {
    t.h.clock.advance(1000);
    expect((await c.post('/api/v1/contacts', p)).status).toBe(201);
  }
});

const q = (params: Record<string, unknown>) =>
  '/api/v1/contacts?' +
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
const names = async (params: Record<string, unknown>) => {
  const res = await c.get(q(params));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((x: { firstName: string }) => x.firstName).sort();
};
const where = (field: string, op: string, value?: unknown) => names({ filters: [{ field, op, value }] });

describe('search', () => {
  it('a search for "lee" finds Ann Lee by name and bob@lee.io by email', async () => {
    expect(await names({ q: 'lee' })).toEqual(['Ann', 'Bob']);
    expect(await names({ q: 'LEE' })).toEqual(['Ann', 'Bob']);
    expect(await names({ q: 'ann lee' })).toEqual(['Ann']);
    expect(await names({ q: 'lee ann' })).toEqual(['Ann']);
    expect(await names({ q: 'example' })).toEqual(['Ann', 'Cara', 'Dan']);
    expect(await names({ q: 'nobody' })).toEqual([]);
    // A customer known only by the shop's customer number (an order import) is found by it.
    expect(await names({ q: 'x-5' })).toEqual(['Eve']);
    // Wildcards are letters like any other.
    expect(await names({ q: '%' })).toEqual([]);
    expect(await names({ q: '_' })).toEqual([]);
  });

  it('counts the matches on the first page', async () => {
    expect((await c.get(q({ q: 'lee' }))).body).toMatchObject({ total: 2, totalExact: true, nextCursor: null });
    expect((await c.get('/api/v1/contacts')).body).toMatchObject({ total: 5, totalExact: true });
  });
});

describe('filters, each fitting its type', () => {
  it('text: is, is not, contains, starts with, any of, has a value, is empty', async () => {
    expect(await where('properties.city', 'eq', 'LONDON')).toEqual(['Ann', 'Eve']);
    expect(await where('properties.city', 'neq', 'london')).toEqual(['Bob', 'Cara', 'Dan']);
    expect(await where('properties.city', 'contains', 'eed')).toEqual(['Bob']);
    expect(await where('properties.city', 'contains', '%')).toEqual(['Cara']);
    expect(await where('properties.city', 'contains', 'n_c')).toEqual(['Cara']);
    expect(await where('properties.city', 'contains', 't_n')).toEqual([]);
    expect(await where('properties.city', 'starts_with', 'Le')).toEqual(['Bob']);
    expect(await where('properties.city', 'in', ['leeds', 'London'])).toEqual(['Ann', 'Bob', 'Eve']);
    expect(await where('properties.city', 'is_set')).toEqual(['Ann', 'Bob', 'Cara', 'Eve']);
    expect(await where('properties.city', 'is_not_set')).toEqual(['Dan']);
    expect(await where('email', 'eq', 'BOB@lee.io')).toEqual(['Bob']);
    expect(await where('email', 'is_not_set')).toEqual(['Eve']);
    expect(await where('last_name', 'starts_with', 'b')).toEqual(['Dan']);
    expect(await where('external_id', 'eq', 'x-5')).toEqual(['Eve']);
  });

  it('numbers: is, greater, less, between, any of', async () => {
    expect(await where('properties.orders', 'gt', 5)).toEqual(['Ann', 'Dan']);
    expect(await where('properties.orders', 'lt', '3.5')).toEqual(['Bob', 'Cara']);
    expect(await where('properties.orders', 'between', [3, 7.5])).toEqual(['Bob', 'Dan']);
    expect(await where('properties.orders', 'eq', 0)).toEqual(['Cara']);
    expect(await where('properties.orders', 'neq', 0)).toEqual(['Ann', 'Bob', 'Dan', 'Eve']);
    expect(await where('properties.orders', 'in', [3, 12])).toEqual(['Ann', 'Bob']);
  });

  it('yes/no, choices and dates', async () => {
    expect(await where('properties.vip', 'eq', true)).toEqual(['Ann', 'Dan']);
    expect(await where('properties.vip', 'eq', 'false')).toEqual(['Bob']);
    expect(await where('properties.tier', 'eq', 'gold')).toEqual(['Ann']);
    expect(await where('properties.tier', 'in', ['Gold', 'Silver'])).toEqual(['Ann', 'Bob']);
    expect(await where('properties.tier', 'neq', 'Gold')).toEqual(['Bob', 'Cara', 'Dan', 'Eve']);
    expect(await where('lifecycle_stage', 'eq', 'customer')).toEqual(['Ann', 'Dan']);
    // Eve has no email address, so she cannot be subscribed.
    expect(await where('email_status', 'neq', 'subscribed')).toEqual(['Dan', 'Eve']);
    expect(await where('properties.joined', 'before', '2023-06-30')).toEqual(['Ann']);
    expect(await where('properties.joined', 'after', '2023-06-30')).toEqual(['Cara']);
    expect(await where('properties.joined', 'eq', '2024-02-29')).toEqual(['Cara']);
    expect(await where('properties.joined', 'between', ['2023-01-15', '2023-06-30'])).toEqual(['Ann', 'Bob']);
    const third = (await c.get(q({ sort: 'created_at', order: 'asc' }))).body.items[2].createdAt;
    expect(await where('created_at', 'after', third)).toEqual(['Dan', 'Eve']);
    expect(await where('created_at', 'before', '2000-01-01')).toEqual([]);
    expect(await names({ filters: [{ field: 'properties.vip', op: 'eq', value: true }, { field: 'lifecycle_stage', op: 'eq', value: 'customer' }], q: 'dan' })).toEqual(['Dan']);
  });

  it('refuses what does not fit, naming the filter and the part', async () => {
    const cases: [unknown, string][] = [
      [[{ field: 'properties.orders', op: 'contains', value: '1' }], 'query.filters.0.op'],
      [[{ field: 'properties.vip', op: 'gt', value: 1 }], 'query.filters.0.op'],
      [[{ field: 'email', op: 'eq', value: 'a@b.c' }, { field: 'properties.orders', op: 'gt', value: 'lots' }], 'query.filters.1.value'],
      [[{ field: 'properties.orders', op: 'between', value: [1] }], 'query.filters.0.value'],
      [[{ field: 'properties.joined', op: 'before', value: '2024-02-30' }], 'query.filters.0.value'],
      [[{ field: 'properties.tier', op: 'eq', value: 'Diamond' }], 'query.filters.0.value'],
      [[{ field: 'properties.nothing', op: 'is_set' }], 'query.filters.0.field'],
      [[{ field: 'password', op: 'eq', value: 'x' }], 'query.filters.0.field'],
      [[{ field: 'email', op: 'like', value: 'x' }], 'query.filters.0.op'],
    ];
    for (const [filters, path] of cases) {
      const res = await c.get(q({ filters }));
      expect(res.status, JSON.stringify(filters)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const notJson = await c.get('/api/v1/contacts?filters=%7Bnope');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details[0].path).toBe('query.filters');
    expect((await c.get(q({ sort: 'password' }))).status).toBe(400);
    expect((await c.get(q({ after: 'garbage' }))).status).toBe(400);
  });
});

describe('hostile input', () => {
  it('keys, values, sorts, searches and cursors never become SQL text', async () => {
    const hostile = [
      "x'); drop table contacts; --",
      "plan' or '1'='1",
      'a" or 1=1 --',
      "city') or true or ('",
      '$99',
      "'::jsonb",
      '\\',
    ];
    const seen: string[] = [];
    const db = t.h.ctx.db;
    const original = db.query.bind(db);
    const originalTransaction = db.transaction.bind(db);
    db.query = (async (text: string, params?: unknown[]) => {
      seen.push(text);
      return original(text, params);
    }) as typeof db.query;
    db.transaction = ((fn: (s: any) => Promise<unknown>) =>
      originalTransaction((tx) =>
        fn({
          ...tx,
          query: (text: string, params?: unknown[]) => {
            seen.push(text);
            return tx.query(text, params);
          },
        }),
      )) as typeof db.transaction;
    try {
      for (const h of hostile) {
        for (const filter of [
          { field: `properties.${h}`, op: 'eq', value: 'x' },
          { field: h, op: 'eq', value: 'x' },
          { field: 'properties.city', op: 'eq', value: h },
          { field: 'properties.city', op: 'contains', value: h },
          { field: 'properties.city', op: 'in', value: [h, h] },
          { field: 'properties.orders', op: 'gt', value: h },
          { field: 'properties.joined', op: 'before', value: h },
          { field: 'properties.tier', op: 'eq', value: h },
        ]) {
          const res = await c.get(q({ filters: [filter] }));
          expect([200, 400], JSON.stringify(filter)).toContain(res.status);
          if (res.status === 200) expect(res.body.items).toEqual([]);
        }
        for (const params of [{ q: h }, { sort: h }, { sort: `properties.${h}` }, { after: Buffer.from(JSON.stringify({ s: 'created_at', o: 'desc', v: h, id: '01a206a7-2d0a-790a-b933-c4c4833a7dfd' })).toString('base64url') }]) {
          const res = await c.get(q(params));
          expect([200, 400], JSON.stringify(params)).toContain(res.status);
        }
        expect((await c.post('/api/v1/contacts/bulk-delete', { filter: { q: h, filters: [{ field: 'properties.city', op: 'eq', value: h }] } })).body).toEqual({ deleted: 0 });
        expect((await c.get(`/api/v1/contacts/export.csv?${new URLSearchParams({ q: h })}`)).status).toBe(200);
      }
    } finally {
      db.query = original;
      db.transaction = originalTransaction;
    }
    expect(seen.length).toBeGreaterThan(60);
    for (const text of seen) for (const h of hostile) expect(text).not.toContain(h);
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [workspaceId]);
    expect(n!.n).toBe(people.length);
  });
});

describe('keyset pages', () => {
  const sorts = ['created_at', 'updated_at', 'email', 'first_name', 'last_name', 'external_id', 'phone', 'lifecycle_stage', 'email_status', 'properties.orders', 'properties.vip', 'properties.tier', 'properties.city', 'properties.joined'];

  it('cover every contact exactly once, in order, under any sort and page size', async () => {
    const all = (await c.get(q({ limit: 500 }))).body.items.map((x: { id: string }) => x.id).sort();
    for (const sort of sorts) {
      for (const order of ['asc', 'desc']) {
        const whole = (await c.get(q({ sort, order, limit: 500 }))).body.items.map((x: { id: string }) => x.id);
        expect([...whole].sort(), `${sort} ${order}`).toEqual(all);
        for (const limit of [1, 2, 3]) {
          const ids: string[] = [];
          let after: string | null = null;
          do {
            const res: { status: number; body: any } = await c.get(q({ sort, order, limit: String(limit), ...(after ? { after } : {}) }));
            expect(res.status).toBe(200);
            ids.push(...res.body.items.map((x: { id: string }) => x.id));
            after = res.body.nextCursor;
            expect(ids.length).toBeLessThanOrEqual(all.length);
          } while (after);
          expect(ids, `${sort} ${order} by ${limit}`).toEqual(whole);
        }
      }
    }
  });

  it('sorts contacts without a value last, in both directions', async () => {
    const asc = (await c.get(q({ sort: 'properties.orders', order: 'asc' }))).body.items.map((x: any) => x.firstName);
    expect(asc).toEqual(['Cara', 'Bob', 'Dan', 'Ann', 'Eve']);
    const desc = (await c.get(q({ sort: 'properties.orders', order: 'desc' }))).body.items.map((x: any) => x.firstName);
    expect(desc).toEqual(['Ann', 'Dan', 'Bob', 'Cara', 'Eve']);
    const byName = (await c.get(q({ sort: 'last_name', order: 'asc' }))).body.items.map((x: any) => x.firstName);
    expect(byName).toEqual(['Dan', 'Cara', 'Ann', 'Bob', 'Eve']);
  });

  it('refuses a cursor from another sort', async () => {
    const first = (await c.get(q({ sort: 'email', limit: '2' }))).body;
    const res = await c.get(q({ sort: 'last_name', limit: '2', after: first.nextCursor }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('query.after');
  });
});

describe('contacts picked by id', () => {
  it('selects exactly the listed contacts, and refuses what is not an id', async () => {
    const all = (await c.get(q({ sort: 'email', order: 'asc' }))).body.items;
    const picked = [all[0].id, all[2].id];
    const res = (await c.get(q({ sort: 'email', order: 'asc', filters: [{ field: 'id', op: 'in', value: picked }] }))).body;
    expect(res.items.map((x: { id: string }) => x.id)).toEqual(picked);
    expect(res.total).toBe(2);
    expect((await c.get(q({ filters: [{ field: 'id', op: 'contains', value: 'a' }] }))).status).toBe(400);
    expect((await c.get(q({ filters: [{ field: 'id', op: 'in', value: ["x' or 1=1"] }] }))).status).toBe(400);
  });
});
