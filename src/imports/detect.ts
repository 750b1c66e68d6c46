import iconv from 'iconv-lite';
import type Jschardet from 'jschardet';
import { createRequire } from 'node:module';

// jschardet (~4 MB) loads with the first file whose encoding must be guessed.
const require = createRequire(import.meta.url);
let jschardet: typeof Jschardet | undefined;

export type FileFormat = 'csv' | 'xlsx';

/** XLSX files are ZIP archives: they start with "PK\x03\x04". */
export function detectFormat(head: Buffer, fileName = ''): FileFormat {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (/\.xlsx$/i.test(fileName) && head.length === 0) return 'xlsx';
  return 'csv';
}

// What jschardet calls an encoding, as iconv-lite knows it.
const ALIASES: Record<string, string> = {
  ascii: 'UTF-8',
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  cp932: 'Shift_JIS',
  shift_jis: 'Shift_JIS',
  'euc-jp': 'EUC-JP',
  'iso-2022-jp': 'ISO-2022-JP',
  gb2312: 'GB18030',
  gb18030: 'GB18030',
  big5: 'Big5',
  'euc-kr': 'EUC-KR',
  'euc-tw': 'Big5',
  'windows-1252': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso-8859-15': 'windows-1252',
  'windows-1250': 'windows-1250',
  'iso-8859-2': 'windows-1250',
  'windows-1251': 'windows-1251',
  'iso-8859-5': 'windows-1251',
  'koi8-r': 'KOI8-R',
  'maccyrillic': 'windows-1251',
  'ibm866': 'cp866',
  'windows-1253': 'windows-1253',
  'iso-8859-7': 'windows-1253',
  'windows-1255': 'windows-1255',
  'iso-8859-8': 'windows-1255',
  'tis-620': 'windows-874',
};

/** The encoding iconv-lite should decode with (Shift_JIS is decoded as its superset CP932). */
export function decoderName(encoding: string): string {
  if (encoding === 'Shift_JIS') return 'cp932';
  return encoding;
}

export function isSupportedEncoding(encoding: string): boolean {
  return iconv.encodingExists(decoderName(encoding));
}

/**
 * The text encoding of a file from its first bytes: a byte-order mark decides; then UTF-16
 * without one (every other byte zero); then valid UTF-8; then a statistical guess
 * (jschardet) among legacy encodings, defaulting to Windows-1252 (what Excel writes on
 * Western Windows).
 */
export function detectEncoding(head: Buffer): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'UTF-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  const sample = head.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  const half = sample.length / 2;
  if (half > 0 && oddZeros / half > 0.3 && evenZeros / half < 0.05) return 'UTF-16LE';
  if (half > 0 && evenZeros / half > 0.3 && oddZeros / half < 0.05) return 'UTF-16BE';
  if (isValidUtf8(head)) return 'UTF-8';
  // jschardet's statistics need a lot of text; on a short file they guess wrong. Each
  // candidate is also scored by how plausible its decoding is, and the best one wins. Both
  // read only the lines that have non-ASCII bytes (up to 16 kB of them): that is where
  // encodings differ, and jschardet over the whole 256 kB head took up to 1.7 s of the
  // server's only thread.
  const legacy = nonAsciiLines(head, ENCODING_SAMPLE_BYTES);
  const guess = ALIASES[String((jschardet ??= require('jschardet') as typeof Jschardet).detect(legacy, { minimumThreshold: 0 }).encoding ?? '').toLowerCase()];
  const candidates = [...new Set([guess, 'windows-1252', 'Shift_JIS', 'EUC-JP', 'GB18030', 'Big5', 'EUC-KR', 'windows-1251', 'windows-1250'])].filter(
    (c): c is string => Boolean(c) && isSupportedEncoding(c!),
  );
  let best = { encoding: 'windows-1252', score: -Infinity };
  for (const encoding of candidates) {
    const score = plausibility(iconv.decode(legacy, decoderName(encoding))) + (encoding === guess ? 0.5 : 0) + (PRIOR[encoding] ?? 0);
    if (score > best.score) best = { encoding, score };
  }
  return best.encoding;
}

const ENCODING_SAMPLE_BYTES = 16 * 1024;

