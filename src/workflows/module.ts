import type { SqlSession } from '../db/client.ts';
import type { Module } from '../server/module.ts';
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

export const workflowsModule: Module = {
  name: 'workflows',
  purpose: 'automated journeys: triggers, waits, branches, actions through the one-contact send, goals, holdouts and lift',
  tables,
  routes: [{ prefix: '/api/v1', plugin: workflowRoutes }],
  jobs: defineWorkflowJobs,
  dataChanged: scheduleWorkflowRun,
  contactsDeleted: { forget: forgetContacts },
};
