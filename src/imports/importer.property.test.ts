import { Readable } from 'node:stream';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../contacts/values.ts';
import { ContactRowMapper } from './contact-rows.ts';
import { decoderName, detectDelimiter, detectEncoding, detectHeader } from './detect.ts';
import { readRows } from './reader.ts';

/**
 * Files written every way spreadsheets and exporters write them, with junk lines mixed
 * in: the importer must never throw, and every good row must come out as the contact it
 * describes.
 */

const ENCODINGS = ['UTF-8', 'UTF-8 BOM', 'UTF-16LE', 'UTF-16BE', 'windows-1252', 'Shift_JIS'] as const;
type Encoding = (typeof ENCODINGS)[number];
const DELIMITERS = [',', ';', '\t', '|'] as const;

// Characters every encoding under test can represent (Shift_JIS gets kana and kanji, 1252 accents).
const ascii = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-\'"';
const extra: Record<Encoding, string> = {
  'UTF-8': 'éüßøñ名前テスト😀',
  'UTF-8 BOM': 'éüßøñ名前テスト',
  'UTF-16LE': 'éüßøñ名前テスト😀',
  'UTF-16BE': 'éüßøñ名前テスト',
  'windows-1252': 'éüßøñàç€',
  'Shift_JIS': '名前テストあいう',
};

interface Person {
  email: string;
  first: string;
  last: string;
  score: number;
}

function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === 'UTF-8 BOM') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  if (encoding === 'UTF-16LE') return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
  if (encoding === 'UTF-16BE') return Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
  return iconv.encode(text, encoding === 'Shift_JIS' ? 'cp932' : encoding);
}

function quote(value: string, d: string, always: boolean): string {
  const needs = value.includes(d) || value.includes('"') || value.includes('\n') || value.includes('\r') || value.startsWith(' ') || value.endsWith(' ');
  return always || needs ? `"${value.replaceAll('"', '""')}"` : value;
}

const defs = new Map<string, PropertyDefinition>([['score', { key: 'score', label: 'Score', description: '', type: 'number', options: [] }]]);

async function importText(bytes: Buffer) {
  const encoding = detectEncoding(bytes.subarray(0, 256 * 1024));
  const text = iconv.decode(bytes.subarray(0, 256 * 1024), decoderName(encoding));
  const delimiter = detectDelimiter(text);
  const rows = [];
  // As the import job does: it knows the number of columns from the preview and the mapping.
  for await (const row of readRows(Readable.from([bytes]), { format: 'csv', encoding, delimiter, columns: 4 })) rows.push(row);
  const hasHeader = detectHeader(rows.slice(0, 50).map((r) => r.cells));
  const mapper = new ContactRowMapper(['email', 'first_name', 'last_name', 'properties.score'], defs, { defaultCountry: null, dateOrders: {} });
  const contacts = rows.slice(hasHeader ? 1 : 0).map((r) => mapper.map(r));
  return { encoding, delimiter, hasHeader, contacts };
}

describe('the importer on generated files', () => {
  it('finds every valid row whatever the encoding, delimiter, quoting, line ends and junk lines', { timeout: 180_000 }, async () => {
    const fileArb = fc.constantFrom(...ENCODINGS).chain((encoding) => {
      const chars = fc.constantFrom(...[...ascii, ...extra[encoding]]);
      const name = fc.array(chars, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('').trim()).filter((s) => s.length > 0);
      const person = fc.record({ first: name, last: name, score: fc.integer({ min: -100000, max: 100000 }) });
      const junkChars = fc.constantFrom(...'abc,;|\t"\' xyz@.0123'.split(''), ...extra[encoding]);
      const junk = fc.array(junkChars, { minLength: 1, maxLength: 40 }).map((cs) => cs.join(''));
      return fc.record({
        encoding: fc.constant(encoding as Encoding),
        delimiter: fc.constantFrom(...DELIMITERS),
        alwaysQuote: fc.boolean(),
        crlf: fc.boolean(),
        people: fc.array(person, { minLength: 3, maxLength: 30 }),
        // Junk lines, each after the valid row of that index; at most a fifth of the file.
        junk: fc.array(fc.tuple(fc.nat(), junk), { maxLength: 6 }),
      });
    });
    await fc.assert(
      fc.asyncProperty(fileArb, async (file) => {
        const people: Person[] = file.people.map((p, i) => ({ ...p, email: `person${i}@example.com` }));
        const junk = file.junk.slice(0, Math.floor(people.length / 5));
        const d = file.delimiter;
        const lines = [['email', 'first_name', 'last_name', 'score'].join(d)];
        people.forEach((p, i) => {
          lines.push([p.email, p.first, p.last, String(p.score)].map((v) => quote(v, d, file.alwaysQuote)).join(d));
          for (const [at, text] of junk) if (at % people.length === i) lines.push(text);
        });
        const text = lines.join(file.crlf ? '\r\n' : '\n') + (file.crlf ? '\r\n' : '\n');
        const result = await importText(encode(text, file.encoding));
        expect(result.delimiter).toBe(d);
        expect(result.hasHeader).toBe(true);
        const found = new Map(result.contacts.filter((c) => c.input?.email).map((c) => [c.input!.email!, c.input!]));
        for (const p of people) {
          expect(found.get(p.email), `${p.email} in ${JSON.stringify(text)}`).toEqual({
            email: p.email,
            firstName: p.first,
            lastName: p.last,
            properties: { score: p.score },
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a stray quote on one line and another on a later line do not swallow the row between them; a real multi-line address stays one value', async () => {
    const text = [
      'email|first_name|last_name|score',
      'person0@example.com|a|a|0',
      '|"',
      'person1@example.com|b|b|1',
      '"||',
      'person2@example.com|"12 Main St',
      'Flat 4"|c|2',
      '',
    ].join('\n');
    const { contacts } = await importText(Buffer.from(text));
    const byEmail = new Map(contacts.filter((c) => c.input?.email).map((c) => [c.input!.email!, c.input!]));
    expect(byEmail.get('person1@example.com')).toEqual({ email: 'person1@example.com', firstName: 'b', lastName: 'b', properties: { score: 1 } });
    expect(byEmail.get('person2@example.com')).toEqual({ email: 'person2@example.com', firstName: '12 Main St\nFlat 4', lastName: 'c', properties: { score: 2 } });
  });

  it('never throws on arbitrary bytes', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), async (bytes) => {
        await importText(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
