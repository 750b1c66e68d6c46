import { definitionsByKey, ensureDefinitions } from '../contacts/properties.ts';
import { normalizeEmail, normalizeText } from '../contacts/normalize.ts';
import { upsertContacts } from '../contacts/upsert.ts';
import type { PropertyValue } from '../contacts/schema.ts';
import { coerceValue, type DateOrder, detectDateOrder, parseDate, parseNumber } from '../contacts/values.ts';
import type { SqlSession } from '../db/client.ts';
import { isCurrency, toMinorUnits } from '../shared/money.ts';
import type { AppContext } from '../server/context.ts';
import { insertErrors, type RowError } from './contacts-job.ts';
import type { ImportRecord, ImportSettings } from './imports.ts';
import { type ProgressListener, ProgressWriter } from './progress.ts';
import { type FileRow, readRows } from './reader.ts';
import { type ImportLease, LeaseLost, PROCESS_ID } from './lease.ts';
import { writeOrderEvents } from './order-events.ts';
import { BatchPacer, ContactStatistics } from './pacing.ts';
import { openFile } from './storage.ts';

const BATCH_ROWS = 5000;
const CUSTOMER_BATCH = 5000;

interface Line {
  rowNumber: number;
  orderId: string;
  customerKey: string | null;
  customerId: string | null;
  customerEmail: string | null;
  country: string | null;
  orderedAt: Date;
  quantity: number | null;
  unitPrice: number | null;
  lineTotal: number | null;
  orderTotal: number | null;
  currency: string;
  sku: string | null;
  productName: string | null;
}

/**
 * Order history as `purchase` and `refund` events, one per order with its line items and
 * total. Lines are staged as they stream in; orders are then built by set-based SQL, so
 * an order's lines need not be next to each other in the file. Lines without a customer
 * are counted and listed in the error report, never silently dropped. Event message ids
 * come from the order ids, so importing the same history twice stores each order once.
 */
