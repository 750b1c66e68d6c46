import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { recoverImports } from './recover.ts';
import { runImport, runUndo } from './run.ts';

export function defineImportJobs(runner: JobRunner<AppContext>): void {
  runner.define<{ importId: string }>({
    name: 'imports.run',
    // An import that fails does so for a reason that a retry will not fix (the file). A
    // crashed worker's import is queued again by imports.recover once its lease runs out
    // and resumes after its last batch; the job's own expiry is only the last resort.
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
  // Every minute: runs and undos whose process stopped renewing its lease are queued again,
  // uploads cut off are failed (a worker's start queues one at once: see src/app/runtime.ts).
  runner.define<{ startup?: boolean }>({
    name: 'imports.recover',
    cron: '* * * * *',
    retryLimit: 1,
    handler: async (data, ctx) => recoverImports(ctx, { startup: data.startup === true }),
  });
}
