import type { Command } from 'commander';
import type { AppContext } from '../server/context.ts';
import type { WorkflowSummary } from '../workflows/contract.ts';
import { workflowSummaries } from '../workflows/report.ts';
import { pauseWorkflow, resumeWorkflow, type Workflow } from '../workflows/workflows.ts';
import { oneWorkspace, withContext } from './context.ts';
import { CliError, output } from './main.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const n = (x: number) => x.toLocaleString('en');

/** Columns padded to their widest cell; numbers to the right. */
export function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/**
 * The one workflow of a workspace that `nameOrId` names: its id, its name (any case), else the
 * only workflow whose name contains it. Says which exist when none or several match.
 */
export async function oneWorkflow(ctx: AppContext, workspace: { id: string; name: string }, nameOrId: string): Promise<WorkflowSummary> {
  const all = await workflowSummaries(ctx, workspace.id);
  const wanted = nameOrId.trim().toLowerCase();
  const exact = all.filter((w) => (UUID.test(nameOrId) && w.id === wanted) || w.name.toLowerCase() === wanted);
  const found = exact.length > 0 ? exact : all.filter((w) => w.name.toLowerCase().includes(wanted));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    const names = all.map((w) => `"${w.name}"`).join(', ');
    throw new CliError(`No workflow in "${workspace.name}" is named "${nameOrId}". ${all.length ? `Its workflows: ${names}.` : 'It has no workflows yet.'}`);
  }
  throw new CliError(`Several workflows in "${workspace.name}" match "${nameOrId}": ${found.map((w) => `"${w.name}" (${w.id})`).join(', ')}. Give the whole name or the id.`);
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = program.command('workflow').description('See, pause and resume workflows');

  workflow
    .command('list')
    .description('List workflows with their state, live version and counts (of one workspace, or all)')
    .option('--workspace <name>', 'workspace name or id (default: every workspace)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      await withContext('cli', async (ctx) => {
        const spaces = opts.workspace
          ? [await oneWorkspace(ctx, opts.workspace)]
          : await ctx.db.query<{ id: string; name: string }>('select id, name from workspaces order by name, id');
        const listed: { workspace: { id: string; name: string }; workflow: WorkflowSummary }[] = [];
        for (const ws of spaces) for (const w of await workflowSummaries(ctx, ws.id)) listed.push({ workspace: ws, workflow: w });
        const many = !opts.workspace;
        const head = [...(many ? ['WORKSPACE'] : []), 'NAME', 'STATE', 'VERSION', 'IN IT NOW', 'ENTERED', 'CONVERTED'];
        const rows = listed.map(({ workspace, workflow: w }) => [
          ...(many ? [workspace.name] : []),
          w.name,
          w.state,
          w.liveVersion === null ? '-' : String(w.liveVersion),
          n(w.counts.inNow),
          n(w.counts.entered),
          n(w.counts.converted),
        ]);
        const human = listed.length === 0 ? (opts.workspace ? `No workflows in "${spaces[0]!.name}" yet.` : 'No workflows yet.') : table(head, rows, [...(many ? [false] : []), false, false, true, true, true, true]);
        output(Boolean(opts.json), listed.map(({ workspace, workflow: w }) => ({ workspace, ...w })), human);
      });
    });

  const change = (verb: 'pause' | 'resume', description: string, run: (ctx: AppContext, workspaceId: string, id: string) => Promise<Workflow>, done: string) =>
    workflow
      .command(`${verb} <workflow>`)
      .description(description)
      .requiredOption('--workspace <name>', 'workspace name or id')
      .option('--json', 'print the result as JSON')
      .action(async (nameOrId: string, opts: { workspace: string; json?: boolean }) => {
        await withContext('cli', async (ctx) => {
          const ws = await oneWorkspace(ctx, opts.workspace);
          const target = await oneWorkflow(ctx, ws, nameOrId);
          const w = await run(ctx, ws.id, target.id);
          output(Boolean(opts.json), { workspace: ws, id: w.id, name: w.name, state: w.state }, `${done} "${w.name}" in "${ws.name}": it is ${w.state}.`);
        });
      });

  change('pause', 'Pause a workflow (by name or id): everyone stays at their step, no one enters', pauseWorkflow, 'Paused');
  change('resume', 'Resume a paused workflow (by name or id): waits that ended meanwhile end now', resumeWorkflow, 'Resumed');
}
