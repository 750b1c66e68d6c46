// An import whose process stops (killed, out of memory, a restart) must not stay "running":
// it is taken over and goes on where it stopped, or fails with the reason after repeated stops;
// an upload cut off can be deleted and the file uploaded again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createUserWithWorkspace } from '../workspaces/workspaces.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { openRuntime } from '../app/runtime.ts';
import { useHarness } from '../testing/harness.ts';
import { upload, waitForImport } from '../testing/imports.ts';
import { createImport, requestUndo, startImport } from './imports.ts';
import { recoverImports, UPLOAD_STOPPED } from './recover.ts';
import { MAX_RUNS, runImport } from './run.ts';

const t = useHarness({ work: true });
const ROWS = 12_000;
const file = () => ['email,first_name', ...Array.from({ length: ROWS }, (_, i) => `person${i}@example.com,Person ${i}`)].join('\n');
const cli = { via: 'cli' as const, statedBy: 'test' };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The context of a process that stops dead after its first committed batch: from its second
 * batch on, nothing it asks of the database ever answers (and nothing it would write after
 * that, such as "failed", is written).
 */
function dyingAfterFirstBatch(ctx: AppContext): { ctx: AppContext; died: Promise<void> } {
  let transactions = 0;
  let dead = false;
  let died!: () => void;
  const never = () => new Promise<never>(() => {});
  const db: Database = {
    ...ctx.db,
    query: (text, params) => (dead ? never() : ctx.db.query(text, params)),
    exec: (text) => (dead ? never() : ctx.db.exec(text)),
    transaction: (fn) => {
      if (dead || ++transactions > 1) {
        dead = true;
        died();
        return never();
      }
      return ctx.db.transaction(fn);
    },
  };
  return { ctx: { ...ctx, db }, died: new Promise<void>((r) => (died = r)) };
}

