// An XLSX upload is a ZIP archive that ExcelJS expands as it reads. A hostile one (a "zip
// bomb": kilobytes that expand to gigabytes, or parts whose sizes lie) would take the
// server's memory and time, so the archive is checked first, from its central directory and
// then by expanding each part once while counting its bytes (zlib works off the main thread).
import { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { AppContext } from '../server/context.ts';

export const WORKBOOK_LIMITS = {
  /** What all the parts of a workbook may expand to together. */
  expandedBytes: 200 * 1024 * 1024,
  /** Past `ratioFromBytes` expanded, a part may not expand more than `ratio` times (spreadsheets: 5 to 30). */
  ratio: 100,
  ratioFromBytes: 10 * 1024 * 1024,
  entries: 10_000,
};

/** A workbook that cannot be read, with what to do about it (a 400 at upload, the reason of a failed import). */
export class WorkbookProblem extends Error {}

const SAVE_AGAIN = 'open it in Excel and save it again as .xlsx, or save the sheet as CSV (File › Save As › CSV UTF-8) and upload that';
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024).toLocaleString('en');

/** The stored upload (src/imports/storage.ts), read by range for yauzl. */
class StoredFileReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly ctx: AppContext,
    private readonly importId: string,
    private readonly chunks: { seq: number; start: number; length: number }[],
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.#range(start, end));
  }

  async *#range(start: number, end: number): AsyncGenerator<Buffer> {
    for (const c of this.chunks) {
      if (c.start + c.length <= start || c.start >= end) continue;
      const from = Math.max(start, c.start) - c.start;
      const to = Math.min(end, c.start + c.length) - c.start;
      const [row] = await this.ctx.db.query<{ data: string }>(
        "select encode(substring(data from $3 for $4), 'base64') as data from import_chunks where import_id = $1 and seq = $2",
        [this.importId, c.seq, from + 1, to - from],
      );
      yield Buffer.from(row?.data ?? '', 'base64');
    }
  }
}

/**
 * Throws a WorkbookProblem when the stored upload is not a workbook ExcelJS can safely read:
 * not a ZIP archive, no worksheet, parts that expand past the limits or more than they say,
 * or bytes its table of contents does not list (a streaming reader, as ExcelJS's is, would
 * read those too).
 */
export async function checkWorkbook(ctx: AppContext, importId: string, fileName: string): Promise<void> {
  const rows = await ctx.db.query<{ seq: number; n: number }>('select seq, octet_length(data)::int as n from import_chunks where import_id = $1 order by seq', [importId]);
  let size = 0;
  const chunks = rows.map((r) => {
    const chunk = { seq: r.seq, start: size, length: r.n };
    size += r.n;
    return chunk;
  });
  const reader = new StoredFileReader(ctx, importId, chunks);
  const head = await readBytes(reader, 0, Math.min(2, size));
  if (head[0] === 0x1f && head[1] === 0x8b) throw new WorkbookProblem(`${fileName} is a compressed workbook: upload the .xlsx itself (it is compressed already).`);
  let zip: ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new WorkbookProblem(`${fileName} is not an Excel workbook: an .xlsx file is a ZIP archive, and this one is not, or is cut off. If it is a CSV file, name it .csv; otherwise ${SAVE_AGAIN}.`);
  }
  try {
    const directoryStart = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
    const entries = await readEntries(zip, fileName);
    if (!entries.some((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.fileName))) {
      throw new WorkbookProblem(`${fileName} is a ZIP archive with no worksheet in it, not an Excel workbook: ${SAVE_AGAIN}.`);
    }
    const expanded = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (expanded > WORKBOOK_LIMITS.expandedBytes) {
      throw new WorkbookProblem(`${fileName} expands to ${mb(expanded)} MB, more than the ${mb(WORKBOOK_LIMITS.expandedBytes)} MB a workbook may: save the sheet as CSV (File › Save As › CSV UTF-8) and upload that.`);
    }
    for (const e of entries) {
      if (e.uncompressedSize > WORKBOOK_LIMITS.ratioFromBytes && e.uncompressedSize > WORKBOOK_LIMITS.ratio * Math.max(1, e.compressedSize)) {
        throw new WorkbookProblem(`${fileName}: its part ${e.fileName} expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times, which spreadsheets never do (zip bombs do): ${SAVE_AGAIN}.`);
      }
    }
    await checkTiling(zip, reader, entries, directoryStart, fileName);
    for (const e of entries) await countExpanded(zip, e, fileName);
  } finally {
    zip.close();
  }
}

async function readEntries(zip: ZipFile, fileName: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: Entry) => {
      entries.push(e);
      if (entries.length > WORKBOOK_LIMITS.entries) reject(new WorkbookProblem(`${fileName} has more than ${WORKBOOK_LIMITS.entries.toLocaleString('en')} parts: ${SAVE_AGAIN}.`));
      else zip.readEntry();
    });
    zip.once('end', resolve);
    zip.once('error', () => reject(new WorkbookProblem(`${fileName} is a damaged ZIP archive: ${SAVE_AGAIN}.`)));
    zip.readEntry();
  });
  return entries;
}

/** The parts, in the order of the file, must follow one another from its first byte to the table of contents. */
async function checkTiling(zip: ZipFile, reader: StoredFileReader, entries: Entry[], directoryStart: number, fileName: string): Promise<void> {
  const unlisted = new WorkbookProblem(`${fileName} holds data its table of contents does not list (damaged, or built to mislead): ${SAVE_AGAIN}.`);
  let expected = 0;
  for (const e of [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader)) {
    if (e.relativeOffsetOfLocalHeader !== expected) throw unlisted;
    const local = await zip.readLocalFileHeaderPromise(e).catch(() => {
      throw unlisted;
    });
    const hasDescriptor = (e.generalPurposeBitFlag & 0x8) !== 0;
    if (!hasDescriptor && (local.compressedSize !== e.compressedSize || local.uncompressedSize !== e.uncompressedSize)) throw unlisted;
    const dataEnd = local.fileDataStart + e.compressedSize;
    let descriptor = 0;
    if (hasDescriptor) {
      const signature = await readBytes(reader, dataEnd, 4);
      descriptor = signature.length === 4 && signature.readUInt32LE(0) === 0x08074b50 ? 16 : 12;
    }
    expected = dataEnd + descriptor;
  }
  if (expected !== directoryStart) throw unlisted;
}

/** Expands a part, counting: yauzl stops a part that expands past the size it declares. */
async function countExpanded(zip: ZipFile, entry: Entry, fileName: string): Promise<void> {
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const piece of stream) void piece;
  } catch (err) {
    const message = (err as Error).message;
    if (/too many bytes/.test(message)) {
      throw new WorkbookProblem(`${fileName}: its part ${entry.fileName} expands to more than it says it does (damaged, or built to harm): ${SAVE_AGAIN}.`);
    }
    throw new WorkbookProblem(`${fileName}: its part ${entry.fileName} cannot be read (${message.slice(0, 200)}): ${SAVE_AGAIN}.`);
  }
}

async function readBytes(reader: StoredFileReader, position: number, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of reader._readStreamForRange(position, position + length)) parts.push(piece as Buffer);
  return Buffer.concat(parts);
}
