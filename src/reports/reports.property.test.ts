import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkOrderDays } from '../purchases/order-days.ts';
import { useHarness } from '../testing/harness.ts';
import { churnReportOf } from './churn.ts';
import { cohortsOf } from './cohorts.ts';
import { customerCounts } from './customers-sql.ts';
import { dashboardOf } from './dashboard.ts';
import { addDays, dayIn, periodOf } from '../shared/days.ts';
import { ORDER_COUNT_BUCKETS, SECOND_ORDER_BUCKETS, bucketOf } from './definitions.ts';
import { refBuyers, refCohorts, refCustomerCounts, refMonthlyRetention, refMoney, type RefOrder, refRevenueCohorts } from './reference.ts';
import { revenueCohortsOf, revenueRetentionOf } from './revenue.ts';

const t = useHarness();
const NOW = new Date('2026-06-15T12:00:00Z');
const ZONES = ['UTC', 'Europe/London', 'Pacific/Auckland', 'America/Los_Angeles'];

const orderArb = fc.record({
  contact: fc.nat({ max: 9 }),
  // Up to about 14 months back, at any minute of the day.
  minutesAgo: fc.integer({ min: 0, max: 420 * 1440 }),
  currency: fc.constantFrom('GBP', 'GBP', 'GBP', 'EUR'),
  total: fc.integer({ min: 1, max: 50_000 }),
  refund: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
});

async function writeOrders(ws: string, contacts: string[], orders: { contact: number; minutesAgo: number; currency: string; total: number; refund: boolean }[], split: boolean) {
  const rows = orders.map((o, i) => [contacts[o.contact]!, o.refund ? 'refund' : 'purchase', { total: o.total, currency: o.currency, order_id: `o${i}` }, new Date(NOW.getTime() - o.minutesAgo * 60_000)] as const);
  // Written in one statement, or one by one (the trigger adds deltas to existing rows).
  const batches = split ? rows.map((r) => [r]) : [rows];
  for (const batch of batches) {
    if (batch.length === 0) continue;
    await t.h.db.query(
      `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       select $1, x.c, x.n, x.p, x.at, x.at, 'test', gen_random_uuid()::text
       from jsonb_to_recordset($2::jsonb) as x(c uuid, n text, p jsonb, at timestamptz)`,
      [ws, JSON.stringify(batch.map(([c, n, p, at]) => ({ c, n, p, at })))],
    );
  }
}

