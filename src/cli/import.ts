import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { CONTACT_FIELDS } from '../contacts/fields.ts';
import { startImportBody } from '../imports/contract.ts';
import { createImport, getImport, startImport, toInfo } from '../imports/imports.ts';
import { runImport } from '../imports/run.ts';
import type { ImportKind } from '../imports/schema.ts';
import { oneWorkspace, withContext } from './context.ts';
import { CliError, output } from './main.ts';

interface ImportOptions {
  workspace: string;
  map: string[];
  createProperties?: boolean;
  update: boolean;
  emailStatus?: 'subscribed' | 'not_subscribed' | 'unsubscribed';
  currency?: string;
  delimiter?: string;
  encoding?: string;
  header?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerImportCommands(program: Command): void {
  const cmd = program.command('import').description('Import contacts or order history from a CSV or XLSX file');
  for (const kind of ['contacts', 'orders'] as const) {
    cmd
      .command(`${kind} <file>`)
      .description(
        kind === 'contacts'
          ? 'Import contacts: upsert by email or external id, report bad rows'
          : 'Import order history as purchase and refund events (one per order)',
      )
      .requiredOption('--workspace <name>', 'workspace name or id')
      .option('--map <column=target>', `map a column (its name or 1-based number) to a target; repeat it. Targets: ${kind === 'contacts' ? `${Object.keys(CONTACT_FIELDS).join(', ')}, name, a property key, ignore` : 'order_id, customer_email, customer_id, ordered_at, quantity, unit_price, line_total, order_total, currency, sku, product_name, customer_country, ignore'}`, collect, [])
      .option('--create-properties', 'create a property for every other column (contacts)')
      .option('--no-update', 'skip rows that match an existing contact instead of updating it')
      .addOption(new Option('--email-status <status>', 'email status of new contacts').choices(['subscribed', 'not_subscribed', 'unsubscribed']))
      .option('--currency <code>', 'currency when the file has no currency column (orders), e.g. GBP')
      .option('--delimiter <char>', 'override the detected delimiter (use "\\t" for tab)')
      .option('--encoding <name>', 'override the detected encoding, e.g. windows-1252')
      .option('--no-header', 'the first row is data, not column names')
      .option('--json', 'print the result as JSON (no progress bar)')
      .action((file: string, opts: ImportOptions) => runCliImport(kind, file, opts));
  }
  cmd
    .command('errors <importId>')
    .description('Print the rows an import skipped, as CSV (row, reason, original row)')
    .requiredOption('--workspace <name>', 'workspace name or id')
    .action(async (importId: string, opts: { workspace: string }) => {
      await withContext('import', async (ctx) => {
        const ws = await oneWorkspace(ctx, opts.workspace);
        const imp = await getImport(ctx, ws.id, importId).catch(() => {
          throw new CliError(`No import ${importId} in "${ws.name}".`);
        });
        const rows = await ctx.db.query<{ row_number: number; reason: string; raw: string | null }>(
          'select row_number, reason, raw from import_errors where import_id = $1 order by row_number, reason',
          [imp.id],
        );
        process.stdout.write(stringify([['row', 'reason', 'original row'], ...rows.map((r) => [r.row_number, r.reason, r.raw ?? ''])]));
      });
    });
}

async function runCliImport(kind: ImportKind, file: string, opts: ImportOptions): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`Cannot read ${file}: no such file.`);
  }
  await withContext('import', async (ctx) => {
    const ws = await oneWorkspace(ctx, opts.workspace);
    const created = await createImport(ctx, ws.id, null, kind, path.basename(file), createReadStream(file));
    const preview = toInfo(created).preview!;
    const mapping = [...preview.suggestedMapping];
    const newProperties: { column: number; key: string; label: string; type: 'string' | 'number' | 'boolean' | 'date' | 'enum' }[] = [];
    if (opts.createProperties && kind === 'contacts') {
      for (const p of preview.suggestedProperties) {
        mapping[p.column] = `properties.${p.key}`;
        newProperties.push(p);
      }
    }
    for (const pair of opts.map) {
      const eq = pair.lastIndexOf('=');
      if (eq <= 0) throw new CliError(`--map ${pair}: write it as column=target, e.g. --map "E-mail Address=email".`);
      const column = pair.slice(0, eq).trim();
      const target = pair.slice(eq + 1).trim();
      const index = /^\d+$/.test(column) ? Number(column) - 1 : preview.columns.findIndex((c) => c.toLowerCase() === column.toLowerCase());
      if (index < 0 || index >= preview.columns.length) {
        throw new CliError(`--map ${pair}: the file has no column "${column}". Its columns: ${preview.columns.map((c, i) => `${i + 1} ${c}`).join(', ')}`);
      }
      const known = target === 'ignore' || target === 'name' || target in CONTACT_FIELDS || kind === 'orders';
      mapping[index] = known || target.startsWith('properties.') ? target : `properties.${target}`;
      const np = newProperties.findIndex((p) => p.column === index);
      if (np >= 0 && mapping[index] !== `properties.${newProperties[np]!.key}`) newProperties.splice(np, 1);
    }
    const body = startImportBody.safeParse({
      mapping,
      newProperties,
      updateExisting: opts.update,
      ...(opts.emailStatus ? { emailStatus: opts.emailStatus } : {}),
      ...(opts.currency ? { currency: opts.currency.toUpperCase() } : {}),
      ...(opts.delimiter ? { delimiter: opts.delimiter === '\\t' ? '\t' : opts.delimiter } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
      ...(opts.header === false ? { hasHeader: false } : {}),
    });
    if (!body.success) throw new CliError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    try {
      await startImport(ctx, ws.id, created.id, body.data);
    } catch (err) {
      const details = (err as { details?: { path: string; message: string }[] }).details;
      const hint = details?.map((d) => `  ${d.path.replace('body.mapping.', 'column ')}: ${d.message}`).join('\n');
      throw new CliError(`${(err as Error).message}${hint ? `\n${hint}` : ''}\nColumns: ${preview.columns.map((c, i) => `${i + 1} ${c} → ${mapping[i]}`).join(', ')}`);
    }
    const bar = opts.json || !process.stderr.isTTY ? undefined : progressBar(file, size);
    let done = 0;
    const finished = await runImport(ctx, created.id, (rows) => {
      done += rows;
      bar?.update(done);
    });
    bar?.stop();
    const info = toInfo(finished!);
    const summary =
      info.status === 'failed'
        ? `Import failed: ${info.error}`
        : kind === 'contacts'
          ? `Imported ${info.processedRows} rows of ${path.basename(file)}: ${info.createdCount} created, ${info.updatedCount} updated, ${info.mergedCount} merged duplicates, ${info.skippedCount} skipped.`
          : `Imported ${info.stats.lineItems ?? 0} order lines of ${path.basename(file)}: ${info.stats.purchases ?? 0} purchases and ${info.stats.refunds ?? 0} refunds of ${info.stats.customers ?? 0} customers (${info.createdCount} new contacts); ${info.stats.rowsWithoutCustomer ?? 0} lines without a customer.`;
    const more = info.skippedCount > 0 ? `\nSkipped rows and why: rapport import errors ${info.id} --workspace "${ws.name}"` : '';
    output(Boolean(opts.json), info, summary + more);
    if (info.status === 'failed') process.exitCode = 1;
  });
}

/** A bar over the rows, its total estimated from the file size and the length of its first lines. */
function progressBar(file: string, size: number) {
  let estimate: number;
  try {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(Math.min(size, 1024 * 1024));
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    const lines = head.toString('latin1').split('\n').length - 1;
    estimate = gz || lines === 0 ? 0 : Math.round((lines * size) / head.length);
  } catch {
    estimate = 0;
  }
  const bar = new cliProgress.SingleBar(
    { format: `Importing |{bar}| {value}${estimate ? ' of ~{total}' : ''} rows | {duration_formatted}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(estimate || 1, 0);
  if (!estimate) bar.setTotal(Number.MAX_SAFE_INTEGER);
  return bar;
}
