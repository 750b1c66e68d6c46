// `npm run bench -- orders`: the whole UCI online-retail history (541,909 line items, 25,900
// invoices, 4,372 customers; ../shared/data/online-retail/online_retail.csv.gz) imported by
// `rapport import orders` in its own process, as a shop would: upload, streaming parse,
// staging, set-based orders, customers, purchase and refund events, the purchase summary kept
// by its triggers. The figures are checked against the file counted by another CSV parser.
// Reference in the same run: PostgreSQL's own COPY of the same (decompressed) CSV into a bare
// table. The test suite imports a one-month extract of the same file (test/fixtures/).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPglite } from '../src/db/client.ts';
import { summaryDrift } from '../src/purchases/summary.ts';
import { benchDatabase, log } from './_setup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.resolve(root, '../shared/data/online-retail/online_retail.csv.gz');

if (!existsSync(SOURCE)) {
  console.error(
    `orders bench: the UCI online-retail file is missing: ${SOURCE}\n` +
      'It is the shared data set this benchmark imports (see ../shared/data/README.md); the tests use the extract in test/fixtures/online-retail/ instead.',
  );
  console.log(JSON.stringify({ bench: 'orders', skipped: true, missing: SOURCE }));
  process.exit(1);
}

function countRaw(csv: Buffer) {
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  const customers = new Set<string>();
  const invoices = new Set<string>();
  let withoutCustomer = 0;
  for (const r of rows) {
    if (!r.CustomerID) {
      withoutCustomer++;
      continue;
    }
    customers.add(r.CustomerID);
    invoices.add(r.InvoiceNo!);
  }
  const refunds = [...invoices].filter((i) => i.startsWith('C')).length;
  return { lines: rows.length, customers: customers.size, purchases: invoices.size - refunds, refunds, withoutCustomer };
}

async function main() {
  const gz = readFileSync(SOURCE);
  const csv = gunzipSync(gz);
  const expected = countRaw(csv);
  log(`file: ${expected.lines.toLocaleString()} lines, ${expected.purchases.toLocaleString()} invoices, ${expected.refunds.toLocaleString()} cancellations, ${expected.customers.toLocaleString()} customers`);
  const dir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-orders-'));
  const file = path.join(dir, 'online_retail.csv.gz');
  writeFileSync(file, gz);
  const bench = await benchDatabase('orders');
  try {
    await bench.db.exec(`create table bare_lines (invoice text, stock_code text, description text, quantity text, invoice_date text,
                         unit_price text, customer_id text, country text)`);
    const copyStart = performance.now();
    if (bench.kind === 'postgres') {
      const client = new pg.Client({ connectionString: bench.url });
      await client.connect();
      await pipeline(Readable.from([csv]), client.query(copyFrom('copy bare_lines from stdin with (format csv, header true)')));
      await client.end();
    } else {
      await bench.db.pglite!.query("copy bare_lines from '/dev/blob' with (format csv, header true)", [], { blob: new Blob([csv]) });
    }
    const copySeconds = (performance.now() - copyStart) / 1000;
    log(`reference COPY: ${copySeconds.toFixed(2)} s`);
    await bench.db.exec('drop table bare_lines');

    const dataDir = bench.kind === 'pglite' ? path.dirname(bench.pglitePath!) : undefined;
    if (bench.kind === 'pglite') await bench.release();
    const start = performance.now();
    const child = spawn(process.execPath, ['bin/rapport.js', 'import', 'orders', file, '--workspace', 'Bench', '--currency', 'GBP', '--json'], {
      cwd: root,
      env: { ...process.env, ...(bench.url ? { DATABASE_URL: bench.url } : { RAPPORT_DATA_DIR: dataDir }), RAPPORT_SECRET: bench.ctx.secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let peakKb = 0;
    const timer = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process has ended
      }
    }, 20);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    const wallSeconds = (performance.now() - start) / 1000;
    if (code !== 0) throw new Error(`rapport import exited with ${code}: ${out}`);
    const finished = JSON.parse(out) as { status: string; createdAt: string; startedAt: string; finishedAt: string; stats: Record<string, number> };
    const seconds = (Date.parse(finished.finishedAt) - Date.parse(finished.createdAt)) / 1000;
    const s = finished.stats;
    const ok = finished.status === 'completed' && s.purchases === expected.purchases && s.refunds === expected.refunds && s.customers === expected.customers;
    if (!ok) throw new Error(`import ended ${finished.status} with ${JSON.stringify(s)}; the file says ${JSON.stringify(expected)}`);

    // The embedded database was handed to the import's process: open it again to check.
    const checkDb = bench.kind === 'pglite' ? await openPglite(bench.pglitePath!) : bench.db;
    const drift = await summaryDrift(checkDb, bench.workspaceId);
    const [summary] = await checkDb.query<{ rows: number; orders: number; spent: string }>(
      'select count(*)::int as rows, sum(orders)::int as orders, sum(spent)::text as spent from contact_purchases where workspace_id = $1',
      [bench.workspaceId],
    );
    if (checkDb !== bench.db) await checkDb.close();
    if (drift.length > 0 || summary!.orders !== expected.purchases) throw new Error(`the purchase summary disagrees with the events: ${JSON.stringify({ drift: drift.slice(0, 3), summary })}`);
    log(`import: ${seconds.toFixed(1)} s (process ${wallSeconds.toFixed(1)} s), peak RSS ${Math.round(peakKb / 1024)} MB; summary: ${summary!.rows} customers, £${(Number(summary!.spent) / 100).toLocaleString()} spent`);
    const linesPerS = Math.round(expected.lines / seconds);
    const copyLinesPerS = Math.round(expected.lines / copySeconds);
    console.log(
      JSON.stringify({
        bench: 'orders',
        db: bench.kind,
        lines: expected.lines,
        file_mb: Number((statSync(file).size / 1024 / 1024).toFixed(1)),
        purchases: s.purchases,
        refunds: s.refunds,
        customers: s.customers,
        seconds: Number(seconds.toFixed(2)),
        process_seconds: Number(wallSeconds.toFixed(2)),
        lines_per_s: linesPerS,
        peak_rss_mb: Math.round(peakKb / 1024),
        summary_matches_events: true,
        reference: { what: 'COPY of the same CSV (decompressed) into a bare table', seconds: Number(copySeconds.toFixed(2)), lines_per_s: copyLinesPerS },
        ratio: Number((linesPerS / copyLinesPerS).toFixed(3)),
      }),
    );
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
