// Shared set-up for benchmarks: a fresh database (PostgreSQL from DATABASE_URL, or PGlite in
// a temporary directory) migrated, with one workspace, and an AppContext around it.
import { MODULES } from '../src/app/modules.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createUserWithWorkspace } from '../src/workspaces/workspaces.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openPglite, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { defineJobs } from '../src/app/jobs.ts';
import { JobRunner } from '../src/jobs/runner.ts';
import type { AppContext } from '../src/server/context.ts';

export interface BenchDb {
  ctx: AppContext;
  db: Database;
  kind: 'postgres' | 'pglite';
  /** postgres://… of the bench database (PostgreSQL only). */
  url?: string;
  workspaceId: string;
  /** The database of an earlier KEEP_DB run, data included (REUSE_DB=1). */
  reused: boolean;
  /** The PGlite data directory (PGlite only). */
  pglitePath?: string;
  /** Stops the jobs and closes the database, keeping its data (so another process can open it). */
  release(): Promise<void>;
  close(): Promise<void>;
}

export async function benchDatabase(name: string): Promise<BenchDb> {
  const serverUrl = process.env.DATABASE_URL;
  let db: Database;
  let cleanup: () => Promise<void>;
  let url: string | undefined;
  let pglitePath: string | undefined;
  let reused = false;
  if (serverUrl) {
    const dbName = `rapport_bench_${name}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    // REUSE_DB=1 (PostgreSQL): keep the database a KEEP_DB=1 run left, with its data.
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount === 1;
    reused = Boolean(process.env.REUSE_DB) && exists;
    if (!reused) {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.query(`create database ${dbName}`);
    }
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
    db = await openPostgres(url, { max: 8 });
    cleanup = async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), `rapport-bench-${name}-`));
    pglitePath = path.join(dir, 'pgdata');
    db = await openPglite(pglitePath);
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  await migrate(db);
  const config = { ...loadConfig({}), secret: 'bench-secret-0123456789abcdef0123456789' };
  const jobs = defineJobs(new JobRunner<AppContext>(db, { work: false }));
  const ctx: AppContext = { db, clock: systemClock, config, secret: config.secret, jobs, modules: MODULES };
  await jobs.start(ctx);
  const [existing] = reused ? await db.query<{ id: string }>("select id from workspaces where name = 'Bench'") : [];
  const { workspaceId } = existing ? { workspaceId: existing.id } : await createUserWithWorkspace(ctx, {
    email: 'bench@example.com',
    name: 'Bench',
    password: 'bench password 123',
    workspaceName: 'Bench',
  });
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await jobs.stop();
    await db.close();
  };
  return {
    ctx,
    db,
    kind: serverUrl ? 'postgres' : 'pglite',
    url,
    workspaceId,
    reused,
    pglitePath,
    release,
    async close() {
      await release();
      // KEEP_DB=1 leaves the database (PostgreSQL: rapport_bench_<name>) for EXPLAIN afterwards.
      if (process.env.KEEP_DB) log(`kept ${url ? `database rapport_bench_${name}` : pglitePath}`);
      else await cleanup();
    },
  };
}

/** Samples the process's resident memory; `stop()` returns the peak in MB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.round(peak / 1024 / 1024);
    },
  };
}

export const log = (...args: unknown[]) => console.error(...args);
