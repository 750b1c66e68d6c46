import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * The embedded database may be opened by one process at a time: two PGlite instances on
 * one directory would corrupt it. The holder writes its pid into `rapport.lock`; a lock
 * whose process is gone (crash, kill -9) is taken over.
 */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    const what = holder.command === 'serve' && holder.url ? `\`rapport serve\` at ${holder.url}` : `\`rapport ${holder.command}\``;
    super(
      `The embedded database in ${dataDir} is in use by ${what} (pid ${holder.pid}). ` +
        'Only one process can open it at a time. Stop that process first, or use the running ' +
        'server (web app or API) for this, or run Rapport on PostgreSQL (DATABASE_URL) to share one database between processes.',
    );
    this.name = 'DataDirBusyError';
  }
}

export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  url?: string;
  startedAt: string;
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string, command: string): { release(): void; update(info: Partial<LockInfo>): void } {
  ensureDataDir(dataDir);
  const file = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const current = readLock(dataDir);
        if (current?.pid === process.pid) rmSync(file, { force: true });
      };
      process.once('exit', release);
      return {
        release,
        update(more) {
          Object.assign(info, more);
          writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(dataDir);
      if (holder && isAlive(holder)) throw new DataDirBusyError(dataDir, holder);
      // Stale lock from a process that is gone: remove it and try again.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock on ${dataDir}; another process keeps taking it.`);
}

function isAlive(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return true; // cannot check another machine: assume it is alive
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockPath(dataDir: string): string {
  return path.join(dataDir, 'rapport.lock');
}

/**
 * The instance secret signs CSRF tokens and links and encrypts secrets at rest. It comes
 * from RAPPORT_SECRET; without it, one is generated once and kept in the data directory
 * (fine for one machine; several machines must share RAPPORT_SECRET).
 */
export function loadInstanceSecret(configured: string | undefined, dataDir: string): string {
  if (configured) {
    if (configured.length < 32) throw new Error('RAPPORT_SECRET must be at least 32 characters long.');
    return configured;
  }
  ensureDataDir(dataDir);
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
