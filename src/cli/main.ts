import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { DataDirBusyError, loadInstanceSecret } from '../db/datadir.ts';
import { registerAccountCommands } from './accounts.ts';
import { ChannelUnavailable, runThroughServer } from './channel.ts';
import { RunThroughServer } from './context.ts';
import { registerServerCommands } from './server.ts';
import { registerDemoCommands } from './demo.ts';
import { registerImportCommands } from './import.ts';
import { registerWorkflowCommands } from './workflow.ts';
import { registerRetentionCommands } from './retention.ts';

export class CliError extends Error {}

export function buildProgram(): Command {
  const program = new Command()
    .name('rapport')
    .description('Rapport: the open-source customer retention platform.')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  registerServerCommands(program);
  registerAccountCommands(program);
  registerImportCommands(program);
  registerDemoCommands(program);
  registerWorkflowCommands(program);
  registerRetentionCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof RunThroughServer) return runInServer(err, argv.slice(2));
    fail(err);
  }
}

function fail(err: unknown): never {
  const message = err instanceof DataDirBusyError || err instanceof CliError || err instanceof InvalidArgumentError ? err.message : ((err as Error).message ?? String(err));
  process.stderr.write(`rapport: ${message}\n`);
  if (process.env.DEBUG && !(err instanceof CliError)) process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
}

/** The same command line, run by the server that holds the embedded database. */
async function runInServer(busy: RunThroughServer, args: string[]): Promise<void> {
  const cfg = config();
  process.once('SIGINT', () => {
    process.stderr.write('\nrapport: stopped waiting; the running server finishes the command.\n');
    process.exit(130);
  });
  let secret: string;
  try {
    secret = loadInstanceSecret(cfg.secret, cfg.dataDir);
  } catch (err) {
    fail(new CliError(`${busy.message}\nIts instance secret could not be read (${(err as Error).message}): running a command through it takes read access to the data directory.`));
  }
  try {
    process.exitCode = await runThroughServer(cfg.dataDir, secret, args, process.cwd());
  } catch (err) {
    // A server without the channel (an older version): say what the lock says.
    fail(err instanceof ChannelUnavailable ? busy.busy : err);
  }
}

export function config() {
  return loadConfig();
}

/** Prints JSON for scripts (--json) or a line for people. */
export function output(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}
