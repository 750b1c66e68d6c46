import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createPgliteClient, openPostgres, wrapPglite } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { JobRunner } from '../jobs/runner.ts';
import { adminUrl, schemaFingerprint } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/**
 * Builds one migrated database (with the job queue's schema) per test run; every test
 * file then starts from a copy of it: a PGlite dump loaded in ~0.3 s, or a PostgreSQL
 * `CREATE DATABASE … TEMPLATE`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `rapport_tpl_${schemaFingerprint()}_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const db = await openPostgres(adminUrl(url, template), { max: 2 });
    await migrate(db);
    const runner = new JobRunner(db, { work: false });
    await runner.start({});
    await runner.stop();
    await db.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteTemplate', '');
    return async () => {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rapport-test-'));
  const client = await createPgliteClient();
  const db = await wrapPglite(client);
  await migrate(db);
  const runner = new JobRunner(db, { work: false });
  await runner.start({});
  await runner.stop();
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return async () => rmSync(dir, { recursive: true, force: true });
}
