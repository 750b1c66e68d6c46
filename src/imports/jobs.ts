import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { runImport, runUndo } from './run.ts';

export function defineImportJobs(runner: JobRunner<AppContext>): void {
  runner.define<{ importId: string }>({
    name: 'imports.run',
    // An import that fails does so for a reason that a retry will not fix (the file);
    // a crashed worker's job expires and runs again, resuming after its last batch.
    retryLimit: 2,
    retryDelaySeconds: 5,
    expireInSeconds: 6 * 60 * 60,
    handler: async (data, ctx) => {
      await runImport(ctx, data.importId);
    },
  });
  runner.define<{ importId: string }>({
    name: 'imports.undo',
    retryLimit: 2,
    retryDelaySeconds: 5,
    handler: async (data, ctx) => {
      await runUndo(ctx, data.importId);
    },
  });
}
