// `npm run bench -- retention`: fitting the retention models on CUSTOMERS customers (default
// 1,000,000 on PostgreSQL via DATABASE_URL, 100,000 on PGlite) and writing every customer's
// scores, the whole of one nightly fit (the summaries in SQL, grouped with weights; BG/NBD,
// Pareto/NBD and Gamma-Gamma by maximum likelihood; the holdout check with its own fit and
// tracking plot; the scores in one statement), against the reference: computing the same
// customer summaries by a hand-written SQL query over the purchase events (the results are
// compared for equality). Target: under 60 s for a million customers.
// Data: each customer's first order on a day of the last three years, then repeat orders at
// gaps drawn per customer (a few frequent buyers, most rare), some stopping early; one
// currency, amounts varying by customer. KEEP_DB=1 keeps the database, REUSE_DB=1 measures on
// a kept one.
import { computeFit } from '../src/retention/fit.ts';
import { DEFAULT_RETENTION_SETTINGS } from '../src/retention/settings.ts';
import { frequencyRows } from '../src/retention/summaries.ts';
import { dayIn } from '../src/shared/days.ts';
import { analyzeChangedTables } from '../src/db/analyze.ts';
import { benchDatabase, log, rssSampler } from './_setup.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const CUSTOMERS = Number(process.env.CUSTOMERS ?? (onPostgres ? 1_000_000 : 100_000));
const TARGET_S = 60;

async function seed(db: Awaited<ReturnType<typeof benchDatabase>>, now: Date): Promise<void> {
  const ws = db.workspaceId;
  const chunk = 100_000;
  for (let start = 1; start <= CUSTOMERS; start += chunk) {
    const end = Math.min(CUSTOMERS, start + chunk - 1);
    const t0 = performance.now();
    const ids = await db.db.query<{ id: string }>(
      `insert into contacts (id, workspace_id, email, lifecycle_stage, created_at, updated_at)
       select rapport_uuid_v7(), $1, 'r' || i || '@example.com', 'customer', $2, $2 from generate_series($3::int, $4::int) i returning id`,
      [ws, now, start, end],
    );
    // Per customer i: first order f days ago (0..1094); a mean gap g (15..915 days, most long);
    // up to 1 + (i % 7) repeat orders at gaps around g, stopping after a dropout drawn from i.
    await db.db.query(
      `with c as (select u.id, u.n + $3 - 1 as i from unnest($4::uuid[]) with ordinality as u(id, n)),
       p as (
         select c.id, c.i, (c.i * 7919) % 1095 as f, 15 + power(((c.i * 104729) % 1000003) / 1000003.0, 2) * 900 as g, 1 + (c.i % 7) as k,
                ((c.i * 31337) % 101) / 100.0 as stay
         from c),
       orders as (
         select p.id, p.i, j, p.f - floor(j * p.g * (0.5 + ((p.i * 13 + j * 7) % 100) / 100.0))::int as ago
         from p cross join lateral generate_series(0, p.k) j
         where j = 0 or power(p.stay, j) > 0.3)
       insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       select $1, o.id, 'purchase',
              jsonb_build_object('order_id', o.i || '-' || o.j, 'total', 800 + (o.i * 17 + o.j * 331) % 9000, 'currency', 'GBP', 'item_count', 1 + o.j % 3),
              $2::timestamptz - (o.ago || ' days')::interval - ((o.i % 600) || ' minutes')::interval, $2, 'bench', 'purchase:' || o.i || '-' || o.j
       from orders o where o.ago >= 0`,
      [ws, now, start, ids.map((r) => r.id)],
    );
    log(`customers: ${end.toLocaleString()} (${((performance.now() - t0) / 1000).toFixed(1)} s for this ${(end - start + 1).toLocaleString()})`);
  }
  await analyzeChangedTables(db.db);
}

async function main() {
  const bench = await benchDatabase('retention');
  const now = new Date();
  bench.ctx.clock = { now: () => now };
  try {
    const ws = bench.workspaceId;
    if (bench.reused) log('reusing the kept database');
    else await seed(bench, now);
    const until = dayIn(now, 'UTC');
    const scope = { workspaceId: ws, until, since: null };

    // The reference: the same summaries by a hand-written query over the purchase events.
    const reference = () =>
      bench.db.query<{ x: number; tx: number; T: number; n: number }>(
        `select x, tx, "T", count(*)::int as n from (
           select count(distinct d)::int - 1 as x, max(d) - min(d) as tx, $2::date - min(d) as "T"
           from (select contact_id, (occurred_at at time zone 'UTC')::date as d from events
                 where workspace_id = $1 and name = 'purchase' and occurred_at < ($2::date + 1)::timestamp at time zone 'UTC') e
           group by contact_id) s
         group by 1, 2, 3`,
        [ws, until],
      );
    const key = (rows: { x: number; tx: number; T: number; n: number }[]) =>
      JSON.stringify(rows.map((r) => [r.x, r.tx, r.T, r.n]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!));
    const t0 = performance.now();
    const refRows = await reference();
    const referenceMs = performance.now() - t0;
    const t1 = performance.now();
    const ourRows = await frequencyRows(bench.db, scope);
    const summariesMs = performance.now() - t1;
    if (key(ourRows) !== key(refRows)) throw new Error('the summaries and the hand-written query disagree');
    const customers = ourRows.reduce((n, r) => n + r.n, 0);
    log(`summaries: ${customers.toLocaleString()} customers in ${ourRows.length.toLocaleString()} rows; ours ${summariesMs.toFixed(0)} ms, hand-written ${referenceMs.toFixed(0)} ms`);

    const rss = rssSampler();
    const t2 = performance.now();
    const result = await computeFit(bench.db, scope, { ...DEFAULT_RETENTION_SETTINGS, timezone: 'UTC' }, { score: true, now });
    const fitS = (performance.now() - t2) / 1000;
    const peakRss = rss.stop();
    log(`fit and scores: ${fitS.toFixed(1)} s; BG/NBD ${JSON.stringify(result.bgnbd?.params)}; verdict ${result.verdict}`);
    const [scored] = await bench.db.query<{ n: number }>('select count(*)::int as n from contact_scores where workspace_id = $1', [ws]);
    if (scored!.n !== customers) throw new Error(`${scored!.n} customers scored of ${customers}`);
    console.log(
      JSON.stringify({
        bench: 'retention',
        database: bench.kind,
        customers,
        summary_rows: ourRows.length,
        repeat_buyers: result.repeatBuyers,
        summaries_ms: Math.round(summariesMs),
        reference_summaries_ms: Math.round(referenceMs),
        summaries_ratio: Number((summariesMs / referenceMs).toFixed(2)),
        fit_and_scores_s: Number(fitS.toFixed(1)),
        ratio: Number(((fitS * 1000) / referenceMs).toFixed(2)),
        peak_rss_mb: peakRss,
        verdict: result.verdict,
        holdout_error: result.check?.total.error ?? null,
        target_s: TARGET_S,
        met: fitS < TARGET_S,
      }),
    );
  } finally {
    if (process.env.KEEP_DB) await bench.release();
    else await bench.close();
  }
}

await main();
