// A workspace's workflows: the draft being edited, publishing it as a new immutable version
// (contacts in flight stay on theirs, or move by an explicit mapping of steps), pausing,
// resuming and archiving, and enrolling contacts by hand.
import type { SqlSession } from '../db/client.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { EmailLimits } from '../messaging/delivery/limits.ts';
import { encryptSecret } from '../messaging/delivery/secrets.ts';
import { currentMemberIds, loadSegmentContext } from '../segments/segments.ts';
import type { AppContext } from '../server/context.ts';
import { type Candidate, enroll } from './engine/entry.ts';
import { finish } from './engine/moves.ts';
import { checkEnds } from './engine/pending.ts';
import { runContext } from './engine/run-context.ts';
import { type WorkflowGraph, type WorkflowGraphInput, workflowGraph } from './graph.ts';
import { checkGraph, graphDependencies } from './publish.ts';
import { loadVersions } from './versions.ts';
import { newWebhookSecret } from './webhook-signing.ts';

export type WorkflowState = 'draft' | 'active' | 'paused' | 'archived';

export interface Workflow {
  id: string;
  name: string;
  description: string;
  state: WorkflowState;
  draft: WorkflowGraph | null;
  liveVersionId: string | null;
  liveVersion: number | null;
  holdoutPercent: number;
  /** Its own email limits, in place of the workspace's (a field left out: the workspace's); null: the workspace's. */
  emailLimits: EmailLimits | null;
  createdAt: Date;
  updatedAt: Date;
}

