import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { definitionsByKey } from '../contacts/properties.ts';
import { type ContactInput, upsertContacts } from '../contacts/upsert.ts';
import { type DateOrder, detectDateOrder, type PropertyDefinition } from '../contacts/values.ts';
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { ContactRowMapper, type ValueProblem } from './contact-rows.ts';
import type { ImportRecord, ImportSettings } from './imports.ts';
import { type ProgressListener, ProgressWriter } from './progress.ts';
import { type FileRow, readRows } from './reader.ts';
import { type ImportLease, LeaseLost, PROCESS_ID } from './lease.ts';
import { BatchPacer, ContactStatistics } from './pacing.ts';
import { openFile } from './storage.ts';

const BATCH_ROWS = 5000;

// Each batch lives long enough (while it is written) for V8 to move it to the old generation,
// which V8 collects only when it has grown a lot: left alone, a long import holds ~250 MB of
// dead batches. A full collection every 20,000 rows (~15 ms each, for ~50 MB of live objects)
// keeps the process near its live size. `gc` is exposed at run time, for this one purpose.
v8.setFlagsFromString('--expose-gc');
const collectGarbage: () => void = runInNewContext('gc');
const GC_EVERY_ROWS = 20_000;
const MAX_ENUM_OPTIONS = 200;

export interface RowError {
  rowNumber: number;
  reason: string;
  raw: string;
  /** 'skipped' (default): the row was not imported; 'left_out': it was, without this value. */
  kind?: 'skipped' | 'left_out';
  /** The column of a value left out, as the file names it. */
  column?: string;
}

interface BatchRow {
  row: FileRow;
  input: ContactInput;
  leftOut: ValueProblem[];
}

/**
 * Reads the file once, streaming, and writes contacts batch by batch. Each batch commits
 * together with the import's progress (and its row errors), so a job that is killed and
 * run again goes on after the last committed row: nothing twice, nothing lost.
 */
export async function runContactsImport(ctx: AppContext, imp: ImportRecord, lease: ImportLease, listener?: ProgressListener): Promise<void> {
  const settings = imp.settings as ImportSettings;
  const preview = settings.preview!;
  const mapping = settings.mapping!;
  const read = { format: preview.format, encoding: preview.encoding ?? 'UTF-8', delimiter: preview.delimiter ?? ',', columns: mapping.length };
  const progress = new ProgressWriter(ctx, imp.id, 'reading', listener);
  const rows = (onBytes?: (n: number) => void) => readRows(openFile(ctx, imp.id, onBytes), read);
  const firstDataRow = preview.hasHeader ? 2 : 1;

  const existing = await definitionsByKey(ctx, imp.workspaceId);
  const planned = await planProperties(imp, existing, () => rows(), firstDataRow);
  const defs = new Map([...existing, ...planned]);
  const [ws] = await ctx.db.query<{ default_country: string | null }>('select default_country from workspaces where id = $1', [imp.workspaceId]);
  const dateOrders: Record<number, DateOrder> = {};
  mapping.forEach((target, i) => {
    if (target.startsWith('properties.') && defs.get(target.slice(11))?.type === 'date') {
      dateOrders[i] = detectDateOrder(preview.sampleRows.map((r) => r[i] ?? ''));
    }
  });
  const mapper = new ContactRowMapper(mapping, defs, { defaultCountry: ws?.default_country ?? null, dateOrders });
  const writer = { imp, columns: preview.columns, planned, consent: settings.consent?.emailConsent };

  const resumeAfter = settings.lastRow ?? 0;
  let batch: BatchRow[] = [];
  let errors: RowError[] = [];
  let seen = 0;
  let lastRow = resumeAfter;
  // On PostgreSQL one batch is written while the next is read and mapped: the database and
  // Node work at the same time (one core each). Batches still commit in order, one after the
  // other. The embedded database runs on this thread: there, reading during a batch's
  // transaction would only hold it open longer (and every other query waits for it).
  const pacer = new BatchPacer(ctx.db, BATCH_ROWS);
  const statistics = new ContactStatistics(ctx.db);
  const overlap = ctx.db.kind !== 'pglite';
  let writing: Promise<void> | undefined;
  let rowsSinceGc = 0;
  const flush = async () => {
    const [b, e, r, n] = [batch, errors, lastRow, seen];
    batch = [];
    errors = [];
    seen = 0;
    await writing;
    const started = pacer.start();
    writing = writeBatch(ctx, writer, b, e, r, n)
      .then(() => pacer.written(n, started))
      .then(() => statistics.written(b.length));
    rowsSinceGc += n;
    if (rowsSinceGc >= GC_EVERY_ROWS) {
      rowsSinceGc = 0;
      collectGarbage();
    }
    writing.catch(() => {}); // awaited (and thrown) at the next flush or at the end
    if (!overlap) await writing;
  };
  for await (const row of rows((n) => progress.bytes(n))) {
    lease.check();
    if (row.rowNumber < firstDataRow || row.rowNumber <= resumeAfter) continue;
    lastRow = row.rowNumber;
    if (row.problem) {
      seen++;
      errors.push({ rowNumber: row.rowNumber, reason: row.problem, raw: row.raw });
      if (seen >= pacer.size) await flush();
      continue;
    }
    const mapped = mapper.map(row);
    if (mapped.empty) continue;
    seen++;
    if (mapped.input) batch.push({ row, input: mapped.input, leftOut: mapped.leftOut });
    else errors.push({ rowNumber: row.rowNumber, reason: mapped.skip.join('; '), raw: row.raw });
    if (seen >= pacer.size) await flush();
  }
  await flush();
  await writing;
  await progress.flush();
}

