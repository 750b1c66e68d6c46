import { MODULES } from '../app/modules.ts';
import { segmentUpdatesSettled } from '../segments/membership.ts';
import { workflowRunsSettled } from '../workflows/engine/schedule.ts';
import { earnSettled } from '../loyalty/jobs.ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createSession } from '../accounts/accounts.ts';
import { csrfTokenFor } from '../accounts/csrf.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import { defineJobs } from '../app/jobs.ts';
import { JobRunner } from '../jobs/runner.ts';
import { buildApp } from '../app/app.ts';
import type { AppContext } from '../server/context.ts';
import { SESSION_COOKIE } from '../server/request.ts';
import { createApiKey } from '../workspaces/apikeys.ts';
import type { ApiKeyScope } from '../workspaces/roles.ts';
import { createUserWithWorkspace } from '../workspaces/workspaces.ts';
import { ApiClient } from './client.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface Member {
  client: ApiClient;
  userId: string;
  email: string;
  workspaceId: string;
}

export interface Harness {
  ctx: AppContext;
  db: Database;
  clock: ManualClock;
  app: FastifyInstance;
  testDb: TestDatabase;
  /** An anonymous visitor. */
  anonymous(): ApiClient;
  /** A new user who owns a new workspace, signed in (use twice for workspace isolation). */
  signUp(options?: { email?: string; workspaceName?: string }): Promise<Member>;
  /** A session for an existing user (e.g. one added to a workspace), signed in to a workspace. */
  signIn(userId: string, workspaceId: string | null): Promise<ApiClient>;
  apiKey(workspaceId: string, scope?: ApiKeyScope): Promise<{ key: string; id: string; client: ApiClient }>;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh database, app and clock for one test file. Jobs are enqueued but not worked unless asked. */
export async function createHarness(options: { work?: boolean } = {}): Promise<Harness> {
  const testDb = await createTestDatabase();
  const clock = new ManualClock(new Date());
  // Tests send to SMTP servers on 127.0.0.1: private addresses allowed, as an operator with a
  // local relay would (the tests of the refusal turn it off).
  const config = { ...loadConfig({}), port: 0, secret: 'test-secret-0123456789abcdef0123456789', smtpAllowPrivate: true, webhookAllowPrivate: true, socialAllowPrivate: true };
  const jobs = defineJobs(new JobRunner<AppContext>(testDb.db, { work: options.work ?? false, pollingIntervalSeconds: 0.5 }));
  const ctx: AppContext = { db: testDb.db, clock, config, secret: config.secret, jobs, modules: MODULES };
  await jobs.start(ctx);
  const app = await buildApp(ctx, { webDist: false });
  await app.ready();

  const signIn = async (userId: string, workspaceId: string | null) => {
    const token = await createSession(ctx, userId, workspaceId);
    return new ApiClient(app, { cookie: `${SESSION_COOKIE}=${token}`, csrfToken: csrfTokenFor(ctx, token) });
  };

  return {
    ctx,
    db: testDb.db,
    clock,
    app,
    testDb,
    anonymous: () => new ApiClient(app),
    async signUp(opts = {}) {
      const n = ++counter;
      const email = opts.email ?? `user${n}-${process.pid}@example.com`;
      const { user, workspaceId } = await createUserWithWorkspace(ctx, {
        email,
        name: `User ${n}`,
        password: TEST_PASSWORD,
        workspaceName: opts.workspaceName ?? `Workspace ${n}`,
      });
      return { client: await signIn(user.id, workspaceId), userId: user.id, email, workspaceId };
    },
    signIn,
    async apiKey(workspaceId, scope = 'full') {
      const { key, apiKey } = await createApiKey(ctx, workspaceId, null, { name: `test ${scope}`, scope });
      return { key, id: apiKey.id, client: new ApiClient(app, { bearer: key }) };
    },
    async close() {
      await app.close();
      await segmentUpdatesSettled();
      await workflowRunsSettled();
      await earnSettled();
      await workflowRunsSettled();
      await jobs.stop();
      await testDb.drop();
    },
  };
}

/** `const t = useHarness()` in a test file: `t.h` is ready inside tests. */
export function useHarness(options: { work?: boolean } = {}): { h: Harness } {
  const holder = {} as { h: Harness };
  beforeAll(async () => {
    holder.h = await createHarness(options);
  });
  afterAll(async () => {
    await holder.h?.close();
  });
  return holder;
}
