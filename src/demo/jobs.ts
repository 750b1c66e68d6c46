import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { DEMO_JOB, type DemoJobData, loadDemo } from './demo.ts';

export function defineDemoJobs(runner: JobRunner<AppContext>): void {
  runner.define<DemoJobData>({
    name: DEMO_JOB,
    // Loading is idempotent (emails and message ids), so a retry finishes what a crash left.
    retryLimit: 2,
    retryDelaySeconds: 5,
    // 100,000 contacts take minutes on the embedded database; a hung job is retried after this.
    expireInSeconds: 2 * 60 * 60,
    handler: async (data, ctx) => {
      await loadDemo(ctx, data.workspaceId, { contacts: data.contacts, seed: data.seed, now: new Date(data.now) });
    },
  });
}
