// Time from starting `rapport serve` to the first answered request, and the memory of the idle
// server, on an existing data directory (what a user waits for after `npm start` the second
// time, and what Rapport holds on a laptop while nobody uses it). On the embedded database
// (PGlite) always; on PostgreSQL too when DATABASE_URL names a server (a fresh database
// rapport_bench_startup is created there).
// `rapport serve` runs the compiled server (built first if stale; `npm start` does the same);
// its idle memory is also measured from the TypeScript sources, for what the loader costs.
// Reference: a bare Node process that opens the same database and answers HTTP
// (bench/_reference-server.mjs); the ratios are Rapport's over the reference's.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** How long a server is left alone before its memory is read. */
const IDLE_MS = Number(process.env.IDLE_MS ?? 5_000);
const TARGETS = { serve_ms_max: 3_000, idle_rss_mb_pglite_max: 300, idle_rss_mb_postgres_max: 150 };
const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/rapport.js');
const reference = path.join(root, 'bench/_reference-server.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process, in MB (Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

interface Run {
  ms: number;
  /** Idle RSS, when asked for. */
  rssMb?: number;
}

/** Starts a server, times its first answer, optionally waits and reads its memory, stops it. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv, url: string, measureRss = false): Promise<Run> {
  const started = performance.now();
  // Its own process group, so that `npm start` and the server it starts stop together.
  const child: ChildProcess = spawn(command, args, { env, cwd: root, stdio: 'ignore', detached: true });
  try {
    let ms = 0;
    for (;;) {
      try {
        const res = await fetch(url);
        if (res.ok) {
          ms = performance.now() - started;
          break;
        }
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!measureRss) return { ms };
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { ms, rssMb: rssMb(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await new Promise((r) => setTimeout(r, 300)); // let the server release the data directory
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratio = (a: number, b: number) => Number((a / b).toFixed(2));

async function measure(kind: 'pglite' | 'postgres', env: NodeJS.ProcessEnv, where: string) {
  const serve = async (extraEnv: NodeJS.ProcessEnv = {}, measureRss = false) => {
    const port = await freePort();
    return run(process.execPath, [bin, 'serve'], { ...env, ...extraEnv, PORT: String(port) }, `http://127.0.0.1:${port}/health`, measureRss);
  };
  const bare = async (measureRss = false) => {
    const port = await freePort();
    return run(process.execPath, [reference, kind, where, String(port)], env, `http://127.0.0.1:${port}/`, measureRss);
  };
  // The first start creates and migrates the database; it is not what is measured.
  const first = await serve();
  console.error(`${kind}: first start (creates the database) ${Math.round(first.ms)} ms`);
  const served: number[] = [];
  const npmStart: number[] = [];
  const referenced: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (kind === 'pglite') {
      const port = await freePort();
      npmStart.push((await run('npm', ['start'], { ...env, PORT: String(port) }, `http://127.0.0.1:${port}/health`)).ms);
    }
    served.push((await serve()).ms);
    referenced.push((await bare()).ms);
    console.error(
      `${kind} round ${i + 1}: ${kind === 'pglite' ? `npm start ${Math.round(npmStart[i]!)} ms, ` : ''}rapport serve ${Math.round(served[i]!)} ms, reference ${Math.round(referenced[i]!)} ms`,
    );
  }
  const idle = (await serve({}, true)).rssMb!;
  const idleSources = (await serve({ RAPPORT_FROM_SOURCES: '1' }, true)).rssMb!;
  const idleReference = (await bare(true)).rssMb!;
  console.error(`${kind} idle memory: rapport serve ${idle} MB (from the TypeScript sources ${idleSources} MB), reference ${idleReference} MB`);
  const serveMs = median(served);
  const referenceMs = median(referenced);
  return {
    first_start_ms: Math.round(first.ms),
    ...(kind === 'pglite' ? { npm_start_ms_median: Math.round(median(npmStart)), npm_start_ms_max: Math.round(Math.max(...npmStart)) } : {}),
    serve_ms_median: Math.round(serveMs),
    serve_ms_max: Math.round(Math.max(...served)),
    reference_ms: Math.round(referenceMs),
    ratio: ratio(serveMs, referenceMs),
    idle_rss_mb: idle,
    idle_rss_mb_from_sources: idleSources,
    reference_idle_rss_mb: idleReference,
    rss_ratio: ratio(idle, idleReference),
  };
}

// What `npm start` does first: compile the server if its sources changed.
execFileSync(process.execPath, [path.join(root, 'scripts/server-build.js')], { cwd: root, stdio: 'inherit' });

const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-startup-'));
const base = { ...process.env, RAPPORT_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
const serverUrl = process.env.DATABASE_URL;
const dbName = 'rapport_bench_startup';
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
try {
  const pglite = await measure('pglite', { ...base, DATABASE_URL: '' }, dataDir);
  let postgres: Awaited<ReturnType<typeof measure>> | null = null;
  if (serverUrl) {
    await admin(`drop database if exists ${dbName} with (force)`);
    await admin(`create database ${dbName}`);
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    postgres = await measure('postgres', { ...base, DATABASE_URL: u.toString() }, u.toString());
    await admin(`drop database if exists ${dbName} with (force)`);
  } else {
    console.error('postgres: skipped (DATABASE_URL names no server; set DATABASE_URL=postgres://… to measure it)');
  }
  const meets =
    pglite.serve_ms_max <= TARGETS.serve_ms_max &&
    pglite.idle_rss_mb <= TARGETS.idle_rss_mb_pglite_max &&
    (!postgres || (postgres.serve_ms_max <= TARGETS.serve_ms_max && postgres.idle_rss_mb <= TARGETS.idle_rss_mb_postgres_max));
  console.log(
    JSON.stringify({
      bench: 'startup',
      rounds: ROUNDS,
      idle_ms: IDLE_MS,
      pglite,
      postgres,
      ratio: pglite.ratio,
      ratio_what: 'median time to the first answer of rapport serve (compiled) over the reference, PGlite',
      reference_what: 'plain node opening the same database (PGlite with the same shared buffers, or one pg connection) and answering HTTP',
      targets: TARGETS,
      meets_targets: meets,
    }),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
