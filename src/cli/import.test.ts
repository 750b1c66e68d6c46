import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    const first = await rapport(
      'import', 'contacts', messy('chatwoot/existing_contacts.csv'), '--workspace', 'Shop', '--map', 'gender=gender', '--create-properties', '--consent', 'yes', '--json',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'completed',
      outcome: 'imported',
      createdCount: 3,
      skippedCount: 0,
      consent: { emailConsent: 'subscribed', via: 'cli', statedBy: expect.stringMatching(/^rapport import on the command line/) },
    });

    const second = await rapport('import', 'contacts', messy('chatwoot/invalid_contacts.csv'), '--workspace', 'Shop', '--map', '5=ignore', '--consent', 'no');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Imported 25 rows of invalid_contacts.csv: 0 created, 2 updated, 0 merged duplicates, 23 skipped; 0 values left out.');
    const id = /rapport import errors (\S+)/.exec(second.stdout)![1]!;
    const errors = await rapport('import', 'errors', id, '--workspace', 'Shop');
    expect(errors.stdout.split('\n')[0]).toBe('row,what happened,column,reason,original row');
    expect(errors.stdout).toContain('4,row skipped,,"skipped: the email cuzzell0@mozilla.org belongs to another contact');
    expect(errors.stdout).toContain('""+91848484848"" is not a phone number');
  });

  it('asks for consent when the file has email addresses, refuses a file it cannot tell people apart in, and fails when nothing is imported', async () => {
    const file = path.join(dataDir, 'kontakte.csv');
    writeFileSync(file, 'Vorname;Kontakt\nAnna;anna@beispiel.de\nBen;ben@beispiel.de\n');
    const noConsent = await rapport('import', 'contacts', file, '--workspace', 'Shop');
    expect(noConsent.code).toBe(1);
    expect(noConsent.stderr).toContain('Column 2 ("Kontakt") holds email addresses: say whether these people agreed to receive marketing email.');
    expect(noConsent.stderr).toContain('--consent yes');

    const names = path.join(dataDir, 'names.csv');
    writeFileSync(names, 'First name,Last name\nAnna,Schmidt\n');
    const noIdentity = await rapport('import', 'contacts', names, '--workspace', 'Shop');
    expect(noIdentity.code).toBe(1);
    expect(noIdentity.stderr).toContain('The mapping needs a column for the email or the external ID');

    const ragged = path.join(dataDir, 'ragged.csv');
    writeFileSync(ragged, 'email,first name,last name\nanna@example.com,Anna\nben@example.com,Ben\n');
    const nothing = await rapport('import', 'contacts', ragged, '--workspace', 'Shop', '--consent', 'no');
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toContain('Nothing was imported from ragged.csv. No contact was imported: all 2 rows were skipped. Most often (2 rows): has 2 fields where the file has 3 columns (row 2, for example).');
  });

  it('says which columns exist when a mapping names one that does not', async () => {
    const res = await rapport('import', 'contacts', messy('chatwoot/existing_contacts.csv'), '--workspace', 'Shop', '--map', 'E-mail=email');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the file has no column "E-mail". Its columns: 1 id, 2 first_name');
    const missing = await rapport('import', 'contacts', 'no-such-file.csv', '--workspace', 'Shop');
    expect(missing.stderr).toContain('Cannot read no-such-file.csv');
  });
});
