import type { Module } from '../server/module.ts';
import * as tables from './schema.ts';

/** Workflows are being built (issue 15; docs/design/workflows.md). */
export const workflowsModule: Module = {
  name: 'workflows',
  purpose: 'automated journeys: triggers, waits, branches, actions through the one-contact send, goals, holdouts (being built)',
  tables,
};
