// The problems of an import as a CSV file, the same from the API and from `rapport import errors`.
import type { Readable } from 'node:stream';
import type { AppContext } from '../server/context.ts';
import { csvText, csvWriter } from '../shared/csv-writer.ts';

export interface ErrorRow {
  row_number: number;
  kind: 'skipped' | 'left_out';
  column_name: string | null;
  reason: string;
  raw: string | null;
}

const COLUMNS = ['row', 'what happened', 'column', 'reason', 'original row'];
const PAGE = 5000;

const WHAT: Record<ErrorRow['kind'], string> = { skipped: 'row skipped', left_out: 'value left out' };

function errorCsvRow(r: ErrorRow): (string | number)[] {
  return [r.row_number, WHAT[r.kind], r.column_name ?? '', r.reason, r.raw ?? ''];
}

/** Every problem of the import, in pages of 5,000 ordered by row (a million-row report never sits in memory). */
async function* problems(ctx: AppContext, importId: string): AsyncGenerator<ErrorRow[]> {
  // Keyset on (row, reason), the primary key's order: a row with several problems may straddle two pages.
  let after: [number, string] = [0, ''];
  for (;;) {
    const rows = await ctx.db.query<ErrorRow>(
      `select row_number, kind, column_name, reason, raw from import_errors
       where import_id = $1 and (row_number, reason) > ($2, $3) order by row_number, reason limit $4`,
      [importId, after[0], after[1], PAGE],
    );
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = [last.row_number, last.reason];
  }
}

/**
 * The report as a stream of CSV text (the API's errors.csv). The file names what people
 * wrote (column names, the original rows): cells a spreadsheet would run are neutralized.
 */
export function errorReportStream(ctx: AppContext, importId: string): Readable {
  const csv = csvWriter({ columns: COLUMNS });
  void (async () => {
    try {
      for await (const page of problems(ctx, importId)) {
        for (const r of page) {
          if (!csv.write(errorCsvRow(r))) await new Promise((res) => csv.once('drain', res));
        }
      }
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
    }
  })();
  return csv;
}

/** The report as one string (the command line). */
export async function errorReportCsv(ctx: AppContext, importId: string): Promise<string> {
  const rows: (string | number)[][] = [];
  for await (const page of problems(ctx, importId)) for (const r of page) rows.push(errorCsvRow(r));
  return csvText({ columns: COLUMNS }, rows);
}
