// The versions the engine works with in a workspace: the live version of every active
// workflow (new contacts enter it) and every older version that still has contacts in flight
// (they finish on the version they entered). A version is immutable once published, so its
// parsed graph is kept in memory by id.
import type { SqlSession } from '../db/client.ts';
import type { EmailLimits } from '../messaging/delivery/limits.ts';
import { type WorkflowGraph, workflowGraph } from './graph.ts';

export interface LiveVersion {
  id: string;
  workflowId: string;
  workflowName: string;
  number: number;
  /** New contacts enter this one (the workflow's live version). */
  live: boolean;
  holdoutBp: number;
  /** The workflow's own email limits, overriding the workspace's where set. */
  emailLimits: EmailLimits | undefined;
  graph: WorkflowGraph;
}

const parsed = new Map<string, WorkflowGraph>();

/** A stored graph, parsed once per version (the stored JSON was validated when published). */
export function graphOf(versionId: string, stored: unknown): WorkflowGraph {
  let g = parsed.get(versionId);
  if (!g) {
    g = workflowGraph.parse(stored);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(versionId, g);
  }
  return g;
}

/**
 * The versions of the workspace's workflows in `states` (active by default) that are live or
 * still hold contacts.
 */
export async function loadVersions(tx: SqlSession, workspaceId: string, options: { workflowId?: string; states?: string[] } = {}): Promise<LiveVersion[]> {
  const rows = await tx.query<{ id: string; workflow_id: string; name: string; number: number; live: boolean; holdout_bp: number; settings: { emailLimits?: EmailLimits }; graph: unknown }>(
    `select v.id, v.workflow_id, w.name, v.number, v.id = w.live_version_id as live, w.holdout_bp, w.settings, v.graph
     from workflows w join workflow_versions v on v.workflow_id = w.id
     where w.workspace_id = $1 and w.state = any($2::text[]) and ($3::uuid is null or w.id = $3)
       and (v.id = w.live_version_id or exists (select 1 from workflow_enrollments e where e.version_id = v.id and e.state <> 'done'))
     order by w.id, v.number`,
    [workspaceId, options.states ?? ['active'], options.workflowId ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    workflowId: r.workflow_id,
    workflowName: r.name,
    number: r.number,
    live: r.live,
    holdoutBp: r.holdout_bp,
    emailLimits: r.settings?.emailLimits,
    graph: graphOf(r.id, r.graph),
  }));
}
