import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Module } from './module.ts';

/** What every operation needs: the database, the clock, configuration, secrets, jobs, the modules' hooks. */
export interface AppContext {
  db: Database;
  clock: Clock;
  config: Config;
  /** Instance secret: signs CSRF tokens and links, keys encryption at rest. */
  secret: string;
  jobs: JobRunner<AppContext>;
  /** The application's modules in layer order (src/app/modules.ts): their hooks are how a lower domain reaches a higher one. */
  modules: readonly Module[];
}
