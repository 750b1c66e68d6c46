// What every statement of one pass of the engine over a workspace shares: the moment (one
// `now` for the whole pass, from the injectable clock), the workspace's settings, and what
// compiling conditions needs. Conditions are segment definitions, evaluated set-based for the
// contacts of a batch by the segments compiler.
import { createHash } from 'node:crypto';
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { compileSegments } from '../../segments/compile.ts';
import type { SegmentNode } from '../../segments/definition.ts';
import { type LoadedContext, loadSegmentContext } from '../../segments/segments.ts';
import type { EmailLimits } from '../../messaging/delivery/limits.ts';
import type { AppContext } from '../../server/context.ts';

export interface RunContext {
  ctx: AppContext;
  workspaceId: string;
  now: Date;
  /** The workspace's time zone (a contact's own `timezone` property wins). */
  timezone: string;
  /** The workspace-wide control group, in basis points. */
  controlBp: number;
  sctx: LoadedContext;
  /** The workspace's email limits (a workflow may override them). */
  limits: EmailLimits;
  /** What this pass queued for delivery (the delivery jobs are asked for after it). */
  queued: { emails: number; webhooks: number };
}

export async function runContext(ctx: AppContext, tx: SqlSession, workspaceId: string, now = ctx.clock.now()): Promise<RunContext> {
  const [ws] = await tx.query<{ timezone: string; control_bp: number; email_limits: EmailLimits }>('select timezone, control_bp, email_limits from workspaces where id = $1', [workspaceId]);
  return {
    ctx,
    workspaceId,
    now,
    timezone: ws?.timezone ?? 'UTC',
    controlBp: ws?.control_bp ?? 0,
    sctx: await loadSegmentContext(tx, workspaceId, now),
    limits: ws?.email_limits ?? {},
    queued: { emails: 0, webhooks: 0 },
  };
}

/** The contacts among `contactIds` that meet each definition, in one statement. */
export async function meeting(tx: SqlSession, run: RunContext, nodes: SegmentNode[], contactIds: string[]): Promise<Set<string>[]> {
  if (nodes.length === 0) return [];
  if (contactIds.length === 0) return nodes.map(() => new Set());
  const p = new Params();
  const sctx = { ...run.sctx, now: run.now };
  const { sqls } = compileSegments(nodes, sctx, { contactIds, params: p });
  const rows = await tx.query<{ i: number; id: string }>(sqls.map((sql, i) => `select ${i}::int as i, t.id from (${sql}) t`).join('\nunion all\n'), p.values);
  const out = nodes.map(() => new Set<string>());
  for (const r of rows) out[r.i]!.add(r.id);
  return out;
}

/**
 * A number in [0, mod) fixed by `text` (a contact and what is being decided): the first 32
 * bits of its MD5, the same in SQL (`bucketSql`) and here. Holdouts, the control group and
 * splits use it, so a contact lands on the same side every time.
 */
export function bucket(text: string, mod: number): number {
  return parseInt(createHash('md5').update(text, 'utf8').digest('hex').slice(0, 8), 16) % mod;
}

/** `bucket` in SQL, for a text expression. */
export function bucketSql(textExpr: string, mod: number): string {
  return `((('x' || substr(md5(${textExpr}), 1, 8))::bit(32)::bigint) % ${Math.trunc(mod)})`;
}

/** Whether a contact is in the workspace's control group (never enrolled, never sent marketing). */
export const inControlGroup = (contactId: string, controlBp: number) => controlBp > 0 && bucket(`control:${contactId}`, 10_000) < controlBp;

/** Whether a contact is in a workflow's holdout (enrolled, moved, never acted on). */
export const inHoldout = (workflowId: string, contactId: string, holdoutBp: number) => holdoutBp > 0 && bucket(`holdout:${workflowId}:${contactId}`, 10_000) < holdoutBp;

/** Which path of a split a contact takes: the percentages laid end to end over [0, 100). */
export function splitPath(workflowId: string, step: string, contactId: string, percents: number[]): number {
  const b = bucket(`split:${workflowId}:${step}:${contactId}`, 100);
  let edge = 0;
  for (const [i, pc] of percents.entries()) {
    edge += pc;
    if (b < edge) return i;
  }
  return percents.length - 1;
}
