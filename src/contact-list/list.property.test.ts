// Property-based: whatever the data (ties, missing values, odd text) and whatever the sort
// and page size, walking the keyset pages returns every contact exactly once, in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { listContacts } from './list.ts';

const t = useHarness();

const SORTS = [
  'created_at',
  'updated_at',
  'email',
  'first_name',
  'last_name',
  'lifecycle_stage',
  'properties.score',
  'properties.vip',
  'properties.tier',
  'properties.city',
  'properties.since',
] as const;
// Sorts whose order JS can compute exactly (text order depends on the database's collation).
const NUMERIC = new Set(['created_at', 'updated_at', 'properties.score']);

const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const someText = fc.constantFrom('Ann', 'ann', 'Bob', 'Émile', 'Zoë', 'O’Neil', 'a b', 'Z', '0', 'zz', ' lead');
const instant = fc.integer({ min: 0, max: 4 }).map((i) => new Date(Date.UTC(2024, 0, 1 + i, 0, 0, 0, i % 2)).toISOString());

const contactArb = fc.record({
  email: maybe(fc.constantFrom('a', 'b', 'c', 'ab', 'z')),
  firstName: maybe(someText),
  lastName: maybe(someText),
  lifecycleStage: maybe(fc.constantFrom('lead', 'customer', 'churned')),
  createdAt: instant,
  updatedAt: instant,
  score: maybe(fc.constantFrom(-1.5, 0, 1, 1, 2, 1e6)),
  vip: maybe(fc.boolean()),
  tier: maybe(fc.constantFrom('Gold', 'Silver')),
  city: maybe(someText),
  since: maybe(fc.constantFrom('2024-01-01', '2024-01-01T12:00:00.000Z', '2023-12-31')),
});

describe('keyset pagination (property-based)', () => {
  it('returns every contact exactly once, in the sort order, for random data, sorts and page sizes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(contactArb, { maxLength: 30 }),
        fc.constantFrom(...SORTS),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.integer({ min: 1, max: 8 }),
        async (people, sort, order, limit) => {
          const [ws] = await t.h.db.query<{ id: string }>('insert into workspaces (name) values ($1) returning id', [`pbt ${++run}`]);
          const workspaceId = ws!.id;
          await t.h.db.query(
            `insert into property_definitions (workspace_id, key, label, type, options) values
               ($1, 'score', 'Score', 'number', '{}'), ($1, 'vip', 'VIP', 'boolean', '{}'),
               ($1, 'tier', 'Tier', 'enum', '{Gold,Silver}'), ($1, 'city', 'City', 'string', '{}'), ($1, 'since', 'Since', 'date', '{}')`,
            [workspaceId],
          );
          const ids: string[] = [];
          for (const [i, p] of people.entries()) {
            const props = Object.fromEntries(
              Object.entries({ score: p.score, vip: p.vip, tier: p.tier, city: p.city, since: p.since }).filter(([, v]) => v !== null),
            );
            const [row] = await t.h.db.query<{ id: string }>(
              `insert into contacts (workspace_id, email, first_name, last_name, lifecycle_stage, properties, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) returning id`,
              [workspaceId, p.email && `${p.email}${i}@x.test`, p.firstName, p.lastName, p.lifecycleStage, JSON.stringify(props), p.createdAt, p.updatedAt],
            );
            ids.push(row!.id);
          }

          const walked: string[] = [];
          let after: string | undefined;
          let pages = 0;
          do {
            const page = await listContacts(t.h.ctx, workspaceId, { sort, order, limit, after });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            walked.push(...page.items.map((c) => c.id));
            after = page.nextCursor ?? undefined;
            expect(++pages).toBeLessThanOrEqual(people.length + 1);
          } while (after);

          expect([...walked].sort()).toEqual([...ids].sort());
          expect(new Set(walked).size).toBe(walked.length);
          const whole = await listContacts(t.h.ctx, workspaceId, { sort, order, limit: 500 });
          expect(walked).toEqual(whole.items.map((c) => c.id));
          if (whole.items.length === 0) expect(whole.total).toBe(0);
          else expect(whole.total).toBe(people.length);

          if (NUMERIC.has(sort)) {
            const value = (i: number): number | null => {
              const p = people[i]!;
              return sort === 'created_at' ? Date.parse(p.createdAt) : sort === 'updated_at' ? Date.parse(p.updatedAt) : p.score;
            };
            const dir = order === 'asc' ? 1 : -1;
            const expected = ids
              .map((id, i) => ({ id, v: value(i) }))
              .sort((a, b) => {
                // Missing values last in both directions (among themselves by id, in the direction); ties by id.
                if (a.v === null || b.v === null) return a.v === b.v ? dir * (a.id < b.id ? -1 : 1) : a.v === null ? 1 : -1;
                return a.v !== b.v ? dir * (a.v - b.v) : dir * (a.id < b.id ? -1 : 1);
              })
              .map((x) => x.id);
            expect(walked).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
