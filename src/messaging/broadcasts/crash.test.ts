// A worker process killed in the middle of a 10,000-recipient broadcast, and started again,
// delivers exactly 10,000 distinct messages: one per recipient, none lost, none invented
// (a message that was on the wire at the kill may arrive twice with the same Message-ID,
// which receiving servers treat as one message; how many is printed and bounded).
import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { openRuntime } from '../../app/runtime.ts';
import { seedBroadcast } from '../../testing/email-load.ts';
import { startSink, type Sink } from '../../testing/smtp-sink.ts';
import { exited, startWorker, until, workerHome, type WorkerHome } from '../../testing/worker-process.ts';
import { sendBroadcast } from './broadcasts.ts';

const RECIPIENTS = 10_000;
let sink: Sink | undefined;
let home: WorkerHome | undefined;
let worker: ChildProcess | undefined;

afterAll(async () => {
  worker?.kill('SIGKILL');
  await sink?.close();
  await home?.remove();
});

it('a worker stopped, then killed mid-broadcast, and restarted delivers exactly 10,000 distinct messages', { timeout: 300_000 }, async () => {
  sink = await startSink();
  // The sink listens on 127.0.0.1.
  home = await workerHome('broadcast-crash', { RAPPORT_EMAIL_LEASE_SECONDS: '3', RAPPORT_SMTP_ALLOW_PRIVATE: '1' });
  const config = { ...loadConfig(home.env), databaseUrl: home.url };
  const setup = await openRuntime(config, { command: 'test', work: false });
  const { broadcastId, workspaceId } = await seedBroadcast(setup.ctx, { contacts: RECIPIENTS, smtpPort: sink.port });
  await sendBroadcast(setup.ctx, workspaceId, broadcastId);
  await setup.close();

  // A graceful stop first (a deploy): the worker finishes its batch and hands over; nothing is sent twice.
  worker = startWorker(home.env);
  await until('a quarter of the messages', () => sink!.stats().received >= RECIPIENTS / 4, 120_000, () => sink?.stats());
  worker.kill('SIGTERM');
  await exited(worker);
  const atStop = sink.stats();
  expect(atStop.distinct).toBeLessThan(RECIPIENTS);

  // Then a crash.
  worker = startWorker(home.env);
  await until('half of the messages', () => sink!.stats().received >= RECIPIENTS / 2, 120_000, () => sink?.stats());
  worker.kill('SIGKILL');
  await exited(worker);
  const atKill = sink.stats();
  expect(atKill.distinct).toBeLessThan(RECIPIENTS);
  expect(atKill.duplicates).toBe(0);

  worker = startWorker(home.env);
  await until('every message', () => sink!.stats().distinct >= RECIPIENTS, 180_000, () => sink?.stats());
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
