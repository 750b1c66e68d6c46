// Contacts as CSV, streamed: rows come from the database in keyset batches and leave as CSV
// while the next batch is read, so a million contacts never sit in memory at once.
import { pipeline, Readable } from 'node:stream';
import { listDefinitions } from '../contacts/properties.ts';
import type { Contact } from '../contacts/row.ts';
import { csvWriter } from '../shared/csv-writer.ts';
import type { AppContext } from '../server/context.ts';
import { prepareList } from './paging.ts';
import type { Selection } from './selection.ts';

const BATCH = 1000;

const BUILT_IN: { header: string; value: (c: Contact) => string | null }[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'email', value: (c) => c.email },
  { header: 'external_id', value: (c) => c.externalId },
  { header: 'phone', value: (c) => c.phone },
  { header: 'first_name', value: (c) => c.firstName },
  { header: 'last_name', value: (c) => c.lastName },
  { header: 'lifecycle_stage', value: (c) => c.lifecycleStage },
  { header: 'email_status', value: (c) => c.emailStatus },
  { header: 'created_at', value: (c) => c.createdAt.toISOString() },
  { header: 'updated_at', value: (c) => c.updatedAt.toISOString() },
];

export async function exportContactsCsv(
  ctx: AppContext,
  workspaceId: string,
  selection: Selection,
  sort: { sort: string; order: 'asc' | 'desc' },
): Promise<Readable> {
  // Resolved before the first byte, so a bad filter is still a 400 and not a broken file.
  const list = await prepareList(ctx, workspaceId, selection, sort);
  const defs = await listDefinitions(ctx, workspaceId);
  // Built-in columns carry the import's field names and properties their keys, so that an
  // exported file imports back as it was.
  const builtIn = new Set(BUILT_IN.map((b) => b.header));
  const columns = [...builtIn, ...defs.map((d) => (builtIn.has(d.key) ? `properties.${d.key}` : d.key))];

  async function* rows(): AsyncGenerator<string[]> {
    let after: string | undefined;
    do {
      const page = await list.page(BATCH, after);
      for (const c of page.items) {
        yield [
          ...BUILT_IN.map((b) => b.value(c) ?? ''),
          ...defs.map((d) => {
            const v = c.properties[d.key];
            return v === undefined ? '' : String(v);
          }),
        ];
      }
      after = page.nextCursor ?? undefined;
    } while (after);
  }

  // The byte-order mark makes Excel read the file as UTF-8.
  // Cells a spreadsheet would run as formulas are neutralized by the writer.
  return pipeline(Readable.from(rows()), csvWriter({ columns, bom: true }), () => {
    // A failure mid-stream (the client went away, the database failed) ends the response;
    // the headers are long gone by then, so there is no status left to change.
  });
}
