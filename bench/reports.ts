// `npm run bench -- reports`: the home dashboard (last 90 days), a 24-month cohort triangle
// and revenue retention (24 monthly cohorts' revenue per customer and 24 months of NRR/GRR),
// each computed by the reports code (over the per-day purchase rows) and by a hand-written SQL
// query over the events for the same figures, in the same run (results compared for equality;
// median of 5 after a warm-up, interleaved). Data: the retail set of the segments benchmark,
// CONTACTS/EVENTS default 1,000,000 / 10,000,000 on PostgreSQL (DATABASE_URL), 100,000 /
// 1,000,000 on PGlite. KEEP_DB=1 keeps the database, REUSE_DB=1 measures on a kept one.
import { linkOrderDays } from '../src/purchases/order-days.ts';
import { cohortsOf } from '../src/reports/cohorts.ts';
import { dashboardOf } from '../src/reports/dashboard.ts';
import { addPeriods, dayIn, periodOf, periodStart } from '../src/shared/days.ts';
import { revenueCohortsOf, revenueRetentionOf } from '../src/reports/revenue.ts';
import { seedRetail } from './_retail.ts';
import { benchDatabase, log } from './_setup.ts';
import { cohortReference, dashboardReference, revenueReference } from './_reports-reference.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const CONTACTS = Number(process.env.CONTACTS ?? (onPostgres ? 1_000_000 : 100_000));
const EVENTS = Number(process.env.EVENTS ?? (onPostgres ? 10_000_000 : 1_000_000));
const RUNS = 5;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number) => Number(x.toFixed(1));

async function main() {
  const bench = await benchDatabase('reports');
  const now = new Date();
  bench.ctx.clock = { now: () => now };
  try {
    const ws = bench.workspaceId;
    let linkSeconds: number | null = null;
    if (bench.reused) log('reusing the kept database');
    else {
      await seedRetail(bench, now, CONTACTS, EVENTS);
      // The links of every customer's order days, all at once (the import case).
      const t0 = performance.now();
      const linked = await linkOrderDays(bench.db, ws);
      linkSeconds = (performance.now() - t0) / 1000;
      log(`order days linked for ${linked.toLocaleString()} customers in ${linkSeconds.toFixed(1)} s`);
      await bench.db.exec('analyze purchase_days; analyze order_days');
    }
    const [rows] = await bench.db.query<{ n: number; contacts: number }>('select count(*)::int as n, count(distinct contact_id)::int as contacts from purchase_days where workspace_id = $1', [ws]);
    log(`purchase_days: ${rows!.n.toLocaleString()} rows for ${rows!.contacts.toLocaleString()} customers`);
    const tz = 'UTC';
    const today = dayIn(now, tz);
    const activeDays = 90;
    const period = periodOf('90d', today);
    const from24 = addPeriods(periodStart(today, 'month'), -23, 'month');
    const scope = { workspaceId: ws, timezone: tz, activeDays };

    const cases: { name: string; ours: () => Promise<unknown>; reference: () => Promise<unknown> }[] = [
      {
        name: 'dashboard_90d',
        ours: async () => {
          const d = await dashboardOf(bench.db, scope, period);
          const t = (key: string) => d.tiles.find((x) => x.key === key)!;
          const gbp = d.currencies.find((c) => c.currency === 'GBP')!.tiles;
          const m = (key: string) => gbp.find((x) => x.key === key)!;
          return {
            customers: [t('customers').previous, t('customers').value],
            newCustomers: [t('newCustomers').previous, t('newCustomers').value],
            active: [t('activeCustomers').previous, t('activeCustomers').value, ...t('activeCustomers').series],
            churn: [t('churnRate').count!.previous, t('churnRate').count!.current],
            repeat: [t('repeatRate').count!.previous, t('repeatRate').count!.current],
            revenue: [m('revenue').previous, m('revenue').value, ...m('revenue').series],
            orders: [m('orders').previous, m('orders').value],
          };
        },
        reference: () => dashboardReference(bench.db, { workspaceId: ws, timezone: tz, activeDays, period }),
      },
      {
        name: 'cohorts_24_months',
        ours: async () => {
          const c = await cohortsOf(bench.db, { ...scope, grain: 'month', from: from24, to: today, by: { kind: 'first_order' }, breakdown: { kind: 'none' } });
          return c.rows.map((r) => ({ start: r.start, size: r.size, exact: r.exact, orLater: r.orLater }));
        },
        reference: () => cohortReference(bench.db, { workspaceId: ws, timezone: tz, from: from24, to: today }),
      },
      {
        name: 'revenue_retention_24_months',
        ours: async () => {
          const s = { workspaceId: ws, currency: 'GBP', from: from24, to: today };
          const [cohorts, retention] = await Promise.all([revenueCohortsOf(bench.db, s, 'month'), revenueRetentionOf(bench.db, s, 'month')]);
          return { cohorts: cohorts.map((c) => ({ start: c.start, size: c.size, revenue: c.revenue })), retention: retention.map((p) => [p.start, p.customers, p.previousRevenue, p.revenue, p.keptRevenue]) };
        },
        reference: () => revenueReference(bench.db, { workspaceId: ws, timezone: tz, currency: 'GBP', from: from24, to: today }),
      },
    ];

    const results: Record<string, { ms: number; reference_ms: number; ratio: number }> = {};
    for (const c of cases) {
      const a = JSON.stringify(await c.ours());
      const b = JSON.stringify(await c.reference());
      if (a !== b) throw new Error(`${c.name}: the report and the hand-written query disagree\n ours: ${a.slice(0, 600)}\n ref:  ${b.slice(0, 600)}`);
      const ours: number[] = [];
      const ref: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(await time(c.ours));
        ref.push(await time(c.reference));
      }
      results[c.name] = { ms: r1(median(ours)), reference_ms: r1(median(ref)), ratio: Number((median(ours) / median(ref)).toFixed(2)) };
      log(`${c.name}: ${median(ours).toFixed(0)} ms, hand-written over the events ${median(ref).toFixed(0)} ms`);
    }
    const worst = Math.max(...Object.values(results).map((x) => x.ratio));
    const slowest = Math.max(...Object.values(results).map((x) => x.ms));
    console.log(
      JSON.stringify({
        bench: 'reports',
        database: bench.kind,
        contacts: CONTACTS,
        events: EVENTS,
        purchase_days: rows!.n,
        link_all_s: linkSeconds === null ? null : r1(linkSeconds),
        ...results,
        slowest_ms: slowest,
        worst_ratio: worst,
        targets: { ms: 1000, ratio: 1.5 },
        met: slowest < 1000 && worst <= 1.5,
      }),
    );
  } finally {
    if (process.env.KEEP_DB) await bench.release();
    else await bench.close();
  }
}

await main();
