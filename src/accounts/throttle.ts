// Throttling of sign-ins and reset requests, shared by every process through the database.
//
// An attempt is recorded under each of its keys before the password is looked at, in the
// same transaction as the count that decides whether it may go ahead; the transaction holds
// an advisory lock per key, so concurrent attempts on one key queue and each sees the ones
// before it (31 parallel guesses: 10 are checked, 21 refused). A refused attempt records
// nothing, so hammering does not push the end of a lock-out further away. A successful sign-in
// takes its own rows back and clears the failures of its source (or device) on that address.
import { createHash } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import { uuidv7 } from '../db/ids.ts';
import type { AppContext } from '../server/context.ts';
import { rateLimited } from '../errors.ts';
import { authAttempts } from './schema.ts';

export const THROTTLE_WINDOW_MS = 15 * 60_000;

export interface ThrottleKey {
  key: string;
  /** Attempts allowed per window under this key. */
  max: number;
}

// The first half of the two-integer advisory lock: keeps these locks apart from the
// single-bigint ones (migrations, first-run setup, pg-boss).
const LOCK_NAMESPACE = 0x52617074; // "Rapt"

function lockId(key: string): number {
  return createHash('sha256').update(key).digest().readInt32BE(0);
}

/**
 * Counts the attempts under each key in the last 15 minutes and, unless one is at its
 * maximum (then 429 with Retry-After), records this attempt under every key, as one step.
 * Returns the attempt's id, for `attemptSucceeded`.
 */
export async function takeAttempt(ctx: AppContext, keys: ThrottleKey[], what = 'failed sign-in attempts'): Promise<string> {
  const attemptId = uuidv7();
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const names = keys.map((k) => k.key);
  // Always in the same order (by lock id), so that two attempts sharing keys cannot deadlock.
  const locks = [...new Set(names.map(lockId))].sort((a, b) => a - b);
  await ctx.db.transaction(async (tx) => {
    for (const id of locks) await tx.query('select pg_advisory_xact_lock($1::int, $2::int)', [LOCK_NAMESPACE, id]);
    const counts = await tx.query<{ key: string; n: number; oldest: Date | string }>(
      `select key, count(*)::int as n, min(attempted_at) as oldest from auth_attempts
       where key = any($1::text[]) and attempted_at > $2 group by key`,
      [names, since],
    );
    let retryAfter = 0;
    for (const { key, max } of keys) {
      const row = counts.find((c) => c.key === key);
      if (!row || row.n < max) continue;
      const freeAt = new Date(row.oldest).getTime() + THROTTLE_WINDOW_MS;
      retryAfter = Math.max(retryAfter, Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)));
    }
    if (retryAfter > 0) throw rateLimited(`Too many ${what}. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, retryAfter);
    await tx.query('insert into auth_attempts (key, attempted_at, attempt_id) select k, $2, $3 from unnest($1::text[]) as k', [names, now, attemptId]);
  });
  return attemptId;
}

/** A successful attempt is no failure: takes back its rows and clears the given keys (its source's failures). */
export async function attemptSucceeded(ctx: AppContext, attemptId: string, clear: string[]): Promise<void> {
  await ctx.db.query('delete from auth_attempts where attempt_id = $1 or key = any($2::text[])', [attemptId, clear]);
}

/** Every sign-in failure recorded against an address (address-wide and per source), for when its password is reset. */
export function addressAttempts(email: string) {
  return or(eq(authAttempts.key, `email:${email}`), sql`starts_with(${authAttempts.key}, ${`email-ip:${email}|`})`);
}
