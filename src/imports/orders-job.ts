import { ensureDefinitions } from '../contacts/properties.ts';
import { normalizeEmail, normalizeText } from '../contacts/normalize.ts';
import { upsertContacts } from '../contacts/upsert.ts';
import { type DateOrder, detectDateOrder, parseDate, parseNumber } from '../contacts/values.ts';
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { insertErrors, type RowError } from './contacts-job.ts';
import type { ImportRecord, ImportSettings } from './imports.ts';
import { type FileRow, readRows } from './reader.ts';
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

/** Minor units per major unit of a currency (100 for GBP, 1 for JPY). */
export function minorFactor(currency: string): number {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return 10 ** digits;
  } catch {
    return 100;
  }
}

/**
 * Order history as `purchase` and `refund` events, one per order with its line items and
 * total. Lines are staged as they stream in; orders are then built by set-based SQL, so
 * an order's lines need not be next to each other in the file. Lines without a customer
 * are counted and listed in the error report, never silently dropped. Event message ids
 * come from the order ids, so importing the same history twice stores each order once.
 */
export async function runOrdersImport(ctx: AppContext, imp: ImportRecord, onProgress?: (rows: number) => void): Promise<void> {
  const settings = imp.settings as ImportSettings;
  const preview = settings.preview!;
  const mapping = settings.mapping!;
  const col = (target: string) => mapping.indexOf(target);
  const read = { format: preview.format, encoding: preview.encoding ?? 'UTF-8', delimiter: preview.delimiter ?? ',', columns: mapping.length };
  const rows = () => readRows(openFile(ctx, imp.id), read);
  const firstDataRow = preview.hasHeader ? 2 : 1;
  const dateOrder = await detectColumnDateOrder(rows(), col('ordered_at'), firstDataRow);
  const defaultCurrency = settings.options?.currency ?? 'GBP';

  // Orders are built at the end from the whole file, so a restarted job starts over
  // (events are keyed by order id: nothing is written twice).
  await ctx.db.transaction(async (tx) => {
    await tx.query('delete from import_order_lines where import_id = $1', [imp.id]);
    await tx.query('delete from import_errors where import_id = $1', [imp.id]);
    await tx.query('update imports set processed_rows = 0, skipped_count = 0 where id = $1', [imp.id]);
  });
  let lines: Line[] = [];
  let errors: RowError[] = [];
  let seen = 0;
  let withoutCustomer = 0;
  const flush = async () => {
    await ctx.db.transaction(async (tx) => {
      await insertLines(tx, imp, lines);
      await insertErrors(tx, imp, errors);
      await tx.query('update imports set processed_rows = processed_rows + $2, skipped_count = skipped_count + $3 where id = $1', [
        imp.id,
        seen,
        errors.length,
      ]);
    });
    onProgress?.(seen);
    lines = [];
    errors = [];
    seen = 0;
  };
  let lineItems = 0;
  for await (const row of rows()) {
    if (row.rowNumber < firstDataRow) continue;
    if (row.cells.every((c) => c.trim() === '')) continue;
    seen++;
    lineItems++;
    const parsed = parseLine(row, mapping, col, dateOrder, defaultCurrency);
    if ('error' in parsed) errors.push({ rowNumber: row.rowNumber, reason: parsed.error, raw: row.raw });
    else {
      if (parsed.customerKey === null) {
        withoutCustomer++;
        errors.push({ rowNumber: row.rowNumber, reason: 'no customer id or email: the line is not attributed to anyone', raw: row.raw });
      }
      lines.push(parsed);
    }
    if (seen >= BATCH_ROWS) await flush();
  }
  await flush();

  const customers = await writeCustomers(ctx, imp);
  const events = await writeOrderEvents(ctx, imp);
  await ctx.db.query(
    `update imports set created_count = $2, updated_count = $3, stats = $4::jsonb where id = $1`,
    [
      imp.id,
      customers.created,
      customers.updated,
      JSON.stringify({ lineItems, rowsWithoutCustomer: withoutCustomer, customers: customers.total, purchases: events.purchases, refunds: events.refunds }),
    ],
  );
  await ctx.db.query('delete from import_order_lines where import_id = $1', [imp.id]);
}

