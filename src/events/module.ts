import type { Module } from '../server/module.ts';
import { forgetEventsOf } from './history.ts';
import * as tables from './schema.ts';

export const eventsModule: Module = {
  name: 'events',
  purpose: 'the event spine: the events table, its one writer, the catalogue of the events Rapport writes, a contact’s history',
  tables,
  // Deleted or erased contacts take their events with them (the purchase summaries follow by trigger).
  contactsDeleted: { forget: forgetEventsOf },
};
