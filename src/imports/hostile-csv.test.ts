import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { postFromWorker, probeHealth } from '../testing/health-probe.ts';
import { importFile, multipartFile, upload } from '../testing/imports.ts';

const t = useHarness({ work: true });

async function listen(): Promise<string> {
  if (!t.h.app.server.listening) await t.h.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.h.app.server.address() as AddressInfo).port}`;
}

describe('a hostile CSV', () => {
  it('a 20 MB single-line file is refused within seconds, naming the row, while /health answers in under 250 ms', { timeout: 60_000, retry: 2 }, async () => {
    const owner = await t.h.signUp();
    const { key } = await t.h.apiKey(owner.workspaceId);
    const base = await listen();
    const { body, contentType } = await multipartFile('one-line.csv', `email,${'x'.repeat(20 * 1024 * 1024)}`);
    const probe = probeHealth(base);
    await new Promise((r) => setTimeout(r, 100)); // a few answers before the upload
    const res = await postFromWorker(`${base}/api/v1/imports?kind=contacts`, { authorization: `Bearer ${key}`, 'content-type': contentType }, body);
    const seconds = res.ms / 1000;
    await new Promise((r) => setTimeout(r, 100));
    const health = await probe.stop();
    const answer = JSON.parse(res.text) as { error: { code: string; message: string } };
    expect(res.status).toBe(400);
    expect(answer.error.message).toMatch(/^Row 1 is longer than 1,000,000 characters/);
    expect(seconds).toBeLessThan(10);
    expect(health.failures).toBe(0);
    expect(health.count).toBeGreaterThan(10);
    expect(health.max).toBeLessThan(250);
    // Nothing is left behind.
    expect(await t.h.db.query('select id from imports where workspace_id = $1', [owner.workspaceId])).toEqual([]);
    // A shared machine alone can delay an answer by 100 ms now and then (in CI, 111–139 ms in
    // three attempts in a row while other test files ran on both cores); a server that blocks
    // (before: 40 s and more for this file) fails every attempt.
  });

  it('a row too long, a value too long or too many columns past the first rows: that row is skipped and listed, the others imported', async () => {
    const owner = await t.h.signUp();
    const good = Array.from({ length: 300 }, (_, i) => `p${i}@example.com,Person ${i}`);
    const lines = [
      'email,name',
      ...good.slice(0, 250),
      `long@example.com,${'y'.repeat(1_200_000)}`,
      `value@example.com,"${'z'.repeat(150_000)}"`,
      `columns@example.com${',c'.repeat(1500)}`,
      ...good.slice(250),
    ];
    const { result } = await importFile(owner.client, 'contacts.csv', lines.join('\n'), { mapping: () => ['email', 'name'] });
    expect(result).toMatchObject({ status: 'completed', outcome: 'imported_with_problems', createdCount: 300, skippedCount: 3 });
    const errors = (await owner.client.get(`/api/v1/imports/${result.id}/errors`)).body as { rowNumber: number; reason: string; raw: string }[];
    expect(errors.map((e) => [e.rowNumber, e.reason])).toEqual([
      [252, expect.stringMatching(/^is longer than 1,000,000 characters/)],
      [253, expect.stringMatching(/^column 2 holds 150,000 characters/)],
      [254, expect.stringMatching(/^has 1,501 columns/)],
    ]);
    expect(errors[0]!.raw.length).toBeLessThanOrEqual(2000);
  }, 60_000);

  it('a long value in the first rows is refused at upload with the row and what to fix', async () => {
    const owner = await t.h.signUp();
    const res = await upload(owner.client, 'notes.csv', `email,notes\na@example.com,short\nb@example.com,${'n'.repeat(150_000)}\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Row 3: column 2 holds 150,000 characters, more than the 100,000 a value may hold/);
  });

  it('NUL characters and half characters (lone surrogates) in cells are cleaned as the tracking API cleans them, not a refused file', async () => {
    const owner = await t.h.signUp();
    const { result } = await importFile(owner.client, 'nul.csv', Buffer.from('email,name\nada@example.com,Ad\u0000a\nbob@example.com,Bob\u0000\n'), { mapping: () => ['email', 'name'] });
    expect(result).toMatchObject({ status: 'completed', createdCount: 2 });
    // UTF-16 with the first half of an emoji and nothing after it.
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,name\r\ncy@example.com,Cy', 'utf16le'), Buffer.from([0x3d, 0xd8]), Buffer.from('\r\n', 'utf16le')]);
    expect((await importFile(owner.client, 'u16.csv', u16, { mapping: () => ['email', 'name'] })).result).toMatchObject({ status: 'completed', createdCount: 1 });
    const names = await t.h.db.query<{ first_name: string }>('select first_name from contacts where workspace_id = $1 order by email', [owner.workspaceId]);
    expect(names.map((n) => n.first_name)).toEqual(['Ada', 'Bob', 'Cy\ufffd']);
  });
});
