import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { fixture, importFile } from '../testing/imports.ts';

const t = useHarness({ work: true });

// Every line of 270 customers of the UCI online-retail history (test/fixtures/online-retail/
// README.md: CC BY 4.0), December 2010 to December 2011, imported as order history; the
// expected figures are computed here from the raw CSV, without Rapport's code.
const FILE = 'online-retail/online_retail_customers_16.csv.gz';

interface Invoice {
  customer: string;
  month: string;
  day: string;
  /** Pence, the sum of quantity × price rounded once per invoice (half away from zero). */
  total: number;
}

/** Invoices of the raw file: a cancellation ("C…", negative total) is a refund. */
function invoicesOf(gz: Buffer): { orders: Invoice[]; refunds: Invoice[] } {
  const rows = parse(gunzipSync(gz), { columns: true }) as Record<string, string>[];
  const byInvoice = new Map<string, { customer: string; at: string; micro: bigint }>();
  for (const r of rows) {
    if (!r.CustomerID) continue;
    const [whole, frac = ''] = r.UnitPrice!.split('.');
    // Price in millionths of a pound, exactly.
    const price = BigInt(whole!) * 1_000_000n + BigInt((frac + '000000').slice(0, 6));
    const inv = byInvoice.get(r.InvoiceNo!) ?? { customer: String(Math.round(Number(r.CustomerID))), at: r.InvoiceDate!, micro: 0n };
    inv.micro += BigInt(r.Quantity!) * price;
    if (r.InvoiceDate! < inv.at) inv.at = r.InvoiceDate!;
    byInvoice.set(r.InvoiceNo!, inv);
  }
  const orders: Invoice[] = [];
  const refunds: Invoice[] = [];
  for (const inv of byInvoice.values()) {
    const abs = inv.micro < 0n ? -inv.micro : inv.micro;
    const pence = Number((abs + 5_000n) / 10_000n);
    const day = inv.at.slice(0, 10);
    const x = { customer: inv.customer, day, month: `${day.slice(0, 7)}-01`, total: pence };
    if (inv.micro < 0n) refunds.push(x);
    else orders.push(x);
  }
  return { orders, refunds };
}

const monthsBetween = (a: string, b: string) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));

