// Requests for the same workspace that arrive while earlier ones are being written are
// written together: one lookup, one insert and one commit for many requests. Idle, a
// request is written at once (nothing waits for a timer); busy, the queue becomes the next
// write. What made single /v1/track calls cost a transaction and a disk flush each.
import type { Parsed } from './messages.ts';
import type { IngestResult } from './tracking.ts';

/** Messages in one write (a full 500 KB batch is some 1,000 to 5,000). */
const MAX_MESSAGES = 2_000;

interface Waiting {
  parsed: Parsed[];
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

interface Queue {
  waiting: Waiting[];
  running: number;
  scheduled: boolean;
}

export class IngestBatcher {
  readonly #queues = new Map<string, Queue>();

  /**
   * `maxRunning`: writes per workspace at the same time; the rest wait and go together.
   * PostgreSQL runs several at once on its connections; PGlite runs one query at a time
   * anyway, so one write at a time lets the requests that arrive meanwhile form the next.
   */
  constructor(
    private readonly write: (workspaceId: string, parsed: Parsed[]) => Promise<IngestResult>,
    private readonly maxRunning = 4,
  ) {}

  submit(workspaceId: string, parsed: Parsed[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(workspaceId);
      if (!queue) this.#queues.set(workspaceId, (queue = { waiting: [], running: 0, scheduled: false }));
      queue.waiting.push({ parsed, resolve, reject });
      this.#schedule(workspaceId, queue);
    });
  }

  /**
   * Writes start after the requests that have arrived (their I/O callbacks) had their turn:
   * PGlite answers without yielding to the event loop, so without this hop every request
   * would be written alone before the next one is even read.
   */
  #schedule(workspaceId: string, queue: Queue): void {
    if (queue.scheduled) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      this.#pump(workspaceId, queue);
    });
  }

  #pump(workspaceId: string, queue: Queue): void {
    while (queue.running < this.maxRunning && queue.waiting.length > 0) {
      let size = 0;
      let n = 0;
      while (n < queue.waiting.length && (n === 0 || size + queue.waiting[n]!.parsed.length <= MAX_MESSAGES)) size += queue.waiting[n++]!.parsed.length;
      const group = queue.waiting.splice(0, n);
      queue.running++;
      void this.#run(workspaceId, group).finally(() => {
        queue.running--;
        if (queue.running === 0 && queue.waiting.length === 0 && !queue.scheduled) this.#queues.delete(workspaceId);
        else this.#schedule(workspaceId, queue);
      });
    }
  }

  async #run(workspaceId: string, group: Waiting[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      return this.write(workspaceId, only!.parsed).then(only!.resolve, only!.reject);
    }
    // Messages are numbered across the group, and the answer split back by those numbers.
    const offsets: number[] = [];
    const all: Parsed[] = [];
    for (const w of group) {
      offsets.push(all.length);
      w.parsed.forEach((p) => all.push(p.ok ? { ok: true, message: { ...p.message, index: all.length } } : p));
    }
    let result: IngestResult;
    try {
      result = await this.write(workspaceId, all);
    } catch {
      // Whatever failed (a bug a message triggers), it must not fail the other requests.
      await Promise.all(group.map((w) => this.write(workspaceId, w.parsed).then(w.resolve, w.reject)));
      return;
    }
    group.forEach((w, i) => {
      const from = offsets[i]!;
      const to = from + w.parsed.length;
      const mine = (issues: IngestResult['errors']) =>
        issues.filter((x) => x.index >= from && x.index < to).map((x) => ({ ...x, index: x.index - from }));
      const errors = mine(result.errors);
      w.resolve({ accepted: w.parsed.length - errors.length, errors, warnings: mine(result.warnings) });
    });
  }
}