export async function runOrdersImport(ctx: AppContext, imp: ImportRecord, lease: ImportLease, listener?: ProgressListener): Promise<void> {
  const settings = imp.settings as ImportSettings;
  const preview = settings.preview!;
  const mapping = settings.mapping!;
  const col = (target: string) => mapping.indexOf(target);
  const read = { format: preview.format, encoding: preview.encoding ?? 'UTF-8', delimiter: preview.delimiter ?? ',', columns: mapping.length };
  const progress = new ProgressWriter(ctx, imp.id, 'dates', listener);
  const rows = () => readRows(openFile(ctx, imp.id, (n) => progress.bytes(n)), read);
  const firstDataRow = preview.hasHeader ? 2 : 1;
  const dateOrder = await detectColumnDateOrder(rows(), col('ordered_at'), firstDataRow);
  // The currency named when the import started, else the workspace's default currency.
  const [ws] = await ctx.db.query<{ currency: string | null }>('select default_currency as currency from workspaces where id = $1', [imp.workspaceId]);
  const defaultCurrency = settings.options?.currency ?? ws?.currency ?? 'GBP';

  // Orders are built at the end from the whole file, so a restarted job starts over
  // (events are keyed by order id: nothing is written twice).
  await ctx.db.transaction(async (tx) => {
    await tx.query('delete from import_order_lines where import_id = $1', [imp.id]);
    await tx.query('delete from import_errors where import_id = $1', [imp.id]);
    await tx.query("update imports set processed_rows = 0, skipped_count = 0, values_left_out = 0, stats = '{}' where id = $1", [imp.id]);
  });
  progress.phase('reading');
  // What the page shows while the file is read: lines, orders and customers found so far.
  const found = { orders: new Set<string>(), customers: new Set<string>() };
  const stats = () => ({ lineItems, orders: found.orders.size, customers: found.customers.size, rowsWithoutCustomer: withoutCustomer });
  let lines: Line[] = [];
  let errors: RowError[] = [];
  let seen = 0;
  let lineItems = 0;
  let withoutCustomer = 0;
  const linePacer = new BatchPacer(ctx.db, BATCH_ROWS);
  const flush = async () => {
    const started = linePacer.start();
    const written = seen;
    await ctx.db.transaction(async (tx) => {
      await insertLines(tx, imp, lines);
      await insertErrors(tx, imp, errors);
      const progressed = await tx.query(
        'update imports set processed_rows = processed_rows + $2, skipped_count = skipped_count + $3, stats = $4::jsonb where id = $1 and lease_owner = $5 returning id',
        [imp.id, seen, errors.length, JSON.stringify(stats()), PROCESS_ID],
      );
      if (progressed.length === 0) throw new LeaseLost();
    });
    lines = [];
    errors = [];
    seen = 0;
    await linePacer.written(written, started);
  };
  for await (const row of rows()) {
    lease.check();
    if (row.rowNumber < firstDataRow) continue;
    if (!row.problem && row.cells.every((c) => c.trim() === '')) continue;
    seen++;
    lineItems++;
    const parsed = row.problem ? { error: row.problem } : parseLine(row, mapping, col, dateOrder, defaultCurrency);
    if ('error' in parsed) errors.push({ rowNumber: row.rowNumber, reason: parsed.error, raw: row.raw });
    else {
      if (parsed.customerKey === null) {
        withoutCustomer++;
        errors.push({ rowNumber: row.rowNumber, reason: 'no customer id or email: the line is not attributed to anyone', raw: row.raw });
      } else {
        found.orders.add(parsed.orderId);
        found.customers.add(parsed.customerKey);
      }
      lines.push(parsed);
    }
    if (seen >= linePacer.size) {
      progress.stats(stats());
      await flush();
    }
  }
  await flush();

  lease.check();
  progress.phase('customers');
  const customers = await writeCustomers(ctx, imp, progress, stats());
  lease.check();
  progress.phase('orders');
  await progress.flush();
  const [attributed] = await ctx.db.query<{ n: number }>(
    'select count(distinct order_id)::int as n from import_order_lines where import_id = $1 and contact_id is not null',
    [imp.id],
  );
  const events = await writeOrderEvents(ctx, imp);
  await ctx.db.query(
    `update imports set created_count = $2, updated_count = $3, stats = $4::jsonb where id = $1`,
    [
      imp.id,
      customers.created,
      customers.updated,
      JSON.stringify({
        lineItems,
        orders: found.orders.size,
        rowsWithoutCustomer: withoutCustomer,
        customers: customers.total,
        purchases: events.purchases,
        refunds: events.refunds,
        // Orders an earlier import (or the API) had written already: their events are keyed by order id.
        ordersAlreadyImported: (attributed?.n ?? 0) - events.purchases - events.refunds,
      }),
    ],
  );
  await ctx.db.query('delete from import_order_lines where import_id = $1', [imp.id]);
}

/**
 * The order of slashed dates in the date column ("12/1/2010": month or day first?). The first
 * rows of an order history are often all ambiguous, so this reads on until a value decides
 * (a day above 12 on either side), which in a real history comes within days of its start;
 * only a file whose every date is ambiguous (or not slashed) is read to its end.
 */
async function detectColumnDateOrder(rows: AsyncGenerator<FileRow>, column: number, firstDataRow: number): Promise<DateOrder> {
  const values: string[] = [];
  for await (const row of rows) {
    if (row.rowNumber < firstDataRow) continue;
    const v = row.cells[column];
    if (v) values.push(v);
    if (values.length >= 1000) {
      const seen = dateOrderEvidence(values);
      if (seen.dayFirst || seen.monthFirst) return seen.monthFirst && !seen.dayFirst ? 'mdy' : 'dmy';
      values.length = 0;
    }
  }
  return detectDateOrder(values);
}

function dateOrderEvidence(values: string[]): { dayFirst: boolean; monthFirst: boolean } {
  let dayFirst = false;
  let monthFirst = false;
  for (const v of values) {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}/.exec(v.trim());
    if (!m) continue;
    if (+m[1]! > 12 && +m[2]! <= 12) dayFirst = true;
    if (+m[2]! > 12 && +m[1]! <= 12) monthFirst = true;
  }
  return { dayFirst, monthFirst };
}

