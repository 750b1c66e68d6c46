import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { runAllWorkflows } from './engine/schedule.ts';
import { defineWebhookJobs } from './webhooks.ts';

export function defineWorkflowJobs(runner: JobRunner<AppContext>): void {
  // Waits that end, and whatever a change in another process or a crash left in the queue.
  runner.define({
    name: 'workflows.tick',
    cron: '* * * * *',
    retryLimit: 1,
    expireInSeconds: 60 * 60,
    handler: async (_data, ctx) => {
      await runAllWorkflows(ctx);
    },
  });
  defineWebhookJobs(runner);
}
