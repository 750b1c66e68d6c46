import type { Module } from '../server/module.ts';
import { workspaceRoutes } from './routes.ts';
import * as tables from './schema.ts';
import { sessionRoutes } from './session-routes.ts';

export const workspacesModule: Module = {
  name: 'workspaces',
  purpose: 'workspaces, members and roles, invitations, API keys, who may call what',
  tables,
  routes: [
    { prefix: '/api/v1', plugin: workspaceRoutes },
    // Signing in, first-run setup, the current workspace: answers that name the person's workspaces.
    { prefix: '/api/v1', plugin: sessionRoutes },
  ],
};
