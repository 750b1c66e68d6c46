import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve('bin/rapport.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-cli-import-'));
const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
const messy = (f: string) => path.resolve('test/fixtures/contacts-messy', f);

async function rapport(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each test starts `rapport` processes (several seconds each on a loaded 2-core machine).
describe('rapport import', { timeout: 180_000 }, () => {
  it('imports a file with mapped columns and lists the rows it skipped', async () => {
    await rapport('user', 'create', '--email', 'me@shop.test', '--password', 'long enough password', '--workspace', 'Shop');
    const first = await rapport('import', 'contacts', messy('chatwoot/existing_contacts.csv'), '--workspace', 'Shop', '--map', 'gender=gender', '--create-properties', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'completed', createdCount: 3, skippedCount: 0 });

    const second = await rapport('import', 'contacts', messy('chatwoot/invalid_contacts.csv'), '--workspace', 'Shop', '--map', '5=ignore');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Imported 25 rows of invalid_contacts.csv: 0 created, 2 updated, 0 merged duplicates, 23 skipped.');
    const id = /rapport import errors (\S+)/.exec(second.stdout)![1]!;
    const errors = await rapport('import', 'errors', id, '--workspace', 'Shop');
    expect(errors.stdout.split('\n')[0]).toBe('row,reason,original row');
    expect(errors.stdout).toContain('4,"""+91848484848"" is not a phone number"');
  });

  it('says which columns exist when a mapping names one that does not', async () => {
    const res = await rapport('import', 'contacts', messy('chatwoot/existing_contacts.csv'), '--workspace', 'Shop', '--map', 'E-mail=email');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the file has no column "E-mail". Its columns: 1 id, 2 first_name');
    const missing = await rapport('import', 'contacts', 'no-such-file.csv', '--workspace', 'Shop');
    expect(missing.stderr).toContain('Cannot read no-such-file.csv');
  });
});
