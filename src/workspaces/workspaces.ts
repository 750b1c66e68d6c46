import { and, asc, count, eq } from 'drizzle-orm';
import { clearSessionsWorkspace, createUserWith, type OrmTransaction, type UserRecord } from '../accounts/accounts.ts';
import { users } from '../accounts/schema.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import { type Role, workspaceMembers, workspaces } from './schema.ts';

export interface WorkspaceSummary {
  id: string;
  name: string;
  role: Role;
}

async function insertWorkspace(tx: OrmTransaction, ownerId: string, name: string, now: Date): Promise<WorkspaceSummary> {
  const [ws] = await tx.insert(workspaces).values({ name, createdAt: now }).returning({ id: workspaces.id, name: workspaces.name });
  await tx.insert(workspaceMembers).values({ workspaceId: ws!.id, userId: ownerId, role: 'owner', createdAt: now });
  return { ...ws!, role: 'owner' as const };
}

export async function createWorkspace(ctx: AppContext, ownerId: string, name: string): Promise<WorkspaceSummary> {
  const now = ctx.clock.now();
  return ctx.db.orm.transaction((tx) => insertWorkspace(tx, ownerId, name, now));
}

/**
 * Creates a user and a workspace they own, in one transaction. With `onlyIfFirst`, the
 * first-run setup: refused once any user exists (see createUserWith).
 */
export async function createUserWithWorkspace(
  ctx: AppContext,
  input: { email: string; name: string; password: string; workspaceName: string },
  options: { onlyIfFirst?: boolean } = {},
): Promise<{ user: UserRecord; workspaceId: string }> {
  const { user, created } = await createUserWith(ctx, input, options, (tx, user, now) => insertWorkspace(tx, user.id, input.workspaceName, now));
  return { user, workspaceId: created.id };
}

export async function listUserWorkspaces(ctx: AppContext, userId: string): Promise<WorkspaceSummary[]> {
  return ctx.db.orm
    .select({ id: workspaces.id, name: workspaces.name, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.name), asc(workspaces.id));
}

export async function findWorkspacesByName(ctx: AppContext, nameOrId: string): Promise<{ id: string; name: string }[]> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrId);
  return ctx.db.orm
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .where(isUuid ? eq(workspaces.id, nameOrId) : eq(workspaces.name, nameOrId));
}

export async function getWorkspace(
  ctx: AppContext,
  workspaceId: string,
): Promise<{ id: string; name: string; postalAddress: string; defaultCountry: string | null; defaultCurrency: string | null; createdAt: Date }> {
  const [ws] = await ctx.db.orm.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw notFound('The workspace');
  return ws;
}

export async function updateWorkspace(
  ctx: AppContext,
  workspaceId: string,
  patch: { name?: string; postalAddress?: string; defaultCountry?: string | null; defaultCurrency?: string | null },
): Promise<void> {
  const set = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.postalAddress !== undefined ? { postalAddress: patch.postalAddress } : {}),
    ...(patch.defaultCountry !== undefined ? { defaultCountry: patch.defaultCountry } : {}),
    ...(patch.defaultCurrency !== undefined ? { defaultCurrency: patch.defaultCurrency } : {}),
  };
  if (Object.keys(set).length > 0) await ctx.db.orm.update(workspaces).set(set).where(eq(workspaces.id, workspaceId));
}

export async function memberRole(ctx: AppContext, workspaceId: string, userId: string): Promise<Role | undefined> {
  const [m] = await ctx.db.orm
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return m?.role;
}

export interface MemberRecord {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export async function listMembers(ctx: AppContext, workspaceId: string): Promise<MemberRecord[]> {
  return ctx.db.orm
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: workspaceMembers.role,
      joinedAt: workspaceMembers.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(workspaceMembers.createdAt), asc(users.email));
}

interface Actor {
  userId: string | null;
  role: Role;
}

async function ownerCount(ctx: AppContext, workspaceId: string): Promise<number> {
  const [row] = await ctx.db.orm
    .select({ n: count() })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, 'owner')));
  return row?.n ?? 0;
}

/**
 * Role changes follow two rules: only an owner grants or takes away ownership, and a
 * workspace always keeps at least one owner.
 */
export async function changeMemberRole(ctx: AppContext, workspaceId: string, actor: Actor, userId: string, role: Role): Promise<void> {
  const current = await memberRole(ctx, workspaceId, userId);
  if (!current) throw notFound('The member');
  if ((current === 'owner' || role === 'owner') && actor.role !== 'owner') {
    throw forbidden('Only an owner can make someone an owner or change an owner’s role.');
  }
  if (current === 'owner' && role !== 'owner' && (await ownerCount(ctx, workspaceId)) <= 1) {
    throw badRequest('A workspace needs at least one owner. Make someone else an owner first.', [
      { path: 'role', message: 'would leave the workspace without an owner' },
    ]);
  }
  await ctx.db.orm
    .update(workspaceMembers)
    .set({ role })
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
}

export async function removeMember(ctx: AppContext, workspaceId: string, actor: Actor, userId: string): Promise<void> {
  const current = await memberRole(ctx, workspaceId, userId);
  if (!current) throw notFound('The member');
  if (current === 'owner' && actor.role !== 'owner') throw forbidden('Only an owner can remove an owner.');
  if (current === 'owner' && (await ownerCount(ctx, workspaceId)) <= 1) {
    throw badRequest('A workspace needs at least one owner. Make someone else an owner first.');
  }
  await ctx.db.orm.transaction(async (tx) => {
    await tx
      .delete(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
    // Sessions that were looking at this workspace lose it at once.
    await clearSessionsWorkspace(tx, userId, workspaceId);
  });
}

export async function addMember(ctx: AppContext, workspaceId: string, userId: string, role: Role): Promise<void> {
  await ctx.db.orm
    .insert(workspaceMembers)
    .values({ workspaceId, userId, role, createdAt: ctx.clock.now() })
    .onConflictDoNothing();
}
