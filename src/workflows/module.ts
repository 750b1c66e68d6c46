import type { SqlSession } from '../db/client.ts';
import { TEMPLATED_JOB } from '../messaging/delivery/templated.ts';
import type { AppContext } from '../server/context.ts';
import type { Module, StartOptions } from '../server/module.ts';
import { stopWebhooks, WEBHOOK_JOB } from './webhooks.ts';
import { scheduleWorkflowRun } from './engine/schedule.ts';
import { defineWorkflowJobs } from './jobs.ts';
import { workflowRoutes } from './routes.ts';
import * as tables from './schema.ts';

/** Deleted contacts leave no run, queued trigger or webhook call behind. */
async function forgetContacts(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<void> {
  await tx.query('delete from workflow_enrollments where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, contactIds]);
  await tx.query('delete from workflow_pending where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, contactIds]);
  await tx.query("delete from workflow_webhook_calls where workspace_id = $1 and contact_id = any($2::uuid[]) and state in ('queued', 'failed')", [workspaceId, contactIds]);
}

/** A worker that starts takes up at once what a previous life left: due steps, messages and calls to send. */
async function start(ctx: AppContext, options: StartOptions): Promise<void> {
  if (!options.work) return;
  await ctx.jobs.send('workflows.tick', {});
  await ctx.jobs.send(TEMPLATED_JOB, {});
  await ctx.jobs.send(WEBHOOK_JOB, {});
  // What a process that died was sending is taken over when its lease ends: asked for then,
  // not at the next minute's run.
  const [left] = await ctx.db.query<{ mail: Date | null; hooks: Date | null }>(
    `select (select max(retry_at) from email_messages where state = 'sending' and broadcast_id is null and html is null) as mail,
            (select max(next_attempt_at) from workflow_webhook_calls where state = 'sending') as hooks`,
  );
  const later = (at: Date | null) => (at ? { startAfter: new Date(Date.now() + Math.max(1000, new Date(at).getTime() - ctx.clock.now().getTime() + 1000)) } : undefined);
  if (left?.mail) await ctx.jobs.send(TEMPLATED_JOB, {}, later(left.mail));
  if (left?.hooks) await ctx.jobs.send(WEBHOOK_JOB, {}, later(left.hooks));
}

export const workflowsModule: Module = {
  name: 'workflows',
  purpose: 'automated journeys: triggers, waits, branches, actions through the one-contact send, goals, holdouts and lift',
  tables,
  routes: [{ prefix: '/api/v1', plugin: workflowRoutes }],
  jobs: defineWorkflowJobs,
  start,
  // Webhook calls being sent: those not started go back to the queue for the next worker.
  stopping: stopWebhooks,
  dataChanged: scheduleWorkflowRun,
  contactsDeleted: { forget: forgetContacts },
};