describe('reports on a real order history', () => {
  it('the online-retail history gives the monthly cohort triangle, repeat purchase rate and revenue retention computed from the raw file', { timeout: 300_000 }, async () => {
    const gz = fixture(FILE);
    const { orders, refunds } = invoicesOf(gz);
    const owner = await t.h.signUp();
    const { result } = await importFile(owner.client, 'online_retail_customers_16.csv.gz', gz, { kind: 'orders', body: { currency: 'GBP' } });
    expect(result.status).toBe('completed');
    expect(result.stats).toMatchObject({ customers: 270, purchases: orders.length, refunds: refunds.length });

    // The cohort triangle: customers by month of first order, who ordered in each later month.
    const first = new Map<string, string>();
    for (const o of orders) if (!first.has(o.customer) || o.month < first.get(o.customer)!) first.set(o.customer, o.month);
    const months = new Map<string, Set<string>>();
    for (const o of orders) months.set(o.customer, (months.get(o.customer) ?? new Set()).add(o.month));
    const expected = new Map<string, { size: number; exact: number[]; orLater: number[] }>();
    for (const [customer, start] of first) {
      const row = expected.get(start) ?? { size: 0, exact: Array.from({ length: monthsBetween(start, '2011-12-01') + 1 }, () => 0), orLater: [] };
      row.size++;
      for (const m of months.get(customer)!) row.exact[monthsBetween(start, m)]!++;
      expected.set(start, row);
    }
    for (const [start, row] of expected)
      row.orLater = row.exact.map((_, k) => [...first].filter(([c, s]) => s === start && [...months.get(c)!].some((m) => monthsBetween(start, m) >= k)).length);

    const cohorts = (await owner.client.get('/api/v1/reports/cohorts?grain=month&from=2010-12-01&to=2011-12-09')).body;
    expect(cohorts.rows.length).toBe(13);
    for (const row of cohorts.rows) expect({ size: row.size, exact: row.exact, orLater: row.orLater }, row.start).toEqual(expected.get(row.start));
    // December 2010's cohort, as the triangle's first row begins (sizes and the first cells).
    expect(cohorts.rows[0].start).toBe('2010-12-01');
    expect(cohorts.rows[0].exact[0]).toBe(cohorts.rows[0].size);

    // Repeat purchase rate for September to November 2011: of those who ordered then, who had ordered twice or more by its end.
    const dash = (await owner.client.get('/api/v1/reports/dashboard?range=custom&from=2011-09-01&to=2011-11-30')).body;
    const buyers = new Set(orders.filter((o) => o.day >= '2011-09-01' && o.day <= '2011-11-30').map((o) => o.customer));
    const repeaters = [...buyers].filter((c) => orders.filter((o) => o.customer === c && o.day <= '2011-11-30').length >= 2);
    const repeat = dash.tiles.find((x: any) => x.key === 'repeatRate');
    expect(repeat.count.current).toEqual({ of: buyers.size, count: repeaters.length });
    expect(repeat.value).toBeCloseTo(repeaters.length / buyers.size, 12);
    // Revenue: orders minus refunds in the period, in pence.
    const revenue = dash.currencies[0].tiles.find((x: any) => x.key === 'revenue');
    const inPeriod = (o: Invoice) => o.day >= '2011-09-01' && o.day <= '2011-11-30';
    expect(dash.currencies.map((c: any) => c.currency)).toEqual(['GBP']);
    expect(revenue.value).toBe(orders.filter(inPeriod).reduce((s, o) => s + o.total, 0) - refunds.filter(inPeriod).reduce((s, o) => s + o.total, 0));

    // Revenue retention: revenue per customer by cohort, and month-over-month NRR and GRR.
    const rev = (customer: string, month: string) =>
      orders.filter((o) => o.customer === customer && o.month === month).reduce((s, o) => s + o.total, 0) -
      refunds.filter((o) => o.customer === customer && o.month === month).reduce((s, o) => s + o.total, 0);
    const r = (await owner.client.get('/api/v1/reports/revenue?currency=GBP&from=2010-12-01&to=2011-12-09&retention=month')).body;
    for (const c of r.cohorts) {
      const members = [...first].filter(([, s]) => s === c.start).map(([customer]) => customer);
      expect(c.size).toBe(members.length);
      const perMonth = c.revenue.map((_: number, k: number) => members.reduce((s, m) => s + rev(m, addMonths(c.start, k)), 0));
      expect(c.revenue, c.start).toEqual(perMonth);
    }
    const customers = [...first.keys()];
    for (const p of r.retention.slice(1)) {
      const before = addMonths(p.start, -1);
      const starting = customers.filter((c) => rev(c, before) > 0);
      const previous = starting.reduce((s, c) => s + rev(c, before), 0);
      const now = starting.reduce((s, c) => s + rev(c, p.start), 0);
      const kept = starting.reduce((s, c) => s + Math.max(0, Math.min(rev(c, p.start), rev(c, before))), 0);
      expect({ customers: p.customers, previousRevenue: p.previousRevenue, revenue: p.revenue, keptRevenue: p.keptRevenue }, p.start).toEqual({ customers: starting.length, previousRevenue: previous, revenue: now, keptRevenue: kept });
      expect(p.grr).toBeLessThanOrEqual(1);
    }
    // The CSV of the triangle carries the same counts.
    const csv = await owner.client.request('GET', '/api/v1/reports/cohorts.csv?grain=month&from=2010-12-01&to=2011-12-09');
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain(`2010-12-01,,${cohorts.rows[0].size},0,${cohorts.rows[0].size},1,`);
  });
});

function addMonths(month: string, n: number): string {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
}
