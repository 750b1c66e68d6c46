// How much marketing email a contact may get: at most N messages a day and M a week (counted
// across broadcasts and workflows, by the contact's own calendar day and ISO week), none during
// quiet hours (held until they end), and none at all for the workspace's control group (the
// contacts kept out of every workflow and broadcast to measure what marketing as a whole does).
// Set per workspace; a workflow may override them (its settings' `emailLimits`).
import type { SqlSession } from '../../db/client.ts';

export interface EmailLimits {
  perDay?: number | null;
  perWeek?: number | null;
  /** Local times 'HH:MM': no marketing email from `from` until `to` (over midnight when `from` > `to`). */
  quietHours?: { from: string; to: string } | null;
}

export interface WorkspaceEmailLimits extends EmailLimits {
  /** 0 to 50: the share of contacts in the control group. */
  controlGroupPercent: number;
}

export async function getEmailLimits(db: SqlSession, workspaceId: string): Promise<WorkspaceEmailLimits> {
  const [r] = await db.query<{ email_limits: EmailLimits; control_bp: number }>('select email_limits, control_bp from workspaces where id = $1', [workspaceId]);
  return { perDay: r?.email_limits.perDay ?? null, perWeek: r?.email_limits.perWeek ?? null, quietHours: r?.email_limits.quietHours ?? null, controlGroupPercent: (r?.control_bp ?? 0) / 100 };
}

export async function saveEmailLimits(db: SqlSession, workspaceId: string, limits: WorkspaceEmailLimits): Promise<WorkspaceEmailLimits> {
  const stored: EmailLimits = { perDay: limits.perDay ?? null, perWeek: limits.perWeek ?? null, quietHours: limits.quietHours ?? null };
  await db.query('update workspaces set email_limits = $2, control_bp = $3 where id = $1', [workspaceId, JSON.stringify(stored), Math.round(limits.controlGroupPercent * 100)]);
  return getEmailLimits(db, workspaceId);
}

/** The limits in force: a workflow's own where it sets them, the workspace's otherwise. */
export function effectiveLimits(workspace: EmailLimits, own: EmailLimits | undefined): EmailLimits {
  return {
    perDay: own?.perDay !== undefined ? own.perDay : workspace.perDay,
    perWeek: own?.perWeek !== undefined ? own.perWeek : workspace.perWeek,
    quietHours: own?.quietHours !== undefined ? own.quietHours : workspace.quietHours,
  };
}

/**
 * Marketing messages a contact got since a moment (an index on contact and time): what the cap
 * counts. `contact` and `since` are SQL expressions.
 */
export function marketingSentSinceSql(workspace: string, contact: string, since: string): string {
  return `(select count(*) from email_messages m where m.workspace_id = ${workspace} and m.contact_id = ${contact} and m.kind in ('broadcast', 'workflow') and m.created_at >= ${since})`;
}
