// Time from starting `rapport serve` to the first answered request, on an existing PGlite
// data directory (what a user waits for after `npm start` the second time).
// Measured twice: through `npm start` (what the README says to run; it checks the web
// build first) and `rapport serve` alone. Reference: a bare Node process that opens the
// same data directory and answers HTTP; the ratio is `rapport serve` over the reference.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const root = path.resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-startup-'));
const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', HOST: '127.0.0.1' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function timeToFirstAnswer(args: string[], port: number, url: string, command = process.execPath): Promise<number> {
  const started = performance.now();
  // Its own process group, so that `npm start` and the server it starts stop together.
  const child: ChildProcess = spawn(command, args, { env: { ...env, PORT: String(port) }, cwd: root, stdio: 'ignore', detached: true });
  try {
    for (;;) {
      try {
        const res = await fetch(url);
        if (res.ok) return performance.now() - started;
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await new Promise((r) => setTimeout(r, 300)); // let the server release the data directory
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // First start creates and migrates the data directory; it is not what is measured.
  const port0 = await freePort();
  const first = await timeToFirstAnswer([path.join(root, 'bin/rapport.js'), 'serve'], port0, `http://127.0.0.1:${port0}/health`);
  console.error(`first start (creates the database): ${Math.round(first)} ms`);
  const rapport: number[] = [];
  const npmStart: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const p0 = await freePort();
    npmStart.push(await timeToFirstAnswer(['start'], p0, `http://127.0.0.1:${p0}/health`, 'npm'));
    const p1 = await freePort();
    rapport.push(await timeToFirstAnswer([path.join(root, 'bin/rapport.js'), 'serve'], p1, `http://127.0.0.1:${p1}/health`));
    const p2 = await freePort();
    reference.push(
      await timeToFirstAnswer(['--import', 'tsx', path.join(root, 'bench/_reference-server.ts'), dataDir, String(p2)], p2, `http://127.0.0.1:${p2}/`),
    );
    console.error(
      `round ${i + 1}: npm start ${Math.round(npmStart[i]!)} ms, rapport serve ${Math.round(rapport[i]!)} ms, reference ${Math.round(reference[i]!)} ms`,
    );
  }
  const r = median(rapport);
  const ref = median(reference);
  console.log(
    JSON.stringify({
      bench: 'startup',
      rounds: ROUNDS,
      first_start_ms: Math.round(first),
      npm_start_ms_median: Math.round(median(npmStart)),
      npm_start_ms_max: Math.round(Math.max(...npmStart)),
      serve_ms_median: Math.round(r),
      serve_ms_max: Math.round(Math.max(...rapport)),
      reference: Math.round(ref),
      reference_what: 'node + tsx + PGlite open of the same data dir + bare http answer',
      ratio: Number((r / ref).toFixed(2)),
    }),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
