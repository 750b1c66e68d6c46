import type { AppContext } from '../server/context.ts';
import type { ImportRecord } from './imports.ts';
import type { ImportOutcome } from './schema.ts';

const n = (x: number) => x.toLocaleString('en');
const rows = (x: number) => `${n(x)} ${x === 1 ? 'row' : 'rows'}`;

/**
 * What a finished import achieved, in a word and a sentence. An import that ran to its end
 * but wrote nothing (every row skipped, a file of column names only, no line naming a
 * customer) is `nothing_imported`: a failure, whatever the job's status says.
 */
export async function decideOutcome(ctx: AppContext, imp: ImportRecord): Promise<{ outcome: ImportOutcome; reason: string | null }> {
  const skipped = imp.skippedCount;
  const leftOut = imp.valuesLeftOut;
  const problems = (): { outcome: ImportOutcome; reason: string | null } => {
    if (skipped === 0 && leftOut === 0) return { outcome: 'imported', reason: null };
    const parts = [
      ...(skipped > 0 ? [`${rows(skipped)} ${skipped === 1 ? 'was' : 'were'} skipped`] : []),
      ...(leftOut > 0 ? [`${n(leftOut)} ${leftOut === 1 ? 'value was' : 'values were'} left out`] : []),
    ];
    return { outcome: 'imported_with_problems', reason: `${capitalize(parts.join(' and '))}: see the list of problems.` };
  };
  if (imp.kind === 'contacts') {
    if (imp.processedRows === 0) return { outcome: 'nothing_imported', reason: 'The file has no rows to import: only column names, or empty lines.' };
    if (imp.createdCount + imp.updatedCount + imp.mergedCount === 0) {
      return { outcome: 'nothing_imported', reason: `No contact was imported: all ${rows(skipped)} were skipped. ${await mostCommonSkip(ctx, imp.id)}` };
    }
    return problems();
  }
  const stat = (k: string) => imp.stats[k] ?? 0;
  const lines = stat('lineItems');
  if (lines === 0) return { outcome: 'nothing_imported', reason: 'The file has no order lines: only column names, or empty lines.' };
  const orders = stat('purchases') + stat('refunds');
  if (orders + stat('ordersAlreadyImported') === 0) {
    if (stat('rowsWithoutCustomer') === lines) {
      return {
        outcome: 'nothing_imported',
        reason: `No order was imported: none of the ${n(lines)} order lines names a customer (a customer ID or email). Map the column that says who bought.`,
      };
    }
    return { outcome: 'nothing_imported', reason: `No order was imported: all ${n(lines)} order lines were skipped. ${await mostCommonSkip(ctx, imp.id)}` };
  }
  if (orders === 0) {
    return { outcome: 'imported', reason: `All ${n(stat('ordersAlreadyImported'))} orders in the file were imported before; none was added twice.` };
  }
  return problems();
}

/** "Most often (23 rows): <the first of them> (row 5, for example)." Reasons are grouped without their quoted values. */
async function mostCommonSkip(ctx: AppContext, importId: string): Promise<string> {
  const [top] = await ctx.db.query<{ n: number; reason: string; row_number: number }>(
    `select count(*)::int as n, (array_agg(reason order by row_number))[1] as reason, min(row_number) as row_number
     from import_errors where import_id = $1 and kind = 'skipped'
     group by regexp_replace(reason, '"[^"]*"', '""', 'g')
     order by n desc, row_number limit 1`,
    [importId],
  );
  if (!top) return '';
  return `Most often (${rows(top.n)}): ${top.reason} (row ${n(top.row_number)}, for example).`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
