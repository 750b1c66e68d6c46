// Who may create a workspace from the app or the API (RAPPORT_WORKSPACE_CREATION). Whoever
// creates one owns it, with every right over it: its SMTP settings, its API keys, sending in
// its name from this instance. By default only people who already own or administer a
// workspace may (they hold those rights already); `anyone` opens it to every signed-in
// account, `operators` closes it to everyone but first-run setup and the `rapport` command.
import type { WorkspaceCreation } from '../config.ts';
import type { AppContext } from '../server/context.ts';
import { forbidden } from '../errors.ts';
import type { Role } from './roles.ts';

export function mayCreateWorkspaces(rule: WorkspaceCreation, memberships: readonly { role: Role }[]): boolean {
  if (rule === 'anyone') return true;
  if (rule === 'operators') return false;
  return memberships.some((m) => m.role === 'owner' || m.role === 'admin');
}

const REFUSALS: Record<Exclude<WorkspaceCreation, 'anyone'>, string> = {
  admins:
    'On this instance only owners and admins of a workspace can create new workspaces (RAPPORT_WORKSPACE_CREATION=admins). Ask an owner or admin to create one or to invite you.',
  operators:
    'On this instance workspaces are created by its operator (`rapport workspace create`, RAPPORT_WORKSPACE_CREATION=operators). Ask your administrator.',
};

/** Throws the 403 that says who may, when this person may not. */
export function assertMayCreateWorkspaces(ctx: AppContext, memberships: readonly { role: Role }[]): void {
  const rule = ctx.config.workspaceCreation;
  if (!mayCreateWorkspaces(rule, memberships)) throw forbidden(REFUSALS[rule as Exclude<WorkspaceCreation, 'anyone'>]);
}
