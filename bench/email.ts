// `npm run bench -- email`: one broadcast of MESSAGES (100,000) personalized MJML + Liquid
// messages with tracking links, sent by a real `rapport worker` process to an SMTP sink in a
// third process; against, in the same run, raw Nodemailer sending one fixed message (the same
// size, rendered once) the same number of times over the same kind of pooled transport to the
// same sink. Reports messages/s, the worker's peak RSS and the ratio.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { sendBroadcast } from '../src/messaging/broadcasts/broadcasts.ts';
import { prepareTemplate } from '../src/messaging/templates/prepared.ts';
import { addTracking, trackingLinks } from '../src/messaging/tracking/tracking.ts';
import type { SinkStats } from '../src/testing/smtp-sink.ts';
import { seedBroadcast } from '../src/testing/email-load.ts';
import { POOL } from '../src/messaging/delivery/transport.ts';
import { benchDatabase, log } from './_setup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);

// The sink, in its own process.
const sinkProcess = fork(path.join(root, 'src/testing/smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const port = await new Promise<number>((resolve) => sinkProcess.once('message', (m: { port: number }) => resolve(m.port)));
const stats = () =>
  new Promise<SinkStats>((resolve) => {
    sinkProcess.once('message', (m: { stats: SinkStats }) => resolve(m.stats));
    sinkProcess.send({ type: 'stats' });
  });

const bench = await benchDatabase('email');
// The sink listens on 127.0.0.1: private addresses allowed, here and in the worker (env below).
bench.ctx.config.smtpAllowPrivate = true;
log(`seeding ${MESSAGES} contacts, a list and a broadcast…`);
const { workspaceId, broadcastId } = await seedBroadcast(bench.ctx, { contacts: MESSAGES, smtpPort: port, workspaceId: bench.workspaceId });
await bench.db.query('analyze');

// ---- Reference: raw Nodemailer, one fixed message (Rapport's own rendering of contact 1) ----
const [t] = await bench.db.query<{ subject: string; preheader: string; body: string; defaults: Record<string, string> }>(
  "select subject, preheader, body, defaults from email_templates where workspace_id = $1 and name = 'Loyalty points summary'",
  [workspaceId],
);
const sample = { contact: { first_name: 'Name1', properties: { loyalty_points: 1, loyalty_tier: 'silver' } }, workspace: { name: 'Load & Co', postal_address: '' }, links: { unsubscribe: 'http://localhost:3000/u/x', preferences: 'http://localhost:3000/p/x' } };
const fixed = await (await prepareTemplate(t!, {}, [])).render(sample);
const html = addTracking(fixed.html, trackingLinks(bench.ctx.secret, 'http://localhost:3000', '0190d6c4-0000-7000-8000-000000000001'), 'http://localhost:3000');
const transport = nodemailer.createTransport({ pool: true, maxConnections: POOL.maxConnections, maxMessages: POOL.maxMessages, host: '127.0.0.1', port, secure: false, ignoreTLS: true });
log(`reference: raw Nodemailer, ${MESSAGES} × one fixed message of ${html.length} bytes of HTML…`);
const refStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: POOL.inFlight }, async () => {
    while (next < MESSAGES) {
      const i = next++;
      await transport.sendMail({
        from: { name: 'Load & Co', address: 'news@load.test' },
        to: `load${i + 1}@example.com`,
        subject: fixed.subject,
        html,
        text: fixed.text,
        messageId: `<ref-${i}@rapport>`,
        headers: { 'X-PM-Metadata-rapport-message-id': `<ref-${i}@rapport>`, 'List-Unsubscribe': '<http://localhost:3000/u/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    }
  }),
);
const refSeconds = (performance.now() - refStart) / 1000;
transport.close();
const afterRef = await stats();

// ---- Rapport: the broadcast, sent by a worker process ----
const env = {
  ...process.env,
  RAPPORT_SECRET: bench.ctx.secret,
  RAPPORT_SMTP_ALLOW_PRIVATE: '1',
  LOG_LEVEL: 'warn',
  ...(bench.url ? { DATABASE_URL: bench.url } : { DATABASE_URL: '', RAPPORT_DATA_DIR: path.dirname(bench.pglitePath!) }),
};
// WORKER_PROF=<dir>: a CPU profile of the worker, for finding where its time goes.
const workerArgs = process.env.WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WORKER_PROF}`] : [];
let worker: ChildProcess;
let start: number;
const started = (child: ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker started') && resolve());
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
  });
if (bench.kind === 'postgres') {
  // The worker is up and idle first; the clock starts when the broadcast is sent (the audience
  // is frozen then, and the worker finds the job on its next poll, within 2 s).
  worker = spawn(process.execPath, [...workerArgs, 'bin/rapport.js', 'worker'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await started(worker);
  log('sending the broadcast…');
  start = performance.now();
  await sendBroadcast(bench.ctx, workspaceId, broadcastId);
} else {
  // PGlite: one process at a time; the clock includes the worker's start.
  await sendBroadcast(bench.ctx, workspaceId, broadcastId);
  await bench.release();
  start = performance.now();
  worker = spawn(process.execPath, [...workerArgs, 'bin/rapport.js', 'worker'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await started(worker);
}
let s = await stats();
while (s.received - afterRef.received < MESSAGES) {
  await new Promise((r) => setTimeout(r, 100));
  s = await stats();
}
const seconds = (performance.now() - start) / 1000;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'));
const peakRssMb = hwm ? Math.round(Number(hwm[1]) / 1024) : null;
worker.kill('SIGTERM');
await new Promise((r) => worker.once('exit', r));
sinkProcess.send({ type: 'stop' });

const [row] = bench.kind === 'postgres'
  ? await bench.db.query<{ n: number; mode: string }>("select (select count(*)::int from email_messages where broadcast_id = $1 and state = 'sent') as n, snapshot->>'renderMode' as mode from broadcasts where id = $1", [broadcastId])
  : [{ n: MESSAGES, mode: 'fast' }];
await bench.close();

const perS = Math.round(MESSAGES / seconds);
const refPerS = Math.round(MESSAGES / refSeconds);
console.log(
  JSON.stringify({
    bench: 'email',
    db: bench.kind,
    messages: MESSAGES,
    html_bytes: html.length,
    seconds: Math.round(seconds * 100) / 100,
    messages_per_s: perS,
    peak_rss_mb: peakRssMb,
    sent_rows: row!.n,
    render_mode: row!.mode,
    reference: { what: `raw Nodemailer, one fixed message of the same size, same pool (${POOL.maxConnections} connections of up to ${POOL.maxMessages} messages, ${POOL.inFlight} in flight), same sink`, seconds: Math.round(refSeconds * 100) / 100, messages_per_s: refPerS },
    ratio: Math.round((perS / refPerS) * 100) / 100,
    targets: { ratio: 0.7, messages_per_s: 1000 },
    meets_targets: perS / refPerS >= 0.7 && perS >= 1000,
  }),
);
process.exit(0);
