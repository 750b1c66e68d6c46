/**
 * A streaming CSV tokenizer that never loses a good row to a bad one.
 *
 * RFC 4180 lets a quoted field run over line breaks, so one stray quote (`"Acme, Inc` with
 * no closing quote) makes a strict parser swallow every following row into one field, or
 * fail the whole file. Here a quoted field may span lines only if it closes properly (a
 * quote followed by the delimiter, a line break or the end) within `maxQuotedLines`; if it
 * does not, its opening quote is taken literally and the record ends at its own line
 * break, so the rows after it are read as themselves. (Why not csv-parse: it has no such
 * recovery; see docs/decisions.md.)
 */
export interface CsvRecord {
  cells: string[];
  /** The record's text as it was in the file (for error reports), at most 2,000 characters. */
  raw: string;
  /** Why the record cannot be read (too long, too many columns); its cells are then empty. */
  problem?: string;
}

/**
 * Limits on what one record may hold. A real contact or order row is a few hundred
 * characters; a longer one is a file that is not a CSV, or a quote that never closes. Past
 * these, the record is reported as a problem instead of being read (see docs/decisions.md).
 */
export const CSV_LIMITS = { recordChars: 1_000_000, fieldChars: 100_000, columns: 1_000 };

const n = (x: number) => x.toLocaleString('en');
export const tooLongRecord = (limit: number) =>
  `is longer than ${n(limit)} characters (the most a row may hold): check that the file is a CSV file and that every opening quote is closed, or shorten the row`;
export const tooLongValue = (column: number, length: number, limit: number) =>
  `column ${column} holds ${n(length)} characters, more than the ${n(limit)} a value may hold: shorten it or leave it out of the file`;
export const tooManyColumns = (count: number, limit: number) =>
  `has ${n(count)} columns, more than the ${n(limit)} a file may have: check the delimiter, or remove the empty columns at the end`;

export interface CsvOptions {
  delimiter: string;
  maxQuotedLines?: number;
  maxQuotedChars?: number;
  /**
   * The file's number of columns, when known: a record that only spans lines because of a
   * quote, and then does not have that many fields, is a stray quote, not a multi-line value.
   */
  expectedFields?: number;
  /** See CSV_LIMITS. */
  maxRecordChars?: number;
  maxFieldChars?: number;
  maxColumns?: number;
}

const INCOMPLETE = Symbol('incomplete');

export class CsvTokenizer {
  #buffer = '';
  readonly #d: string;
  readonly #maxLines: number;
  readonly #maxChars: number;
  readonly #expected: number | undefined;
  readonly #maxRecord: number;
  readonly #maxField: number;
  readonly #maxColumns: number;
  /** The pending text holds no line break: no record can end before the next one comes. */
  #waitingForBreak = false;
  /** Dropping the rest of a record that was too long, up to its line break. */
  #skipping = false;

  constructor(options: CsvOptions) {
    if (options.delimiter.length !== 1) throw new Error('The delimiter must be one character.');
    this.#d = options.delimiter;
    this.#maxLines = options.maxQuotedLines ?? 100;
    this.#maxChars = options.maxQuotedChars ?? 1_000_000;
    this.#expected = options.expectedFields;
    this.#maxRecord = options.maxRecordChars ?? CSV_LIMITS.recordChars;
    this.#maxField = options.maxFieldChars ?? CSV_LIMITS.fieldChars;
    this.#maxColumns = options.maxColumns ?? CSV_LIMITS.columns;
  }

