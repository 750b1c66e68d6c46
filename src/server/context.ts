import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { JobRunner } from '../jobs/runner.ts';

/** What every operation needs: the database, the clock, configuration, secrets, jobs. */
export interface AppContext {
  db: Database;
  clock: Clock;
  config: Config;
  /** Instance secret: signs CSRF tokens and links, keys encryption at rest. */
  secret: string;
  jobs: JobRunner<AppContext>;
}
