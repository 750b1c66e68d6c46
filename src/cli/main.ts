import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { DataDirBusyError } from '../db/datadir.ts';
import { registerAccountCommands } from './accounts.ts';
import { registerServerCommands } from './server.ts';
import { registerDemoCommands } from './demo.ts';
import { registerImportCommands } from './import.ts';

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
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof DataDirBusyError || err instanceof CliError || err instanceof InvalidArgumentError) {
      process.stderr.write(`rapport: ${err.message}\n`);
      process.exit(1);
    }
    const message = (err as Error).message ?? String(err);
    process.stderr.write(`rapport: ${message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  }
}

export function config() {
  return loadConfig();
}

/** Prints JSON for scripts (--json) or a line for people. */
export function output(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}
