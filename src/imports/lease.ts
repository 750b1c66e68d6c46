// One process at a time works on an import (its upload, its run, its undo): it holds a lease
// on the import's row and renews it while it works. A process that dies stops renewing, and
// the import is taken over or failed (recover.ts) within about a minute, instead of showing
// "running" until its job's six-hour timeout.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../server/context.ts';
import type { ImportRecord } from './imports.ts';
import { type ImportStatus, imports } from './schema.ts';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';

/** This process, as a lease holder (readable in the database: host, pid, and a nonce). */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** How long a lease lasts without renewal (RAPPORT_IMPORT_LEASE_SECONDS, default 60); it is renewed every third of that. */
const leaseSeconds = (ctx: AppContext): number => ctx.config.importLeaseSeconds;

/** Another process took the import over (this one stalled past its lease): stop without touching it. */
export class LeaseLost extends Error {
  constructor() {
    super('Another process has taken this import over.');
  }
}

export class ImportLease {
  #lost = false;
  #renewing = false;
  readonly #timer: NodeJS.Timeout;

  private constructor(
    private readonly ctx: AppContext,
    readonly importId: string,
    /** The import as it was when the lease was taken. */
    readonly record: ImportRecord,
  ) {
    this.#timer = setInterval(() => void this.#renew(), (leaseSeconds(ctx) * 1000) / 3);
    this.#timer.unref();
  }

  /**
   * Takes the lease of an import in one of `statuses` that nobody holds (or whose holder's
   * lease ran out); null when another process holds it or the import is in another state.
   * `countRun` counts the start of a run in `attempts`.
   */
  static async take(ctx: AppContext, importId: string, statuses: ImportStatus[], options: { countRun?: boolean } = {}): Promise<ImportLease | null> {
    const now = ctx.clock.now();
    const [row] = await ctx.db.orm
      .update(imports)
      .set({
        leaseOwner: PROCESS_ID,
        leaseUntil: new Date(now.getTime() + leaseSeconds(ctx) * 1000),
        ...(options.countRun ? { attempts: sql`${imports.attempts} + 1` } : {}),
      })
      .where(
        and(
          eq(imports.id, importId),
          inArray(imports.status, statuses),
          or(isNull(imports.leaseOwner), eq(imports.leaseOwner, PROCESS_ID), lt(imports.leaseUntil, now)),
        ),
      )
      .returning();
    return row ? new ImportLease(ctx, importId, row) : null;
  }

  /** The lease of an import this process has just created with `leaseOwner: PROCESS_ID` (an upload). */
  static adopt(ctx: AppContext, record: ImportRecord): ImportLease {
    return new ImportLease(ctx, record.id, record);
  }

  /** Values for a new import row held by this process. */
  static fresh(ctx: AppContext): { leaseOwner: string; leaseUntil: Date } {
    return { leaseOwner: PROCESS_ID, leaseUntil: new Date(ctx.clock.now().getTime() + leaseSeconds(ctx) * 1000) };
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** Throws LeaseLost when a renewal found the import taken over. */
  check(): void {
    if (this.#lost) throw new LeaseLost();
  }

  async #renew(): Promise<void> {
    if (this.#renewing || this.#lost) return;
    this.#renewing = true;
    try {
      const until = new Date(this.ctx.clock.now().getTime() + leaseSeconds(this.ctx) * 1000);
      const rows = await this.ctx.db.query('update imports set lease_until = $3 where id = $1 and lease_owner = $2 returning id', [this.importId, PROCESS_ID, until]);
      if (rows.length === 0) {
        this.#lost = true;
        clearInterval(this.#timer);
      }
    } catch {
      // A database that does not answer: the next renewal tries again (the lease may run out meanwhile).
    } finally {
      this.#renewing = false;
    }
  }

  /** Stops renewing and lets go of the import (when the work is done, or failed here). */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#lost) return;
    await this.ctx.db
      .query('update imports set lease_owner = null, lease_until = null where id = $1 and lease_owner = $2', [this.importId, PROCESS_ID])
      .catch(() => undefined);
  }
}
