// One pass of the engine over a workspace, at one moment of the clock:
// 1. the queue of what happened (entries, events waited for, goals and exits: pending.ts);
// 2. waits that are over (wake_at has passed);
// 3. every enrollment whose step is to be started, step by step in the order of the graph,
//    in batches claimed with `for update skip locked`: any number of processes may run passes
//    at once, each batch is taken by one of them, and a batch's actions and its move commit
//    together (the row locks are the lease: a process that dies releases them).
// Repeated until nothing moves (an action may queue what a trigger reads).
import { TEMPLATED_JOB } from '../../messaging/delivery/templated.ts';
import type { AppContext } from '../../server/context.ts';
import { exitsOf, type WorkflowGraph } from '../graph.ts';
import { type LiveVersion, loadVersions } from '../versions.ts';
import { WEBHOOK_JOB } from '../webhooks.ts';
import type { Claimed } from './actions.ts';
import { enrollDates } from './dates.ts';
import { processPending } from './pending.ts';
import { runContext, type RunContext } from './run-context.ts';
import { start, wake } from './steps.ts';

const BATCH = 5_000;

export interface PassResult {
  /** Queue rows taken, waits ended and steps started. */
  moved: number;
}

/** Steps in an order where each comes after every step that leads to it (the graph has no cycles). */
function stepOrder(g: WorkflowGraph): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !g.steps[key]) return;
    seen.add(key);
    for (const e of exitsOf(g.steps[key])) if (e.to) visit(e.to);
    out.push(key);
  };
  visit(g.start);
  for (const key of Object.keys(g.steps)) visit(key);
  return out.reverse();
}

/** Runs passes over the workspace until nothing is left to do at the clock's current time. */
export async function runWorkflows(ctx: AppContext, workspaceId: string, options: { maxPasses?: number } = {}): Promise<PassResult> {
  let moved = 0;
  const queued = { emails: 0, webhooks: 0 };
  for (let pass = 0; pass < (options.maxPasses ?? 100); pass++) {
    const n = await onePass(ctx, workspaceId, queued);
    moved += n;
    if (n === 0) break;
  }
  // Messages are rendered and sent, and webhooks called, by their own jobs (any process).
  if (queued.emails > 0) await ctx.jobs.send(TEMPLATED_JOB, { workspaceId });
  if (queued.webhooks > 0) await ctx.jobs.send(WEBHOOK_JOB, {});
  return { moved };
}

async function onePass(ctx: AppContext, workspaceId: string, queued: RunContext['queued']): Promise<number> {
  // Every write of every workspace asks for a pass: one indexed read when it has no workflow running.
  let versions = await loadVersions(ctx.db, workspaceId);
  if (versions.length === 0) {
    // Nothing reads the queue now: whatever is in it (queued before a pause) is dropped.
    await ctx.db.query('delete from workflow_pending where workspace_id = $1', [workspaceId]);
    return 0;
  }
  const run = await runContext(ctx, ctx.db, workspaceId);
  run.queued = queued;
  let moved = 0;
  for (const v of versions) {
    if (v.live && v.graph.trigger.kind === 'date') moved += await ctx.db.transaction((tx) => enrollDates(tx, run, v));
  }
  for (;;) {
    const n = await ctx.db.transaction((tx) => processPending(tx, run, versions));
    moved += n;
    if (n === 0) break;
  }
  // Entries may have made a version hold contacts again.
  versions = await loadVersions(ctx.db, workspaceId);
  moved += await wakeDue(run, versions);
  moved += await advance(run, versions);
  return moved;
}

/** Ends the waits that are due, in batches. */
async function wakeDue(run: RunContext, versions: LiveVersion[]): Promise<number> {
  const byId = new Map(versions.map((v) => [v.id, v]));
  let moved = 0;
  for (;;) {
    const n = await run.ctx.db.transaction(async (tx) => {
      const rows = await tx.query<Claimed & { version_id: string; step: string }>(
        `select e.id, e.contact_id, e.holdout, e.version_id, e.step from workflow_enrollments e
         where e.workspace_id = $1 and e.state = 'waiting' and e.wake_at <= $2 and e.version_id = any($3::uuid[])
         order by e.wake_at, e.id limit $4 for update skip locked`,
        [run.workspaceId, run.now, [...byId.keys()], BATCH],
      );
      const groups = new Map<string, Claimed[]>();
      for (const r of rows) {
        const k = `${r.version_id}\u0000${r.step}`;
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k)!.push({ id: r.id, contact_id: r.contact_id, holdout: r.holdout });
      }
      for (const [k, batch] of groups) {
        const [versionId, step] = k.split('\u0000') as [string, string];
        await wake(tx, run, byId.get(versionId)!, step, batch);
      }
      return rows.length;
    });
    moved += n;
    if (n < BATCH) return moved;
  }
}

/** Starts the steps enrollments have reached, in the order of each graph, until none is left to start. */
async function advance(run: RunContext, versions: LiveVersion[]): Promise<number> {
  let moved = 0;
  for (;;) {
    let inPass = 0;
    for (const v of versions) {
      const active = await run.ctx.db.query<{ step: string }>("select distinct step from workflow_enrollments where version_id = $1 and state = 'active'", [v.id]);
      if (active.length === 0) continue;
      const wanted = new Set(active.map((r) => r.step));
      for (const key of [...stepOrder(v.graph), ...[...wanted].filter((k) => !v.graph.steps[k])]) {
        if (!wanted.has(key) && v.graph.steps[key]) {
          // Steps after one that moved contacts may have some now.
          if (!(await hasActive(run, v.id, key))) continue;
        }
        for (;;) {
          const n = await run.ctx.db.transaction(async (tx) => {
            const batch = await tx.query<Claimed>(
              `select id, contact_id, holdout from workflow_enrollments
               where version_id = $1 and step = $2 and state = 'active' order by id limit $3 for update skip locked`,
              [v.id, key, BATCH],
            );
            if (batch.length > 0) await start(tx, run, v, key, batch);
            return batch.length;
          });
          inPass += n;
          if (n < BATCH) break;
        }
      }
    }
    moved += inPass;
    if (inPass === 0) return moved;
  }
}

async function hasActive(run: RunContext, versionId: string, step: string): Promise<boolean> {
  const [r] = await run.ctx.db.query<{ yes: boolean }>("select exists (select 1 from workflow_enrollments where version_id = $1 and step = $2 and state = 'active') as yes", [versionId, step]);
  return r!.yes;
}