async function importState(db: Database, id: string) {
  const [row] = await db.query<{ status: string; last_row: number | null; attempts: number; processed_rows: number; created_count: number; error: string | null }>(
    "select status, (settings->>'lastRow')::int as last_row, attempts, processed_rows, created_count, error from imports where id = $1",
    [id],
  );
  return row!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Uploads and starts an import without queueing it, and runs it in a process that dies after its first batch. */
async function importThatDies(ctx: AppContext, workspaceId: string): Promise<string> {
  const created = await createImport(ctx, workspaceId, null, 'contacts', 'people.csv', Readable.from([Buffer.from(file())]));
  await startImport(ctx, workspaceId, created.id, { mapping: ['email', 'first_name'], newProperties: [], updateExisting: true, emailConsent: 'not_subscribed' }, cli, { enqueue: false });
  const dying = dyingAfterFirstBatch(ctx);
  void runImport(dying.ctx, created.id);
  await dying.died;
  return created.id;
}

describe('an import whose process stopped', () => {
  it('is taken over once its lease runs out and goes on after its last batch: every row once, and undo works', async () => {
    const owner = await t.h.signUp();
    const id = await importThatDies(t.h.ctx, owner.workspaceId);
    const stopped = await importState(t.h.db, id);
    expect(stopped).toMatchObject({ status: 'running', attempts: 1 });
    expect(stopped.last_row).toBeGreaterThan(1);
    expect(stopped.last_row).toBeLessThan(ROWS);
    // Still held: nothing is taken over before the lease runs out.
    expect(await recoverImports(t.h.ctx)).toMatchObject({ resumed: 0 });
    t.h.clock.advance(61_000);
    expect(await recoverImports(t.h.ctx)).toMatchObject({ resumed: 1 });
    const done = await waitForImport(owner.client, id);
    expect(done).toMatchObject({ status: 'completed', outcome: 'imported', processedRows: ROWS, createdCount: ROWS });
    const [{ n }] = (await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [owner.workspaceId])) as [{ n: number }];
    expect(n).toBe(ROWS);
    expect((await owner.client.post(`/api/v1/imports/${id}/undo`)).status).toBe(202);
    expect(await waitForImport(owner.client, id)).toMatchObject({ status: 'undone' });
    expect(await t.h.db.query('select id from contacts where workspace_id = $1', [owner.workspaceId])).toEqual([]);
  }, 120_000);

  it(`fails with the reason after stopping ${MAX_RUNS} times, and can be undone`, async () => {
    const owner = await t.h.signUp();
    const id = await importThatDies(t.h.ctx, owner.workspaceId);
    await t.h.db.query("update imports set attempts = $2, lease_until = now() - interval '1 hour' where id = $1", [id, MAX_RUNS]);
    t.h.clock.advance(61_000);
    await recoverImports(t.h.ctx);
    const failed = await waitForImport(owner.client, id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'failed' });
    expect(failed.error).toMatch(/stopped 3 times before it finished/);
    expect((await owner.client.post(`/api/v1/imports/${id}/undo`)).status).toBe(202);
    expect(await waitForImport(owner.client, id)).toMatchObject({ status: 'undone' });
    expect(await t.h.db.query('select id from contacts where workspace_id = $1', [owner.workspaceId])).toEqual([]);
  }, 120_000);

  it('an upload cut off: starting it is refused with what to do (not a 500), it is failed once its lease runs out, and it can be deleted', async () => {
    const owner = await t.h.signUp();
    // What a process killed while receiving a file leaves: the import row, part of the file, no preview.
    const [row] = await t.h.db.query<{ id: string }>(
      `insert into imports (workspace_id, kind, status, file_name, lease_owner, lease_until) values ($1, 'contacts', 'uploaded', 'big.csv', 'gone:1:x', $2) returning id`,
      [owner.workspaceId, new Date(t.h.clock.now().getTime() + 60_000)],
    );
    const id = row!.id;
    await t.h.db.query("insert into import_chunks (import_id, workspace_id, seq, data) values ($1, $2, 0, convert_to($3, 'UTF8'))", [id, owner.workspaceId, 'email,name\nada@']);
    expect((await owner.client.get(`/api/v1/imports/${id}`)).body).toMatchObject({ status: 'uploaded', preview: null });
    const start = await owner.client.post(`/api/v1/imports/${id}/start`, { mapping: ['email'], emailConsent: 'not_subscribed' });
    expect(start.status).toBe(409);
    expect(start.body.error.message).toMatch(/upload of this file has not finished/);
    t.h.clock.advance(61_000);
    expect(await recoverImports(t.h.ctx)).toMatchObject({ failedUploads: 1 });
    expect((await owner.client.get(`/api/v1/imports/${id}`)).body).toMatchObject({ status: 'failed', error: UPLOAD_STOPPED });
    expect((await owner.client.delete(`/api/v1/imports/${id}`)).status).toBe(204);
    expect(await t.h.db.query('select import_id from import_chunks where import_id = $1', [id])).toEqual([]);
    const again = await upload(owner.client, 'big.csv', 'email,name\nada@example.com,Ada\n');
    expect(again.status).toBe(201);
  });
});

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('the embedded database, opened again after its process stopped mid-import', () => {
  it('goes on with the import at once (no other process can hold it), and undo works', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-import-crash-'));
    dirs.push(dataDir);
    const config = { ...loadConfig({ RAPPORT_DATA_DIR: dataDir, RAPPORT_SECRET: 'import crash test secret, 32 characters or more' }), databaseUrl: undefined };
    const first = await openRuntime(config, { command: 'test', work: false });
    const { workspaceId } = await createUserWithWorkspace(first.ctx, { email: 'crash@example.com', name: 'Crash', password: 'Quartz-Lantern-Orbit-4821', workspaceName: 'Crash' });
    const id = await importThatDies(first.ctx, workspaceId);
    expect(await importState(first.ctx.db, id)).toMatchObject({ status: 'running' });
    // Closed without finishing, as a killed process leaves it (what it committed, and nothing after).
    await first.close();

    const second = await openRuntime(config, { command: 'test', work: true });
    try {
      const done = await until('the import to finish', async () => {
        const s = await importState(second.ctx.db, id);
        return s.status === 'completed' || s.status === 'failed' ? s : undefined;
      });
      expect(done).toMatchObject({ status: 'completed', processed_rows: ROWS, created_count: ROWS, attempts: 2 });
      await requestUndo(second.ctx, workspaceId, id, { userId: null, apiKeyId: null });
      await until('the undo', async () => (await importState(second.ctx.db, id)).status === 'undone');
      expect(await second.ctx.db.query('select id from contacts where workspace_id = $1', [workspaceId])).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
