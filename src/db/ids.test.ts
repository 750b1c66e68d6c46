import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that sort by the time they were made', () => {
    const a = uuidv7(Date.UTC(2026, 0, 1));
    const b = uuidv7(Date.UTC(2026, 0, 1, 0, 0, 0, 1));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(Number.parseInt(a.replaceAll('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 1));
  });

  it('never repeats itself', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => uuidv7(1)));
    expect(ids.size).toBe(20_000);
  });
});