interface WorkflowRow {
  id: string;
  name: string;
  description: string;
  state: WorkflowState;
  draft: WorkflowGraph | null;
  live_version_id: string | null;
  live_version: number | null;
  holdout_bp: number;
  settings: { emailLimits?: EmailLimits } | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `w.id, w.name, w.description, w.state, w.draft, w.live_version_id, w.holdout_bp, w.settings, w.created_at, w.updated_at,
  (select v.number from workflow_versions v where v.id = w.live_version_id) as live_version`;

const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  state: r.state,
  draft: r.draft,
  liveVersionId: r.live_version_id,
  liveVersion: r.live_version,
  holdoutPercent: r.holdout_bp / 100,
  emailLimits: r.settings?.emailLimits ?? null,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const nameTaken = (name: string) => conflict(`A workflow named "${name}" already exists.`, [{ path: 'name', message: 'is already taken' }]);

export interface WorkflowInput {
  name: string;
  description?: string;
  graph?: WorkflowGraphInput;
  /** 0 to 50: the share of contacts held out of every action, to measure the lift. */
  holdoutPercent?: number;
  /** The workflow's own email limits (null: the workspace's). */
  emailLimits?: EmailLimits | null;
}

const bp = (percent: number | undefined) => (percent === undefined ? undefined : Math.round(percent * 100));

export async function createWorkflow(ctx: AppContext, workspaceId: string, userId: string | null, input: WorkflowInput): Promise<Workflow> {
  const now = ctx.clock.now();
  const [row] = await ctx.db.query<WorkflowRow>(
    `insert into workflows as w (workspace_id, name, description, draft, holdout_bp, webhook_secret, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     on conflict (workspace_id, lower(name)) do nothing
     returning ${COLUMNS}`,
    [workspaceId, input.name, input.description ?? '', input.graph ? JSON.stringify(input.graph) : null, bp(input.holdoutPercent) ?? 0, encryptSecret(ctx.secret, newWebhookSecret()), userId, now],
  );
  if (!row) throw nameTaken(input.name);
  return toWorkflow(row);
}

export async function getWorkflow(ctx: AppContext, workspaceId: string, id: string, session: SqlSession = ctx.db): Promise<Workflow> {
  const [row] = await session.query<WorkflowRow>(`select ${COLUMNS} from workflows w where w.workspace_id = $1 and w.id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The workflow');
  return toWorkflow(row);
}

export async function listWorkflows(ctx: AppContext, workspaceId: string): Promise<Workflow[]> {
  const rows = await ctx.db.query<WorkflowRow>(`select ${COLUMNS} from workflows w where w.workspace_id = $1 order by w.state = 'archived', lower(w.name)`, [workspaceId]);
  return rows.map(toWorkflow);
}

/** Changes the name, description, holdout or draft; the live version is changed only by publishing. */
export async function updateWorkflow(ctx: AppContext, workspaceId: string, id: string, patch: Partial<WorkflowInput>): Promise<Workflow> {
  const current = await getWorkflow(ctx, workspaceId, id);
  if (current.state === 'archived') throw conflict('The workflow is archived: copy it to change it.', undefined, 'archived');
  const rows = await ctx.db.query<WorkflowRow>(
    `update workflows w set name = $3, description = $4, draft = coalesce($5::jsonb, w.draft), holdout_bp = coalesce($6, w.holdout_bp), updated_at = $7,
            settings = case when $8::boolean then case when $9::jsonb is null then w.settings - 'emailLimits' else jsonb_set(w.settings, '{emailLimits}', $9::jsonb) end else w.settings end
     where w.workspace_id = $1 and w.id = $2
       and not exists (select 1 from workflows o where o.workspace_id = $1 and o.id <> $2 and lower(o.name) = lower($3))
     returning ${COLUMNS}`,
    [
      workspaceId,
      id,
      patch.name ?? current.name,
      patch.description ?? current.description,
      patch.graph ? JSON.stringify(patch.graph) : null,
      bp(patch.holdoutPercent) ?? null,
      ctx.clock.now(),
      patch.emailLimits !== undefined,
      patch.emailLimits ? JSON.stringify(patch.emailLimits) : null,
    ],
  );
  if (!rows[0]) throw nameTaken(patch.name ?? current.name);
  return toWorkflow(rows[0]);
}

/** Rebuilds what the triggers queue for this workflow: its live version and every version with contacts in flight. */
async function refreshDependencies(tx: SqlSession, workspaceId: string, workflowId: string): Promise<void> {
  await tx.query('delete from workflow_dependencies where workflow_id = $1', [workflowId]);
  const versions = await loadVersions(tx, workspaceId, { workflowId, states: ['active', 'paused'] });
  const events = new Set<string>();
  const fields = new Set<string>();
  for (const v of versions) {
    const d = graphDependencies(v.graph);
    d.events.forEach((e) => events.add(e));
    d.fields.forEach((f) => fields.add(f));
  }
  const rows = [...[...events].map((name) => ({ kind: 'event', name })), ...[...fields].map((name) => ({ kind: 'field', name }))];
  if (rows.length === 0) return;
  await tx.query(
    `insert into workflow_dependencies (workspace_id, workflow_id, kind, name)
     select $1, $2, r.kind, r.name from jsonb_to_recordset($3::jsonb) as r(kind text, name text) on conflict do nothing`,
    [workspaceId, workflowId, JSON.stringify(rows)],
  );
}

export interface PublishOptions {
  /** Moves contacts in flight on earlier versions to the new one: old step → new step. Left out: they finish on their version. */
  mapping?: Record<string, string>;
}

/**
 * Publishes the draft as the next version and makes it live (a draft workflow becomes active;
 * a paused one stays paused). Returns the workflow and how many contacts in flight moved.
 */
export async function publishWorkflow(ctx: AppContext, workspaceId: string, id: string, userId: string | null, options: PublishOptions = {}): Promise<{ workflow: Workflow; version: number; moved: number }> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const [w] = await tx.query<{ state: WorkflowState; draft: unknown }>('select state, draft from workflows where workspace_id = $1 and id = $2 for update', [workspaceId, id]);
    if (!w) throw notFound('The workflow');
    if (w.state === 'archived') throw conflict('The workflow is archived: copy it to publish it again.', undefined, 'archived');
    if (!w.draft) throw badRequest('There is nothing to publish: save the workflow\'s steps first.', [{ path: 'graph', message: 'is required' }]);
    const parsed = workflowGraph.safeParse(w.draft);
    if (!parsed.success) {
      throw badRequest('The saved draft is not a valid workflow.', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const graph = parsed.data;
    const sctx = await loadSegmentContext(tx, workspaceId, now);
    const issues = await checkGraph(tx, sctx, graph);
    const mapping = options.mapping ?? {};
    for (const [from, to] of Object.entries(mapping)) {
      if (!Object.hasOwn(graph.steps, to)) issues.push({ path: `mapping.${from}`, message: `maps to "${to}", which is not a step of the new version` });
    }
    if (issues.length > 0) {
      throw badRequest(`The workflow has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
    }
    const [v] = await tx.query<{ id: string; number: number }>(
      `insert into workflow_versions (workflow_id, workspace_id, number, graph, published_at, published_by)
       select $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5 from workflow_versions where workflow_id = $1
       returning id, number`,
      [id, workspaceId, JSON.stringify(graph), now, userId],
    );
    await tx.query(
      `update workflows set live_version_id = $3, state = case when state = 'draft' then 'active' else state end, updated_at = $4,
              date_checked_at = coalesce(date_checked_at, $4)
       where workspace_id = $1 and id = $2`,
      [workspaceId, id, v!.id, now],
    );
    let moved = 0;
    const pairs = Object.entries(mapping);
    if (pairs.length > 0) {
      const rows = await tx.query<{ id: string }>(
        `update workflow_enrollments e set version_id = $2, step = m.to_step, path = e.path || m.to_step
         from jsonb_each_text($3::jsonb) as m(from_step, to_step)
         where e.workflow_id = $1 and e.state <> 'done' and e.version_id <> $2 and e.step = m.from_step
         returning e.id`,
        [id, v!.id, JSON.stringify(mapping)],
      );
      moved = rows.length;
      // A contact waiting at a step that is no longer a wait starts it afresh.
      await tx.query(
        `update workflow_enrollments set state = 'active', wake_at = null, waiting_for = null, step_entered_at = $3
         where workflow_id = $1 and version_id = $2 and state = 'waiting' and not (step = any($4::text[]))`,
        [id, v!.id, now, Object.entries(graph.steps).filter(([, s]) => s.kind.startsWith('wait')).map(([k]) => k)],
      );
    }
    await refreshDependencies(tx, workspaceId, id);
    return { version: v!.number, moved };
  });
  return { workflow: await getWorkflow(ctx, workspaceId, id), ...result };
}

