import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { deliverMessage, MAX_ATTEMPTS } from './send.ts';

export function defineMessagingJobs(runner: JobRunner<AppContext>): void {
  // One job per message; a transient failure throws and is retried with backoff (10 s, 20 s, …).
  runner.define<{ messageId: string }>({
    name: 'email.send',
    retryLimit: MAX_ATTEMPTS - 1,
    retryDelaySeconds: 10,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    handler: async (data, ctx) => {
      await deliverMessage(ctx, data.messageId);
    },
  });
}
