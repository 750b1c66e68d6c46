import { setImmediate } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { listDefinitions } from '../contacts/properties.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest } from '../errors.ts';
import { checkWorkbook, WorkbookProblem } from './workbook-check.ts';
import type { FilePreview } from './contract.ts';
import { decoderName, detectDelimiter, detectEncoding, detectFormat, detectHeader, isSupportedEncoding, lastNonEmpty } from './detect.ts';
import { suggestMapping } from './mapping.ts';
import { type FileRow, readRows } from './reader.ts';
import type { ImportKind } from './schema.ts';
import { openFile, readHead } from './storage.ts';

const HEAD_BYTES = 256 * 1024;
const SAMPLE_ROWS = 200;
/**
 * Column names and sample values are kept with the import and sent with it (the list of
 * imports, the mapping screen): a value may be 100,000 characters long, what is shown is
 * its beginning.
 */
const MAX_SHOWN_CHARS = 500;

export interface ReadOverrides {
  encoding?: string;
  delimiter?: string;
  hasHeader?: boolean;
}

/**
 * What the mapping screen shows: the detected format, encoding, delimiter and header, the
 * columns, the first rows, and a suggested mapping.
 */
export async function buildPreview(
  ctx: AppContext,
  workspaceId: string,
  importId: string,
  kind: ImportKind,
  fileName: string,
  overrides: ReadOverrides = {},
): Promise<FilePreview> {
  const head = await readHead(ctx, importId, HEAD_BYTES);
  const format = detectFormat(head, fileName);
  if (format === 'xlsx') await checkWorkbook(ctx, importId, fileName).catch(asBadRequest);
  else refuseMislabelledWorkbook(head, fileName);
  let encoding: string | null = null;
  let delimiter: string | null = null;
  if (format === 'csv') {
    encoding = overrides.encoding && isSupportedEncoding(overrides.encoding) ? overrides.encoding : detectEncoding(head);
    // The server's other requests are answered between the steps (each a few ms).
    await setImmediate();
    // Detect on whole lines only: the head may end in the middle of one.
    const text = iconv.decode(head, decoderName(encoding));
    const nl = text.lastIndexOf('\n');
    const cut = head.length < HEAD_BYTES || nl <= 0 ? text : text.slice(0, nl);
    delimiter = overrides.delimiter ?? detectDelimiter(cut);
    await setImmediate();
  }
  const rows = await sampleRows(ctx, importId, { format, encoding: encoding ?? 'UTF-8', delimiter: delimiter ?? ',' });
  await setImmediate();
  const hasHeader = overrides.hasHeader ?? detectHeader(rows.slice(0, 50).map((r) => r.cells));
  const dataRows = (hasHeader ? rows.slice(1) : rows).map((r) => r.cells);
  const width = Math.max(hasHeader && rows[0] ? lastNonEmpty(rows[0].cells) : 0, ...dataRows.slice(0, 50).map(lastNonEmpty), 1);
  const columns = Array.from({ length: width }, (_, i) => {
    const name = hasHeader ? (rows[0]?.cells[i] ?? '').trim().slice(0, MAX_SHOWN_CHARS) : '';
    return name || `Column ${i + 1}`;
  });
  const defs = kind === 'contacts' ? await listDefinitions(ctx, workspaceId) : [];
  const suggestion = suggestMapping(kind, columns, dataRows, hasHeader, defs);
  await setImmediate();
  return {
    format,
    encoding,
    delimiter,
    hasHeader,
    columns,
    sampleRows: dataRows.slice(0, 10).map((r) => columns.map((_, i) => (r[i] ?? '').slice(0, MAX_SHOWN_CHARS))),
    suggestedMapping: suggestion.mapping,
    suggestedProperties: suggestion.properties,
  };
}

/** A workbook problem is the uploader's to fix: a 400 that says what to do. */
function asBadRequest(err: unknown): never {
  if (err instanceof WorkbookProblem) throw badRequest(err.message, [{ path: 'file', message: err.message }]);
  throw err;
}

/** Read as CSV, a file named .xlsx (or an old .xls) would only be garbage: say what it is instead. */
function refuseMislabelledWorkbook(head: Buffer, fileName: string): void {
  const problem = (message: string) => badRequest(message, [{ path: 'file', message }]);
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) {
    throw problem(`${fileName} is an Excel 97-2003 workbook (.xls), which Rapport does not read: open it in Excel and save it as .xlsx, or as CSV.`);
  }
  if (/\.xlsx$/i.test(fileName)) {
    throw problem(`${fileName} is not an Excel workbook: an .xlsx file is a ZIP archive, and this one is not. If it is a CSV file, name it .csv; otherwise open it in Excel and save it again as .xlsx.`);
  }
}

async function sampleRows(ctx: AppContext, importId: string, settings: { format: 'csv' | 'xlsx'; encoding: string; delimiter: string }): Promise<FileRow[]> {
  const rows: FileRow[] = [];
  try {
    for await (const row of readRows(openFile(ctx, importId), settings)) {
      // The person is there to fix the file: a row that cannot be read is named now, not
      // discovered as a skipped row after the import.
      if (row.problem) throw badRequest(`Row ${row.rowNumber.toLocaleString('en')}${row.problem.startsWith('column') ? ': ' : ' '}${row.problem}.`, [{ path: 'file', message: `row ${row.rowNumber}: ${row.problem}` }]);
      rows.push(row);
      if (rows.length >= SAMPLE_ROWS) break;
    }
  } catch (err) {
    asBadRequest(err);
  }
  return rows;
}
