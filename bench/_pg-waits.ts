// What a benchmarked server's PostgreSQL sessions wait on, sampled (ingest, surveys).
import type pg from 'pg';

/** Samples what the server's PostgreSQL sessions wait on (type:event → sessions × samples). */
export function waitSampler(admin: pg.Client): { stop(): Promise<Record<string, number>> } {
  const counts: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await admin.query(
        `select coalesce(wait_event_type || ':' || wait_event, 'cpu') as w, count(*)::int as n from pg_stat_activity
         where application_name = 'rapport' and datname = current_database() and state = 'active' group by 1`,
      );
      for (const r of rows) counts[r.w as string] = (counts[r.w as string] ?? 0) + (r.n as number);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
    },
  };
}
