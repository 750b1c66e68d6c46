import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';

const t = useHarness({ work: true });

const file = (n: number) => ['email,first_name', ...Array.from({ length: n }, (_, i) => `person${i}@example.com,Person ${i}`)].join('\n');

/** Index entries read through the created-date index, which lists a workspace's contacts in order. */
async function createdIndexReads(): Promise<number> {
  const [row] = await t.h.db.query<{ n: number }>("select coalesce(sum(idx_tup_read), 0)::bigint as n from pg_stat_user_indexes where indexrelname = 'contacts_created_idx'");
  return Number(row?.n ?? 0);
}

describe('an import into a second workspace', () => {
  it('looks its rows up by the email index, not by walking the workspace, while statistics still say it is empty', async () => {
    const first = await t.h.signUp();
    const second = await t.h.signUp();
    // The first workspace's import ends with ANALYZE: statistics now know one workspace only.
    expect((await importFile(first.client, 'first.csv', file(6000))).result.status).toBe('completed');
    const before = await createdIndexReads();
    const { result } = await importFile(second.client, 'second.csv', file(6000));
    expect(result).toMatchObject({ status: 'completed', createdCount: 6000 });
    // Before: each batch's lookups walked every contact the import had written so far (6,000
    // rows: ~15 million index entries, and quadratic in the file).
    expect((await createdIndexReads()) - before).toBeLessThan(200_000);
  }, 120_000);
});
