import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { type CsvRecord, CsvTokenizer } from './csv.ts';
import { decoderName, type FileFormat } from './detect.ts';

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
  const row = (record: CsvRecord): FileRow => ({ rowNumber: ++rowNumber, cells: record.cells, raw: record.raw, ...(record.problem ? { problem: record.problem } : {}) });
  for await (const text of decoded) {
    for (const record of tokenizer.push(text as string)) yield row(record);
  }
  for (const record of tokenizer.end()) yield row(record);
}

/** The first worksheet of an XLSX workbook, read with ExcelJS's streaming reader. */
async function* readXlsx(input: Readable): AsyncGenerator<FileRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  for await (const worksheet of workbook) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
      if (cells.every((c) => c === '')) continue;
      yield { rowNumber: row.number, cells, raw: cells.join(',').slice(0, 2000), fromSheet: true };
    }
    return; // the first worksheet only
  }
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
