// `npm run bench -- loyalty`: the points ledger's throughput, measured on the paths a shop uses.
// - Earns across CONTACTS contacts (100,000 on PostgreSQL via DATABASE_URL, 20,000 on PGlite):
//   one purchase event each, queued by the trigger, worked off by the earn job (WORKERS passes
//   side by side, as several workers would): points computed, members locked, transfers, lots,
//   points.earned events and members' figures written.
// - Earns for one hot contact: HOT events of one customer.
// - Redemptions: a reward (no stock) redeemed SPENDS times by different members, and SPENDS_HOT
//   times by one member, REDEEM_CLIENTS requests in flight at once (64 on PostgreSQL: a shop's
//   checkout during a sale); the server redeems the requests that arrive together in one batch.
// - The reference: a bare single-row INSERT into a table of the same shape as the transfers,
//   CLIENTS at once, the same number of rows as the earns.
// - Coupon generation: CODES unique codes (1,000,000 by default) for one campaign.
// Targets: 5,000 transfers/s or more; 1,000,000 codes in under 30 s.
import { startBatch, generateBatch } from '../src/coupons/issue.ts';
import { createCampaign } from '../src/coupons/campaigns.ts';
import { analyzeChangedTables } from '../src/db/analyze.ts';
import { earnPending } from '../src/loyalty/earn.ts';
import { checkLedger } from '../src/loyalty/ledger/check.ts';
import { createRule, saveProgram } from '../src/loyalty/program.ts';
import { redeemReward } from '../src/loyalty/redeem.ts';
import { createReward } from '../src/loyalty/rewards.ts';
import { benchDatabase, log } from './_setup.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const CONTACTS = Number(process.env.CONTACTS ?? (onPostgres ? 100_000 : 20_000));
const HOT = Number(process.env.HOT ?? 10_000);
const SPENDS = Number(process.env.SPENDS ?? (onPostgres ? 20_000 : 5_000));
const SPENDS_HOT = Number(process.env.SPENDS_HOT ?? 2_000);
const CODES = Number(process.env.CODES ?? 1_000_000);
const WORKERS = Number(process.env.WORKERS ?? (onPostgres ? 4 : 1));
const CLIENTS = onPostgres ? 8 : 1;
// Checkout requests in flight at once: a shop's server under a sale's load.
const REDEEM_CLIENTS = Number(process.env.REDEEM_CLIENTS ?? (onPostgres ? 64 : 8));
const TARGET_PER_S = 5_000;
const TARGET_CODES_S = 30;