function parseLine(row: FileRow, mapping: string[], col: (t: string) => number, dateOrder: DateOrder, defaultCurrency: string): Line | { error: string } {
  const cell = (target: string) => {
    const i = col(target);
    return i < 0 ? '' : (row.cells[i] ?? '').trim();
  };
  if (row.cells.length < mapping.length && !row.fromSheet) return { error: `has ${row.cells.length} fields where the file has ${mapping.length} columns` };
  const orderId = cell('order_id');
  if (!orderId) return { error: 'no order id' };
  const date = parseDate(cell('ordered_at'), dateOrder);
  if (!date) return { error: `"${cell('ordered_at')}" is not a date` };
  const currency = (cell('currency') || defaultCurrency).toUpperCase();
  if (!isCurrency(currency)) return { error: `"${currency.slice(0, 20)}" is not an ISO 4217 currency code (like GBP, EUR, USD)` };
  const money = (target: string): number | null | { error: string } => {
    const text = cell(target);
    if (!text) return null;
    const n = parseNumber(text);
    // Exact decimal conversion by the currency's own exponent (JPY 0, BHD 3): money never
    // passes through a binary multiplication.
    const minor = Number.isFinite(n) ? toMinorUnits(n, currency) : undefined;
    return minor?.ok ? minor.value : { error: `${target.replace('_', ' ')} "${text}" is not an amount` };
  };
  const quantityText = cell('quantity');
  const quantity = quantityText ? parseNumber(quantityText) : null;
  if (quantity !== null && !Number.isFinite(quantity)) return { error: `quantity "${quantityText}" is not a number` };
  const unitPrice = money('unit_price');
  const lineTotal = money('line_total');
  const orderTotal = money('order_total');
  for (const m of [unitPrice, lineTotal, orderTotal]) if (m && typeof m === 'object') return m;
  if (unitPrice === null && lineTotal === null && orderTotal === null) return { error: 'no amount' };
  // Customer ids exported from spreadsheets often read "17850.0".
  const customerId = normalizeText(cell('customer_id').replace(/^(\d+)\.0+$/, '$1'), 200) ?? null;
  let customerEmail: string | null = null;
  if (cell('customer_email')) {
    const e = normalizeEmail(cell('customer_email'));
    if (!e.ok) return { error: e.reason };
    customerEmail = e.value ?? null;
  }
  return {
    rowNumber: row.rowNumber,
    orderId,
    customerKey: customerId ?? customerEmail,
    customerId,
    customerEmail,
    country: normalizeText(cell('customer_country'), 100) ?? null,
    orderedAt: date,
    quantity,
    unitPrice: unitPrice as number | null,
    lineTotal: lineTotal as number | null,
    orderTotal: orderTotal as number | null,
    currency,
    sku: normalizeText(cell('sku'), 200) ?? null,
    productName: normalizeText(cell('product_name'), 500) ?? null,
  };
}

async function insertLines(tx: SqlSession, imp: ImportRecord, lines: Line[]): Promise<void> {
  if (lines.length === 0) return;
  const c = <T>(f: (l: Line) => T) => lines.map(f);
  await tx.query(
    `insert into import_order_lines (import_id, workspace_id, row_number, order_id, customer_key, customer_id, customer_email,
       customer_country, ordered_at, quantity, unit_price_minor, line_total_minor, order_total_minor, currency, sku, product_name)
     select $1, $2, u.* from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
       $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::text[], $15::text[], $16::text[]) as u
     on conflict do nothing`,
    [
      imp.id,
      imp.workspaceId,
      c((l) => l.rowNumber),
      c((l) => l.orderId),
      c((l) => l.customerKey),
      c((l) => l.customerId),
      c((l) => l.customerEmail),
      c((l) => l.country),
      c((l) => l.orderedAt),
      c((l) => l.quantity),
      c((l) => l.unitPrice),
      c((l) => l.lineTotal),
      c((l) => l.orderTotal),
      c((l) => l.currency),
      c((l) => l.sku),
      c((l) => l.productName),
    ],
  );
}

