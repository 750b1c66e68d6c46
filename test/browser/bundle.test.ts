// The built web app carries no zod: the API contracts are zod schemas, and the web app takes
// only their types (a lint rule enforces `import type`; this checks what was built, whatever
// path zod might take in). Before: 1,157 kB main chunk with zod; without it 732 kB.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const assets = path.resolve('web/dist/assets');

describe('the built web app', () => {
  it('holds no zod in any chunk', () => {
    const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(0);
    const withZod = chunks.filter((f) => /ZodError|\$ZodType|_zod\b/.test(readFileSync(path.join(assets, f), 'utf8')));
    expect(withZod).toEqual([]);
  });
});
