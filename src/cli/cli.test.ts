import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve('bin/rapport.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-cli-'));
const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', HOST: '127.0.0.1' };

async function rapport(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each test starts several `rapport` processes (a few seconds each on a loaded 2-core machine).
describe('the rapport command', { timeout: 300_000 }, () => {
  it('explains itself with --help', async () => {
    const top = await rapport('--help');
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'worker', 'migrate', 'user', 'apikey']) expect(top.stdout).toContain(cmd);
    const sub = await rapport('apikey', 'create', '--help');
    expect(sub.stdout).toMatch(/--scope <scope>[\s\S]*choices:\s+"full",\s+"ingest",\s+"shop"/);
  });

  it('migrates, creates a user and keys, and the running server accepts them; while it runs, commands go through it', async () => {
    const migrated = await rapport('migrate', '--json');
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout).applied).toContain('0001_foundation.sql');

    const user = await rapport('user', 'create', '--email', 'Owner@Shop.test', '--password', 'long enough password', '--workspace', 'Shop', '--json');
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ user: { email: 'owner@shop.test' }, workspace: { name: 'Shop', role: 'owner' } });

    const full = await rapport('apikey', 'create', '--workspace', 'Shop', '--scope', 'full', '--json');
    const fullKey = JSON.parse(full.stdout).key as string;
    const ingest = await rapport('apikey', 'create', '--workspace', 'Shop', '--scope', 'ingest');
    const ingestKey = ingest.stdout.trim();
    expect(fullKey).toMatch(/^rap_/);
    expect(ingestKey).toMatch(/^rap_/);

    const listed = await rapport('workspace', 'list', '--json');
    expect(JSON.parse(listed.stdout).map((w: { name: string }) => w.name)).toEqual(['Shop']);

    const { child, url } = await startServer();
    try {
      expect((await fetch(`${url}/api/v1/members`, { headers: { authorization: `Bearer ${fullKey}` } })).status).toBe(200);
      expect((await fetch(`${url}/api/v1/members`, { headers: { authorization: `Bearer ${ingestKey}` } })).status).toBe(403);
      const signIn = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@shop.test', password: 'long enough password' }),
      });
      expect(signIn.status).toBe(200);

      // The server holds the embedded database; these run inside it, through its local socket.
      expect(existsSync(path.join(dataDir, 'rapport.sock'))).toBe(true);
      const changed = await rapport('user', 'password', '--email', 'owner@shop.test', '--password', 'changed while serving', '--json');
      expect(changed.code, changed.stderr).toBe(0);
      expect(JSON.parse(changed.stdout)).toEqual({ email: 'owner@shop.test', passwordChanged: true });
      const signInAs = (password: string) =>
        fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@shop.test', password }) });
      expect((await signInAs('changed while serving')).status).toBe(200);
      expect((await signInAs('long enough password')).status).toBe(401);

      const live = await rapport('workspace', 'list', '--json');
      expect(live.code, live.stderr).toBe(0);
      expect(JSON.parse(live.stdout).map((w: { name: string }) => w.name)).toEqual(['Shop']);
      const key = await rapport('apikey', 'create', '--workspace', 'Shop', '--json');
      expect(key.code, key.stderr).toBe(0);
      expect((await fetch(`${url}/api/v1/members`, { headers: { authorization: `Bearer ${JSON.parse(key.stdout).key}` } })).status).toBe(200);
      const unknown = await rapport('user', 'password', '--email', 'ghost@shop.test', '--password', 'a new long password');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe('rapport: No user has the email ghost@shop.test.\n');
      expect((await rapport('migrate', '--json')).stdout).toContain('"applied":[]');

      // `serve` itself still refuses a second time.
      const second = await rapport('serve', '--port', '0');
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`in use by \`rapport serve\` at ${url}`);
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(existsSync(path.join(dataDir, 'rapport.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'rapport.sock'))).toBe(false);
    // The data survived the restart.
    expect(JSON.parse((await rapport('workspace', 'list', '--user', 'owner@shop.test', '--json')).stdout)).toMatchObject([{ name: 'Shop', role: 'owner' }]);
  });

  it('resets a forgotten password', async () => {
    const res = await rapport('user', 'password', '--email', 'owner@shop.test', '--password', 'a new long password', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ email: 'owner@shop.test', passwordChanged: true });
    const unknown = await rapport('user', 'password', '--email', 'ghost@shop.test', '--password', 'a new long password');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user has the email ghost@shop.test');
  });

  it('creates a workspace for an existing user, as an operator (whatever RAPPORT_WORKSPACE_CREATION allows in the app)', async () => {
    const created = await rapport('workspace', 'create', '--name', 'Shop Europe', '--owner', 'Owner@Shop.test', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Shop Europe', role: 'owner', owner: 'owner@shop.test' });
    const again = await rapport('workspace', 'create', '--name', 'Shop Europe', '--owner', 'owner@shop.test');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('A workspace is already named "Shop Europe"');
    const nobody = await rapport('workspace', 'create', '--name', 'Elsewhere', '--owner', 'ghost@shop.test');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No user has the email ghost@shop.test');
  });

  it('says what to fix when given bad input', async () => {
    const scope = await rapport('apikey', 'create', '--workspace', 'Shop', '--scope', 'everything');
    expect(scope.code).not.toBe(0);
    expect(scope.stderr).toMatch(/Allowed choices are full, ingest/);
    const email = await rapport('user', 'create', '--email', 'nope', '--password', 'long enough password', '--workspace', 'X');
    expect(email.code).toBe(1);
    expect(email.stderr).toContain('--email must be an email address');
    const missing = await rapport('apikey', 'create', '--workspace', 'No Such Place');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No workspace is named "No Such Place"');
  });
});
