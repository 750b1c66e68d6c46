import type { Database } from './client.ts';

/**
 * Refreshes the planner's statistics of the tables that changed by more than a tenth since
 * they were last analyzed (autovacuum's own rule). PGlite runs no autovacuum, and a server
 * may run with it off; without statistics PostgreSQL plans a lookup of 5,000 emails as a
 * scan of every contact. Run hourly and after every import. Returns the tables analyzed.
 */
export async function analyzeChangedTables(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables
     where schemaname = 'public' and n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)`,
  );
  for (const r of rows) await db.exec(`analyze ${r.name}`);
  return rows.map((r) => r.name);
}
