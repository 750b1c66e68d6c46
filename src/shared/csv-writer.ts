// The one way Rapport writes CSV files people open in spreadsheets (contact and segment
// exports, import error reports, the command line's copies of them): every text cell goes
// through `safeCell`, so no export can carry a formula a spreadsheet would run.
import { stringify, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

/**
 * A cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "@SUM(…)", "+cmd|…", a
 * leading tab or carriage return) gets a leading apostrophe (OWASP's advice against CSV
 * injection). Numbers and phone numbers that start with + or - are left alone, so
 * "+447700900123" and "-12.5" stay what they are.
 */
export function safeCell(value: string): string {
  if (/^[=@\t\r]/.test(value)) return `'${value}`;
  if (/^[+-]/.test(value) && !/^[+-][\d\s().,-]*$/.test(value)) return `'${value}`;
  return value;
}

export interface CsvWriterOptions {
  /** The header row. */
  columns: string[];
  /** A UTF-8 byte-order mark first, so that Excel reads the file as UTF-8. */
  bom?: boolean;
}

const settings = (options: CsvWriterOptions) => ({
  header: true,
  columns: options.columns.map(safeCell),
  bom: options.bom ?? false,
  cast: { string: safeCell },
});

/** A stream: write rows (arrays of cells, in the order of `columns`), read CSV text. */
export function csvWriter(options: CsvWriterOptions): Stringifier {
  return stringify(settings(options));
}

/** The whole file as one string, for what is small (a command's output). */
export function csvText(options: CsvWriterOptions, rows: (string | number | null)[][]): string {
  return stringifySync(rows, settings(options));
}
