// The orders of an import as events on the spine, built by set-based SQL from the staged lines.
import type { AppContext } from '../server/context.ts';
import { eventNameSql, insertEventsSql } from '../events/record.ts';
import type { ImportRecord } from './imports.ts';
import { BatchPacer } from './pacing.ts';

/**
 * Every order as one event: a refund when its total is negative (a cancellation), else a
 * purchase. On PostgreSQL in one statement; on the embedded database, whose statements hold
 * the server's only thread, in slices of orders (by order id) with other requests let in
 * between (the whole online-retail history at once is seconds of one statement).
 */
export async function writeOrderEvents(ctx: AppContext, imp: ImportRecord): Promise<{ purchases: number; refunds: number }> {
  const pacer = new BatchPacer(ctx.db, 1_000_000);
  const totals = { purchases: 0, refunds: 0 };
  let after = '';
  for (;;) {
    const embedded = ctx.db.kind === 'pglite';
    const [slice] = await ctx.db.query<{ last: string | null }>(
      `select max(order_id) as last from (
         select distinct order_id from import_order_lines where import_id = $1 and order_id > $2 order by order_id limit $3) o`,
      [imp.id, after, embedded ? pacer.size : 1_000_000_000],
    );
    if (!slice?.last) return totals;
    const started = pacer.start();
    const written = await writeOrderSlice(ctx, imp, after, slice.last);
    totals.purchases += written.purchases;
    totals.refunds += written.refunds;
    after = slice.last;
    await pacer.written(written.purchases + written.refunds, started);
  }
}

async function writeOrderSlice(ctx: AppContext, imp: ImportRecord, after: string, last: string): Promise<{ purchases: number; refunds: number }> {
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
       where import_id = $1 and contact_id is not null and order_id > $4 and order_id <= $5
       group by order_id
     ), written as (
       ${insertEventsSql(
         `select $2, o.contact_id, k.name,
                 jsonb_build_object('order_id', o.order_id, 'total', abs(o.total), 'currency', o.currency, 'item_count', o.item_count, 'items', o.items),
                 o.ordered_at, $3, 'import', k.name || ':' || o.order_id, $1
          from orders o
          cross join lateral (select case when o.total < 0 or (o.total = 0 and o.all_returned) then ${eventNameSql('refund')} else ${eventNameSql('purchase')} end as name) k`,
         { importId: true, returning: 'name' },
       )}
     )
     select name, count(*)::int as n from written group by name`,
    [imp.id, imp.workspaceId, ctx.clock.now(), after, last],
  );
  const count = (name: string) => rows.find((r) => r.name === name)?.n ?? 0;
  return { purchases: count('purchase'), refunds: count('refund') };
}
