import { setImmediate } from 'node:timers/promises';
import type { Database } from '../db/client.ts';

/**
 * How many rows an import writes per transaction, and a pause after each.
 *
 * On PostgreSQL a batch of 5,000 rows runs on the server while this process answers other
 * requests. The embedded database runs each statement on this process's only thread and
 * holds every other query (`GET /health` included) until the transaction ends; and its
 * queries resolve without ever returning to the event loop, so back-to-back batches kept
 * every request waiting for the whole import (20,000 rows: /health answered twice in 12 s).
 * There, batches are sized so that one takes about TARGET_MS of CPU time (not of the clock:
 * on a busy machine a batch waits for the CPU too, and shrinking it for that would only add
 * per-batch overhead), and the event loop is let in after each.
 */
export class BatchPacer {
  static readonly TARGET_MS = 25;
  static readonly MIN_ROWS = 200;
  #size: number;
  readonly #embedded: boolean;

  constructor(
    db: Pick<Database, 'kind'>,
    private readonly max = 5000,
  ) {
    this.#embedded = db.kind === 'pglite';
    this.#size = this.#embedded ? Math.min(max, 1000) : max;
  }

  /** Call before writing a batch; hand what it returns to `written`. */
  start(): NodeJS.CpuUsage {
    return process.cpuUsage();
  }

  /** Rows the next batch may hold. */
  get size(): number {
    return this.#size;
  }

  /** A batch of `rows` was written since `started`: size the next one, and let other requests in. */
  async written(rows: number, started: NodeJS.CpuUsage): Promise<void> {
    if (!this.#embedded) return;
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    if (rows >= this.#size / 2 && ms > 0) {
      const factor = Math.min(2, Math.max(0.5, BatchPacer.TARGET_MS / ms));
      this.#size = Math.round(Math.min(this.max, Math.max(BatchPacer.MIN_ROWS, this.#size * factor)));
    }
    await setImmediate();
  }

  /** Lets other requests in (embedded database only): between statements that are not a batch. */
  async pause(): Promise<void> {
    if (this.#embedded) await setImmediate();
  }
}

/**
 * Refreshes the planner's statistics of `contacts` as an import into a workspace grows it:
 * after 1,000, 10,000, 100,000… rows. Statistics taken before (another workspace's import,
 * the hourly analyze) say this workspace has no contacts, and the planner then looks each
 * email of a batch up by walking all of the workspace's contacts (contacts_created_idx with
 * a filter instead of the unique email index): 500 lookups in a workspace of 10,000 contacts
 * took 1.5–2.4 s, and each batch longer than the last (a 100,000-row import into a second
 * workspace did not finish in 25 minutes, /health waiting 6–8 s meanwhile).
 */
export class ContactStatistics {
  #next = 1000;
  #rows = 0;

  constructor(private readonly db: Pick<Database, 'exec'>) {}

  async written(rows: number): Promise<void> {
    this.#rows += rows;
    if (this.#rows < this.#next) return;
    while (this.#next <= this.#rows) this.#next *= 10;
    await this.db.exec('analyze contacts');
  }
}
