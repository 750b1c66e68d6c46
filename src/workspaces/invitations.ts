import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { createUser, findUserByEmail, type UserRecord } from '../accounts/accounts.ts';
import { randomToken, sha256 } from '../accounts/crypto.ts';
import type { AppContext } from '../server/context.ts';
import { conflict, forbidden, gone, notFound } from '../errors.ts';
import { invitations, type Role, workspaces } from './schema.ts';
import { addMember, memberRole } from './workspaces.ts';

const INVITATION_DAYS = 7;

export type InvitableRole = Exclude<Role, 'owner'>;

export interface InvitationRecord {
  id: string;
  email: string;
  role: InvitableRole;
  createdAt: Date;
  expiresAt: Date;
}

export function invitationUrl(ctx: AppContext, token: string, requestOrigin?: string): string {
  const base = ctx.config.publicUrl ?? requestOrigin ?? `http://localhost:${ctx.config.port}`;
  return `${base.replace(/\/$/, '')}/invite/${token}`;
}

/**
 * Invites someone by email. Until Rapport sends email, the link is returned to the
 * inviter to pass on; the token in it is stored only as a hash.
 */
export async function createInvitation(
  ctx: AppContext,
  workspaceId: string,
  invitedBy: string | null,
  email: string,
  role: InvitableRole,
): Promise<{ invitation: InvitationRecord; token: string }> {
  const existingUser = await findUserByEmail(ctx, email);
  if (existingUser && (await memberRole(ctx, workspaceId, existingUser.id))) {
    throw conflict(`${email} is already a member of this workspace.`, [{ path: 'email', message: 'is already a member' }]);
  }
  const token = randomToken();
  const now = ctx.clock.now();
  return ctx.db.orm.transaction(async (tx) => {
    // A new invitation replaces a pending one for the same address (a resend).
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    const [row] = await tx
      .insert(invitations)
      .values({
        workspaceId,
        email,
        role,
        tokenHash: sha256(token),
        invitedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
      })
      .returning();
    return { invitation: toRecord(row!), token };
  });
}

export async function listPendingInvitations(ctx: AppContext, workspaceId: string): Promise<InvitationRecord[]> {
  const rows = await ctx.db.orm
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.workspaceId, workspaceId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, ctx.clock.now()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
  return rows.map(toRecord);
}

export async function revokeInvitation(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const rows = await ctx.db.orm
    .update(invitations)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(invitations.id, id), eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (rows.length === 0) throw notFound('The invitation');
}

async function liveInvitation(ctx: AppContext, token: string) {
  const [row] = await ctx.db.orm
    .select({ inv: invitations, workspaceName: workspaces.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(eq(invitations.tokenHash, sha256(token)));
  if (!row || row.inv.revokedAt) throw notFound('The invitation');
  if (row.inv.acceptedAt) throw gone('invitation_used', 'This invitation has already been accepted. Sign in instead.');
  if (row.inv.expiresAt <= ctx.clock.now()) {
    throw gone('invitation_expired', 'This invitation has expired. Ask for a new one.');
  }
  return row;
}

export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: InvitableRole;
  /** Whether the invited address already has a Rapport account (then: sign in to accept). */
  accountExists: boolean;
}

export async function previewInvitation(ctx: AppContext, token: string): Promise<InvitationPreview> {
  const { inv, workspaceName } = await liveInvitation(ctx, token);
  return { workspaceName, email: inv.email, role: inv.role, accountExists: Boolean(await findUserByEmail(ctx, inv.email)) };
}

/**
 * Accepts an invitation, either as the signed-in user whose email it was sent to, or by
 * creating the account for that email with the given name and password.
 */
export async function acceptInvitation(
  ctx: AppContext,
  token: string,
  as: { user: UserRecord } | { name: string; password: string },
): Promise<{ user: UserRecord; workspaceId: string }> {
  const { inv } = await liveInvitation(ctx, token);
  let user: UserRecord;
  if ('user' in as) {
    if (as.user.email !== inv.email) {
      throw forbidden(`This invitation is for ${inv.email}; you are signed in as ${as.user.email}.`, 'wrong_account');
    }
    user = as.user;
  } else {
    if (await findUserByEmail(ctx, inv.email)) {
      throw conflict(`${inv.email} already has an account: sign in as ${inv.email} to accept.`, undefined, 'sign_in_required');
    }
    user = await createUser(ctx, { email: inv.email, name: as.name, password: as.password });
  }
  const now = ctx.clock.now();
  const used = await ctx.db.orm
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: user.id })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (used.length === 0) throw gone('invitation_used', 'This invitation has already been accepted.');
  await addMember(ctx, inv.workspaceId, user.id, inv.role);
  return { user, workspaceId: inv.workspaceId };
}

function toRecord(row: typeof invitations.$inferSelect): InvitationRecord {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt, expiresAt: row.expiresAt };
}
