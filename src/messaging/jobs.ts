import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { runBroadcast } from './broadcasts/run.ts';
import { startDueBroadcasts } from './broadcasts/broadcasts.ts';
import { deliverMessage, MAX_ATTEMPTS } from './delivery/send.ts';
import { deliverAllTemplated, deliverTemplated, TEMPLATED_JOB } from './delivery/templated.ts';

/** Seconds a broadcast waits after its SMTP server could not be reached. */
const PAUSE_SECONDS = 30;

/**
 * Broadcasts whose sender is gone (lease expired) get a new run; at a worker's start, those
 * whose lease is still running get one for when it ends (the process that held it may be the
 * one that just restarted).
 */
async function resumeBroadcasts(ctx: AppContext, startup: boolean): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.db.query<{ id: string; lease_until: Date | null }>(
    `select b.id, b.lease_until from broadcasts b
     where b.state = 'sending' and ($2 or b.lease_until is null or b.lease_until < $1)
       -- something to send now (a broadcast only waiting for retries has its job scheduled)
       and (exists (select 1 from email_messages m where m.broadcast_id = b.id and m.state in ('queued', 'sending') and (m.retry_at is null or m.retry_at <= $1))
            or not exists (select 1 from email_messages m where m.broadcast_id = b.id and m.state in ('queued', 'sending')))`,
    [now, startup],
  );
  for (const r of rows) {
    const until = r.lease_until ? new Date(r.lease_until) : null;
    const startAfter = until && until > now ? new Date(until.getTime() + 1000) : undefined;
    await ctx.jobs.send('email.broadcast', { broadcastId: r.id }, startAfter ? { startAfter } : {});
  }
}

export function defineMessagingJobs(runner: JobRunner<AppContext>): void {
  // Messages queued without content (workflow sends), rendered as they leave: asked for by
  // whoever queued them, and every minute for retries and what a crash left.
  runner.define<{ workspaceId?: string }>({
    name: TEMPLATED_JOB,
    cron: '* * * * *',
    retryLimit: 3,
    retryDelaySeconds: 10,
    expireInSeconds: 15 * 60,
    pollingIntervalSeconds: 0.5,
    handler: async (data, ctx) => {
      if (data.workspaceId) await deliverTemplated(ctx, data.workspaceId);
      else await deliverAllTemplated(ctx);
    },
  });
  // One job per message; a transient failure throws and is retried with backoff (10 s, 20 s, …).
  runner.define<{ messageId: string }>({
    name: 'email.send',
    retryLimit: MAX_ATTEMPTS - 1,
    retryDelaySeconds: 10,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    concurrency: 2,
    handler: async (data, ctx) => {
      await deliverMessage(ctx, data.messageId);
    },
  });
  // A broadcast is sent in slices of about a minute, each one job, so that a long send at a
  // low rate never looks like a crashed job.
  runner.define<{ broadcastId: string }>({
    name: 'email.broadcast',
    retryLimit: 10,
    retryDelaySeconds: 15,
    expireInSeconds: 5 * 60,
    concurrency: 2,
    // A broadcast sent from the web server starts in a worker process within half a second.
    pollingIntervalSeconds: 0.5,
    handler: async (data, ctx) => {
      const result = await runBroadcast(ctx, data.broadcastId);
      if (result === 'more') await ctx.jobs.send('email.broadcast', data);
      if (result === 'paused') await ctx.jobs.send('email.broadcast', data, { startAfter: new Date(Date.now() + PAUSE_SECONDS * 1000) });
      // Only retries left: the job comes back when the first is due (clock time of this process).
      if (typeof result === 'object') await ctx.jobs.send('email.broadcast', data, { startAfter: new Date(Date.now() + Math.max(1000, result.later.getTime() - ctx.clock.now().getTime())) });
    },
  });
  runner.define<{ startup?: boolean }>({
    name: 'email.broadcasts.tick',
    cron: '* * * * *',
    retryLimit: 1,
    handler: async (data, ctx) => {
      await startDueBroadcasts(ctx);
      await resumeBroadcasts(ctx, data.startup === true);
    },
  });
}