/**
 * One contact per customer (matched by external id or email, created when new), with the
 * consent the person starting the import stated and the country as an ISO code when the
 * `country` property is of type country (a country that cannot be read is left out and listed).
 */
async function writeCustomers(
  ctx: AppContext,
  imp: ImportRecord,
  progress: ProgressWriter,
  found: Record<string, number>,
): Promise<{ total: number; created: number; updated: number }> {
  const customers = await ctx.db.query<{ customer_key: string; customer_id: string | null; customer_email: string | null; country: string | null; row_number: number }>(
    `select distinct on (customer_key) customer_key, customer_id, customer_email, customer_country as country, row_number
     from import_order_lines where import_id = $1 and customer_key is not null
     order by customer_key, row_number desc`,
    [imp.id],
  );
  const consent = (imp.settings as ImportSettings).consent?.emailConsent;
  const countries = await countryReader(ctx, imp, customers.some((c) => c.country));
  let created = 0;
  let updated = 0;
  const statistics = new ContactStatistics(ctx.db);
  const pacer = new BatchPacer(ctx.db, CUSTOMER_BATCH);
  for (let i = 0; i < customers.length; ) {
    const batch = customers.slice(i, i + pacer.size);
    i += batch.length;
    const started = pacer.start();
    const leftOut: RowError[] = [];
    const country = (c: (typeof batch)[number]) => {
      if (!c.country) return undefined;
      const read = countries(c.country);
      if ('problem' in read) leftOut.push({ rowNumber: c.row_number, reason: read.problem, raw: '', kind: 'left_out', column: countryColumn(imp) });
      return 'value' in read ? read.value : undefined;
    };
    await ctx.db.transaction(async (tx) => {
      const inputs = batch.map((c) => {
        const value = country(c);
        return {
          externalId: c.customer_id ?? undefined,
          email: c.customer_email ?? undefined,
          lifecycleStage: 'customer' as const,
          ...(value ? { properties: { country: value } } : {}),
        };
      });
      const results = await upsertContacts(tx, imp.workspaceId, inputs, {
        now: ctx.clock.now(),
        source: 'import',
        importId: imp.id,
        conflicts: 'drop-email',
        defaultEmailStatus: consent ?? 'not_subscribed',
        grantConsent: consent === 'subscribed',
      });
      for (const r of results) {
        if (r.created) created++;
        else updated++;
      }
      await tx.query(
        `update import_order_lines l set contact_id = m.contact_id
         from unnest($2::text[], $3::uuid[]) as m(customer_key, contact_id)
         where l.import_id = $1 and l.customer_key = m.customer_key`,
        [imp.id, batch.map((c) => c.customer_key), results.map((r) => r.id)],
      );
      await insertErrors(tx, imp, leftOut);
      if (leftOut.length > 0) await tx.query('update imports set values_left_out = values_left_out + $2 where id = $1', [imp.id, leftOut.length]);
    });
    progress.stats({ ...found, customersWritten: created + updated });
    await pacer.written(batch.length, started);
    await statistics.written(batch.length);
  }
  return { total: customers.length, created, updated };
}

const countryColumn = (imp: ImportRecord) => {
  const settings = imp.settings as ImportSettings;
  return settings.preview!.columns[settings.mapping!.indexOf('customer_country')] ?? 'Country';
};

/**
 * How a customer's country is stored: the `country` property is defined as a country (an ISO
 * code) when the import meets the first one; a workspace that already has `country` as text
 * keeps getting the text as written.
 */
async function countryReader(ctx: AppContext, imp: ImportRecord, needed: boolean): Promise<(text: string) => { value: PropertyValue | null } | { problem: string }> {
  if (!needed) return () => ({ value: null });
  await ensureDefinitions(ctx.db, imp.workspaceId, [{ key: 'country', type: 'country' }], ctx.clock.now());
  const def = (await definitionsByKey(ctx, imp.workspaceId)).get('country')!;
  return (text) => {
    const r = coerceValue(def, text);
    return r.ok ? { value: r.value } : { problem: r.reason };
  };
}