  /**
   * Adds text; returns the records it completed. Linear in the text: a record ends only at
   * a line break, so text without one is appended without reading the pending record
   * again (reading it again on every piece made a 20 MB line take minutes).
   */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.#skipping) {
      const k = lineBreakIndex(text);
      if (k === -1) return out;
      this.#skipping = false;
      text = text.slice(k + 1);
    }
    this.#buffer += text;
    if (this.#waitingForBreak && lineBreakIndex(text) === -1) {
      if (this.#buffer.length > this.#maxRecord) this.#dropLongRecord(out);
      return out;
    }
    this.#drain(false, out);
    if (this.#buffer.length > this.#maxRecord) {
      this.#dropLongRecord(out);
      this.#drain(false, out);
    }
    return out;
  }

  /** No more text: returns the last records. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.#drain(true, out);
    return out;
  }

  #drain(final: boolean, out: CsvRecord[]): void {
    const buf = this.#buffer;
    let pos = 0;
    while (pos < buf.length) {
      const result = this.#record(buf, pos, final);
      if (result === INCOMPLETE) break;
      const [record, next] = result;
      if (record.problem || record.cells.length > 1 || record.cells[0] !== '') out.push(record);
      pos = next;
    }
    this.#buffer = buf.slice(pos);
    this.#waitingForBreak = lineBreakIndex(this.#buffer) === -1;
  }

  /**
   * The pending record is longer than a record may be: it is reported, and reading goes on
   * after its first line break (as if its quotes were plain characters), or, when none has
   * come yet, after the next one.
   */
  #dropLongRecord(out: CsvRecord[]): void {
    const buf = this.#buffer;
    out.push({ cells: [], raw: buf.slice(0, 2000), problem: tooLongRecord(this.#maxRecord) });
    const k = lineBreakIndex(buf);
    if (k === -1) {
      this.#skipping = true;
      this.#buffer = '';
    } else {
      this.#buffer = buf.slice(k + 1);
    }
    this.#waitingForBreak = lineBreakIndex(this.#buffer) === -1;
  }

  /** A finished record as the caller gets it, or the problem that keeps it from being read. */
  #checked(cells: string[], buf: string, start: number, end: number): CsvRecord {
    const raw = buf.slice(start, Math.min(end, start + 2000));
    if (end - start > this.#maxRecord) return { cells: [], raw, problem: tooLongRecord(this.#maxRecord) };
    const width = lastFilled(cells);
    if (width > this.#maxColumns) return { cells: [], raw, problem: tooManyColumns(width, this.#maxColumns) };
    for (let c = 0; c < cells.length; c++) {
      if (cells[c]!.length > this.#maxField) return { cells: [], raw, problem: tooLongValue(c + 1, cells[c]!.length, this.#maxField) };
    }
    return { cells, raw };
  }

  /** One record from `start`: the record and where the next begins, or INCOMPLETE. */
  #record(buf: string, start: number, final: boolean): [CsvRecord, number] | typeof INCOMPLETE {
    const cells: string[] = [];
    let i = start;
    let spansLines = false;
    for (;;) {
      let value = '';
      if (buf[i] === '"') {
        const quoted = this.#quoted(buf, i, final);
        if (quoted === INCOMPLETE) return INCOMPLETE;
        if (quoted === null) return this.#literalLine(buf, start, final);
        if (countLineBreaks(buf, i, quoted[1]) > 0) {
          spansLines = true;
          // A whole row of the file inside the quotes: the quote is a stray one that swallowed it.
          if (this.#expected !== undefined && holdsARow(quoted[0], this.#d, this.#expected)) return this.#literalLine(buf, start, final);
        }
        [value, i] = quoted;
      }
      // Unquoted text (or what follows a closing quote) up to the delimiter or line end.
      const stop = this.#fieldEnd(buf, i);
      if (stop === buf.length && !final) return INCOMPLETE;
      value += buf.slice(i, stop);
      cells.push(value);
      i = stop;
      if (i < buf.length && buf[i] === this.#d) {
        i++;
        continue;
      }
      const next = skipLineBreak(buf, i);
      if (next === INCOMPLETE_CR && !final) return INCOMPLETE;
      if (spansLines && this.#expected !== undefined && !fits(cells, this.#expected)) return this.#literalLine(buf, start, final);
      return [this.#checked(cells, buf, start, i), next === INCOMPLETE_CR ? i + 1 : next];
    }
  }

  /** A quoted field at `i`: [value, index after the closing quote], null if it is bogus, or INCOMPLETE. */
  #quoted(buf: string, i: number, final: boolean): [string, number] | null | typeof INCOMPLETE {
    let value = '';
    let j = i + 1;
    let lines = 0;
    for (;;) {
      const k = buf.indexOf('"', j);
      const segmentEnd = k === -1 ? buf.length : k;
      lines += countLineBreaks(buf, j, segmentEnd);
      if (lines > this.#maxLines || segmentEnd - i > this.#maxChars) return null;
      if (k === -1) return final ? (lines > 0 ? null : [value + buf.slice(j), buf.length]) : INCOMPLETE;
      value += buf.slice(j, k);
      if (k + 1 >= buf.length && !final) return INCOMPLETE;
      const after = buf[k + 1];
      if (after === '"') {
        value += '"';
        j = k + 2;
        continue;
      }
      if (after === undefined || after === this.#d || after === '\n' || after === '\r') return [value, k + 1];
      // Text right after a closing quote: fine on one line ("ab"c reads as abc, like
      // spreadsheets do); across lines it means the opening quote was not one.
      if (lines > 0) return null;
      return [value, k + 1];
    }
  }

  /** The record at `start` read with quotes as plain characters, up to its line break. */
  #literalLine(buf: string, start: number, final: boolean): [CsvRecord, number] | typeof INCOMPLETE {
    let end = start;
    while (end < buf.length && buf[end] !== '\n' && buf[end] !== '\r') end++;
    if (end === buf.length && !final) return INCOMPLETE;
    const line = buf.slice(start, end);
    const next = skipLineBreak(buf, end);
    return [this.#checked(line.split(this.#d), buf, start, end), next === INCOMPLETE_CR ? end + 1 : next];
  }

  #fieldEnd(buf: string, i: number): number {
    const d = this.#d;
    for (let k = i; k < buf.length; k++) {
      const c = buf[k];
      if (c === d || c === '\n' || c === '\r') return k;
    }
    return buf.length;
  }
}

const INCOMPLETE_CR = -1;

function lineBreakIndex(text: string): number {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}

function lastFilled(cells: string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i] !== '') return i + 1;
  return 0;
}

/**
 * Whether a quoted value spanning lines holds, on a line of its own, as many delimited fields
 * as the file has columns: a row the quote swallowed (a stray `"` in one line and another in a
 * later one), not a multi-line note or address. One-column files cannot tell, so never do.
 */
function holdsARow(value: string, d: string, expected: number): boolean {
  if (expected < 2) return false;
  const lines = value.split(/\r\n|\n|\r/);
  return lines.slice(1, -1).some((line) => line.split(d).length === expected);
}

/** As many fields as the file's columns (extra empty fields at the end are tolerated). */
function fits(cells: string[], expected: number): boolean {
  if (cells.length < expected) return false;
  for (let k = expected; k < cells.length; k++) if (cells[k] !== '') return false;
  return true;
}

/** Index after the line break at `i` (CRLF, LF or CR); INCOMPLETE_CR when a CR ends the buffer. */
function skipLineBreak(buf: string, i: number): number {
  if (i >= buf.length) return buf.length;
  if (buf[i] === '\r') {
    if (i + 1 >= buf.length) return INCOMPLETE_CR;
    return buf[i + 1] === '\n' ? i + 2 : i + 1;
  }
  if (buf[i] === '\n') return i + 1;
  return i;
}

function countLineBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = buf.charCodeAt(k);
    if (c === 10 || (c === 13 && buf.charCodeAt(k + 1) !== 10)) n++;
  }
  return n;
}

/** Parses a whole string (tests, previews). */
export function parseCsv(text: string, delimiter: string): CsvRecord[] {
  const t = new CsvTokenizer({ delimiter });
  return [...t.push(text), ...t.end()];
}
