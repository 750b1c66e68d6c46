import { describe, expect, it } from 'vitest';
import { IngestBatcher } from './batcher.ts';
import { type Parsed, parseMessage } from './messages.ts';
import type { IngestResult } from './tracking.ts';

const now = new Date('2026-01-15T12:00:00Z');
const track = (event: string): Parsed => parseMessage({ userId: 'u', event, messageId: event }, 0, 'track', now);
const invalid = (): Parsed => parseMessage({ event: 'no one' }, 0, 'track', now);
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A fake writer that holds every write until released, and warns about events named "warn…". */
function fakeWriter(fail?: (parsed: Parsed[]) => boolean) {
  const writes: Parsed[][] = [];
  const release: (() => void)[] = [];
  const write = async (_ws: string, parsed: Parsed[]): Promise<IngestResult> => {
    writes.push(parsed);
    await new Promise<void>((r) => release.push(r));
    if (fail?.(parsed)) throw new Error('boom');
    const errors = parsed.flatMap((p, index) => (p.ok ? [] : [{ index, message: p.message }]));
    const warnings = parsed.flatMap((p) => (p.ok && p.message.name.startsWith('warn') ? [{ index: p.message.index, message: `about ${p.message.name}` }] : []));
    return { accepted: parsed.length - errors.length, errors, warnings };
  };
  const releaseAll = async () => {
    while (release.length > 0) {
      release.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { writes, write, releaseAll };
}

describe('writing requests together', () => {
  it('writes a request as soon as it can, together with those that wait, and answers each with its own errors', async () => {
    const w = fakeWriter();
    const batcher = new IngestBatcher(w.write);
    const first: Promise<IngestResult>[] = [];
    for (let i = 0; i < 4; i++) {
      first.push(batcher.submit('ws', [track(`e${i}`)]));
      await tick();
    }
    expect(w.writes.map((p) => p.length)).toEqual([1, 1, 1, 1]);
    // Four writes are running: the next requests wait, then go as one write.
    const later = [batcher.submit('ws', [track('warn-a'), invalid()]), batcher.submit('ws', [invalid()]), batcher.submit('ws', [track('warn-b')])];
    // Another workspace is not held up by this one.
    const other = batcher.submit('other', [track('x')]);
    await new Promise((r) => setTimeout(r, 5));
    expect(w.writes.map((p) => p.length)).toEqual([1, 1, 1, 1, 1]);
    await w.releaseAll();
    expect(w.writes.map((p) => p.length)).toEqual([1, 1, 1, 1, 1, 4]);
    expect(await Promise.all(later)).toEqual([
      { accepted: 1, errors: [{ index: 1, message: 'userId or anonymousId is required' }], warnings: [{ index: 0, message: 'about warn-a' }] },
      { accepted: 0, errors: [{ index: 0, message: 'userId or anonymousId is required' }], warnings: [] },
      { accepted: 1, errors: [], warnings: [{ index: 0, message: 'about warn-b' }] },
    ]);
    expect((await Promise.all(first)).every((r) => r.accepted === 1)).toBe(true);
    expect((await other).accepted).toBe(1);
  });

  it('writes each request alone when a write of several fails, so one cannot fail the others', async () => {
    const w = fakeWriter((parsed) => parsed.some((p) => p.ok && p.message.name === 'poison'));
    const batcher = new IngestBatcher(w.write);
    const busy: Promise<IngestResult>[] = [];
    for (let i = 0; i < 4; i++) {
      busy.push(batcher.submit('ws', [track(`e${i}`)]));
      await tick();
    }
    const good = batcher.submit('ws', [track('good')]);
    const bad = batcher.submit('ws', [track('poison')]);
    const outcomes = Promise.allSettled([good, bad]);
    await w.releaseAll();
    const [g, b] = await outcomes;
    expect(g).toMatchObject({ status: 'fulfilled', value: { accepted: 1 } });
    expect(b).toMatchObject({ status: 'rejected' });
    expect(w.writes.map((p) => p.length)).toEqual([1, 1, 1, 1, 2, 1, 1]);
    await Promise.all(busy);
  });
});
