import type { Command } from 'commander';
import { isSetupNeeded } from '../accounts/accounts.ts';
import { type Database, openPglite, openPostgres } from '../db/client.ts';
import { acquireDataDirLock } from '../db/datadir.ts';
import { migrate } from '../db/migrate.ts';
import { buildApp } from '../app/app.ts';
import { openRuntime } from '../app/runtime.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../server/context.ts';
import { type CliChannel, startCliChannel } from './channel.ts';
import { throughServerIfBusy } from './context.ts';
import { currentInvocation } from './invocation.ts';
import { buildProgram, config, output } from './main.ts';
import path from 'node:path';

function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`error while shutting down: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/**
 * With the embedded database, this process is the only one that can open it: other `rapport`
 * commands on this machine run through it (src/cli/channel.ts).
 */
async function openChannel(ctx: AppContext, cfg: Config): Promise<CliChannel | undefined> {
  if (cfg.databaseUrl) return undefined;
  try {
    return await startCliChannel(ctx, cfg.dataDir, buildProgram);
  } catch (err) {
    process.stderr.write(`Other rapport commands cannot run through this process: ${(err as Error).message}\n`);
    return undefined;
  }
}

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the web app, the API and a job worker in one process')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
    .option('--no-worker', 'serve only; leave the jobs to `rapport worker` processes')
    .action(async (opts: { port?: string; worker: boolean }) => {
      const started = performance.now();
      const cfg = config();
      if (opts.port !== undefined) cfg.port = Number(opts.port);
      const runtime = await openRuntime(cfg, { command: 'serve', work: opts.worker });
      const app = await buildApp(runtime.ctx, {
        logger: { level: cfg.logLevel, ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } } : {}) },
      });
      const channel = await openChannel(runtime.ctx, cfg);
      onShutdown(async () => {
        await channel?.close();
        await app.close();
        await runtime.close();
      });
      await app.listen({ port: cfg.port, host: cfg.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : cfg.port;
      const url = cfg.publicUrl ?? `http://localhost:${port}`;
      runtime.announce({ url });
      const where = runtime.ctx.db.kind === 'pglite' ? `embedded database in ${cfg.dataDir}` : 'PostgreSQL';
      process.stdout.write(`Rapport is running at ${url} (${where}), ready in ${Math.round(performance.now() - started)} ms\n`);
      if (await isSetupNeeded(runtime.ctx)) process.stdout.write(`Open ${url} to create the first user and workspace.\n`);
    });

  program
    .command('worker')
    .description('Run a job worker without the web server (several may share one PostgreSQL)')
    .action(async () => {
      const cfg = config();
      const runtime = await openRuntime(cfg, { command: 'worker', work: true });
      const channel = await openChannel(runtime.ctx, cfg);
      onShutdown(async () => {
        await channel?.close();
        await runtime.close();
      });
      process.stdout.write(`Rapport worker started (${runtime.ctx.db.kind}); Ctrl-C stops it.\n`);
    });

  program
    .command('migrate')
    .description('Apply database migrations (serve and worker also do this when they start)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const invocation = currentInvocation();
      let db: Database;
      let release = () => {};
      let close = () => db.close();
      if (invocation) {
        // Inside the running server, whose start applied them already.
        db = invocation.ctx.db;
        close = async () => undefined;
      } else if (cfg.databaseUrl) db = await openPostgres(cfg.databaseUrl, { max: 1 });
      else {
        try {
          release = acquireDataDirLock(cfg.dataDir, 'migrate').release;
        } catch (err) {
          throw throughServerIfBusy(err);
        }
        db = await openPglite(path.join(cfg.dataDir, 'pgdata'));
      }
      try {
        const result = await migrate(db);
        output(
          Boolean(opts.json),
          result,
          result.applied.length ? `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}` : 'The database is up to date.',
        );
      } finally {
        await close();
        release();
      }
    });
}
