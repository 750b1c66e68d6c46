// Forgotten passwords, reset by a link sent by email. The request answers the same whether
// or not the address has an account (no enumeration) and at once: looking the person up,
// making the link and talking to the SMTP server happen after the answer, so neither the
// answer nor its timing tells. The link carries 256 random bits (only their sha256 is
// stored), in the URL's fragment so that it never reaches a server log; it works once, for
// an hour, and only the newest one works.
import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../server/context.ts';
import { AppError } from '../server/errors.ts';
import { findUserByEmail, type UserRecord } from './accounts.ts';
import { hashPassword, randomToken, sha256 } from './crypto.ts';
import { resetMailSender, resetMessage } from './reset-mail.ts';
import { authAttempts, passwordResets, sessions, users } from './schema.ts';
import { addressAttempts, takeAttempt } from './throttle.ts';
import { assertStrongPassword } from './password-policy.ts';

export const RESET_LINK_MINUTES = 60;
// Per 15 minutes (the sign-in throttle's window): enough for a typo and a retry, not for
// filling someone's inbox.
const MAX_REQUESTS_PER_EMAIL = 3;
const MAX_REQUESTS_PER_IP = 20;

const pending = new Set<Promise<void>>();

/** Resolves when every reset mail asked for so far has been sent or given up (tests, shutdown). */
export async function passwordResetMailsSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Asks for a reset link. Throttled per address and per client address whether or not the
 * address has an account; the mail itself goes out after this returns.
 */
export async function requestPasswordReset(ctx: AppContext, email: string, ip: string): Promise<void> {
  const keys = [
    { key: `reset:email:${email}`, max: MAX_REQUESTS_PER_EMAIL },
    { key: `reset:ip:${ip}`, max: MAX_REQUESTS_PER_IP },
  ];
  await takeAttempt(ctx, keys, 'requests for a reset link');
  const work = mailResetLink(ctx, email).catch((err: unknown) => {
    // Nobody waits for this; the person asks again if nothing arrives.
    process.stderr.write(`password reset mail not sent: ${(err as Error).message}\n`);
  });
  pending.add(work);
  void work.finally(() => pending.delete(work));
}

async function mailResetLink(ctx: AppContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx, email);
  if (!user) return;
  const sender = await resetMailSender(ctx, user.id);
  if (!sender) return;
  const token = randomToken();
  const now = ctx.clock.now();
  const id = await ctx.db.orm.transaction(async (tx) => {
    // A new link replaces the ones before it.
    await tx.delete(passwordResets).where(eq(passwordResets.userId, user.id));
    const [row] = await tx
      .insert(passwordResets)
      .values({ userId: user.id, tokenHash: sha256(token), createdAt: now, expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000) })
      .returning({ id: passwordResets.id });
    return row!.id;
  });
  const message = resetMessage(resetLink(ctx, token), user.email, RESET_LINK_MINUTES);
  try {
    await sender.transport.sendMail({ from: sender.from, to: user.email, ...message });
  } catch (err) {
    await ctx.db.orm.delete(passwordResets).where(eq(passwordResets.id, id));
    throw err;
  }
}

/**
 * The link in the mail. Its address is the configured public URL, never the Host header of
 * the request, which anyone asking for a reset could set to their own site and so receive
 * the victim's token when they click.
 */
export function resetLink(ctx: AppContext, token: string): string {
  const base = (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/$/, '');
  return `${base}/reset-password#${token}`;
}

const invalidLink = () =>
  new AppError(
    404,
    'reset_link_invalid',
    'This password reset link does not work any more: a link works once, for an hour, and only the newest one sent. Ask for a new one.',
  );

async function liveReset(ctx: AppContext, token: string): Promise<{ id: string; user: UserRecord } | undefined> {
  const [row] = await ctx.db.orm
    .select({ id: passwordResets.id, userId: users.id, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, sha256(token)), gt(passwordResets.expiresAt, ctx.clock.now())));
  return row ? { id: row.id, user: { id: row.userId, email: row.email, name: row.name } } : undefined;
}

/** The account a link is for, so the page can name it; 404 when the link does not work. */
export async function checkResetLink(ctx: AppContext, token: string): Promise<{ email: string }> {
  const found = await liveReset(ctx, token);
  if (!found) throw invalidLink();
  return { email: found.user.email };
}

/**
 * Sets the new password, uses the link up (and any other of the user's), ends every session
 * of the user and clears the sign-in failures on their address. Two clicks racing: one wins, the other 404s.
 */
export async function completePasswordReset(ctx: AppContext, token: string, password: string): Promise<UserRecord> {
  const found = await liveReset(ctx, token);
  if (!found) throw invalidLink();
  await assertStrongPassword(password, found.user);
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now();
  return ctx.db.orm.transaction(async (tx) => {
    const used = await tx
      .delete(passwordResets)
      .where(and(eq(passwordResets.id, found.id), gt(passwordResets.expiresAt, now)))
      .returning({ id: passwordResets.id });
    if (used.length === 0) throw invalidLink();
    const userId = found.user.id;
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
    await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await tx.delete(authAttempts).where(addressAttempts(found.user.email));
    return found.user;
  });
}
