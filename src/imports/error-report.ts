// The problems of an import as a CSV file, the same from the API and from `rapport import errors`.

export interface ErrorRow {
  row_number: number;
  kind: 'skipped' | 'left_out';
  column_name: string | null;
  reason: string;
  raw: string | null;
}

export const ERROR_CSV_COLUMNS = ['row', 'what happened', 'column', 'reason', 'original row'];

const WHAT: Record<ErrorRow['kind'], string> = { skipped: 'row skipped', left_out: 'value left out' };

export function errorCsvRow(r: ErrorRow): (string | number)[] {
  return [r.row_number, WHAT[r.kind], r.column_name ?? '', r.reason, r.raw ?? ''];
}