/** Holds every contact at their step; nothing enters while paused. */
export async function pauseWorkflow(ctx: AppContext, workspaceId: string, id: string): Promise<Workflow> {
  const rows = await ctx.db.query("update workflows set state = 'paused', updated_at = $3 where workspace_id = $1 and id = $2 and state = 'active' returning id", [workspaceId, id, ctx.clock.now()]);
  if (rows.length === 0) await assertState(ctx, workspaceId, id, ['paused'], 'Only an active workflow can be paused.');
  return getWorkflow(ctx, workspaceId, id);
}

/**
 * Lets contacts move again. Waits that ended while paused end now, in order; events waited for
 * and goals reached while paused count (they are read from the events, not from the queue).
 */
export async function resumeWorkflow(ctx: AppContext, workspaceId: string, id: string): Promise<Workflow> {
  await ctx.db.transaction(async (tx) => {
    const rows = await tx.query("update workflows set state = 'active', updated_at = $3 where workspace_id = $1 and id = $2 and state = 'paused' returning id", [workspaceId, id, ctx.clock.now()]);
    if (rows.length === 0) return;
    await refreshDependencies(tx, workspaceId, id);
    const run = await runContext(ctx, tx, workspaceId);
    for (const v of await loadVersions(tx, workspaceId, { workflowId: id })) {
      const live = await tx.query<{ contact_id: string }>("select contact_id from workflow_enrollments where version_id = $1 and state <> 'done'", [v.id]);
      for (let i = 0; i < live.length; i += 5_000) await checkEnds(tx, run, v, live.slice(i, i + 5_000).map((r) => r.contact_id));
      // Events waited for that came during the pause: due now (the wait reads the events).
      const waits = Object.entries(v.graph.steps).filter(([, s]) => s.kind === 'wait_event').map(([k]) => k);
      if (waits.length > 0) {
        await tx.query(
          `update workflow_enrollments x set wake_at = least(x.wake_at, $3)
           where x.version_id = $1 and x.state = 'waiting' and x.step = any($2::text[])
             and exists (select 1 from events ev where ev.workspace_id = x.workspace_id and ev.contact_id = x.contact_id and ev.name = x.waiting_for
                         and ev.occurred_at > x.step_entered_at and ev.occurred_at <= least(x.wake_at, $3))`,
          [v.id, waits, run.now],
        );
      }
    }
  });
  await assertState(ctx, workspaceId, id, ['active'], 'Only a paused workflow can be resumed.');
  return getWorkflow(ctx, workspaceId, id);
}

