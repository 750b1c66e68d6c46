import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';

export function defineImportJobs(runner: JobRunner<AppContext>): void {
  void runner;
}