describe('reports equal an in-memory computation of their definitions', () => {
  it('for random orders and refunds in two currencies, in any time zone: dashboard, cohorts, revenue retention, churn and repeat purchase', { timeout: 600_000 }, async () => {
    const { workspaceId: ws } = await t.h.signUp();
    t.h.clock.set(NOW);
    const contacts = (
      await t.h.db.query<{ id: string }>(
        `insert into contacts (workspace_id, email) select $1, 'p' || i || '@example.com' from generate_series(0, 9) i returning id`,
        [ws],
      )
    ).map((r) => r.id);
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { maxLength: 40 }),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        fc.constantFrom(30, 90, 365),
        fc.integer({ min: 7, max: 120 }),
        fc.integer({ min: 0, max: 60 }),
        async (orders, zone, split, periodDays, activeDays, endDaysAgo) => {
          await t.h.db.query('delete from events where workspace_id = $1', [ws]);
          await t.h.db.query('update workspaces set timezone = $2 where id = $1', [ws, zone]);
          await writeOrders(ws, contacts, orders, split);
          await linkOrderDays(t.h.db, ws);
          const ref: RefOrder[] = orders.map((o) => ({
            contact: contacts[o.contact]!,
            day: dayIn(new Date(NOW.getTime() - o.minutesAgo * 60_000), zone),
            currency: o.currency,
            total: o.total,
            refund: o.refund,
          }));
          const today = addDays(dayIn(NOW, zone), -endDaysAgo);
          const period = periodOf('custom', today, addDays(today, 1 - periodDays), today);

          // The dashboard's customer counts and money.
          const d = await dashboardOf(t.h.db, { workspaceId: ws, timezone: zone, activeDays }, period);
          const bounds = [...d.buckets, addDays(period.to, 1)];
          const counts = await customerCounts(t.h.db, { workspaceId: ws, timezone: zone, a0: period.previousFrom, bounds, activeDays });
          expect(counts).toEqual(refCustomerCounts(ref, period.previousFrom, bounds, activeDays));
          const money = refMoney(ref, period.from, addDays(period.to, 1));
          for (const c of d.currencies) {
            const m = money.get(c.currency) ?? { orders: 0, spent: 0, refunded: 0 };
            expect(c.tiles.find((x) => x.key === 'revenue')!.value).toBe(m.spent - m.refunded);
            expect(c.tiles.find((x) => x.key === 'orders')!.value).toBe(m.orders);
          }
          expect(new Set(d.currencies.map((c) => c.currency))).toEqual(new Set(ref.filter((o) => o.day >= period.previousFrom && o.day <= period.to).map((o) => o.currency)));

          // Cohorts by month and by week over the last year.
          const from = addDays(today, -365);
          for (const grain of ['month', 'week'] as const) {
            const c = await cohortsOf(t.h.db, { workspaceId: ws, timezone: zone, grain, from, to: today, by: { kind: 'first_order' }, breakdown: { kind: 'none' } });
            expect(c.rows.map(({ start, size, exact, orLater }) => ({ start, size, exact, orLater }))).toEqual(refCohorts(ref, grain, from, today));
          }

          // Revenue per customer by cohort, and month-over-month NRR and GRR, per currency.
          for (const currency of ['GBP', 'EUR']) {
            const scope = { workspaceId: ws, currency, from, to: today };
            const cohorts = await revenueCohortsOf(t.h.db, scope, 'month');
            const expected = refRevenueCohorts(ref, currency, 'month', from, today);
            expect(cohorts.map((c) => ({ start: c.start, size: c.size, revenue: c.revenue }))).toEqual(expected.map((c) => ({ start: c.start, size: c.size, revenue: c.revenue })));
            cohorts.forEach((c, i) => c.perCustomer.forEach((x, k) => expect(x).toBeCloseTo(expected[i]!.perCustomer[k]!, 9)));
            const retention = await revenueRetentionOf(t.h.db, scope, 'month');
            expect(retention.map(({ start, customers, previousRevenue, revenue, keptRevenue }) => ({ start, customers, previousRevenue, revenue, keptRevenue }))).toEqual(
              refMonthlyRetention(ref, currency, from, today),
            );
          }

          // Distributions as of the last day.
          const churn = await churnReportOf(t.h.db, { workspaceId: ws, timezone: zone, activeDays, from, to: today });
          const buyers = refBuyers(ref, today);
          const perCustomer = ORDER_COUNT_BUCKETS.map(() => 0);
          const second = SECOND_ORDER_BUCKETS.map(() => 0);
          for (const b of buyers) {
            perCustomer[bucketOf(ORDER_COUNT_BUCKETS, b.total)]!++;
            if (b.gap !== null) second[bucketOf(SECOND_ORDER_BUCKETS, b.gap)]!++;
          }
          expect(churn.ordersPerCustomer).toEqual(perCustomer);
          expect(churn.secondOrder.counts).toEqual(second);
          expect(churn.oneTime.customers + churn.repeat.customers).toBe(buyers.length);

          // The rows per day equal a rebuild from the events.
          const stored = async () => [
            await t.h.db.query('select contact_id, day::text, currency, orders, refunds, spent, refunded, first_day::text from purchase_days where workspace_id = $1 order by 1, 2, 3', [ws]),
            await t.h.db.query('select contact_id, day::text, orders, first_day::text, prev_day::text, next_day::text from order_days where workspace_id = $1 order by 1, 2', [ws]),
            await t.h.db.query('select contact_id, currency, month::text, revenue, next_revenue from purchase_months where workspace_id = $1 order by 1, 2, 3', [ws]),
          ];
          const before = await stored();
          await t.h.db.query('select rapport_rebuild_purchase_days($1)', [ws]);
          await linkOrderDays(t.h.db, ws);
          expect(await stored()).toEqual(before);
        },
      ),
      { numRuns: 100 },
    );
  });
});
