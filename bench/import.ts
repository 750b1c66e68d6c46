// `npm run bench -- import`: a generated contact CSV (email, two names, five custom
// properties) imported through the real import path (upload, background job code,
// set-based upserts) by `rapport import contacts` in its own process, against PostgreSQL's own COPY of the same file into a bare table.
// ROWS defaults to 1,000,000 on PostgreSQL (DATABASE_URL) and 200,000 on PGlite. Then the same file
// imported through a running server while /health is probed ("health": its p50/p99/max in ms, idle
// and during the import; HEALTH=0 skips it).
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDefinition } from '../src/contacts/properties.ts';
import { importThroughServer, prepareHealthWorkspace } from './_import-health.ts';
import { benchDatabase, log } from './_setup.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const ROWS = Number(process.env.ROWS ?? (onPostgres ? 1_000_000 : 200_000));
const dir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-import-'));
const file = path.join(dir, 'contacts.csv');

/** Deterministic rows: a tiny PRNG so every run imports the same file. */
async function writeFile(): Promise<void> {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const firsts = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'John', 'Émilie', 'Søren'];
  const lasts = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Backus', 'Du Châtelet', 'Kierkegaard'];
  const tiers = ['bronze', 'silver', 'gold'];
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  await write('email,first_name,last_name,lifetime_spend,signup_date,vip,loyalty_tier,city\n');
  for (let i = 0; i < ROWS; i++) {
    const day = 1 + Math.floor(rand() * 28);
    const month = 1 + Math.floor(rand() * 12);
    const line = `person${i}@example.com,${firsts[i % firsts.length]},${lasts[(i * 7) % lasts.length]},${(rand() * 5000).toFixed(2)},2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${rand() < 0.1 ? 'yes' : 'no'},${tiers[Math.floor(rand() * 3)]},"City ${i % 997}"\n`;
    await write(line);
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function main() {
  log(`writing ${ROWS.toLocaleString()} rows…`);
  await writeFile();
  const bytes = statSync(file).size;
  log(`file: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const bench = await benchDatabase('import');
  try {
    // Reference: COPY of the same file into a bare table with the same columns.
    await bench.db.exec(`create table bare_contacts (email text, first_name text, last_name text, lifetime_spend numeric,
                         signup_date date, vip boolean, loyalty_tier text, city text)`);
    const copyStart = performance.now();
    if (bench.kind === 'postgres') {
      const client = new pg.Client({ connectionString: bench.url });
      await client.connect();
      await pipeline(createReadStream(file), client.query(copyFrom('copy bare_contacts from stdin with (format csv, header true)')));
      await client.end();
    } else {
      await bench.db.pglite!.query("copy bare_contacts from '/dev/blob' with (format csv, header true)", [], {
        blob: new Blob([readFileSync(file)]),
      });
    }
    const copySeconds = (performance.now() - copyStart) / 1000;
    log(`reference COPY: ${copySeconds.toFixed(2)} s (${Math.round(ROWS / copySeconds).toLocaleString()} rows/s)`);

    // Second reference: the database's own floor for this table. The same rows inserted by one
    // INSERT … SELECT from the bare table into a copy of `contacts` with every index, default
    // and check (what any import must pay whatever its code), also measured in this run.
    await bench.db.exec('create table floor_contacts (like contacts including all)');
    const floorStart = performance.now();
    await bench.db.query(
      `insert into floor_contacts (workspace_id, email, first_name, last_name, properties, import_id)
       select $1, email, first_name, last_name,
              jsonb_build_object('lifetime_spend', lifetime_spend, 'signup_date', signup_date, 'vip', vip, 'loyalty_tier', loyalty_tier, 'city', city),
              $1
       from bare_contacts`,
      [bench.workspaceId],
    );
    const floorSeconds = (performance.now() - floorStart) / 1000;
    await bench.db.exec('drop table floor_contacts');
    log(`reference INSERT … SELECT into contacts' twin: ${floorSeconds.toFixed(2)} s (${Math.round(ROWS / floorSeconds).toLocaleString()} rows/s)`);

    const properties = [
      ['lifetime_spend', 'number', []],
      ['signup_date', 'date', []],
      ['vip', 'boolean', []],
      ['loyalty_tier', 'enum', ['bronze', 'silver', 'gold']],
      ['city', 'string', []],
    ] as const;
    for (const [key, type, options] of properties) {
      await createDefinition(bench.ctx, bench.workspaceId, { key, label: key, description: '', type, options: [...options] });
    }
    const healthWorkspace = await prepareHealthWorkspace(bench.ctx, properties);
    // The import runs as a user runs it, in its own process: `rapport import contacts FILE`
    // (upload, then the same job code a worker runs). Its peak RSS is the kernel's high-water
    // mark of that process, so the bench's own memory (writing the file) is not counted.
    const dataDir = bench.kind === 'pglite' ? path.dirname(bench.pglitePath!) : undefined;
    if (bench.kind === 'pglite') await bench.release();
    const start = performance.now();
    const env = { ...process.env, ...(bench.url ? { DATABASE_URL: bench.url } : { RAPPORT_DATA_DIR: dataDir }), RAPPORT_SECRET: bench.ctx.secret };
    const child = spawn(
      process.execPath,
      // "They agreed": the heavier case, as every new contact's consent is recorded (migration 0014).
      ['bin/rapport.js', 'import', 'contacts', file, '--workspace', 'Bench', '--consent', process.env.CONSENT ?? 'yes', '--json'],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let peakKb = 0;
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process has ended
      }
    };
    const timer = setInterval(sample, 20);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    const wallSeconds = (performance.now() - start) / 1000;
    if (code !== 0) throw new Error(`rapport import exited with ${code}: ${out}`);
    const finished = JSON.parse(out) as { status: string; createdCount: number; createdAt: string; startedAt: string; finishedAt: string; error?: string };
    if (finished.status !== 'completed' || finished.createdCount !== ROWS) throw new Error(`import ended ${finished.status}: ${finished.error} (${finished.createdCount} created)`);
    // From the first byte uploaded to the last row committed, as the import records it
    // (the process's start-up, about a second, is not the import's).
    const seconds = (Date.parse(finished.finishedAt) - Date.parse(finished.createdAt)) / 1000;
    const jobSeconds = (Date.parse(finished.finishedAt) - Date.parse(finished.startedAt)) / 1000;
    const peak = Math.round(peakKb / 1024);
    const rowsPerS = Math.round(ROWS / seconds);
    const copyRowsPerS = Math.round(ROWS / copySeconds);
    log(`import: ${seconds.toFixed(2)} s (job ${jobSeconds.toFixed(2)} s, process ${wallSeconds.toFixed(2)} s), ${rowsPerS.toLocaleString()} rows/s, peak RSS ${peak} MB`);
    // HEALTH=0 skips the second import (through a running server, /health probed meanwhile).
    const health = process.env.HEALTH === '0' ? undefined : await importThroughServer(file, healthWorkspace.key, env, ROWS);
    console.log(
      JSON.stringify({
        bench: 'import',
        db: bench.kind,
        rows: ROWS,
        file_mb: Math.round(bytes / 1024 / 1024),
        seconds: Number(seconds.toFixed(2)),
        job_seconds: Number(jobSeconds.toFixed(2)),
        process_seconds: Number(wallSeconds.toFixed(2)),
        rows_per_s: rowsPerS,
        peak_rss_mb: peak,
        reference: { what: 'COPY of the same CSV into a bare table', seconds: Number(copySeconds.toFixed(2)), rows_per_s: copyRowsPerS },
        ratio: Number((rowsPerS / copyRowsPerS).toFixed(2)),
        floor: {
          what: 'one INSERT … SELECT of the same rows from the bare table into a copy of contacts (same indexes, defaults, checks)',
          seconds: Number(floorSeconds.toFixed(2)),
          rows_per_s: Math.round(ROWS / floorSeconds),
        },
        ratio_to_floor: Number((rowsPerS / (ROWS / floorSeconds)).toFixed(2)),
        ...(health ? { health } : {}),
      }),
    );
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
