import { createReadStream, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { CONTACT_FIELDS, type PropertyType } from '../contacts/fields.ts';
import { type ImportInfo, ORDER_TARGETS, startImportBody } from '../imports/contract.ts';
import { errorReportCsv } from '../imports/error-report.ts';
import { createImport, getImport, startImport, toInfo } from '../imports/imports.ts';
import { BIRTHDAY_PARTS } from '../imports/mapping.ts';
import type { ProgressListener } from '../imports/progress.ts';
import { runImport } from '../imports/run.ts';
import type { ImportKind, ImportPhase } from '../imports/schema.ts';
import { oneWorkspace, withContext } from './context.ts';
import { CliError, output } from './main.ts';

interface ImportOptions {
  workspace: string;
  map: string[];
  createProperties?: boolean;
  update: boolean;
  consent?: 'yes' | 'no';
  currency?: string;
  delimiter?: string;
  encoding?: string;
  header?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const CONTACT_TARGETS = [...Object.keys(CONTACT_FIELDS), 'name', ...BIRTHDAY_PARTS];

export function registerImportCommands(program: Command): void {
  const cmd = program.command('import').description('Import contacts or order history from a CSV or XLSX file');
  for (const kind of ['contacts', 'orders'] as const) {
    cmd
      .command(`${kind} <file>`)
      .description(
        kind === 'contacts'
          ? 'Import contacts: upsert by email or external id; values that do not fit are left out and listed, rows that cannot be placed are skipped and listed'
          : 'Import order history as purchase and refund events (one per order)',
      )
      .requiredOption('--workspace <name>', 'workspace name or id')
      .option(
        '--map <column=target>',
        `map a column (its name or 1-based number) to a target; repeat it. Targets: ${kind === 'contacts' ? `${CONTACT_TARGETS.join(', ')}, a property key, ignore` : ORDER_TARGETS.join(', ')}`,
        collect,
        [],
      )
      .addOption(
        new Option(
          '--consent <yes|no>',
          `did the people in the file agree to receive marketing email? Required when a column is mapped to the ${kind === 'contacts' ? 'email' : 'customer email'}: yes subscribes them (never those who unsubscribed, bounced or complained), no leaves them not subscribed`,
        ).choices(['yes', 'no']),
      )
      .option('--create-properties', 'create a property for every other column, when a row has a value for it (contacts)')
      .option('--no-update', 'skip rows that match an existing contact instead of updating it')
      .option('--currency <code>', 'currency when the file has no currency column (orders), e.g. GBP')
      .option('--delimiter <char>', 'override the detected delimiter (use "\\t" for tab)')
      .option('--encoding <name>', 'override the detected encoding, e.g. windows-1252')
      .option('--no-header', 'the first row is data, not column names')
      .option('--json', 'print the result as JSON (no progress bar)')
      .addHelpText(
        'after',
        '\nExit code: 0 when rows were imported (problems, if any, are listed by `rapport import errors`); 1 when nothing was imported or the import failed.',
      )
      .action((file: string, opts: ImportOptions) => runCliImport(kind, file, opts));
  }
  cmd
    .command('errors <importId>')
    .description('Print the problems of an import as CSV: row, what happened (row skipped / value left out), column, reason, original row')
    .requiredOption('--workspace <name>', 'workspace name or id')
    .action(async (importId: string, opts: { workspace: string }) => {
      await withContext('import', async (ctx) => {
        const ws = await oneWorkspace(ctx, opts.workspace);
        const imp = await getImport(ctx, ws.id, importId).catch(() => {
          throw new CliError(`No import ${importId} in "${ws.name}".`);
        });
        process.stdout.write(await errorReportCsv(ctx, imp.id));
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
    const newProperties: { column: number; key: string; label: string; type: PropertyType }[] = [];
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
      const known = target === 'ignore' || CONTACT_TARGETS.includes(target) || kind === 'orders';
      mapping[index] = known || target.startsWith('properties.') ? target : `properties.${target}`;
      const np = newProperties.findIndex((p) => p.column === index);
      if (np >= 0 && mapping[index] !== `properties.${newProperties[np]!.key}`) newProperties.splice(np, 1);
    }
    const columns = () => preview.columns.map((c, i) => `${i + 1} ${c} → ${mapping[i]}`).join(', ');
    const emailColumn = mapping.indexOf(kind === 'contacts' ? 'email' : 'customer_email');
    if (emailColumn >= 0 && !opts.consent) {
      throw new CliError(
        `Column ${emailColumn + 1} ("${preview.columns[emailColumn]}") holds email addresses: say whether these people agreed to receive marketing email.\n` +
          '  --consent yes   they agreed: new contacts with an address are subscribed, and so are existing ones who were not (never those who unsubscribed, bounced or complained)\n' +
          '  --consent no    they did not, or you do not know: nobody is subscribed by this import',
      );
    }
    const body = startImportBody.safeParse({
      mapping,
      newProperties,
      updateExisting: opts.update,
      ...(emailColumn >= 0 ? { emailConsent: opts.consent === 'yes' ? 'subscribed' : 'not_subscribed' } : {}),
      ...(opts.currency ? { currency: opts.currency.toUpperCase() } : {}),
      ...(opts.delimiter ? { delimiter: opts.delimiter === '\\t' ? '\t' : opts.delimiter } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
      ...(opts.header === false ? { hasHeader: false } : {}),
    });
    if (!body.success) throw new CliError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    try {
      const user = safeUser();
      await startImport(ctx, ws.id, created.id, body.data, { via: 'cli', statedBy: `rapport import on the command line (${user}@${hostname()})` }, { enqueue: false });
    } catch (err) {
      const details = (err as { details?: { path: string; message: string }[] }).details;
      const hint = details?.map((d) => `  ${d.path.replace('mapping.', 'column ')}: ${d.message}`).join('\n');
      throw new CliError(`${(err as Error).message}${hint ? `\n${hint}` : ''}\nColumns: ${columns()}${kind === 'contacts' ? '\nMap one with --map, e.g. --map "Kontakt=email".' : ''}`);
    }
    const bar = opts.json || !process.stderr.isTTY ? undefined : progressBar(size);
    const finished = await runImport(ctx, created.id, bar?.listener);
    bar?.stop();
    const info = toInfo(finished!);
    output(Boolean(opts.json), info, summary(info, kind, path.basename(file), ws.name));
    if (info.outcome === 'failed' || info.outcome === 'nothing_imported') process.exitCode = 1;
  });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

const n = (x: number) => x.toLocaleString('en');

/** What the import did, in the words of the web app's result page. */
function summary(info: ImportInfo, kind: ImportKind, fileName: string, workspace: string): string {
  if (info.outcome === 'failed') return `Import failed: ${info.error}`;
  if (info.outcome === 'nothing_imported') return `Nothing was imported from ${fileName}. ${info.outcomeReason ?? ''}${more(info, workspace)}`;
  const counts =
    kind === 'contacts'
      ? `Imported ${n(info.processedRows)} rows of ${fileName}: ${n(info.createdCount)} created, ${n(info.updatedCount)} updated, ${n(info.mergedCount)} merged duplicates, ${n(info.skippedCount)} skipped; ${n(info.valuesLeftOut)} values left out.`
      : `Imported ${n(info.stats.lineItems ?? 0)} order lines of ${fileName}: ${n(info.stats.purchases ?? 0)} purchases and ${n(info.stats.refunds ?? 0)} refunds of ${n(info.stats.customers ?? 0)} customers (${n(info.createdCount)} new contacts); ${n(info.stats.rowsWithoutCustomer ?? 0)} lines without a customer.`;
  const note = info.outcome === 'imported' && info.outcomeReason ? `\n${info.outcomeReason}` : '';
  return counts + note + more(info, workspace);
}

const more = (info: ImportInfo, workspace: string) =>
  info.skippedCount + info.valuesLeftOut > 0 ? `\nRows skipped and values left out, and why: rapport import errors ${info.id} --workspace "${workspace}"` : '';

const PHASES: Record<ImportPhase, string> = {
  dates: 'Checking dates',
  reading: 'Reading',
  customers: 'Writing customers',
  orders: 'Writing orders',
};

/** A bar over the bytes of the file (of the compressed file, for a .gz: its real fraction). */
function progressBar(size: number): { listener: ProgressListener; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} |{bar}| {percentage}% | {read} of {size} | {duration_formatted}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => (b < 1024 * 1024 ? `${Math.round(b / 1024)} kB` : `${(b / 1024 / 1024).toFixed(1)} MB`);
  bar.start(Math.max(size, 1), 0, { phase: PHASES.reading.padEnd(17), read: mb(0), size: mb(size) });
  return {
    // Customers and orders are written after the whole file was read: the bar stays full.
    listener: ({ phase, bytesRead }) =>
      phase === 'customers' || phase === 'orders'
        ? bar.update(size, { phase: PHASES[phase].padEnd(17), read: mb(size) })
        : bar.update(Math.min(bytesRead, size), { phase: PHASES[phase].padEnd(17), read: mb(bytesRead) }),
    stop: () => bar.stop(),
  };
}
