import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirBusyError, loadInstanceSecret } from './datadir.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'rapport-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the embedded data directory', () => {
  it('is held by one process at a time, and says who holds it', async () => {
    const dir = tempDir();
    // Another live process holds the lock.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(
        path.join(dir, 'rapport.lock'),
        JSON.stringify({ pid: child.pid, host: hostname(), command: 'serve', url: 'http://localhost:3000', startedAt: new Date().toISOString() }),
      );
      let error: unknown;
      try {
        acquireDataDirLock(dir, 'cli');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DataDirBusyError);
      expect((error as Error).message).toContain('`rapport serve` at http://localhost:3000');
      expect((error as Error).message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill();
    }
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    writeFileSync(path.join(dir, 'rapport.lock'), JSON.stringify({ pid: child.pid, host: hostname(), command: 'serve', startedAt: '' }));
    const lock = acquireDataDirLock(dir, 'serve');
    expect(JSON.parse(readFileSync(path.join(dir, 'rapport.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path.join(dir, 'rapport.lock'))).toBe(false);
  });

  it('keeps one generated instance secret, or uses the configured one', () => {
    const dir = tempDir();
    const first = loadInstanceSecret(undefined, dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadInstanceSecret(undefined, dir)).toBe(first);
    expect(loadInstanceSecret('x'.repeat(40), dir)).toBe('x'.repeat(40));
    expect(() => loadInstanceSecret('short', dir)).toThrow(/at least 32/);
  });
});
