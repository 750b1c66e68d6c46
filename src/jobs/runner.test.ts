import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { JobRunner, type JobState } from './runner.ts';

const t = useHarness();

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stateOf(runner: JobRunner, name: string, id: string): Promise<JobState | undefined> {
  return (await runner.status(name, id))?.state;
}

describe('the job runner', () => {
  it('retries a failing job with its delay, then marks it failed with the error', async () => {
    const runner = new JobRunner(t.h.db, { work: true, pollingIntervalSeconds: 0.5 });
    const attempts: number[] = [];
    runner.define({
      name: 'test.always-fails',
      retryLimit: 2,
      retryDelaySeconds: 1,
      retryBackoff: false,
      handler: async (_data, _ctx, job) => {
        attempts.push(job.retryCount);
        throw new Error('the mail server said no');
      },
    });
    await runner.start({});
    try {
      const id = (await runner.send('test.always-fails', { to: 'x' }))!;
      await waitFor('failed state', async () => (await stateOf(runner, 'test.always-fails', id)) === 'failed');
      expect(attempts).toEqual([0, 1, 2]);
      const status = await runner.status('test.always-fails', id);
      expect(status).toMatchObject({ state: 'failed', retryCount: 2 });
      expect(JSON.stringify(status!.output)).toContain('the mail server said no');
    } finally {
      await runner.stop();
    }
  });

  it('a job that fails once and then succeeds completes', async () => {
    const runner = new JobRunner(t.h.db, { work: true, pollingIntervalSeconds: 0.5 });
    let calls = 0;
    runner.define({
      name: 'test.flaky',
      retryLimit: 3,
      retryDelaySeconds: 1,
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
      },
    });
    await runner.start({});
    try {
      const id = (await runner.send('test.flaky', {}))!;
      await waitFor('completion', async () => (await stateOf(runner, 'test.flaky', id)) === 'completed');
      expect(calls).toBe(2);
    } finally {
      await runner.stop();
    }
  });

  it('keeps a job queued by one process until a worker started later runs it (jobs survive restarts)', async () => {
    const enqueuer = new JobRunner(t.h.db, { work: false });
    const ran: string[] = [];
    const define = (r: JobRunner) =>
      r.define<{ note: string }>({ name: 'test.later', handler: async (data) => void ran.push(data.note) });
    define(enqueuer);
    await enqueuer.start({});
    const id = (await enqueuer.send('test.later', { note: 'hello' }, { startAfter: new Date(Date.now() + 1500) }))!;
    await enqueuer.stop();
    expect(await stateOf(enqueuer, 'test.later', id)).toBe('created');

    const worker = new JobRunner(t.h.db, { work: true, pollingIntervalSeconds: 0.5 });
    define(worker);
    await worker.start({});
    try {
      await new Promise((r) => setTimeout(r, 700));
      expect(ran).toEqual([]); // not before its time
      await waitFor('the delayed job', async () => (await stateOf(worker, 'test.later', id)) === 'completed');
      expect(ran).toEqual(['hello']);
    } finally {
      await worker.stop();
    }
  });

  it('with two workers on one database, each job runs exactly once', async () => {
    await t.h.db.exec('create table if not exists test_job_runs (job_id uuid not null, worker text not null)');
    const workers = ['a', 'b'].map((name) => {
      const r = new JobRunner<{ worker: string }>(t.h.db, { work: true, pollingIntervalSeconds: 0.5 });
      r.define({
        name: 'test.once',
        concurrency: 2,
        handler: async (_data, ctx, job) => {
          await t.h.db.query('insert into test_job_runs (job_id, worker) values ($1, $2)', [job.id, ctx.worker]);
          await new Promise((res) => setTimeout(res, 5));
        },
      });
      return { name, r };
    });
    for (const w of workers) await w.r.start({ worker: w.name });
    try {
      const total = 120;
      for (let i = 0; i < total; i++) await workers[i % 2]!.r.send('test.once', { i });
      await waitFor('all jobs', async () => {
        const [row] = await t.h.db.query<{ n: number }>('select count(*)::int as n from test_job_runs');
        return row!.n >= total;
      });
      await new Promise((r) => setTimeout(r, 1000)); // a duplicate would show up by now
      const [row] = await t.h.db.query<{ runs: number; jobs: number; workers: number }>(
        'select count(*)::int as runs, count(distinct job_id)::int as jobs, count(distinct worker)::int as workers from test_job_runs',
      );
      expect(row).toEqual({ runs: total, jobs: total, workers: 2 });
    } finally {
      for (const w of workers) await w.r.stop();
    }
  });

  it('registers repeating jobs on their cron schedule', async () => {
    const runner = new JobRunner(t.h.db, { work: true, pollingIntervalSeconds: 0.5 });
    runner.define({ name: 'test.hourly', cron: '5 * * * *', handler: async () => {} });
    await runner.start({});
    try {
      const schedules = await runner.boss.getSchedules();
      expect(schedules).toContainEqual(expect.objectContaining({ name: 'test.hourly', cron: '5 * * * *' }));
    } finally {
      await runner.stop();
    }
  });

  it('refuses to enqueue a job kind it does not know', async () => {
    const runner = new JobRunner(t.h.db, { work: false });
    await runner.start({});
    await expect(runner.send('no.such.job', {})).rejects.toThrow(/Unknown job/);
    await runner.stop();
  });
});