/** The lines of `buf` that hold a byte above 0x7F, joined, up to `max` bytes (the head of `buf` when there are none). */
function nonAsciiLines(buf: Buffer, max: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  let start = 0;
  while (start < buf.length && size < max) {
    let end = buf.indexOf(0x0a, start);
    if (end === -1) end = buf.length;
    let high = false;
    for (let i = start; i < end; i++) {
      if (buf[i]! > 0x7f) {
        high = true;
        break;
      }
    }
    if (high) {
      const line = buf.subarray(start, Math.min(end + 1, start + (max - size)));
      parts.push(line);
      size += line.length;
    }
    start = end + 1;
  }
  return parts.length === 0 ? buf.subarray(0, max) : Buffer.concat(parts, size);
}

/** On a tie, the encodings spreadsheets most often write: Excel on Western Windows, then Japanese. */
const PRIOR: Record<string, number> = { 'windows-1252': 1, Shift_JIS: 0.5 };

/**
 * How much a decoded text looks like text people write: letters of real alphabets count
 * for it; replacement characters, private-use and control characters, and the rarely
 * typed symbols of Windows-1252's upper half ("ƒ", "‰", "Š"…) count against it.
 */
function plausibility(text: string): number {
  let score = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) continue;
    if (c === 0x20ac || c === 0xa3) score += 1; // € and £: prices are everywhere in shop data
    else if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff) || (c >= 0x80 && c <= 0x9f)) score -= 5;
    else if ((c >= 0xc0 && c <= 0x17f && c !== 0xd7 && c !== 0xf7) || (c >= 0x400 && c <= 0x4ff)) score += 1;
    // One per character: a CJK character takes two bytes where a Latin letter takes one.
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) score += 1;
    else if (c >= 0xff61 && c <= 0xff9f) score -= 1; // half-width katakana: rare in real files
    else score -= 1;
  }
  return score;
}

function isValidUtf8(buf: Buffer): boolean {
  // A multi-byte character may be cut at the end of the sample: ignore an incomplete tail.
  let end = buf.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = buf[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (back < need) end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * The delimiter that splits the first lines most consistently: for each candidate, the
 * most common number of fields per line (outside quotes), weighted by how many lines
 * agree. Ties go to the comma.
 */
export function detectDelimiter(text: string): string {
  // The first lines decide; a 256 kB head of one line is read up to 64 kB.
  const lines = splitLogicalLines(text.slice(0, 64 * 1024), 50).filter((l) => l.trim() !== '');
  if (lines.length === 0) return ',';
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const freq = new Map<number, number>();
    for (const c of counts) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
    let modeCount = 0;
    let agreeing = 0;
    for (const [c, n] of freq) if (n > agreeing || (n === agreeing && c > modeCount)) [modeCount, agreeing] = [c, n];
    const score = (agreeing / lines.length) * Math.log2(1 + modeCount);
    if (score > best.score) best = { delimiter: d, score };
  }
  return best.delimiter;
}

function countOutsideQuotes(line: string, d: string): number {
  const delimiter = d.charCodeAt(0);
  let inQuotes = false;
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === delimiter && !inQuotes) n++;
  }
  return n;
}

/** The first `max` lines, keeping quoted line breaks inside their line. */
function splitLogicalLines(text: string, max: number): string[] {
  const out: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if ((ch === '\n' || ch === '\r') && !inQuotes) {
      out.push(text.slice(start, i));
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (start < text.length && out.length < max) out.push(text.slice(start));
  return out;
}

const EMAIL_LIKE = /^[^\s@,;]+@[^\s@,;]+$/;
const NUMBER_LIKE = /^[-+]?[\d.,\s]+$/;
const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/;

/**
 * Whether the first row names the columns: not when it holds values that look like data
 * (an email, a number, a date) or when it has a different number of fields than the rows
 * after it.
 */
export function detectHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows;
  if (!first) return false;
  const nonEmpty = first.filter((c) => c.trim() !== '');
  if (nonEmpty.length === 0) return false;
  if (nonEmpty.some((c) => EMAIL_LIKE.test(c.trim()) || NUMBER_LIKE.test(c.trim()) || DATE_LIKE.test(c.trim()))) return false;
  if (rest.length > 0) {
    const counts = rest.map((r) => lastNonEmpty(r));
    const widest = Math.max(...counts);
    if (lastNonEmpty(first) < Math.min(widest, 2)) return false;
  }
  return true;
}

export function lastNonEmpty(row: string[]): number {
  for (let i = row.length - 1; i >= 0; i--) if (row[i]!.trim() !== '') return i + 1;
  return 0;
}
