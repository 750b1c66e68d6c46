import { and, count, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Orm } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, unauthorized } from '../errors.ts';
import type { SessionRecord } from '../server/request.ts';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from './crypto.ts';
import { knownDevice } from './devices.ts';
import { assertStrongPassword } from './password-policy.ts';
import { authAttempts, passwordResets, sessions, users } from './schema.ts';
import { addressAttempts, attemptSucceeded, takeAttempt, THROTTLE_WINDOW_MS } from './throttle.ts';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
}

const SESSION_DAYS = 30;
const DAY_MS = 86_400_000;

const alreadySetUp = () => conflict('Rapport is already set up. Sign in instead.');

export async function isSetupNeeded(ctx: AppContext): Promise<boolean> {
  const [row] = await ctx.db.orm.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/** The transaction `createUserWith` hands its caller, to create what belongs with the user. */
export type OrmTransaction = Parameters<Parameters<Orm['transaction']>[0]>[0];

/**
 * Creates a user and, in the same transaction, what `alsoCreate` makes for them (first-run
 * setup and sign-up create the workspace they own: src/workspaces/workspaces.ts). With
 * `onlyIfFirst`, the first-run setup: refused once any user exists (two browsers racing on a
 * fresh install cannot both become owners; the advisory lock serializes them).
 */
export async function createUserWith<T>(
  ctx: AppContext,
  input: { email: string; name: string; password: string },
  options: { onlyIfFirst?: boolean },
  alsoCreate: (tx: OrmTransaction, user: UserRecord, now: Date) => Promise<T>,
): Promise<{ user: UserRecord; created: T }> {
  // Checked again under the lock below; this spares hashing for an install that is set up.
  if (options.onlyIfFirst && !(await isSetupNeeded(ctx))) throw alreadySetUp();
  await assertStrongPassword(input.password, input);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  return ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7301845221)`);
    if (options.onlyIfFirst) {
      const [row] = await tx.select({ n: count() }).from(users);
      if ((row?.n ?? 0) > 0) throw alreadySetUp();
    }
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (existing) throw conflict(`A user with the email ${input.email} already exists.`, [{ path: 'email', message: 'is already taken' }]);
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now })
      .returning({ id: users.id, email: users.email, name: users.name });
    return { user: user!, created: await alsoCreate(tx, user!, now) };
  });
}

export async function createUser(ctx: AppContext, input: { email: string; name: string; password: string }): Promise<UserRecord> {
  await assertStrongPassword(input.password, input);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const [user] = await ctx.db.orm
    .insert(users)
    .values({ email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: users.id, email: users.email, name: users.name });
  if (!user) throw conflict(`A user with the email ${input.email} already exists.`, [{ path: 'email', message: 'is already taken' }]);
  return user;
}

export async function findUserByEmail(ctx: AppContext, email: string): Promise<UserRecord | undefined> {
  const [user] = await ctx.db.orm
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.email, email));
  return user;
}

// Sign-in throttle (see throttle.ts), per 15 minutes. The address and the source together
// get a person's typos and no more; a source gets a few tries at many addresses; the address
// as a whole gets more, against guesses spread over many sources, which a known device (see
// devices.ts) is spared: there, only the device's own tries count.
const MAX_FAILURES_PER_EMAIL_AND_IP = 10;
const MAX_FAILURES_PER_IP = 50;
const MAX_FAILURES_PER_EMAIL = 50;
const MAX_FAILURES_PER_DEVICE = 10;

/**
 * Checks email and password. `deviceCookie` is the known-device cookie the request carried,
 * if any: when it names a device of this user, only that device is throttled.
 */
export async function authenticate(ctx: AppContext, email: string, password: string, ip: string, deviceCookie?: string): Promise<UserRecord> {
  const [user] = await ctx.db.orm.select().from(users).where(eq(users.email, email));
  const device = user ? knownDevice(ctx, user.id, deviceCookie) : undefined;
  const source = `email-ip:${email}|${ip}`;
  const keys = device
    ? [{ key: `device:${device}`, max: MAX_FAILURES_PER_DEVICE }]
    : [
        { key: source, max: MAX_FAILURES_PER_EMAIL_AND_IP },
        { key: `ip:${ip}`, max: MAX_FAILURES_PER_IP },
        { key: `email:${email}`, max: MAX_FAILURES_PER_EMAIL },
      ];
  const attempt = await takeAttempt(ctx, keys);
  // Hash even when there is no such user, so the response time does not tell.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw unauthorized('The email or password is not right.');
  await attemptSucceeded(ctx, attempt, [device ? `device:${device}` : source]);
  return { id: user.id, email: user.email, name: user.name };
}

export async function updateProfile(ctx: AppContext, userId: string, input: { name: string }): Promise<UserRecord> {
  const [user] = await ctx.db.orm
    .update(users)
    .set({ name: input.name, updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId))
    .returning({ id: users.id, email: users.email, name: users.name });
  if (!user) throw unauthorized();
  return user;
}

/** Sets a new password without the old one (the operator's `rapport user password`); ends every session. */
export async function resetPassword(ctx: AppContext, email: string, password: string): Promise<boolean> {
  await assertStrongPassword(password, { email });
  const rows = await ctx.db.orm
    .update(users)
    .set({ passwordHash: await hashPassword(password), updatedAt: ctx.clock.now() })
    .where(eq(users.email, email))
    .returning({ id: users.id });
  if (rows.length === 0) return false;
  await ctx.db.orm.delete(sessions).where(eq(sessions.userId, rows[0]!.id));
  await ctx.db.orm.delete(passwordResets).where(eq(passwordResets.userId, rows[0]!.id));
  await ctx.db.orm.delete(authAttempts).where(addressAttempts(email));
  return true;
}

/** Changes the password and signs out every other session of the user (a stolen cookie stops working). */
export async function changePassword(ctx: AppContext, userId: string, current: string, next: string, keepSessionId?: string): Promise<void> {
  const [user] = await ctx.db.orm.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(current, user.passwordHash))) {
    throw badRequest('The current password is not right.', [{ path: 'currentPassword', message: 'is not right' }]);
  }
  await assertStrongPassword(next, user, 'newPassword');
  await ctx.db.orm
    .update(users)
    .set({ passwordHash: await hashPassword(next), updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId));
  await ctx.db.orm
    .delete(sessions)
    .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId));
}

export type { SessionRecord };

/** Starts a session; returns the cookie value (only its hash is stored). */
export async function createSession(
  ctx: AppContext,
  userId: string,
  workspaceId: string | null,
  meta: { userAgent?: string; ip?: string } = {},
): Promise<string> {
  const token = randomToken();
  const now = ctx.clock.now();
  await ctx.db.orm.insert(sessions).values({
    tokenHash: sha256(token),
    userId,
    workspaceId,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    ip: meta.ip ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS),
  });
  return token;
}

/** The live session behind a cookie value, extended when used (sliding expiry). */
export async function sessionFromToken(ctx: AppContext, token: string): Promise<SessionRecord | undefined> {
  const now = ctx.clock.now();
  const tokenHash = sha256(token);
  const [row] = await ctx.db.orm
    .select({
      id: sessions.id,
      userId: sessions.userId,
      workspaceId: sessions.workspaceId,
      lastSeenAt: sessions.lastSeenAt,
      email: users.email,
      name: users.name,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  if (!row) return undefined;
  if (now.getTime() - row.lastSeenAt.getTime() > 60 * 60_000) {
    await ctx.db.orm
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS) })
      .where(eq(sessions.id, row.id));
  }
  return {
    id: row.id,
    tokenHash,
    userId: row.userId,
    workspaceId: row.workspaceId,
    user: { id: row.userId, email: row.email, name: row.name },
  };
}

export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db.orm.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function setSessionWorkspace(ctx: AppContext, sessionId: string, workspaceId: string): Promise<void> {
  await ctx.db.orm.update(sessions).set({ workspaceId }).where(eq(sessions.id, sessionId));
}

/** In the caller's transaction: the user's sessions that were looking at this workspace lose it (they left it or were removed). */
export async function clearSessionsWorkspace(tx: OrmTransaction, userId: string, workspaceId: string): Promise<void> {
  await tx.update(sessions).set({ workspaceId: null }).where(and(eq(sessions.userId, userId), eq(sessions.workspaceId, workspaceId)));
}

/** Housekeeping run by the `system.cleanup` job. */
export async function deleteExpiredAuthData(ctx: AppContext): Promise<{ sessions: number; attempts: number; resets: number }> {
  const now = ctx.clock.now();
  const s = await ctx.db.orm.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  const a = await ctx.db.orm
    .delete(authAttempts)
    .where(lt(authAttempts.attemptedAt, new Date(now.getTime() - THROTTLE_WINDOW_MS)))
    .returning({ key: authAttempts.key });
  const r = await ctx.db.orm.delete(passwordResets).where(lt(passwordResets.expiresAt, now)).returning({ id: passwordResets.id });
  return { sessions: s.length, attempts: a.length, resets: r.length };
}
