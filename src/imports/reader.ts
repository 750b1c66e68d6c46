import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { CSV_LIMITS, type CsvRecord, CsvTokenizer, tooLongValue, tooManyColumns } from './csv.ts';
import { decoderName, type FileFormat } from './detect.ts';
import { WorkbookProblem } from './workbook-check.ts';
import { storableText } from '../shared/storable-text.ts';

export interface FileRow {
  /** The row as a spreadsheet shows it: 1 is the first row of the file (the header, if any). */
  rowNumber: number;
  cells: string[];
  /** The row's text (CSV) or its cells joined (XLSX), for the error report. */
  raw: string;
  /**
   * From a spreadsheet (XLSX): cells are placed by column, so a short row just has empty
   * cells at its end; in a CSV a short row means values may sit in the wrong columns.
   */
  fromSheet?: boolean;
  /** Why the row cannot be read (longer than a row may be…); its cells are then empty. */
  problem?: string;
}

export interface ReadSettings {
  format: FileFormat;
  encoding: string;
  delimiter: string;
  /** The number of columns, once known (see CsvOptions.expectedFields). */
  columns?: number;
}

/** Every row of a stored file, streamed: a million-row file never sits in memory. */
export async function* readRows(input: Readable, settings: ReadSettings): AsyncGenerator<FileRow> {
  if (settings.format === 'xlsx') {
    yield* readXlsx(input);
    return;
  }
  const tokenizer = new CsvTokenizer({ delimiter: settings.delimiter, expectedFields: settings.columns });
  // iconv-lite strips a byte-order mark and handles characters split across chunks.
  const decoded = input.pipe(iconv.decodeStream(decoderName(settings.encoding)));
  let rowNumber = 0;
  const row = (record: CsvRecord): FileRow => ({
    rowNumber: ++rowNumber,
    cells: record.cells.map(storableText),
    raw: storableText(record.raw),
    ...(record.problem ? { problem: record.problem } : {}),
  });
  for await (const text of decoded) {
    for (const record of tokenizer.push(text as string)) yield row(record);
  }
  for (const record of tokenizer.end()) yield row(record);
}

/** The last row and column a sheet can have (Excel's limits: row 1,048,576, column XFD). */
const SHEET_ROWS = 1_048_576;

/**
 * The first worksheet of an XLSX workbook, read with ExcelJS's streaming reader (the archive
 * was checked at upload: see workbook-check.ts). What ExcelJS cannot read, or places where
 * no sheet has cells, ends the reading with a WorkbookProblem that says so.
 */
async function* readXlsx(input: Readable): AsyncGenerator<FileRow> {
  // ExcelJS (~11 MB) loads with the first spreadsheet read, not with the server.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookReader(input, {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  let last = 0;
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        if (row.number < 1 || row.number > SHEET_ROWS) {
          throw new WorkbookProblem(`The first sheet has a row ${row.number.toLocaleString('en')}, which no sheet can have (rows go from 1 to ${SHEET_ROWS.toLocaleString('en')}): open the file in Excel and save it again, or save the sheet as CSV.`);
        }
        last = row.number;
        const read = sheetRow(row);
        if (!read.problem && read.cells.every((c) => c === '')) continue;
        yield read;
      }
      return; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof WorkbookProblem) throw err;
    const message = (err as Error).message;
    const column = /Invalid column letter: (\w+)/.exec(message)?.[1];
    const where = last > 0 ? ` after row ${last.toLocaleString('en')}` : '';
    throw new WorkbookProblem(
      column
        ? `The first sheet has a cell in column "${column}"${where}, past the last column a sheet can have (XFD): open the file in Excel and save it again, or save the sheet as CSV.`
        : `The first sheet could not be read${where} (${message.slice(0, 200)}): open the file in Excel and save it again, or save the sheet as CSV.`,
    );
  }
}

function sheetRow(row: ExcelJS.Row): FileRow {
  const values = row.values as unknown[];
  const cells: string[] = [];
  for (let c = 1; c < values.length; c++) cells.push(storableText(cellText(values[c])));
  const raw = cells.join(',').slice(0, 2000);
  let width = cells.length;
  while (width > 0 && cells[width - 1] === '') width--;
  if (width > CSV_LIMITS.columns) return { rowNumber: row.number, cells: [], raw, fromSheet: true, problem: tooManyColumns(width, CSV_LIMITS.columns) };
  const long = cells.findIndex((c) => c.length > CSV_LIMITS.fieldChars);
  if (long >= 0) return { rowNumber: row.number, cells: [], raw, fromSheet: true, problem: tooLongValue(long + 1, cells[long]!.length, CSV_LIMITS.fieldChars) };
  return { rowNumber: row.number, cells, raw, fromSheet: true };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[]; error?: string; hyperlink?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.error !== undefined) return '';
    return '';
  }
  return String(value).trim();
}
