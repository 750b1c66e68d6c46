// The tracking API under load, through a real `rapport serve` on loopback:
// 1. throughput: events/s through POST /v1/batch (100 events a batch, CONCURRENCY requests in
//    flight), a realistic mix (tracks of known users, anonymous page views, identifies that
//    link visitors to users and so merge contacts);
// 2. latency: single POST /v1/track calls (a known user's event) sent open-loop at RATE
//    requests/s (timed from when each was due, so a slow server cannot hide its queue);
// 3. the reference: the same server's GET /health (one `select 1`) under the same load.
// Then every accepted event is counted in the database. PostgreSQL with DATABASE_URL (a
// database of its own: the bench adds a workspace to it), else PGlite in a temporary dir.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPglite } from '../src/db/client.ts';
import { waitSampler } from './_pg-waits.ts';

const BATCH_SECONDS = Number(process.env.BATCH_SECONDS ?? 15);
const LATENCY_SECONDS = Number(process.env.LATENCY_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const RATE = Number(process.env.RATE ?? 1000);
const BATCH_SIZE = 100;
const USERS = 10_000;
const WARMUP_BATCHES = Number(process.env.WARMUP_BATCHES ?? 300);
const TARGET = 10_000;

const root = path.resolve(import.meta.dirname, '..');
const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-ingest-'));
const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? '', LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
const log = (s: string) => process.stderr.write(`${s}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rapport(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin/rapport.js'), ...args], { env, cwd: root, encoding: 'utf8' });
}

// Deterministic data: the same run makes the same requests.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Coupon Applied'] as const;
const PLANS = ['free', 'pro', 'team'] as const;
const context = { library: { name: 'bench', version: '1.0.0' }, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench' };
let serial = 0;

function trackMessage(now: string): Record<string, unknown> {
  const n = Math.floor(random() * USERS);
  const messageId = `bench-${process.pid}-${++serial}`;
  return { type: 'track', messageId, userId: `user-${n}`, event: pick(EVENTS), timestamp: now, context, properties: { sku: `SKU-${n % 500}`, price: Math.round(random() * 10_000) / 100, quantity: 1 + (n % 3), currency: 'EUR' } };
}

/** 70% tracks of known users, 15% anonymous page views, 10% pages of users, 5% identifies linking visitor n to user n. */
function message(now: string): Record<string, unknown> {
  const r = random();
  if (r < 0.7) return trackMessage(now);
  const n = Math.floor(random() * USERS);
  const messageId = `bench-${process.pid}-${++serial}`;
  if (r < 0.85) return { type: 'page', messageId, anonymousId: `anon-${n}`, name: 'Product', timestamp: now, context, properties: { url: `https://shop.test/p/${n % 500}`, path: `/p/${n % 500}` } };
  if (r < 0.95) return { type: 'page', messageId, userId: `user-${n}`, name: 'Home', timestamp: now, context, properties: { url: 'https://shop.test/' } };
  return { type: 'identify', messageId, userId: `user-${n}`, anonymousId: `anon-${n}`, timestamp: now, context, traits: { email: `user-${n}@example.com`, firstName: `First${n}`, lastName: `Last${n}`, plan: pick(PLANS) } };
}

interface Result {
  status: number;
  ms: number;
}

function post(agent: http.Agent, port: number, urlPath: string, auth: string | undefined, body: string | undefined, due = performance.now()): Promise<Result> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: urlPath, method: body === undefined ? 'GET' : 'POST', agent, headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - due }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - due }));
    req.end(body);
  });
}

/** CPU time (user + system) of processes, in ms, from /proc (Linux). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10;
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number, d = 2) => Number(x.toFixed(d));

/** CONCURRENCY loops sending back to back for `seconds`. */
async function closedLoop(seconds: number, send: () => Promise<Result>): Promise<{ ok: number; failed: number; latencies: number[]; seconds: number }> {
  const started = performance.now();
  const end = started + seconds * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const r = await send();
        latencies.push(r.ms);
        if (r.status === 200) ok++;
        else failed++;
      }
    }),
  );
  return { ok, failed, latencies, seconds: (performance.now() - started) / 1000 };
}

/** RATE requests a second, each timed from when it was due, whatever the answers. */
async function openLoop(seconds: number, send: (due: number) => Promise<Result>): Promise<{ latencies: number[]; failed: number; rate: number; timeline: number[] }> {
  const total = Math.round(seconds * RATE);
  const started = performance.now();
  const pending: Promise<Result>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Sent early (a timer that fired within 1 ms of its time): timed from the send.
    pending.push(send(Math.min(due, performance.now())));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  // Where a tail sits in time: the p99 of each half second (by when the request was due).
  const buckets: number[][] = [];
  results.forEach((r, i) => (buckets[Math.floor(i / (RATE / 2))] ??= []).push(r.ms));
  const timeline = buckets.map((b) => round(percentile(b, 99), 1));
  return { latencies: results.map((r) => r.ms), failed: results.filter((r) => r.status !== 200).length, rate: total / elapsed, timeline };
}


