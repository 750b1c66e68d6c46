import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from './json-body.ts';

describe('the depth of JSON text', () => {
  it('counts arrays and objects inside one another, not brackets in strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(jsonDepth('{"a":"[[[{{{\\"[[[","b":["\\\\"]}')).toBe(2);
    expect(jsonDepth('[]'.repeat(1_000))).toBe(1);
  });

  it('stops counting past the limit, so a huge body costs little', () => {
    const deep = '['.repeat(1_000_000);
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepth('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
  });
});