/** Ends every run (as exited: the workflow was archived) and stops the workflow for good. */
export async function archiveWorkflow(ctx: AppContext, workspaceId: string, id: string): Promise<Workflow> {
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const rows = await tx.query("update workflows set state = 'archived', updated_at = $3 where workspace_id = $1 and id = $2 and state <> 'archived' returning id", [workspaceId, id, now]);
    if (rows.length === 0) return;
    const run = await runContext(ctx, tx, workspaceId);
    for (const v of await loadVersions(tx, workspaceId, { workflowId: id, states: ['archived'] })) {
      const live = await tx.query<{ contact_id: string }>("select contact_id from workflow_enrollments where version_id = $1 and state <> 'done'", [v.id]);
      await finish(tx, run, v, live.map((r) => r.contact_id), 'exited', 'archived', null);
    }
    await tx.query('delete from workflow_dependencies where workflow_id = $1', [id]);
    // With no workflow left reading it, what is queued is dropped (it would enroll from old events later).
    await tx.query(
      "delete from workflow_pending where workspace_id = $1 and not exists (select 1 from workflows w where w.workspace_id = $1 and w.state in ('active', 'paused'))",
      [workspaceId],
    );
  });
  return getWorkflow(ctx, workspaceId, id);
}

async function assertState(ctx: AppContext, workspaceId: string, id: string, states: WorkflowState[], message: string): Promise<void> {
  const w = await getWorkflow(ctx, workspaceId, id);
  if (!states.includes(w.state)) throw conflict(`${message} This one is ${w.state}.`, undefined, 'wrong_state');
}

export type EnrollSource = { contactIds: string[] } | { segmentId: string };

/**
 * Enrolls contacts by hand (one, several, or a segment's or list's members now) into the live
 * version, under the same rules as any entry (filter, control group, re-entry policy).
 * Returns how many entered and how many were not let in.
 */
export async function enrollContacts(ctx: AppContext, workspaceId: string, id: string, source: EnrollSource, requestId: string): Promise<{ enrolled: number; skipped: number }> {
  return ctx.db.transaction(async (tx) => {
    const w = await getWorkflow(ctx, workspaceId, id, tx);
    if (w.state !== 'active') throw conflict(`Contacts enter an active workflow only; this one is ${w.state}.`, undefined, 'wrong_state');
    const versions = await loadVersions(tx, workspaceId, { workflowId: id });
    const v = versions.find((x) => x.live)!;
    const ids =
      'contactIds' in source
        ? source.contactIds
        : await currentMemberIds(tx, workspaceId, source.segmentId);
    const run = await runContext(ctx, tx, workspaceId);
    let enrolled = 0;
    for (let i = 0; i < ids.length; i += 5_000) {
      const chunk = ids.slice(i, i + 5_000);
      const candidates: Candidate[] = chunk.map((contactId) => ({ contactId, occasion: `manual:${requestId}:${contactId}` }));
      const rows = await enroll(tx, run, v, candidates);
      await checkEnds(tx, run, v, rows.map((r) => r.contact_id));
      enrolled += rows.length;
    }
    return { enrolled, skipped: ids.length - enrolled };
  });
}
