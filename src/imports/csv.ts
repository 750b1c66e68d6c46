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
}

export interface CsvOptions {
  delimiter: string;
  maxQuotedLines?: number;
  maxQuotedChars?: number;
  /**
   * The file's number of columns, when known: a record that only spans lines because of a
   * quote, and then does not have that many fields, is a stray quote, not a multi-line value.
   */
  expectedFields?: number;
}

const INCOMPLETE = Symbol('incomplete');

export class CsvTokenizer {
  #buffer = '';
  readonly #d: string;
  readonly #maxLines: number;
  readonly #maxChars: number;
  readonly #expected: number | undefined;

  constructor(options: CsvOptions) {
    if (options.delimiter.length !== 1) throw new Error('The delimiter must be one character.');
    this.#d = options.delimiter;
    this.#maxLines = options.maxQuotedLines ?? 100;
    this.#maxChars = options.maxQuotedChars ?? 1_000_000;
    this.#expected = options.expectedFields;
  }

  /** Adds text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    this.#buffer += text;
    return this.#drain(false);
  }

  /** No more text: returns the last records. */
  end(): CsvRecord[] {
    return this.#drain(true);
  }

  #drain(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const buf = this.#buffer;
    let pos = 0;
    while (pos < buf.length) {
      const result = this.#record(buf, pos, final);
      if (result === INCOMPLETE) break;
      const [record, next] = result;
      if (record.cells.length > 1 || record.cells[0] !== '') out.push(record);
      pos = next;
    }
    this.#buffer = buf.slice(pos);
    return out;
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
        if (countLineBreaks(buf, i, quoted[1]) > 0) spansLines = true;
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
      return [{ cells, raw: buf.slice(start, Math.min(i, start + 2000)) }, next === INCOMPLETE_CR ? i + 1 : next];
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
    return [{ cells: line.split(this.#d), raw: line.slice(0, 2000) }, next === INCOMPLETE_CR ? end + 1 : next];
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
