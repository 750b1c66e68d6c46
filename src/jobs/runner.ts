import PgBoss from 'pg-boss';
import type { Database } from '../db/client.ts';

export interface JobMeta {
  id: string;
  name: string;
  retryCount: number;
}

/** A kind of background work. Handlers must be idempotent: a job can run again after a crash. */
export interface JobDefinition<T extends object = Record<string, unknown>, C = unknown> {
  name: string;
  /** Attempts after the first one before the job is marked failed. */
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time when retryBackoff is on. */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is considered crashed and retried. */
  expireInSeconds?: number;
  /** Jobs of this kind one worker process runs at the same time. */
  concurrency?: number;
  /** How often an idle worker of this kind looks for work (default: the runner's). */
  pollingIntervalSeconds?: number;
  /** Repeat on this cron schedule (UTC), e.g. '0 * * * *'. */
  cron?: string;
  /** What it resolves to is kept as the job's output (pg-boss), for whoever asks how it went. */
  handler(data: T, context: C, job: JobMeta): Promise<unknown>;
}

export interface SendOptions {
  startAfter?: Date | number;
  /** pg-boss's singleton key: with a throttling or singleton queue policy, one job per key. */
  singletonKey?: string;
  /** Enqueue inside an open transaction: the job exists only if the transaction commits. */
  db?: { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
}

export interface RunnerOptions {
  /** Run handlers in this process (`rapport serve`, `rapport worker`), or only enqueue. */
  work: boolean;
  pollingIntervalSeconds?: number;
  /** How often pg-boss checks schedules and expired jobs. */
  maintenanceIntervalSeconds?: number;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobStatus {
  id: string;
  name: string;
  state: JobState;
  retryCount: number;
  output: unknown;
}

/**
 * The durable job runner: pg-boss on Rapport's own database (PGlite or PostgreSQL). Jobs
 * live in the `pgboss` schema, so they survive restarts; workers claim them with
 * `FOR UPDATE SKIP LOCKED`, so several processes share one database without running a
 * job twice.
 */
export class JobRunner<C = unknown> {
  readonly boss: PgBoss;
  readonly #definitions = new Map<string, JobDefinition<never, C>>();
  readonly #workerIds = new Map<string, string[]>();
  #context: C | undefined;
  #started = false;

  constructor(
    db: Database,
    private readonly options: RunnerOptions,
  ) {
    this.boss = new PgBoss({
      db: db.bossAdapter as PgBoss.Db,
      schema: 'pgboss',
      supervise: true,
      schedule: options.work,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
    });
    this.boss.on('error', (err) => {
      // pg-boss reports errors of its background loops here; they are retried on the next
      // tick, so they are logged rather than crashing the process.
      this.onError(err);
    });
  }

  onError: (err: Error) => void = (err) => console.error('[jobs]', err);

  define<T extends object>(definition: JobDefinition<T, C>): this {
    if (this.#started) throw new Error(`Define job ${definition.name} before the runner starts.`);
    this.#definitions.set(definition.name, definition as JobDefinition<never, C>);
    return this;
  }

  async start(context: C): Promise<void> {
    this.#context = context;
    await this.boss.start();
    this.#started = true;
    for (const def of this.#definitions.values()) {
      const queue = {
        name: def.name,
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelaySeconds ?? 10,
        retryBackoff: def.retryBackoff ?? true,
        expireInSeconds: def.expireInSeconds ?? 15 * 60,
      };
      const existing = await this.boss.getQueue(def.name);
      if (existing) await this.boss.updateQueue(def.name, queue);
      else await this.boss.createQueue(def.name, queue);
    }
    if (!this.options.work) return;
    for (const def of this.#definitions.values()) {
      const ids: string[] = [];
      for (let i = 0; i < (def.concurrency ?? 1); i++) {
        let workerId = '';
        workerId = await this.boss.work<object>(
          def.name,
          { batchSize: 1, pollingIntervalSeconds: def.pollingIntervalSeconds ?? this.options.pollingIntervalSeconds ?? 2, includeMetadata: true },
          async ([job]) => {
            if (!job) return;
            try {
              return await def.handler(job.data as never, this.#context as C, { id: job.id, name: job.name, retryCount: job.retryCount });
            } finally {
              // pg-boss waits a polling interval after every batch; a worker that just
              // finished a job looks for the next one at once instead.
              this.boss.notifyWorker(workerId);
            }
          },
        );
        ids.push(workerId);
      }
      this.#workerIds.set(def.name, ids);
      if (def.cron) await this.boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
    }
  }

  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    if (!this.#definitions.has(name)) throw new Error(`Unknown job "${name}"`);
    const { db, startAfter, singletonKey } = options;
    const id = await this.boss.send(name, data, {
      ...(db ? { db: db as PgBoss.Db } : {}),
      ...(startAfter !== undefined ? { startAfter } : {}),
      ...(singletonKey ? { singletonKey } : {}),
    });
    // Wake this process's idle workers of that kind (others find it on their next poll).
    // Inside a transaction the job is not visible yet; the poll picks it up after commit.
    if (!db && startAfter === undefined) for (const w of this.#workerIds.get(name) ?? []) this.boss.notifyWorker(w);
    return id;
  }

  async status(name: string, id: string): Promise<JobStatus | null> {
    const job = await this.boss.getJobById(name, id, { includeArchive: true });
    if (!job) return null;
    return { id: job.id, name: job.name, state: job.state, retryCount: job.retryCount, output: job.output };
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }
}
