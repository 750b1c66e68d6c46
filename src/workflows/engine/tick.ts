// One pass of the engine over a workspace, at one moment of the clock:
// 1. the queue of what happened (entries, events waited for, goals and exits: pending.ts);
// 2. waits that are over (wake_at has passed);
// 3. every enrollment whose step is to be started, step by step in the order of the graph,
//    in batches claimed with `for update skip locked`: any number of processes may run passes
//    at once, each batch is taken by one of them, and a batch's actions and its move commit
//    together (the row locks are the lease: a process that dies releases them).
// Repeated until nothing moves (an action may queue what a trigger reads).
import { analyzeChangedTables } from '../../db/analyze.ts';
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
const ANALYZE_AFTER = 50_000;

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
  // After moving many runs, the planner's statistics of the tables written are refreshed (as
  // after an import): stale ones plan the next pass's lookups as scans of every row.
  if (moved >= ANALYZE_AFTER) await analyzeChangedTables(ctx.db);
  return { moved };
}

async function onePass(ctx: AppContext, workspaceId: string, queued: RunContext['queued']): Promise<number> {
  // Every write of every workspace asks for a pass: one indexed read when it has no workflow running.
  let versions = await loadVersions(ctx.db, workspaceId);
  // (The queue of a workspace without a workflow is emptied when its last one is archived, and
  // by the scheduled job: not by every write.)
  if (versions.length === 0) return 0;
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

/**
 * Ends the waits that are due, in batches taken in (wake_at, id) order after the last one taken:
 * the index's entries of the runs already moved are not read again.
 */
async function wakeDue(run: RunContext, versions: LiveVersion[]): Promise<number> {
  const byId = new Map(versions.map((v) => [v.id, v]));
  let moved = 0;
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const rows = await run.ctx.db.transaction(async (tx) => {
      const rows = await tx.query<Claimed & { version_id: string; step: string; wake_at: Date }>(
        `select e.id, e.contact_id, e.holdout, e.version_id, e.step, e.wake_at from workflow_enrollments e
         where e.workspace_id = $1 and e.state = 'waiting' and e.wake_at <= $2 and e.version_id = any($3::uuid[])
           and ($5::timestamptz is null or (e.wake_at, e.id) > ($5::timestamptz, $6::uuid))
         order by e.wake_at, e.id limit $4 for update skip locked`,
        [run.workspaceId, run.now, [...byId.keys()], BATCH, after?.at ?? null, after?.id ?? null],
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
      return rows;
    });
    moved += rows.length;
    if (rows.length < BATCH) return moved;
    const last = rows[rows.length - 1]!;
    after = { at: last.wake_at, id: last.id };
  }
}

/**
 * Starts the steps runs are to start (just enrolled, or moved by a new version), in the order of
 * each graph, until none is left to start. A batch walks on through every step that does not
 * wait, so a run is started here once per pass at most.
 */
async function advance(run: RunContext, versions: LiveVersion[]): Promise<number> {
  let moved = 0;
  for (;;) {
    // One probe of the index of runs to start per step of each version: as cheap with a million
    // runs waiting or done as with none, whatever the planner's statistics say.
    const probes = versions.flatMap((v) => Object.keys(v.graph.steps).map((step) => ({ v: v.id, step })));
    const active = await run.ctx.db.query<{ version_id: string; step: string }>(
      `select s.version_id, s.step from unnest($1::uuid[], $2::text[]) as s(version_id, step)
       where exists (select 1 from workflow_enrollments e where e.version_id = s.version_id and e.step = s.step and e.state = 'active')`,
      [probes.map((p) => p.v), probes.map((p) => p.step)],
    );
    let inRound = 0;
    for (const v of versions) {
      const wanted = new Set(active.filter((r) => r.version_id === v.id).map((r) => r.step));
      if (wanted.size === 0) continue;
      const order = stepOrder(v.graph);
      for (const key of order.filter((k) => wanted.has(k))) {
        // Keyset batches: the index's entries of runs already started are not read again.
        let after = '00000000-0000-0000-0000-000000000000';
        for (;;) {
          const batch = await run.ctx.db.transaction(async (tx) => {
            const batch = await tx.query<Claimed>(
              `select id, contact_id, holdout from workflow_enrollments
               where version_id = $1 and step = $2 and state = 'active' and id > $4::uuid order by id limit $3 for update skip locked`,
              [v.id, key, BATCH, after],
            );
            if (batch.length > 0) await start(tx, run, v, key, batch);
            return batch;
          });
          inRound += batch.length;
          if (batch.length < BATCH) break;
          after = batch[batch.length - 1]!.id;
        }
      }
    }
    // Nothing left, or only runs another process is starting.
    moved += inRound;
    if (inRound === 0) return moved;
  }
}
