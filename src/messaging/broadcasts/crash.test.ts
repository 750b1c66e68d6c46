// A worker process killed in the middle of a 10,000-recipient broadcast, and started again,
// delivers exactly 10,000 distinct messages: one per recipient, none lost, none invented
// (a message that was on the wire at the kill may arrive twice with the same Message-ID,
// which receiving servers treat as one message; how many is printed and bounded).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { openRuntime } from '../../app/runtime.ts';
import { seedBroadcast } from '../../testing/email-load.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/database.ts';
import { startSink, type Sink } from '../../testing/smtp-sink.ts';
import { sendBroadcast } from './broadcasts.ts';

const RECIPIENTS = 10_000;
const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-crash-'));
let sink: Sink | undefined;
let testDb: TestDatabase | undefined;
let worker: ChildProcess | undefined;

afterAll(async () => {
  worker?.kill('SIGKILL');
  await sink?.close();
  await testDb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (url: string | undefined) => ({
  ...process.env,
  RAPPORT_DATA_DIR: dataDir,
  RAPPORT_SECRET: 'crash test secret, the same for every process',
  RAPPORT_EMAIL_LEASE_SECONDS: '3',
  // The sink listens on 127.0.0.1.
  RAPPORT_SMTP_ALLOW_PRIVATE: '1',
  LOG_LEVEL: 'warn',
  ...(url ? { DATABASE_URL: url } : { DATABASE_URL: '' }),
});

function startWorker(url: string | undefined): ChildProcess {
  const child = spawn(process.execPath, ['bin/rapport.js', 'worker'], { cwd: root, env: env(url), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  return child;
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(sink?.stats())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));

it('a worker stopped, then killed mid-broadcast, and restarted delivers exactly 10,000 distinct messages', { timeout: 300_000 }, async () => {
  sink = await startSink();
  // PostgreSQL runs: a database of its own; PGlite runs: a data directory the processes take turns on.
  let url: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    testDb = await createTestDatabase();
    url = testDb.url;
  }
  const config = { ...loadConfig(env(url)), databaseUrl: url };
  const setup = await openRuntime(config, { command: 'test', work: false });
  const { broadcastId, workspaceId } = await seedBroadcast(setup.ctx, { contacts: RECIPIENTS, smtpPort: sink.port });
  await sendBroadcast(setup.ctx, workspaceId, broadcastId);
  await setup.close();

  // A graceful stop first (a deploy): the worker finishes its batch and hands over; nothing is sent twice.
  worker = startWorker(url);
  await until('a quarter of the messages', () => sink!.stats().received >= RECIPIENTS / 4, 120_000);
  worker.kill('SIGTERM');
  await exited(worker);
  const atStop = sink.stats();
  expect(atStop.distinct).toBeLessThan(RECIPIENTS);

  // Then a crash.
  worker = startWorker(url);
  await until('half of the messages', () => sink!.stats().received >= RECIPIENTS / 2, 120_000);
  worker.kill('SIGKILL');
  await exited(worker);
  const atKill = sink.stats();
  expect(atKill.distinct).toBeLessThan(RECIPIENTS);
  expect(atKill.duplicates).toBe(0);

  worker = startWorker(url);
  await until('every message', () => sink!.stats().distinct >= RECIPIENTS, 180_000);
  // Anything still to come would be a message too many.
  await new Promise((r) => setTimeout(r, 2000));
  worker.kill('SIGTERM');
  await exited(worker);
  worker = undefined;

  const stats = sink.stats();
  console.log(
    `crash test: ${atStop.received} received before the graceful stop, ${atKill.received} before the kill, ${stats.received} in all, ${stats.distinct} distinct, ${stats.duplicates} sent again with the same Message-ID`,
  );
  expect(stats.distinct).toBe(RECIPIENTS);
  expect(stats.recipients).toBe(RECIPIENTS);
  expect(stats.crossed).toBe(0);
  // At most what one process had in flight when it died (a batch of 200).
  expect(stats.duplicates).toBeLessThanOrEqual(200);

  const check = await openRuntime(config, { command: 'test', work: false });
  try {
    const rows = await check.ctx.db.query<{ state: string; n: number }>('select state, count(*)::int as n from email_messages where broadcast_id = $1 group by state', [broadcastId]);
    expect(rows).toEqual([{ state: 'sent', n: RECIPIENTS }]);
    const [b] = await check.ctx.db.query<{ state: string }>('select state from broadcasts where id = $1', [broadcastId]);
    expect(b!.state).toBe('sent');
    const [e] = await check.ctx.db.query<{ n: number }>("select count(*)::int as n from events where workspace_id = $1 and name = 'email.sent'", [workspaceId]);
    expect(e!.n).toBe(RECIPIENTS);
  } finally {
    await check.close();
  }
});
