import { hostname } from 'node:os';
import { DataDirBusyError } from '../db/datadir.ts';
import type { AppContext } from '../server/context.ts';
import { openRuntime } from '../app/runtime.ts';
import { findWorkspacesByName } from '../workspaces/workspaces.ts';
import { currentInvocation } from './invocation.ts';
import { CliError, config } from './main.ts';

/**
 * The embedded database is held by `rapport serve` or `rapport worker` on this machine: the
 * command line is to run in that process instead (src/cli/channel.ts).
 */
export class RunThroughServer extends Error {
  constructor(readonly busy: DataDirBusyError) {
    super(busy.message);
  }
}

/** Turns "the data directory is in use by a server here" into RunThroughServer. */
export function throughServerIfBusy(err: unknown): unknown {
  if (!(err instanceof DataDirBusyError)) return err;
  const { command, host } = err.holder;
  return (command === 'serve' || command === 'worker') && host === hostname() ? new RunThroughServer(err) : err;
}

/**
 * Runs a command's work with the database open (and the job queue enqueue-only), then closes
 * it; inside the server for a caller, with the server's own context.
 */
export async function withContext<T>(command: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const invocation = currentInvocation();
  if (invocation) return fn(invocation.ctx);
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  try {
    runtime = await openRuntime(config(), { command, work: false });
  } catch (err) {
    throw throughServerIfBusy(err);
  }
  try {
    return await fn(runtime.ctx);
  } finally {
    await runtime.close();
  }
}

/** The one workspace a `--workspace NAME|ID` option names, or a message that says what to pass. */
export async function oneWorkspace(ctx: AppContext, nameOrId: string): Promise<{ id: string; name: string }> {
  const found = await findWorkspacesByName(ctx, nameOrId);
  if (found.length === 0) throw new CliError(`No workspace is named "${nameOrId}". \`rapport workspace list\` shows them.`);
  if (found.length > 1) {
    throw new CliError(`Several workspaces are named "${nameOrId}"; pass the id instead: ${found.map((w) => w.id).join(', ')}`);
  }
  return found[0]!;
}
