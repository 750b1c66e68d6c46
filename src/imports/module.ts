import type { Module } from '../server/module.ts';
import { defineImportJobs } from './jobs.ts';
import { releaseDeadLeases } from './recover.ts';
import { importRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const importsModule: Module = {
  name: 'imports',
  purpose: 'CSV/XLSX uploads, mapping, contact and order-history imports under leases, error reports, undo',
  tables,
  routes: [{ prefix: '/api/v1', plugin: importRoutes }],
  jobs: defineImportJobs,
  // The embedded database has one process at a time: imports the previous one held are
  // released before this one's workers start (src/imports/recover.ts).
  async prepare(ctx, { work }) {
    if (work && ctx.db.kind === 'pglite') await releaseDeadLeases(ctx);
  },
  async start(ctx, { work }) {
    if (work) await ctx.jobs.send('imports.recover', { startup: true });
  },
  // Rows of error reports that quote an erased person's address lose their raw text.
  async contactErased(tx, workspaceId, email) {
    await tx.query('update import_errors set raw = null where workspace_id = $1 and strpos(lower(raw), $2) > 0', [workspaceId, email]);
  },
};