interface BatchWriter {
  imp: ImportRecord;
  columns: string[];
  /** Properties the import defines when a row first uses one (left: not defined yet). */
  planned: Map<string, PropertyDefinition>;
  consent: 'subscribed' | 'not_subscribed' | undefined;
}

async function writeBatch(ctx: AppContext, w: BatchWriter, batch: BatchRow[], errors: RowError[], lastRow: number, seen: number): Promise<void> {
  const { imp } = w;
  const settings = imp.settings as ImportSettings;
  let leftOut = 0;
  await ctx.db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    let merged = 0;
    if (batch.length > 0) {
      await definePropertiesUsed(ctx, tx, w, batch);
      const results = await upsertContacts(
        tx,
        imp.workspaceId,
        batch.map((b) => b.input),
        {
          now: ctx.clock.now(),
          source: 'import',
          importId: imp.id,
          conflicts: 'skip',
          updateExisting: settings.options?.updateExisting ?? true,
          // Consent as the person starting the import stated it; nobody without an address is subscribed.
          defaultEmailStatus: w.consent ?? 'not_subscribed',
          grantConsent: w.consent === 'subscribed',
        },
      );
      // A row whose contact this import created earlier (in this file) was merged into it.
      const touched = [...new Set(results.filter((r) => !r.created && !r.skipped).map((r) => r.id))];
      const ours = new Set(
        touched.length === 0
          ? []
          : (await tx.query<{ id: string }>('select id from contacts where id = any($1::uuid[]) and import_id = $2', [touched, imp.id])).map((r) => r.id),
      );
      results.forEach((r, i) => {
        const { row, leftOut: problems } = batch[i]!;
        if (r.skipped) {
          const reason = r.conflict
            ? `skipped: ${r.conflict}`
            : 'skipped: matches an existing contact, and this import does not update existing contacts';
          errors.push({ rowNumber: row.rowNumber, reason: [reason, ...problems.map((p) => p.message)].join('; '), raw: row.raw });
          return;
        }
        for (const p of problems) {
          errors.push({ rowNumber: row.rowNumber, reason: p.message, raw: row.raw, kind: 'left_out', column: w.columns[p.column] ?? `Column ${p.column + 1}` });
          leftOut++;
        }
        if (r.created) created++;
        else if (ours.has(r.id)) merged++;
        else updated++;
      });
    }
    await insertErrors(tx, imp, errors);
    const progressed = await tx.query(
      `update imports set processed_rows = processed_rows + $2, created_count = created_count + $3, updated_count = updated_count + $4,
              merged_count = merged_count + $5, skipped_count = skipped_count + $6, values_left_out = values_left_out + $7,
              settings = jsonb_set(settings, '{lastRow}', to_jsonb($8::int))
       where id = $1 and lease_owner = $9
       returning id`,
      [imp.id, seen, created, updated, merged, errors.length - leftOut, leftOut, lastRow, PROCESS_ID],
    );
    // Another process took the import over: this batch is rolled back, and is theirs to write.
    if (progressed.length === 0) throw new LeaseLost();
  });
}

