import type { SqlSession } from '../db/client.ts';
import { TEMPLATED_JOB } from '../messaging/delivery/templated.ts';
import type { AppContext } from '../server/context.ts';
import type { Module, StartOptions } from '../server/module.ts';
import { WEBHOOK_JOB } from './webhooks.ts';
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
}

export const workflowsModule: Module = {
  name: 'workflows',
  purpose: 'automated journeys: triggers, waits, branches, actions through the one-contact send, goals, holdouts and lift',
  tables,
  routes: [{ prefix: '/api/v1', plugin: workflowRoutes }],
  jobs: defineWorkflowJobs,
  start,
  dataChanged: scheduleWorkflowRun,
  contactsDeleted: { forget: forgetContacts },
};
