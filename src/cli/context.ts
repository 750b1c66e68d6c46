import type { AppContext } from '../server/context.ts';
import { openRuntime } from '../server/runtime.ts';
import { findWorkspacesByName } from '../workspaces/workspaces.ts';
import { CliError, config } from './main.ts';

/** Runs a command's work with the database open (and the job queue enqueue-only), then closes it. */
export async function withContext<T>(command: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(config(), { command, work: false });
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
