// Subscriptions through the product's path: the contract-renewal data of Fader & Hardie (2007)
// (test/fixtures/sbg-retention/, with its licence note) written as yearly renewal events of
// 1,000 subscribers per cohort, the renewal event named in the settings, the fit run as a user
// runs it: the shifted-beta-geometric parameters of the paper for both cohorts.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { insertEventsSql } from '../events/record.ts';
import { useHarness } from '../testing/harness.ts';
import { fitRetention } from './retention.ts';

const t = useHarness();
const rows = parse(readFileSync(new URL('../../test/fixtures/sbg-retention/sbg_paper.csv', import.meta.url)), { columns: true, cast: true }) as {
  customer_id: number;
  recency: number;
  T: number;
  cohorts: string;
}[];

/** A workspace whose subscribers started in 2018 and renewed each June until they left (recency 8: still subscribed after 7 renewals). */
async function cohort(name: string): Promise<string> {
  const owner = await t.h.signUp();
  const ws = owner.workspaceId;
  const members = rows.filter((r) => r.cohorts === name);
  const ids = await t.h.db.query<{ id: string }>(
    `insert into contacts (id, workspace_id, email, created_at, updated_at)
     select rapport_uuid_v7(), $1, 's' || i || '@example.com', $2, $2 from generate_series(1, $3::int) i returning id`,
    [ws, new Date('2018-06-01T00:00:00Z'), members.length],
  );
  // Paid years: 2018 and one more for each renewal; who left in year t paid t years.
  const paid = members.map((m) => (m.recency === m.T ? m.T : m.recency));
  await t.h.db.query(
    insertEventsSql(
      `select $1::uuid, c.id, 'subscription.renewed', '{}'::jsonb, make_timestamptz(2017 + y, 6, 1, 9, 0, 0, 'UTC'), make_timestamptz(2017 + y, 6, 1, 9, 0, 0, 'UTC'), 'tracking', 'renewal:' || c.id || ':' || y
       from unnest($2::uuid[], $3::int[]) as c(id, years) cross join lateral generate_series(1, c.years) y`,
    ),
    [ws, ids.map((r) => r.id), paid],
  );
  const client = (await t.h.apiKey(ws)).client;
  const saved = await client.put('/api/v1/retention/settings', {
    windowDays: null,
    holdoutDays: null,
    horizonMonths: 12,
    discountRate: 0.1,
    refit: 'manual',
    renewalEvent: 'subscription.renewed',
    renewalPeriod: 'year',
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return ws;
}

describe('subscriptions: the shifted-beta-geometric model on Fader & Hardie (2007)', () => {
  it('gives the published parameters for the regular (α 0.704, β 1.182) and the high-end cohort (α 0.668, β 3.806)', async () => {
    t.h.clock.set(new Date('2026-01-15T12:00:00Z'));
    for (const [name, alpha, beta, kept] of [
      ['regular', 0.704, 1.182, 0.241],
      ['highend', 0.668, 3.806, 0.491],
    ] as const) {
      const ws = await cohort(name);
      const fit = await fitRetention(t.h.ctx, ws, { cause: 'cli' });
      const s = fit.result!.subscriptions!;
      expect(s).toMatchObject({ event: 'subscription.renewed', period: 'year' });
      expect(s.cohorts).toHaveLength(1);
      const c = s.cohorts[0]!;
      expect(c).toMatchObject({ cohort: '2018-01-01', subscribers: 1000, periods: 8 });
      expect(c.params!.alpha).toBeCloseTo(alpha, 3);
      expect(c.params!.beta).toBeCloseTo(beta, 2);
      // Observed: everyone after 0 renewals, the published share after 7.
      expect(c.actual[0]).toBe(1);
      expect(c.actual[7]).toBeCloseTo(kept, 3);
      // The projection starts at 1 and falls.
      expect(c.projected[0]).toBeCloseTo(1, 10);
      for (let k = 1; k < c.projected.length; k++) expect(c.projected[k]!).toBeLessThan(c.projected[k - 1]!);
    }
  }, 120_000);
});
