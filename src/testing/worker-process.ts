// A Rapport worker as a process of its own, for the tests that stop or kill one mid-work and
// start another (broadcasts, workflows, social publishing): the environment every process of a
// test shares, the database they share, starting a worker, waiting for it to end, and polling
// for what it did.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './database.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface WorkerHome {
  /** The data directory every process of the test uses (PGlite runs take turns on it). */
  dataDir: string;
  /** PostgreSQL runs: a database of the test's own; PGlite runs: undefined. */
  url: string | undefined;
  /** The environment of every process: one data directory, one secret, one database. */
  env: NodeJS.ProcessEnv;
  /** Drops the database and removes the data directory. */
  remove(): Promise<void>;
}

/** A data directory and, when the tests run on PostgreSQL, a database, shared by the test's processes. */
export async function workerHome(name: string, extraEnv: Record<string, string>): Promise<WorkerHome> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `rapport-${name}-`));
  const testDb: TestDatabase | undefined = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const url = testDb?.url;
  return {
    dataDir,
    url,
    env: {
      ...process.env,
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_SECRET: `${name} test secret, the same for every process`,
      LOG_LEVEL: 'warn',
      ...extraEnv,
      DATABASE_URL: url ?? '',
    },
    async remove() {
      await testDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `rapport worker` with the given environment; its errors go to the test's output. */
export function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['bin/rapport.js', 'worker'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  return child;
}

/** The exit code, or the signal that ended the process. */
export const exited = (child: ChildProcess): Promise<number | string> =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode ?? child.signalCode!) : child.once('exit', (code, signal) => r(code ?? signal!))));

/** Polls `probe` until it holds; past the timeout, fails naming what was awaited and, when given, where things stood. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, progress?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress ? `: ${JSON.stringify(progress())}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
