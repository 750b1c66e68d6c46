import path from 'node:path';
import { type Clock, systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Database, openPglite, openPostgres } from '../db/client.ts';
import { acquireDataDirLock, loadInstanceSecret } from '../db/datadir.ts';
import { migrate } from '../db/migrate.ts';
import { stopSending } from '../messaging/broadcast-run.ts';
import { closeLayout } from '../messaging/layout.ts';
import { closeTransports } from '../messaging/transport.ts';
import { defineJobs } from '../jobs/registry.ts';
import { JobRunner } from '../jobs/runner.ts';
import { releaseDeadLeases } from '../imports/recover.ts';
import type { AppContext } from './context.ts';

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
  options: { command: string; work: boolean; clock?: Clock; migrate?: boolean },
): Promise<Runtime> {
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
    const jobs = defineJobs(new JobRunner<AppContext>(db, { work: options.work }));
    const ctx: AppContext = { db, clock: options.clock ?? systemClock, config, secret, jobs };
    // The embedded database has one process at a time: imports the previous one held are
    // released before this one's workers start (src/imports/recover.ts).
    if (options.work && db.kind === 'pglite') await releaseDeadLeases(ctx);
    await jobs.start(ctx);
    // A worker that starts picks up the work its previous life left (broadcasts mid-send, imports).
    if (options.work) {
      await jobs.send('email.broadcasts.tick', { startup: true });
      await jobs.send('imports.recover', { startup: true });
    }
    return {
      ctx,
      announce: (info) => lock?.update(info),
      async close() {
        // Broadcasts being sent stop after their current batch; the next slice waits in the queue.
        stopSending(ctx);
        await jobs.stop();
        closeTransports();
        await closeLayout();
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
