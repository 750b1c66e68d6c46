import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { MODULES } from './modules.ts';

/** Every kind of background job Rapport has: each module defines its own. */
export function defineJobs(runner: JobRunner<AppContext>, modules: readonly { jobs?: (runner: JobRunner<AppContext>) => void }[] = MODULES): JobRunner<AppContext> {
  for (const module of modules) module.jobs?.(runner);
  return runner;
}
