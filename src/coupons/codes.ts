// Coupon codes: how a campaign's unique codes look (length or pattern, character set, prefix)
// and drawing them at random. The randomness is the operating system's (crypto), each character
// drawn without bias by rejection sampling over random bytes. Uniqueness is not this file's
// promise: the database's unique index is, and the caller draws again for the codes it refused
// (docs/design/loyalty.md). This file makes sure there is room for that: a spec whose codes are
// too few for the count asked is refused, with the length that would do.
import { randomBytes } from 'node:crypto';

/** The look of a campaign's generated codes. */
export interface CodeSpec {
  /** Random characters per code (ignored with a pattern). */
  length: number;
  /** The characters drawn from, each once. */
  charset: string;
  /** Put before every code: "SUMMER-". */
  prefix: string;
  /** Put after every code. */
  suffix: string;
  /** "####-####": each # is a random character, the rest is kept as it is. Null: `length` characters. */
  pattern: string | null;
}

/** Upper-case letters and digits without the ones people confuse (0 O, 1 I L). */
export const READABLE_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export const DEFAULT_CODE_SPEC: CodeSpec = { length: 8, charset: READABLE_CHARSET, prefix: '', suffix: '', pattern: null };

/** The codes a spec can make must be at least this many times the number asked for. */
export const SPACE_FACTOR = 100;

const FIXED = /^[A-Z0-9_-]*$/;

/** How a code is stored and compared: trimmed, upper case. What a customer types is read the same way. */
export function normalizeCode(text: string): string {
  return text.trim().toUpperCase();
}

/** What is wrong with a spec, as `{ path, message }` for the field at fault; empty when it is fine. */
export function codeSpecProblems(spec: CodeSpec): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const chars = [...spec.charset];
  if (chars.length < 2) problems.push({ path: 'charset', message: 'needs at least 2 characters' });
  else if (new Set(chars).size !== chars.length) problems.push({ path: 'charset', message: 'has a character twice' });
  else if (!chars.every((c) => /^[A-Z0-9]$/.test(c))) problems.push({ path: 'charset', message: 'may only hold upper-case letters A–Z and digits' });
  if (!FIXED.test(spec.prefix) || spec.prefix.length > 20) problems.push({ path: 'prefix', message: 'may hold up to 20 upper-case letters, digits, - and _' });
  if (!FIXED.test(spec.suffix) || spec.suffix.length > 20) problems.push({ path: 'suffix', message: 'may hold up to 20 upper-case letters, digits, - and _' });
  if (spec.pattern !== null) {
    const slots = randomSlots(spec);
    if (!/^[A-Z0-9_#-]+$/.test(spec.pattern)) problems.push({ path: 'pattern', message: 'may hold # (a random character), upper-case letters, digits, - and _' });
    else if (slots < 4) problems.push({ path: 'pattern', message: 'needs at least 4 # (random characters)' });
    else if (slots > 32) problems.push({ path: 'pattern', message: 'may have at most 32 # (random characters)' });
  } else if (!Number.isInteger(spec.length) || spec.length < 4 || spec.length > 32) {
    problems.push({ path: 'length', message: 'must be from 4 to 32 characters' });
  }
  return problems;
}

/** How many random characters a code of this spec has. */
export function randomSlots(spec: CodeSpec): number {
  return spec.pattern === null ? spec.length : [...spec.pattern].filter((c) => c === '#').length;
}

/** How many different codes the spec can make (a float: up to 31^32 does not fit an integer). */
export function codeSpace(spec: CodeSpec): number {
  return Math.pow([...spec.charset].length, randomSlots(spec));
}

/**
 * Null when `count` codes fit the spec (its space is at least SPACE_FACTOR times the count);
 * otherwise the sentence that says what to change, with the shortest length that would do.
 */
export function roomFor(spec: CodeSpec, count: number): string | null {
  if (codeSpace(spec) >= count * SPACE_FACTOR) return null;
  const k = [...spec.charset].length;
  let need = randomSlots(spec);
  while (Math.pow(k, need) < count * SPACE_FACTOR) need++;
  const what = spec.pattern === null ? `a length of at least ${need}` : `a pattern with at least ${need} #`;
  return `${count.toLocaleString('en')} codes do not fit ${randomSlots(spec)} random characters out of ${k} without codes becoming easy to guess: choose ${what}, or more characters.`;
}

/**
 * `count` codes of the spec, drawn at random (duplicates possible, rarely: the caller keeps the
 * ones the unique index accepts and asks again for the rest).
 */
export function drawCodes(spec: CodeSpec, count: number): string[] {
  const chars = [...spec.charset];
  const k = chars.length;
  // A byte b is used when b < limit (a multiple of k): b mod k is then uniform.
  const limit = 256 - (256 % k);
  const slots = randomSlots(spec);
  const template = spec.pattern === null ? null : [...spec.pattern];
  const out: string[] = new Array(count);
  let pool = randomBytes(Math.max(64, Math.ceil(count * slots * 1.2)));
  let at = 0;
  const next = (): string => {
    for (;;) {
      if (at >= pool.length) {
        pool = randomBytes(Math.max(64, Math.ceil(pool.length / 4)));
        at = 0;
      }
      const b = pool[at++]!;
      if (b < limit) return chars[b % k]!;
    }
  };
  for (let i = 0; i < count; i++) {
    let body = '';
    if (template === null) for (let j = 0; j < slots; j++) body += next();
    else for (const c of template) body += c === '#' ? next() : c;
    out[i] = spec.prefix + body + spec.suffix;
  }
  return out;
}
