import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createPgliteClient, type Database, openPostgres, wrapPglite } from '../db/client.ts';
import { adminUrl } from './template.ts';

export interface TestDatabase {
  db: Database;
  /** postgres://… of this test's own database (PostgreSQL runs only). */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for the calling test file: PGlite in memory by
 * default, a new PostgreSQL database when TEST_DATABASE_URL is set.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = inject('postgresTemplate');
    const name = `rapport_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (err) {
        // Two files copying the template at the same instant: wait and try again.
        if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    await admin.end();
    const url = adminUrl(serverUrl, name);
    const db = await openPostgres(url, { max: 5 });
    return {
      db,
      url,
      async drop() {
        await db.close();
        const a = new pg.Client({ connectionString: serverUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const file = inject('pgliteTemplate');
  const client = await createPgliteClient({ loadDataDir: new Blob([readFileSync(file)]) });
  const db = await wrapPglite(client);
  return { db, drop: () => db.close() };
}
