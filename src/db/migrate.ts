import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database, SqlSession } from './client.ts';
import { projectPath } from '../paths.ts';

const MIGRATIONS_DIR = projectPath('src/db/migrations/');
// Any constant works; it only has to be the same in every Rapport process.
const MIGRATION_LOCK_KEY = 7_301_845_220;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(dir + name, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Apply the checked-in SQL migrations that this database has not seen, in order, each in
 * its own transaction. Several processes may start at once against one PostgreSQL: an
 * advisory lock makes them take turns, and the later ones find nothing left to do.
 */
export async function migrate(db: Database, migrations = listMigrations()): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`create table if not exists rapport_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.query<{ name: string; checksum: string }>('select name, checksum from rapport_migrations');
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const seen = done.get(m.name);
      if (seen !== undefined && seen !== m.checksum) {
        throw new Error(
          `Migration ${m.name} was changed after it was applied to this database. ` +
            'Migrations are append-only: revert the edit and add a new migration instead.',
        );
      }
    }
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...done.keys()].filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new Error(
        `This database has migrations this version of Rapport does not know (${unknown.join(', ')}); ` +
          'it was used by a newer version. Upgrade Rapport instead of downgrading.',
      );
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await applyOne(tx, m);
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  });
}

async function applyOne(tx: SqlSession, m: Migration): Promise<void> {
  try {
    await tx.exec(m.sql);
  } catch (err) {
    throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
  }
  await tx.query('insert into rapport_migrations (name, checksum) values ($1, $2)', [m.name, m.checksum]);
}