async function deadlockCount(admin: pg.Client): Promise<number> {
  return Number((await admin.query('select deadlocks from pg_stat_database where datname = current_database()')).rows[0].deadlocks);
}

let server: ChildProcess | undefined;
try {
  const tag = `${Date.now()}`;
  log(`database: ${databaseUrl ? 'PostgreSQL' : `PGlite in ${dataDir}`}`);
  rapport('user', 'create', '--email', `bench-${tag}@example.com`, '--password', 'bench-password-123', '--workspace', `Bench ${tag}`, '--json');
  const { key } = JSON.parse(rapport('apikey', 'create', '--workspace', `Bench ${tag}`, '--scope', 'ingest', '--name', 'bench', '--json')) as { key: string };
  const workspaceId = (JSON.parse(rapport('workspace', 'list', '--json')) as { id: string; name: string }[]).find((w) => w.name === `Bench ${tag}`)!.id;
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof" profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  server = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/rapport.js'), 'serve', '--no-worker'], { env: { ...env, PORT: String(port) }, cwd: root, stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'] });
  for (;;) {
    const r = await post(new http.Agent(), port, '/health', undefined, undefined);
    if (r.status === 200) break;
    if (server.exitCode !== null) throw new Error(`rapport serve exited with ${server.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const sendBatch = () => {
    const now = new Date().toISOString();
    const batch = Array.from({ length: BATCH_SIZE }, () => message(now));
    return post(agent, port, '/v1/batch', auth, JSON.stringify({ batch, sentAt: now }));
  };

  log(`warming up (${WARMUP_BATCHES} batches: most of the ${USERS} users become contacts)…`);
  for (let i = 0; i < WARMUP_BATCHES; i += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, sendBatch));
  const warmupMessages = serial;
  // The PostgreSQL on these machines runs without autovacuum; a production server's would
  // have analyzed the tables by now.
  let admin: pg.Client | undefined;
  let pgPids: number[] = [];
  if (databaseUrl) {
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query('analyze contacts, contact_aliases, events');
    pgPids = (await admin.query("select pid from pg_stat_activity where application_name = 'rapport' and datname = current_database()")).rows.map((r) => r.pid as number);
  }

  log(`batches: ${BATCH_SIZE} events each, ${CONCURRENCY} in flight, ${BATCH_SECONDS} s…`);
  const load = loadavg()[0]!;
  const cpu0 = { server: cpuMs([server.pid!]), postgres: cpuMs(pgPids) };
  // Where the time goes (PostgreSQL): what the server's sessions wait on, sampled, and the
  // deadlocks PostgreSQL broke (each costs deadlock_timeout, 1 s by default).
  const waits = admin ? waitSampler(admin) : undefined;
  const deadlocks0 = admin ? await deadlockCount(admin) : 0;
  const batches = await closedLoop(BATCH_SECONDS, sendBatch);
  const waited = waits ? await waits.stop() : null;
  const deadlocks = admin ? (await deadlockCount(admin)) - deadlocks0 : null;
  const cpu = { server: cpuMs([server.pid!]) - cpu0.server, postgres: cpuMs(pgPids) - cpu0.postgres };
  const slowBatches = batches.latencies.filter((ms) => ms > 2 * percentile(batches.latencies, 50)).length;
  if (waited) log(`  waits sampled every 20 ms (sessions × samples): ${JSON.stringify(waited)}; deadlocks broken: ${deadlocks}; batches over 2× p50: ${slowBatches}`);
  const eventsPerSecond = (batches.ok * BATCH_SIZE) / batches.seconds;
  const perThousand = (ms: number) => round((ms / (batches.ok * BATCH_SIZE)) * 1000, 1);
  log(`  ${Math.round(eventsPerSecond)} events/s (${batches.ok} batches, ${batches.failed} failed), p99 ${round(percentile(batches.latencies, 99))} ms`);
  log(`  CPU per 1,000 events: server ${perThousand(cpu.server)} ms, PostgreSQL ${databaseUrl ? perThousand(cpu.postgres) : '(in the server)'} ms; load average before ${load.toFixed(2)}`);

  log(`health, ${CONCURRENCY} in flight, 5 s…`);
  const health = await closedLoop(5, () => post(agent, port, '/health', undefined, undefined));
  const healthRps = health.ok / health.seconds;
  log(`  ${Math.round(healthRps)} requests/s`);

  const sendTrack = (due?: number) => {
    const { type: _type, ...body } = trackMessage(new Date().toISOString());
    return post(agent, port, '/v1/track', auth, JSON.stringify(body), due);
  };
  // The same warm-up as /health got above (its route compiled, its sockets open), so that
  // both open loops start alike; the half-second p99s below show whether a start still queues.
  log(`single /v1/track calls, ${CONCURRENCY} in flight, 3 s (warm-up)…`);
  const trackWarmup = await closedLoop(3, () => sendTrack());
  log(`  ${Math.round(trackWarmup.ok / trackWarmup.seconds)} requests/s`);

  log(`single /v1/track calls at ${RATE}/s for ${LATENCY_SECONDS} s…`);
  const trackWaits = admin ? waitSampler(admin) : undefined;
  const trackCpu0 = { server: cpuMs([server.pid!]), postgres: cpuMs(pgPids), client: process.cpuUsage() };
  const tracks = await openLoop(LATENCY_SECONDS, (due) => sendTrack(due));
  const clientCpu = process.cpuUsage(trackCpu0.client);
  // CPU of each party over the phase, in % of one core (2 cores: 200% is the machine).
  const trackCpu = {
    server: Math.round(((cpuMs([server.pid!]) - trackCpu0.server) / (LATENCY_SECONDS * 1000)) * 100),
    postgres: databaseUrl ? Math.round(((cpuMs(pgPids) - trackCpu0.postgres) / (LATENCY_SECONDS * 1000)) * 100) : null,
    load_generator: Math.round(((clientCpu.user + clientCpu.system) / 1000 / (LATENCY_SECONDS * 1000)) * 100),
  };
  const trackWaited = trackWaits ? await trackWaits.stop() : null;
  log(`  p50 ${round(percentile(tracks.latencies, 50))} ms, p99 ${round(percentile(tracks.latencies, 99))} ms, ${tracks.failed} failed, at ${Math.round(tracks.rate)}/s`);
  log(`  p99 of each half second: ${tracks.timeline.join(' ')}`);
  log(`  CPU, % of one core: ${JSON.stringify(trackCpu)}`);
  if (trackWaited) log(`  waits sampled every 20 ms (sessions × samples): ${JSON.stringify(trackWaited)}`);

  log(`/health at ${RATE}/s for ${LATENCY_SECONDS} s (reference)…`);
  const healthLatency = await openLoop(LATENCY_SECONDS, (due) => post(agent, port, '/health', undefined, undefined, due));
  log(`  p50 ${round(percentile(healthLatency.latencies, 50))} ms, p99 ${round(percentile(healthLatency.latencies, 99))} ms`);
  log(`  p99 of each half second: ${healthLatency.timeline.join(' ')}`);
  agent.destroy();

  const exited = new Promise((r) => server!.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  server = undefined;

  // Every accepted event is in the database (tracks were single events, each its own message).
  const accepted = warmupMessages + batches.ok * BATCH_SIZE + trackWarmup.ok + (tracks.latencies.length - tracks.failed);
  let stored: number;
  if (admin) {
    stored = Number((await admin.query('select count(*) as n from events where workspace_id = $1', [workspaceId])).rows[0].n);
    await admin.end();
  } else {
    const db = await openPglite(path.join(dataDir, 'pgdata'));
    stored = Number((await db.query<{ n: number }>('select count(*)::int as n from events where workspace_id = $1', [workspaceId]))[0]!.n);
    await db.close();
  }
  log(`stored ${stored} events; accepted at least ${accepted}`);

  const trackP99 = percentile(tracks.latencies, 99);
  const healthP99 = percentile(healthLatency.latencies, 99);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      database: databaseUrl ? 'postgres' : 'pglite',
      batch_size: BATCH_SIZE,
      concurrency: CONCURRENCY,
      events_per_s: Math.round(eventsPerSecond),
      batch_p50_ms: round(percentile(batches.latencies, 50)),
      batch_p99_ms: round(percentile(batches.latencies, 99)),
      batch_failed: batches.failed,
      batch_p99_over_p50: round(percentile(batches.latencies, 99) / percentile(batches.latencies, 50)),
      batches_over_2x_p50: slowBatches,
      postgres_waits: waited,
      postgres_deadlocks: deadlocks,
      server_cpu_ms_per_1k_events: perThousand(cpu.server),
      postgres_cpu_ms_per_1k_events: databaseUrl ? perThousand(cpu.postgres) : null,
      load_average_before: round(load),
      health_rps: Math.round(healthRps),
      track_rate_per_s: Math.round(tracks.rate),
      track_p50_ms: round(percentile(tracks.latencies, 50)),
      track_p99_ms: round(trackP99),
      track_max_ms: round(Math.max(...tracks.latencies)),
      track_failed: tracks.failed,
      track_p99_each_half_second: tracks.timeline,
      track_cpu_percent_of_one_core: trackCpu,
      track_postgres_waits: trackWaited,
      health_p50_ms: round(percentile(healthLatency.latencies, 50)),
      stored_events: stored,
      target_events_per_s: TARGET,
      meets_target: eventsPerSecond >= TARGET,
      reference: round(healthP99),
      reference_what: `p99 ms of GET /health (select 1) at ${RATE} requests/s on the same server`,
      ratio: round(trackP99 / healthP99),
      ratio_what: 'p99 of single /v1/track calls over the reference',
      ratio_targets: { batch_p99_over_p50_max: 2, track_p99_over_health_p99_max: 20 },
      meets_ratio_targets: percentile(batches.latencies, 99) <= 2 * percentile(batches.latencies, 50) && trackP99 <= 20 * healthP99,
    }),
  );
} finally {
  if (server) server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
