// Forgotten passwords: the links' tokens. A link carries 256 random bits (only their sha256
// is stored), in the URL's fragment so that it never reaches a server log; it works once, for
// an hour, and only the newest one works. Requests are throttled whether or not the address
// has an account. The mail that carries the link, sent after the request is answered so that
// neither the answer nor its timing tells whether the account exists:
// src/messaging/account-mail/reset-mail.ts.
import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../server/context.ts';
import { DomainError } from '../errors.ts';
import type { UserRecord } from './accounts.ts';
import { hashPassword, randomToken, sha256 } from './crypto.ts';
import { authAttempts, passwordResets, sessions, users } from './schema.ts';
import { addressAttempts, takeAttempt } from './throttle.ts';
import { assertStrongPassword } from './password-policy.ts';

export const RESET_LINK_MINUTES = 60;
// Per 15 minutes (the sign-in throttle's window): enough for a typo and a retry, not for
// filling someone's inbox.
const MAX_REQUESTS_PER_EMAIL = 3;
const MAX_REQUESTS_PER_IP = 20;

/**
 * Counts a request for a reset link, per address and per client address, whether or not the
 * address has an account; past the limits, 429.
 */
export async function throttleResetRequest(ctx: AppContext, email: string, ip: string): Promise<void> {
  const keys = [
    { key: `reset:email:${email}`, max: MAX_REQUESTS_PER_EMAIL },
    { key: `reset:ip:${ip}`, max: MAX_REQUESTS_PER_IP },
  ];
  await takeAttempt(ctx, keys, 'requests for a reset link');
}

/** A new reset token for the user, replacing the ones before it; `id` withdraws it when the mail fails. */
export async function issueResetToken(ctx: AppContext, userId: string): Promise<{ id: string; token: string }> {
  const token = randomToken();
  const now = ctx.clock.now();
  const id = await ctx.db.orm.transaction(async (tx) => {
    // A new link replaces the ones before it.
    await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
    const [row] = await tx
      .insert(passwordResets)
      .values({ userId, tokenHash: sha256(token), createdAt: now, expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000) })
      .returning({ id: passwordResets.id });
    return row!.id;
  });
  return { id, token };
}

/** Withdraws a token whose mail could not be sent. */
export async function withdrawResetToken(ctx: AppContext, id: string): Promise<void> {
  await ctx.db.orm.delete(passwordResets).where(eq(passwordResets.id, id));
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
  new DomainError(
    'not_found',
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
