import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve('bin/rapport.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-demo-cli-'));
// Always the embedded database, in a data directory of its own.
const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };

async function rapport(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('rapport demo', () => {
  it('fills a workspace, prints what it loaded, and loading again adds nothing', { timeout: 180_000 }, async () => {
    const user = await rapport('user', 'create', '--email', 'owner@shop.test', '--password', 'long enough password', '--workspace', 'Shop', '--json');
    expect(user.code, user.stderr).toBe(0);

    const first = await rapport('demo', '--workspace', 'Shop', '--contacts', '500', '--json');
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ workspace: { name: 'Shop' }, seed: 1, contacts: { total: 500, created: 500 } });
    expect(result.events.inserted).toBe(result.events.total);
    expect(result.events.total).toBeGreaterThan(5_000);
    expect(result.shape.lifecycle).toMatchObject({ customer: expect.any(Number), churned: expect.any(Number), lead: expect.any(Number) });
    expect(result.examples.segments).toContain('No purchase in 90 days');
    expect(result.examples.templates).toContain('We miss you');
    // Progress goes to stderr, so stdout stays one line of JSON.
    expect(first.stderr).toContain('demo: 500 of 500 contacts');

    const again = await rapport('demo', '--workspace', JSON.parse(user.stdout).workspace.id, '--contacts', '500');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Loaded the demo shop into "Shop" in [\d.]+ s: 500 contacts \(0 new\), [\d,]+ events \(0 new\)\./);
    expect(again.stdout).toContain('revenue net of refunds: £');
    // The segments and templates are there already: none made twice, none named.
    expect(again.stdout).not.toContain('segments:');
  });

  it('says what to fix', async () => {
    const missing = await rapport('demo', '--workspace', 'Nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No workspace is named "Nowhere"');
    const tooMany = await rapport('demo', '--workspace', 'Shop', '--contacts', '2000000');
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.stderr).toContain('--contacts must be a whole number from 1 to 1,000,000');
    const help = await rapport('demo', '--help');
    expect(help.stdout).toContain('--seed <n>');
  });
});
