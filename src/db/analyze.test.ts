import { describe, expect, it } from 'vitest';
import { upsertContacts } from '../contacts/upsert.ts';
import { useHarness } from '../testing/harness.ts';
import { analyzeChangedTables } from './analyze.ts';

const t = useHarness();

describe('planner statistics', () => {
  it('are refreshed for contacts once many have been written, and not for tables that did not change', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    await analyzeChangedTables(t.h.db); // whatever sign-up changed
    await t.h.db.transaction(async (tx) => {
      await upsertContacts(
        tx,
        ws,
        Array.from({ length: 1000 }, (_, i) => ({ email: `p${i}@example.com` })),
        { now: t.h.clock.now(), source: 'api' },
      );
      // Statistics counters reach the shared view when a transaction ends, at most once a
      // second unless asked: ask, so that the test does not depend on timing.
      await tx.query('select pg_stat_force_next_flush()');
    });
    const analyzed = await analyzeChangedTables(t.h.db);
    expect(analyzed).toContain('public.contacts');
    expect(analyzed).not.toContain('public.workspaces');
    const [stats] = await t.h.db.query<{ n: number }>(
      "select n_distinct::float8 as n from pg_stats where tablename = 'contacts' and attname = 'email'",
    );
    expect(stats?.n).toBe(-1); // every email distinct: what makes the planner probe the index
    expect(await analyzeChangedTables(t.h.db)).not.toContain('public.contacts');
  });
});
