import type { Module } from '../server/module.ts';
import { contactRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const contactsModule: Module = {
  name: 'contacts',
  purpose: 'contacts, typed properties, change history, set-based upsert, consent, deletions, GDPR export and erase, timeline',
  tables,
  routes: [{ prefix: '/api/v1', plugin: contactRoutes }],
};
