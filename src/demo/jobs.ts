import type { Database } from '../db/client.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import type { DemoProgress } from './contract.ts';
import { DEMO_JOB, type DemoJobData, loadDemo } from './demo.ts';
import { countDemo, startingProgress, stoppedAt } from './progress.ts';

export function defineDemoJobs(runner: JobRunner<AppContext>): void {
  runner.define<DemoJobData>({
    name: DEMO_JOB,
    // Loading is idempotent (emails and message ids), so a retry finishes what a crash left.
    retryLimit: 2,
    retryDelaySeconds: 5,
    // 100,000 contacts take minutes on the embedded database; a hung job is retried after this.
    expireInSeconds: 2 * 60 * 60,
    // The progress the web app shows is written on the job's own row while it runs, and the
    // last of it (step 'done') is what the job resolves to: pg-boss keeps it as the output.
    handler: async (data, ctx, job): Promise<DemoProgress> => {
      const now = new Date(data.now);
      let progress = startingProgress(data.contacts);
      try {
        await saveProgress(ctx.db, job.id, progress);
        const totals = await countDemo({ seed: data.seed, contacts: data.contacts, now });
        await loadDemo(ctx, data.workspaceId, {
          contacts: data.contacts,
          seed: data.seed,
          now,
          totals,
          onProgress: async (p) => {
            progress = p;
            await saveProgress(ctx.db, job.id, p);
          },
        });
        return progress;
      } catch (err) {
        throw new Error(`${stoppedAt(progress)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    },
  });
}

/**
 * Writes the progress onto the job's row in the queue while it is active: the queue is where
 * the status reads a load from already, and every process (API or worker) sees it. pg-boss
 * itself writes the output only when the job ends (the result, or the error).
 */
async function saveProgress(db: Database, jobId: string, progress: DemoProgress): Promise<void> {
  await db.query(`update pgboss.job set output = $3::jsonb where name = $1 and id = $2 and state = 'active'`, [
    DEMO_JOB,
    jobId,
    JSON.stringify(progress),
  ]);
}
