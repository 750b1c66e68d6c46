import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeSpace, codeSpecProblems, DEFAULT_CODE_SPEC, drawCodes, normalizeCode, READABLE_CHARSET, roomFor, type CodeSpec } from './codes.ts';

const spec = (over: Partial<CodeSpec>): CodeSpec => ({ ...DEFAULT_CODE_SPEC, ...over });

describe('coupon codes', () => {
  it('draws codes of the asked length from the character set, with the prefix and suffix around them', () => {
    const codes = drawCodes(spec({ length: 10, prefix: 'SUMMER-', suffix: '-X' }), 500);
    expect(codes).toHaveLength(500);
    for (const code of codes) expect(code).toMatch(new RegExp(`^SUMMER-[${READABLE_CHARSET}]{10}-X$`));
  });

  it('fills a pattern: each # a random character, the rest as written', () => {
    const codes = drawCodes(spec({ pattern: 'VIP-####-####', charset: '0123456789' }), 200);
    for (const code of codes) expect(code).toMatch(/^VIP-\d{4}-\d{4}$/);
  });

  it('uses every character of the set about equally (no bias toward the first ones)', () => {
    // 31 characters: 256 mod 31 = 8, so taking bytes mod 31 without rejection would favour the first 8.
    const codes = drawCodes(spec({ length: 10 }), 31_000);
    const counts = new Map<string, number>();
    for (const code of codes) for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(READABLE_CHARSET.length);
    // 310,000 draws over 31 characters: 10,000 expected each; 5 standard deviations is under 500.
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('refuses a count the codes have no room for, naming the length that would do', () => {
    // 31^4 = 923,521 codes: room for 9,235 at the factor of 100.
    expect(roomFor(spec({ length: 4 }), 9_000)).toBeNull();
    expect(roomFor(spec({ length: 4 }), 10_000)).toBe(
      '10,000 codes do not fit 4 random characters out of 31 without codes becoming easy to guess: choose a length of at least 5, or more characters.',
    );
    expect(roomFor(spec({ pattern: '####', charset: '0123456789' }), 1_000)).toMatch(/a pattern with at least 5 #/);
    expect(codeSpace(spec({ length: 8 }))).toBe(Math.pow(31, 8));
  });

  it('the length it names is enough, and one less is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 2, max: 36 }), (count, k) => {
        const charset = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, k);
        const message = roomFor(spec({ length: 4, charset }), count);
        if (message === null) return;
        const need = Number(/at least (\d+)/.exec(message)![1]);
        expect(roomFor(spec({ length: need, charset }), count)).toBeNull();
        expect(roomFor(spec({ length: need - 1, charset }), count)).not.toBeNull();
      }),
    );
  });

  it('says what is wrong with a spec, field by field', () => {
    expect(codeSpecProblems(DEFAULT_CODE_SPEC)).toEqual([]);
    expect(codeSpecProblems(spec({ charset: 'AAB' }))).toEqual([{ path: 'charset', message: 'has a character twice' }]);
    expect(codeSpecProblems(spec({ charset: 'ab' }))).toEqual([{ path: 'charset', message: 'may only hold upper-case letters A–Z and digits' }]);
    expect(codeSpecProblems(spec({ length: 3 }))).toEqual([{ path: 'length', message: 'must be from 4 to 32 characters' }]);
    expect(codeSpecProblems(spec({ prefix: 'summer ' }))).toEqual([{ path: 'prefix', message: 'may hold up to 20 upper-case letters, digits, - and _' }]);
    expect(codeSpecProblems(spec({ pattern: 'AB-##' }))).toEqual([{ path: 'pattern', message: 'needs at least 4 # (random characters)' }]);
    expect(codeSpecProblems(spec({ pattern: 'AB ####' }))).toEqual([{ path: 'pattern', message: 'may hold # (a random character), upper-case letters, digits, - and _' }]);
  });

  it('reads a typed code the way it is stored', () => {
    expect(normalizeCode('  summer15 ')).toBe('SUMMER15');
  });
});
