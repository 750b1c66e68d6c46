import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
/** Typed queries over the tables each domain declares in its own schema.ts (no relational query API, so no schema list here). */
export type Orm = PgDatabase<PgQueryResultHKT>;

/** A connection that can run several statements and hold a transaction. */
export interface SqlSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Statements without parameters; may hold several separated by semicolons. */
  exec(text: string): Promise<void>;
}

/**
 * One handle on Rapport's database, whichever engine is behind it. Domain code uses
 * `orm` (typed queries) or `query` (plain SQL with bound parameters).
 */
export interface Database extends SqlSession {
  kind: 'pglite' | 'postgres';
  orm: Orm;
  /** Run `fn` on one connection inside a transaction; commits when it resolves. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** The adapter pg-boss uses to talk to this database (see src/jobs/runner.ts). */
  bossAdapter: { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
  close(): Promise<void>;
  /** The embedded engine itself, for what only it can do (COPY from a blob). */
  pglite?: PGlite;
}

// node-postgres returns int8 as strings by default; counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * PGlite with the PostgreSQL extensions Rapport's migrations use (loaded at start). Imported
 * on demand: the embedded engine costs about 46 MB of memory that a process running on a
 * PostgreSQL server should not pay.
 */
export async function createPgliteClient(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]);
  // PostgreSQL's shared buffers live in PGlite's WebAssembly memory, all of it touched at start:
  // 128 MB by default, most of an idle server's memory. The operating system caches the data
  // files anyway; RAPPORT_PGLITE_SHARED_BUFFERS sets another size.
  const sharedBuffers = process.env.RAPPORT_PGLITE_SHARED_BUFFERS ?? '16MB';
  return PGlite.create({ ...options, extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] });
}

export async function openPglite(dataDir?: string): Promise<Database> {
  return wrapPglite(await createPgliteClient(dataDir ? { dataDir } : {}));
}

export async function wrapPglite(client: PGlite): Promise<Database> {
  // Drizzle's PGlite driver imports PGlite itself: loaded on demand too.
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const orm = drizzlePglite({ client }) as unknown as Orm;
  await client.exec("set timezone to 'UTC'"); // as on PostgreSQL (see openPostgres)
  const session = (q: Pick<PGlite, 'query' | 'exec'>): SqlSession => ({
    async query<T>(text: string, params?: unknown[]) {
      const res = await q.query<T>(text, params as unknown[]);
      return res.rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  return {
    kind: 'pglite',
    orm,
    ...session(client),
    transaction: (fn) => client.transaction((tx) => fn(session(tx))),
    bossAdapter: {
      // pg-boss sends its DDL as one parameterless string of several statements, which
      // only the simple-query path (`exec`) accepts; everything else goes through `query`.
      async executeSql(text, values) {
        if (values && values.length > 0) return client.query(text, values);
        const results = await client.exec(text);
        return results[results.length - 1] ?? { rows: [] };
      },
    },
    close: () => client.close(),
    pglite: client,
  };
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  // Every session in UTC: a date without an offset ("2024-03-04") means that day in UTC,
  // whatever the server's own time zone. JIT compilation off: on segment queries over ten
  // million events it spent 3.4 s compiling to save less than a second (docs/decisions.md).
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'rapport', options: '-c TimeZone=UTC -c jit=off' });
  pool.on('error', () => {
    /* idle client errors (server restart) surface on the next query instead */
  });
  // Fail fast with a clear message when the server is not there.
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  const orm = drizzlePg({ client: pool }) as unknown as Orm;
  const session = (q: pg.Pool | pg.PoolClient): SqlSession => ({
    async query<T>(text: string, params?: unknown[]) {
      const res = await q.query(text, params);
      return res.rows as T[];
    },
    async exec(text: string) {
      await q.query(text);
    },
  });
  return {
    kind: 'postgres',
    orm,
    ...session(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(session(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    bossAdapter: { executeSql: (text, values) => pool.query(text, values) },
    close: () => pool.end(),
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid DATABASE_URL)';
  }
}
