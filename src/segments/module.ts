import type { Module } from '../server/module.ts';
import { defineSegmentJobs } from './jobs.ts';
import { forgetDeletedContacts, lockSegmentsOf, scheduleSegmentUpdate } from './membership.ts';
import { segmentRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const segmentsModule: Module = {
  name: 'segments',
  purpose: 'the one condition language (segment definitions: validate, compile to SQL, evaluate), segments and lists, membership kept current',
  tables,
  routes: [{ prefix: '/api/v1', plugin: segmentRoutes }],
  jobs: defineSegmentJobs,
  dataChanged: scheduleSegmentUpdate,
  contactsDeleted: { lock: lockSegmentsOf, forget: forgetDeletedContacts },
};
