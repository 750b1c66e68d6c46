import path from 'node:path';
import { type Clock, systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Database, openPglite, openPostgres } from '../db/client.ts';
import { acquireDataDirLock, loadInstanceSecret } from '../db/datadir.ts';
import { migrate } from '../db/migrate.ts';
import { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import type { Module } from '../server/module.ts';
import { defineJobs } from './jobs.ts';
import { MODULES } from './modules.ts';

export interface Runtime {
  ctx: AppContext;
  /** Tell other commands where the running server is (embedded database only). */
  announce(info: { url: string }): void;
  close(): Promise<void>;
}

/**
 * Opens the database (taking the data directory's lock when it is embedded), applies
 * migrations, and starts the job runner, working or only enqueueing.
 */
export async function openRuntime(
  config: Config,
  options: { command: string; work: boolean; clock?: Clock; migrate?: boolean; modules?: readonly Module[] },
): Promise<Runtime> {
  const modules = options.modules ?? MODULES;
  const secret = loadInstanceSecret(config.secret, config.dataDir);
  let lock: ReturnType<typeof acquireDataDirLock> | undefined;
  let db: Database;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    lock = acquireDataDirLock(config.dataDir, options.command);
    try {
      db = await openPglite(path.join(config.dataDir, 'pgdata'));
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  try {
    if (options.migrate !== false) await migrate(db);
    const jobs = defineJobs(new JobRunner<AppContext>(db, { work: options.work }), modules);
    const ctx: AppContext = { db, clock: options.clock ?? systemClock, config, secret, jobs, modules };
    const start = { work: options.work };
    for (const module of modules) await module.prepare?.(ctx, start);
    await jobs.start(ctx);
    for (const module of modules) await module.start?.(ctx, start);
    return {
      ctx,
      announce: (info) => lock?.update(info),
      async close() {
        for (const module of modules) module.stopping?.(ctx);
        await jobs.stop();
        for (const module of [...modules].reverse()) await module.close?.();
        await db.close();
        lock?.release();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    lock?.release();
    throw err;
  }
}
