import type { SqlSession } from '../db/client.ts';
import type { Module } from '../server/module.ts';
import { defineSurveyJobs } from './jobs.ts';
import { surveyPublicRoutes } from './public-routes.ts';
import { surveyRoutes } from './routes.ts';
import * as tables from './schema.ts';

/** Deleted contacts leave no invitation or response behind (their answers quote them). */
async function forgetContacts(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<void> {
  await tx.query('delete from survey_responses where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, contactIds]);
  await tx.query('delete from survey_sends where workspace_id = $1 and contact_id = any($2::uuid[])', [workspaceId, contactIds]);
}

export const surveysModule: Module = {
  name: 'surveys',
  purpose: 'feedback surveys (NPS, CSAT, CES, custom): questions and logic, answer pages, email invitations, answers as events and contact properties, results',
  tables,
  routes: [
    { prefix: '/api/v1', plugin: surveyRoutes },
    { prefix: '', plugin: surveyPublicRoutes },
  ],
  jobs: defineSurveyJobs,
  contactsDeleted: { forget: forgetContacts },
};
