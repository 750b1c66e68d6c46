import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDefinition, definitionsByKey } from '../contacts/properties.ts';
import { type ContactInput, upsertContacts } from '../contacts/upsert.ts';
import { type DateOrder, detectDateOrder } from '../contacts/values.ts';
import type { AppContext } from '../server/context.ts';
import type { SqlSession } from '../db/client.ts';
import { ContactRowMapper } from './contact-rows.ts';
import type { ImportRecord, ImportSettings } from './imports.ts';
import { type FileRow, readRows } from './reader.ts';
import { openFile } from './storage.ts';

const BATCH_ROWS = 5000;

// Each batch lives long enough (while it is written) for V8 to move it to the old generation,
// which V8 collects only when it has grown a lot: left alone, a long import holds ~250 MB of
// dead batches. A full collection every 20,000 rows (~15 ms each, for ~50 MB of live objects)
// keeps the process near its live size. `gc` is exposed at run time, for this one purpose.
v8.setFlagsFromString('--expose-gc');
const collectGarbage: () => void = runInNewContext('gc');
const MAX_ENUM_OPTIONS = 200;

export interface RowError {
  rowNumber: number;
  reason: string;
  raw: string;
}

/**
 * Reads the file once, streaming, and writes contacts batch by batch. Each batch commits
 * together with the import's progress (and its row errors), so a job that is killed and
 * run again goes on after the last committed row: nothing twice, nothing lost.
 */
export async function runContactsImport(ctx: AppContext, imp: ImportRecord, onProgress?: (rows: number) => void): Promise<void> {
  const settings = imp.settings as ImportSettings;
  const preview = settings.preview!;
  const mapping = settings.mapping!;
  const read = { format: preview.format, encoding: preview.encoding ?? 'UTF-8', delimiter: preview.delimiter ?? ',', columns: mapping.length };
  const rows = () => readRows(openFile(ctx, imp.id), read);
  const firstDataRow = preview.hasHeader ? 2 : 1;

  await createNewProperties(ctx, imp, rows, firstDataRow);
  const defs = await definitionsByKey(ctx, imp.workspaceId);
  const [ws] = await ctx.db.query<{ default_country: string | null }>('select default_country from workspaces where id = $1', [imp.workspaceId]);
  const dateOrders: Record<number, DateOrder> = {};
  mapping.forEach((target, i) => {
    if (target.startsWith('properties.') && defs.get(target.slice(11))?.type === 'date') {
      dateOrders[i] = detectDateOrder(preview.sampleRows.map((r) => r[i] ?? ''));
    }
  });
  const mapper = new ContactRowMapper(mapping, defs, { defaultCountry: ws?.default_country ?? null, dateOrders });

  const resumeAfter = settings.lastRow ?? 0;
  let batch: { row: FileRow; input: NonNullable<ReturnType<ContactRowMapper['map']>['input']> }[] = [];
  let errors: RowError[] = [];
  let seen = 0;
  let lastRow = resumeAfter;
  // One batch is written while the next is read and mapped: the database and Node work at
  // the same time (one core each). Batches still commit in order, one after the other.
  let writing: Promise<void> | undefined;
  let batches = 0;
  const flush = async () => {
    const [b, e, r, n] = [batch, errors, lastRow, seen];
    batch = [];
    errors = [];
    seen = 0;
    await writing;
    writing = writeBatch(ctx, imp, b, e, r, n).then(() => onProgress?.(n));
    if (++batches % 4 === 0) collectGarbage();
    writing.catch(() => {}); // awaited (and thrown) at the next flush or at the end
  };
  for await (const row of rows()) {
    if (row.rowNumber < firstDataRow || row.rowNumber <= resumeAfter) continue;
    lastRow = row.rowNumber;
    const mapped = mapper.map(row);
    if (mapped.empty) continue;
    seen++;
    if (mapped.input) batch.push({ row, input: mapped.input });
    else errors.push({ rowNumber: row.rowNumber, reason: mapped.errors.join('; '), raw: row.raw });
    if (seen >= BATCH_ROWS) await flush();
  }
  await flush();
  await writing;
}

async function writeBatch(
  ctx: AppContext,
  imp: ImportRecord,
  batch: { row: FileRow; input: ContactInput }[],
  errors: RowError[],
  lastRow: number,
  seen: number,
): Promise<void> {
  const settings = imp.settings as ImportSettings;
  await ctx.db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    let merged = 0;
    if (batch.length > 0) {
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
          defaultEmailStatus: settings.options?.emailStatus ?? 'subscribed',
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
        if (r.skipped) {
          const reason = r.conflict
            ? `skipped: ${r.conflict}`
            : 'skipped: matches an existing contact, and this import does not update existing contacts';
          errors.push({ rowNumber: batch[i]!.row.rowNumber, reason, raw: batch[i]!.row.raw });
        } else if (r.created) created++;
        else if (ours.has(r.id)) merged++;
        else updated++;
      });
    }
    await insertErrors(tx, imp, errors);
    await tx.query(
      `update imports set processed_rows = processed_rows + $2, created_count = created_count + $3, updated_count = updated_count + $4,
              merged_count = merged_count + $5, skipped_count = skipped_count + $6,
              settings = jsonb_set(settings, '{lastRow}', to_jsonb($7::int))
       where id = $1`,
      [imp.id, seen, created, updated, merged, errors.length, lastRow],
    );
  });
}

export async function insertErrors(tx: SqlSession, imp: ImportRecord, errors: RowError[]): Promise<void> {
  if (errors.length === 0) return;
  await tx.query(
    `insert into import_errors (import_id, workspace_id, row_number, reason, raw)
     select $1, $2, e.row_number, e.reason, e.raw from unnest($3::int[], $4::text[], $5::text[]) as e(row_number, reason, raw)
     on conflict do nothing`,
    [imp.id, imp.workspaceId, errors.map((e) => e.rowNumber), errors.map((e) => e.reason.slice(0, 1000)), errors.map((e) => e.raw)],
  );
}

/** Defines the properties the mapping asked for; enum options missing are read from the file. */
async function createNewProperties(ctx: AppContext, imp: ImportRecord, rows: () => AsyncGenerator<FileRow>, firstDataRow: number): Promise<void> {
  const settings = imp.settings as ImportSettings;
  const wanted = settings.newProperties ?? [];
  if (wanted.length === 0) return;
  const existing = await definitionsByKey(ctx, imp.workspaceId);
  const needOptions = wanted.filter((p) => p.type === 'enum' && p.options.length === 0 && !existing.has(p.key));
  const options = new Map(needOptions.map((p) => [p.column, new Set<string>()]));
  if (needOptions.length > 0) {
    for await (const row of rows()) {
      if (row.rowNumber < firstDataRow) continue;
      for (const [column, set] of options) {
        const v = (row.cells[column] ?? '').trim();
        if (v && set.size <= MAX_ENUM_OPTIONS) set.add(v);
      }
    }
  }
  for (const p of wanted) {
    if (existing.has(p.key)) continue; // a restarted job created it already
    let values = p.options;
    if (p.type === 'enum' && values.length === 0) {
      values = [...(options.get(p.column) ?? [])];
      if (values.length > MAX_ENUM_OPTIONS) throw new Error(`Column ${p.column + 1} has more than ${MAX_ENUM_OPTIONS} different values: make "${p.label}" a text property instead of a list of options.`);
      if (values.length === 0) values = ['(none)'];
    }
    await createDefinition(ctx, imp.workspaceId, { key: p.key, label: p.label, description: `Created by the import of ${imp.fileName}`, type: p.type, options: values });
  }
}
