import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/database.ts';
import { useHarness } from '../testing/harness.ts';
import { listMigrations, migrate } from './migrate.ts';
import { MODULES } from '../app/modules.ts';

const t = useHarness();

describe('migrations', () => {
  it('applies nothing the second time', async () => {
    const result = await migrate(t.h.db);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe(listMigrations().length);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const edited = listMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(t.h.db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuses to run an older Rapport on a database a newer one migrated', async () => {
    await expect(migrate(t.h.db, listMigrations().slice(0, 0))).rejects.toThrow(/newer version/);
  });

  it('rolls a failing migration back whole, leaving the database as it was', async () => {
    const { db, drop } = await createTestDatabase();
    try {
      const broken = [
        ...listMigrations(),
        { name: '9999_broken.sql', sql: 'create table half_done (id int); select no_such_function();', checksum: 'x' },
      ];
      await expect(migrate(db, broken)).rejects.toThrow(/9999_broken.sql failed/);
      const rows = await db.query("select to_regclass('half_done') as t");
      expect(rows[0]).toEqual({ t: null });
      expect((await migrate(db)).applied).toEqual([]);
    } finally {
      await drop();
    }
  });

  it('gives the database exactly the columns the typed schema expects', async () => {
    const tables = (MODULES.flatMap((m) => Object.values(m.tables ?? {})) as unknown[]).filter(
      (v): v is PgTable => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v,
    );
    expect(tables.length).toBeGreaterThan(4);
    // Every table the migrations create is declared by exactly one module.
    const created = await t.h.db.query<{ name: string }>(
      "select tablename as name from pg_tables where schemaname = 'public' and tablename not in ('rapport_migrations') order by 1",
    );
    const declared = tables.map((table) => getTableConfig(table).name);
    expect(declared.length, 'a table declared twice').toBe(new Set(declared).size);
    expect([...declared].sort()).toEqual(created.map((r) => r.name).filter((n) => !n.startsWith('pgboss')));
    for (const table of tables) {
      const config = getTableConfig(table);
      const rows = await t.h.db.query<{ column_name: string; is_nullable: string; data_type: string }>(
        `select attname as column_name, case when attnotnull then 'NO' else 'YES' end as is_nullable,
                format_type(atttypid, atttypmod) as data_type
         from pg_attribute where attrelid = ('public.' || $1)::regclass and attnum > 0 and not attisdropped`,
        [config.name],
      );
      const inDb = Object.fromEntries(rows.map((r) => [r.column_name, { nullable: r.is_nullable === 'YES', type: r.data_type }]));
      const inCode = Object.fromEntries(
        config.columns.map((c) => [c.name, { nullable: !c.notNull, type: c.getSQLType() }]),
      );
      expect(Object.keys(inDb).sort(), config.name).toEqual(Object.keys(inCode).sort());
      for (const [name, col] of Object.entries(inCode)) {
        expect(inDb[name]!.nullable, `${config.name}.${name} nullable`).toBe(col.nullable);
        expect(inDb[name]!.type, `${config.name}.${name} type`).toBe(col.type);
      }
    }
  });

  it('generates time-ordered UUIDv7 ids', async () => {
    const rows = await t.h.db.query<{ id: string }>('select rapport_uuid_v7()::text as id from generate_series(1, 50)');
    for (const { id } of rows) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [row] = await t.h.db.query<{ ms: string }>("select ('x' || substr(replace(rapport_uuid_v7()::text, '-', ''), 1, 12))::bit(48)::bigint::text as ms");
    expect(Math.abs(Number(row!.ms) - Date.now())).toBeLessThan(60_000);
  });
});
