import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';

const t = useHarness({ work: true });
// December 2010 of the UCI online-retail history, kept in the repository with its licence note
// (test/fixtures/online-retail/README.md); only the orders benchmark reads the whole history.
const RETAIL = new URL('../../test/fixtures/online-retail/online_retail_2010-12.csv.gz', import.meta.url);

/** The expected numbers, counted straight from the raw file with another CSV parser. */
function countRaw(gz: Buffer) {
  const rows = parse(gunzipSync(gz), { columns: true }) as Record<string, string>[];
  const customers = new Set<string>();
  const invoices = new Set<string>();
  let withoutCustomer = 0;
  for (const r of rows) {
    if (!r.CustomerID) {
      withoutCustomer++;
      continue;
    }
    customers.add(r.CustomerID);
    invoices.add(r.InvoiceNo!);
  }
  const refunds = [...invoices].filter((i) => i.startsWith('C')).length;
  return { lines: rows.length, customers: customers.size, purchases: invoices.size - refunds, refunds, withoutCustomer };
}

describe('importing order history', () => {
  it('the UCI online-retail history (its first month) becomes one purchase per invoice, cancellations become refunds, rows without a customer are reported', { timeout: 600_000 }, async () => {
    const gz = readFileSync(RETAIL);
    const expected = countRaw(gz);
    expect(expected).toEqual({ lines: 42_481, customers: 948, purchases: 1400, refunds: 308, withoutCustomer: 15_631 });

    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'online_retail_2010-12.csv.gz', gz, { kind: 'orders', body: { currency: 'GBP' } });
    expect(preview.suggestedMapping).toEqual(['order_id', 'sku', 'product_name', 'quantity', 'ordered_at', 'unit_price', 'customer_id', 'customer_country']);
    expect(result).toMatchObject({ status: 'completed', processedRows: expected.lines, skippedCount: expected.withoutCustomer, createdCount: expected.customers });
    expect(result.stats).toMatchObject({
      lineItems: expected.lines,
      rowsWithoutCustomer: expected.withoutCustomer,
      customers: expected.customers,
      purchases: expected.purchases,
      refunds: expected.refunds,
    });

    const [counts] = await t.h.db.query<Record<string, number>>(
      `select count(*) filter (where name = 'purchase')::int as purchases, count(*) filter (where name = 'refund')::int as refunds,
              count(distinct contact_id)::int as buyers from events where workspace_id = $1`,
      [owner.workspaceId],
    );
    expect(counts).toEqual({ purchases: expected.purchases, refunds: expected.refunds, buyers: expected.customers });

    // Invoice 536365: 7 lines, customer 17850 (written "17850.0" in the file), £139.12.
    const [first] = await t.h.db.query<{ properties: any; occurred_at: Date; external_id: string; country: string }>(
      `select e.properties, e.occurred_at, c.external_id, c.properties ->> 'country' as country
       from events e join contacts c on c.id = e.contact_id where e.workspace_id = $1 and e.message_id = 'purchase:536365'`,
      [owner.workspaceId],
    );
    // "United Kingdom" is stored as its ISO 3166 code.
    expect(first).toMatchObject({ external_id: '17850', country: 'GB', occurred_at: new Date('2010-12-01T08:26:00Z') });
    expect(first!.properties).toMatchObject({ order_id: '536365', total: 13912, currency: 'GBP', item_count: 40 });
    expect(first!.properties.items).toHaveLength(7);
    expect(first!.properties.items[0]).toEqual({ sku: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, unit_price: 255, total: 1530 });

    // The rows without a customer are in the downloadable report.
    const errors = (await owner.client.get(`/api/v1/imports/${result.id}/errors?limit=3`)).body;
    expect(errors[0].reason).toMatch(/no customer id or email/);

  });

  it('importing the same history again writes no order twice', async () => {
    // The first 5,000 lines of the same file, in a fresh workspace, twice.
    const head = gunzipSync(readFileSync(RETAIL)).toString('utf8').split('\n').slice(0, 5001).join('\n');
    const owner = await t.h.signUp();
    const first = await importFile(owner.client, 'head.csv', head, { kind: 'orders', body: { currency: 'GBP' } });
    expect(first.result.stats.purchases).toBeGreaterThan(100);
    const again = await importFile(owner.client, 'head.csv', head, { kind: 'orders', body: { currency: 'GBP' } });
    expect(again.result.stats).toMatchObject({ purchases: 0, refunds: 0, customers: first.result.stats.customers });
    expect(again.result.createdCount).toBe(0);
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from events where workspace_id = $1', [owner.workspaceId]);
    expect(n!.n).toBe(first.result.stats.purchases + first.result.stats.refunds);
  });
});
