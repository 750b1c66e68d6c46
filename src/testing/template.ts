import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { listMigrations } from '../db/migrate.ts';

/** Changes whenever the schema a fresh database gets would change. */
export function schemaFingerprint(): string {
  const require = createRequire(import.meta.url);
  const bossVersion = (JSON.parse(readFileSync(require.resolve('pg-boss/package.json'), 'utf8')) as { version: string }).version;
  const h = createHash('sha256').update(bossVersion);
  for (const m of listMigrations()) h.update(m.name).update(m.checksum);
  return h.digest('hex').slice(0, 12);
}

export function adminUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
