import type { AppContext } from '../server/context.ts';
import type { ImportPhase } from './schema.ts';

const INTERVAL_MS = 500;

/** Hears every step of a running import (the CLI's progress bar), unthrottled. */
export type ProgressListener = (progress: { phase: ImportPhase; bytesRead: number }) => void;

/**
 * Writes a running import's progress (bytes of the stored file read by the current pass, the
 * pass it is in, and its counts so far) at most twice a second, outside the batches'
 * transactions, so that the page and the CLI see it move while a long pass runs. One write
 * at a time: a reader faster than the database skips updates rather than queueing them.
 */
export class ProgressWriter {
  #bytes = 0;
  #phase: ImportPhase;
  #stats: Record<string, number> | undefined;
  #last = 0;
  #writing: Promise<void> | undefined;
  #trailing: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly importId: string,
    phase: ImportPhase,
    private readonly listener?: ProgressListener,
  ) {
    this.#phase = phase;
  }

  /** A new pass: its bytes start again from 0. */
  phase(phase: ImportPhase): void {
    this.#phase = phase;
    this.#bytes = 0;
    this.#last = 0;
    this.listener?.({ phase, bytesRead: 0 });
    this.#maybeWrite();
  }

  bytes(read: number): void {
    this.#bytes = read;
    this.listener?.({ phase: this.#phase, bytesRead: read });
    this.#maybeWrite();
  }

  /** Counts shown while the import runs (orders: lines, orders and customers found so far). */
  stats(stats: Record<string, number>): void {
    this.#stats = { ...stats };
    this.#maybeWrite();
  }

  /** Writes what is known now and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.#trailing);
    this.#trailing = undefined;
    await this.#writing;
    await this.#write();
  }

  #maybeWrite(): void {
    const now = Date.now();
    if (this.#writing || now - this.#last < INTERVAL_MS) {
      // The last value of a burst is written too, a little later: a small file is read in one
      // go, and its progress must not stay at what the first write saw.
      this.#trailing ??= setTimeout(() => {
        this.#trailing = undefined;
        this.#maybeWrite();
      }, INTERVAL_MS).unref();
      return;
    }
    this.#last = now;
    this.#writing = this.#write().finally(() => (this.#writing = undefined));
  }

  async #write(): Promise<void> {
    try {
      await this.ctx.db.query(
        `update imports set bytes_read = $2, phase = $3, stats = coalesce($4::jsonb, stats) where id = $1 and status = 'running'`,
        [this.importId, this.#bytes, this.#phase, this.#stats ? JSON.stringify(this.#stats) : null],
      );
    } catch {
      // Progress is a courtesy: the import's own writes say whether it worked.
    }
  }
}