/** Runs `n` tasks, `clients` at a time. */
async function pooled(n: number, clients: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function main() {
  const bench = await benchDatabase('loyalty');
  const { db, workspaceId: ws } = bench;
  const now = new Date();
  try {
    await saveProgram(db, ws, { state: 'active', name: 'Rewards', refundPolicy: 'negative', inactivityDays: null, tierBasis: 'points', tierCurrency: null, tierWindow: 'lifetime', downgrade: 'never', pointValue: null, earnFrom: new Date('2000-01-01') }, now);
    await createRule(db, ws, { name: 'Orders', kind: 'purchase', eventName: 'purchase', currency: 'EUR', pointsPerUnit: 1, multipliers: [{ match: 'category', value: 'coffee', bp: 20_000 }], points: null, pendingDays: 0, limit: null, expiry: { kind: 'end_of_year' }, active: true });
    const seed = performance.now();
    const contacts = await db.query<{ id: string }>(
      `insert into contacts (workspace_id, email, external_id, created_at, updated_at) select $1, 'l' || i || '@example.com', 'l' || i, $2, $2 from generate_series(1, $3::int) i returning id`,
      [ws, now, CONTACTS + 1],
    );
    const ids = contacts.map((c) => c.id);
    const hot = ids.pop()!;
    const insertOrders = async (who: string[], prefix: string) => {
      for (let i = 0; i < who.length; i += 20_000) {
        await db.query(
          `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
           select $1, c, 'purchase', jsonb_build_object('order_id', $3 || n, 'total', 5000 + (n % 97) * 100, 'currency', 'EUR',
                  'items', jsonb_build_array(jsonb_build_object('category', case when n % 3 = 0 then 'coffee' else 'mugs' end, 'total', 3000))),
                  $2::timestamptz - (n % 1000) * interval '1 minute', $2, 'bench', 'purchase:' || $3 || n
           from unnest($4::uuid[]) with ordinality as u(c, n)`,
          [ws, now, `${prefix}${i}-`, who.slice(i, i + 20_000)],
        );
      }
    };
    await insertOrders(ids, 'o');
    await analyzeChangedTables(db);
    log(`seeded ${CONTACTS.toLocaleString()} contacts with an order each in ${((performance.now() - seed) / 1000).toFixed(1)} s`);

    // Earns across contacts.
    const t1 = performance.now();
    await Promise.all(Array.from({ length: WORKERS }, () => earnPending(db, ws, () => new Date())));
    const earnS = (performance.now() - t1) / 1000;
    const earnsPerS = CONTACTS / earnS;
    log(`earns across ${CONTACTS.toLocaleString()} contacts: ${earnS.toFixed(1)} s, ${Math.round(earnsPerS)} transfers/s`);

    // Earns for one hot contact.
    await insertOrders(Array.from({ length: HOT }, () => hot), 'h');
    const t2 = performance.now();
    await Promise.all(Array.from({ length: WORKERS }, () => earnPending(db, ws, () => new Date())));
    const hotS = (performance.now() - t2) / 1000;
    const hotPerS = HOT / hotS;
    log(`earns for one contact: ${HOT.toLocaleString()} in ${hotS.toFixed(1)} s, ${Math.round(hotPerS)} transfers/s`);

    // The members' tables grew from nothing during the earns: statistics as autovacuum would leave them.
    await analyzeChangedTables(db);

    // Redemptions: a reward without a stock, by many members, then by the hot one.
    const reward = await createReward(db, ws, { name: 'Sticker', description: null, kind: 'gift', campaignId: null, pointsCost: 10, stock: null, perContactLimit: null, active: true });
    const t3 = performance.now();
    let refused = 0;
    await pooled(SPENDS, REDEEM_CLIENTS, async (i) => {
      const r = await redeemReward(db, ws, { rewardId: reward.id, contactId: ids[i % ids.length]!, key: `s${i}`, userId: null }, new Date());
      if (!r.ok) refused++;
    });
    const spendS = (performance.now() - t3) / 1000;
    const spendsPerS = SPENDS / spendS;
    log(`redemptions by ${Math.min(SPENDS, ids.length).toLocaleString()} members: ${SPENDS.toLocaleString()} in ${spendS.toFixed(1)} s, ${Math.round(spendsPerS)}/s (${refused} refused)`);
    const t4 = performance.now();
    await pooled(SPENDS_HOT, REDEEM_CLIENTS, async (i) => {
      const r = await redeemReward(db, ws, { rewardId: reward.id, contactId: hot, key: `h${i}`, userId: null }, new Date());
      if (!r.ok) refused++;
    });
    const hotSpendS = (performance.now() - t4) / 1000;
    const hotSpendsPerS = SPENDS_HOT / hotSpendS;
    log(`redemptions by one member: ${SPENDS_HOT.toLocaleString()} in ${hotSpendS.toFixed(1)} s, ${Math.round(hotSpendsPerS)}/s (${refused} refused in all)`);
    if (refused > 0) throw new Error(`${refused} redemptions were refused: the members had too few points for the bench`);

    // The reference: bare single-row INSERTs into a table shaped like the transfers.
    await db.exec(`create table bench_transfers (id bigint generated always as identity primary key, workspace_id uuid not null, from_account bigint not null, to_account bigint not null,
      amount bigint not null, kind text not null, cause text not null, idempotency_key text not null, reason text, created_by uuid, created_at timestamptz not null)`);
    const t5 = performance.now();
    await pooled(CONTACTS, CLIENTS, (i) =>
      db.query('insert into bench_transfers (workspace_id, from_account, to_account, amount, kind, cause, idempotency_key, created_at) values ($1, 1, 2, 50, $2, $3, $4, $5)', [ws, 'earn', `event:${i}`, `earn:${i}`, new Date()]),
    );
    const refS = (performance.now() - t5) / 1000;
    const refPerS = CONTACTS / refS;
    log(`reference: ${CONTACTS.toLocaleString()} single-row inserts in ${refS.toFixed(1)} s, ${Math.round(refPerS)}/s`);

    const problems = await checkLedger(db, ws);
    if (problems.length) throw new Error(`the ledger does not check out: ${JSON.stringify(problems.slice(0, 5))}`);
    const [members] = await db.query<{ n: number; points: string }>('select count(*)::int as n, sum(points) as points from loyalty_members where workspace_id = $1', [ws]);
    log(`members: ${members!.n.toLocaleString()}, points outstanding ${Number(members!.points).toLocaleString()}; the ledger checks out`);

    // Coupon generation.
    const campaign = await createCampaign(db, ws, null, { name: 'Million', codeKind: 'unique', codeSpec: { length: 10, charset: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789', prefix: '', suffix: '', pattern: null }, discount: { kind: 'percent', bp: 1000 }, channel: 'partner' });
    const batch = await startBatch(db, ws, campaign.id, { count: CODES });
    const t6 = performance.now();
    const done = await generateBatch(db, ws, batch.id, () => new Date());
    const codesS = (performance.now() - t6) / 1000;
    const [codes] = await db.query<{ n: number; d: number }>('select count(*)::int as n, count(distinct code)::int as d from coupon_codes where campaign_id = $1', [campaign.id]);
    if (done.state !== 'done' || codes!.n !== CODES || codes!.d !== CODES) throw new Error(`codes: ${JSON.stringify({ state: done.state, ...codes })}`);
    log(`codes: ${CODES.toLocaleString()} unique in ${codesS.toFixed(1)} s`);

    const worst = Math.min(earnsPerS, hotPerS, spendsPerS, hotSpendsPerS);
    console.log(
      JSON.stringify({
        bench: 'loyalty',
        database: bench.kind,
        contacts: CONTACTS,
        earns_per_s: Math.round(earnsPerS),
        hot_earns_per_s: Math.round(hotPerS),
        redemptions_per_s: Math.round(spendsPerS),
        hot_redemptions_per_s: Math.round(hotSpendsPerS),
        redeem_clients: REDEEM_CLIENTS,
        reference_inserts_per_s: Math.round(refPerS),
        ratio: Number((refPerS / earnsPerS).toFixed(2)),
        codes: CODES,
        codes_s: Number(codesS.toFixed(1)),
        target_per_s: TARGET_PER_S,
        target_codes_s: TARGET_CODES_S,
        met: worst >= TARGET_PER_S && codesS < TARGET_CODES_S,
      }),
    );
  } finally {
    if (process.env.KEEP_DB) await bench.release();
    else await bench.close();
  }
}

await main();