export async function insertErrors(tx: SqlSession, imp: ImportRecord, errors: RowError[]): Promise<void> {
  if (errors.length === 0) return;
  await tx.query(
    `insert into import_errors (import_id, workspace_id, row_number, reason, raw, kind, column_name)
     select $1, $2, e.row_number, e.reason, e.raw, e.kind, e.column_name
     from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) as e(row_number, reason, raw, kind, column_name)
     on conflict do nothing`,
    [
      imp.id,
      imp.workspaceId,
      errors.map((e) => e.rowNumber),
      errors.map((e) => e.reason.slice(0, 1000)),
      errors.map((e) => e.raw),
      errors.map((e) => e.kind ?? 'skipped'),
      errors.map((e) => e.column ?? null),
    ],
  );
}

/**
 * Defines, in the batch's transaction, the planned properties its rows are the first to use:
 * a column that turns out empty, or whose every value was left out, defines nothing.
 */
async function definePropertiesUsed(ctx: AppContext, tx: SqlSession, w: BatchWriter, batch: BatchRow[]): Promise<void> {
  if (w.planned.size === 0) return;
  const used = [...w.planned.values()].filter((d) => batch.some((b) => b.input.properties?.[d.key] != null));
  if (used.length === 0) return;
  await tx.query(
    `insert into property_definitions (workspace_id, key, label, description, type, options, created_at)
     select $1, d.key, d.label, d.description, d.type, array(select jsonb_array_elements_text(d.options)), $2
     from jsonb_to_recordset($3::jsonb) as d(key text, label text, description text, type text, options jsonb)
     on conflict do nothing`,
    [w.imp.workspaceId, ctx.clock.now(), JSON.stringify(used)],
  );
  for (const d of used) w.planned.delete(d.key);
}

/**
 * The properties this import may define: those the mapping asked for (an enum without
 * options takes the distinct values of its column) and, for Thunderbird's birthday columns,
 * `birthday` (a date) and `birthday_month` / `birthday_day` (birthdays without a year).
 */
async function planProperties(
  imp: ImportRecord,
  existing: Map<string, PropertyDefinition>,
  rows: () => AsyncGenerator<FileRow>,
  firstDataRow: number,
): Promise<Map<string, PropertyDefinition>> {
  const settings = imp.settings as ImportSettings;
  const description = `Created by the import of ${imp.fileName}`;
  const planned = new Map<string, PropertyDefinition>();
  for (const p of settings.newProperties ?? []) {
    if (!existing.has(p.key)) planned.set(p.key, { key: p.key, label: p.label, description, type: p.type, options: [...p.options] });
  }
  if (settings.mapping!.includes('birthday.day')) {
    const birthday: PropertyDefinition[] = [
      { key: 'birthday', label: 'Birthday', description, type: 'date', options: [] },
      { key: 'birthday_month', label: 'Birthday month', description: `${description} (birthdays without a year)`, type: 'number', options: [] },
      { key: 'birthday_day', label: 'Birthday day', description: `${description} (birthdays without a year)`, type: 'number', options: [] },
    ];
    for (const d of birthday) if (!existing.has(d.key)) planned.set(d.key, d);
  }
  const needOptions = (settings.newProperties ?? []).filter((p) => p.type === 'enum' && p.options.length === 0 && planned.has(p.key));
  if (needOptions.length === 0) return planned;
  const options = new Map(needOptions.map((p) => [p.column, new Set<string>()]));
  for await (const row of rows()) {
    if (row.rowNumber < firstDataRow || row.problem) continue;
    for (const [column, set] of options) {
      const v = (row.cells[column] ?? '').trim();
      if (v && set.size <= MAX_ENUM_OPTIONS) set.add(v);
    }
  }
  for (const p of needOptions) {
    const values = [...options.get(p.column)!];
    if (values.length > MAX_ENUM_OPTIONS) throw new Error(`Column ${p.column + 1} has more than ${MAX_ENUM_OPTIONS} different values: make "${p.label}" a text property instead of a list of options.`);
    if (values.length === 0) planned.delete(p.key); // an empty column: nothing to define
    else planned.get(p.key)!.options = values;
  }
  return planned;
}