async function detectColumnDateOrder(rows: AsyncGenerator<FileRow>, column: number, firstDataRow: number): Promise<DateOrder> {
  // The first rows of an order history are often all ambiguous ("12/1/2010"): look at all of them.
  const values: string[] = [];
  for await (const row of rows) {
    if (row.rowNumber < firstDataRow) continue;
    const v = row.cells[column];
    if (v) values.push(v);
    if (values.length >= 1000) {
      const order = detectDateOrder(values);
      if (order === 'mdy') return order;
      values.length = 0;
    }
  }
  return detectDateOrder(values);
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
  if (!/^[A-Z]{3}$/.test(currency)) return { error: `"${currency}" is not a currency code` };
  const factor = minorFactor(currency);
  const money = (target: string): number | null | { error: string } => {
    const text = cell(target);
    if (!text) return null;
    const n = parseNumber(text);
    return Number.isFinite(n) ? n * factor : { error: `${target.replace('_', ' ')} "${text}" is not an amount` };
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

/** One contact per customer (matched by external id or email, created when new). */
async function writeCustomers(ctx: AppContext, imp: ImportRecord): Promise<{ total: number; created: number; updated: number }> {
  const customers = await ctx.db.query<{ customer_key: string; customer_id: string | null; customer_email: string | null; country: string | null }>(
    `select distinct on (customer_key) customer_key, customer_id, customer_email, customer_country as country
     from import_order_lines where import_id = $1 and customer_key is not null
     order by customer_key, row_number desc`,
    [imp.id],
  );
  if (customers.some((c) => c.country)) await ensureDefinitions(ctx.db, imp.workspaceId, [{ key: 'country', type: 'string' }], ctx.clock.now());
  let created = 0;
  let updated = 0;
  for (let i = 0; i < customers.length; i += CUSTOMER_BATCH) {
    const batch = customers.slice(i, i + CUSTOMER_BATCH);
    await ctx.db.transaction(async (tx) => {
      const results = await upsertContacts(
        tx,
        imp.workspaceId,
        batch.map((c) => ({
          externalId: c.customer_id ?? undefined,
          email: c.customer_email ?? undefined,
          lifecycleStage: 'customer' as const,
          ...(c.country ? { properties: { country: c.country } } : {}),
        })),
        { now: ctx.clock.now(), source: 'import', importId: imp.id, conflicts: 'drop-email' },
      );
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
    });
  }
  return { total: customers.length, created, updated };
}

/** Every order as one event: a refund when its total is negative (a cancellation), else a purchase. */
async function writeOrderEvents(ctx: AppContext, imp: ImportRecord): Promise<{ purchases: number; refunds: number }> {
  const rows = await ctx.db.query<{ name: string; n: number }>(
    `with orders as (
       select order_id,
              (array_agg(contact_id order by row_number))[1] as contact_id,
              min(ordered_at) as ordered_at,
              (array_agg(currency order by row_number))[1] as currency,
              round(coalesce(max(order_total_minor), sum(coalesce(line_total_minor, coalesce(quantity, 1) * unit_price_minor))))::bigint as total,
              coalesce(sum(abs(quantity)), count(*))::int as item_count,
              bool_and(coalesce(quantity, 1) < 0) as all_returned,
              jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                'sku', sku, 'name', product_name, 'quantity', quantity,
                'unit_price', round(unit_price_minor)::bigint,
                'total', round(coalesce(line_total_minor, coalesce(quantity, 1) * unit_price_minor))::bigint)) order by row_number) as items
       from import_order_lines
       where import_id = $1 and contact_id is not null
       group by order_id
     ), written as (
       insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id, import_id)
       select $2, o.contact_id, k.name,
              jsonb_build_object('order_id', o.order_id, 'total', abs(o.total), 'currency', o.currency, 'item_count', o.item_count, 'items', o.items),
              o.ordered_at, $3, 'import', k.name || ':' || o.order_id, $1
       from orders o
       cross join lateral (select case when o.total < 0 or (o.total = 0 and o.all_returned) then 'refund' else 'purchase' end as name) k
       on conflict (workspace_id, message_id) do nothing
       returning name
     )
     select name, count(*)::int as n from written group by name`,
    [imp.id, imp.workspaceId, ctx.clock.now()],
  );
  const count = (name: string) => rows.find((r) => r.name === name)?.n ?? 0;
  return { purchases: count('purchase'), refunds: count('refund') };
}
