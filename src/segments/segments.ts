// Segments and lists of a workspace: saving definitions (validated, with what they read),
// previews of unsaved definitions, and reading members.
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { CONTACT_COLUMNS, type ContactRow, toContact } from '../contacts/row.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import { compileSegment } from './compile.ts';
import type { SegmentNode } from './definition.ts';
import { dependenciesOf, fieldResolver, type SegmentContext, type SegmentRef, validateDefinition } from './validate.ts';

export interface StoredSegment extends SegmentRef {
  description: string;
  dependsOnEvents: string[];
  dependsOnFields: string[];
  dependsOnSegments: string[];
  timeRelative: boolean;
  memberCount: number;
  evaluatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface SegmentRow {
  id: string;
  kind: 'segment' | 'list';
  name: string;
  description: string;
  definition: SegmentNode | null;
  depends_on_events: string[];
  depends_on_fields: string[];
  depends_on_segments: string[];
  time_relative: boolean;
  member_count: number;
  evaluated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const SEGMENT_COLUMNS = `id, kind, name, description, definition, depends_on_events, depends_on_fields, depends_on_segments,
  time_relative, member_count, evaluated_at, created_at, updated_at`;

function toSegment(r: SegmentRow): StoredSegment {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    description: r.description,
    // Stored as validated and parsed when saved (defaults filled in): read as they are.
    definition: r.definition,
    dependsOnEvents: r.depends_on_events,
    dependsOnFields: r.depends_on_fields,
    dependsOnSegments: r.depends_on_segments,
    timeRelative: r.time_relative,
    memberCount: r.member_count,
    evaluatedAt: r.evaluated_at ? new Date(r.evaluated_at) : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export type LoadedContext = SegmentContext & { stored: Map<string, StoredSegment> };

/** Property definitions and segments of a workspace: what validating and compiling need. */
export async function loadSegmentContext(db: SqlSession, workspaceId: string, now: Date): Promise<LoadedContext> {
  const [defs, segs] = await Promise.all([
    db.query<PropertyDefinition>('select key, label, description, type, options from property_definitions where workspace_id = $1', [workspaceId]),
    db.query<SegmentRow>(`select ${SEGMENT_COLUMNS} from segments where workspace_id = $1`, [workspaceId]),
  ]);
  const stored = new Map(segs.map((r) => [r.id, toSegment(r)]));
  return { workspaceId, now, resolveField: fieldResolver(new Map(defs.map((d) => [d.key, d]))), segments: stored, stored };
}

/** The ids of a segment's or list's members now (a workflow enrolling them by hand). */
export async function currentMemberIds(db: SqlSession, workspaceId: string, segmentId: string): Promise<string[]> {
  const rows = await db.query<{ contact_id: string }>('select contact_id from segment_members where workspace_id = $1 and segment_id = $2 and exited_at is null order by contact_id', [
    workspaceId,
    segmentId,
  ]);
  return rows.map((r) => r.contact_id);
}

export async function listSegments(ctx: AppContext, workspaceId: string): Promise<StoredSegment[]> {
  const rows = await ctx.db.query<SegmentRow>(`select ${SEGMENT_COLUMNS} from segments where workspace_id = $1 order by lower(name)`, [workspaceId]);
  return rows.map(toSegment);
}

export async function getSegment(ctx: AppContext, workspaceId: string, id: string): Promise<StoredSegment> {
  const [row] = await ctx.db.query<SegmentRow>(`select ${SEGMENT_COLUMNS} from segments where workspace_id = $1 and id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The segment');
  return toSegment(row);
}

/** Rejects a definition that cannot be saved or previewed here, naming every offending node. */
export function assertValid(definition: SegmentNode, sctx: SegmentContext, selfId?: string): void {
  const issues = validateDefinition(definition, sctx, { selfId });
  if (issues.length > 0) throw badRequest(`The definition has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

export interface SegmentInput {
  name: string;
  description?: string;
  kind: 'segment' | 'list';
  definition?: SegmentNode;
}

function dependencyColumns(definition: SegmentNode | undefined, sctx: LoadedContext) {
  if (!definition) return { events: [], fields: [], segments: [], timeRelative: false };
  const deps = dependenciesOf(definition);
  // Using a segment whose answer moves with time makes this one move with time too.
  const relative = deps.timeRelative || deps.segments.some((id) => sctx.stored.get(id)?.timeRelative);
  return { ...deps, timeRelative: relative };
}

export async function createSegment(ctx: AppContext, workspaceId: string, userId: string | null, input: SegmentInput): Promise<StoredSegment> {
  if (input.kind === 'segment' && !input.definition) throw badRequest('A segment needs a definition.', [{ path: 'definition', message: 'is required for a segment' }]);
  if (input.kind === 'list' && input.definition) throw badRequest('A list has members, not a definition.', [{ path: 'definition', message: 'must be left out for a list' }]);
  const now = ctx.clock.now();
  const sctx = await loadSegmentContext(ctx.db, workspaceId, now);
  if (input.definition) assertValid(input.definition, sctx);
  const deps = dependencyColumns(input.definition, sctx);
  const [row] = await ctx.db.query<SegmentRow>(
    `insert into segments (workspace_id, kind, name, description, definition, depends_on_events, depends_on_fields, depends_on_segments,
                           time_relative, created_by, created_at, updated_at, evaluated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, case when $2 = 'list' then $11::timestamptz end)
     on conflict (workspace_id, lower(name)) do nothing
     returning ${SEGMENT_COLUMNS}`,
    [workspaceId, input.kind, input.name, input.description ?? '', input.definition ? JSON.stringify(input.definition) : null,
     deps.events, deps.fields, deps.segments, deps.timeRelative, userId, now],
  );
  if (!row) throw nameTaken(input.name);
  return toSegment(row);
}

const nameTaken = (name: string) => conflict(`A segment or list named "${name}" already exists.`, [{ path: 'name', message: 'is already taken' }]);

export async function updateSegment(
  ctx: AppContext,
  workspaceId: string,
  id: string,
  patch: { name?: string; description?: string; definition?: SegmentNode },
): Promise<{ segment: StoredSegment; definitionChanged: boolean }> {
  const now = ctx.clock.now();
  const sctx = await loadSegmentContext(ctx.db, workspaceId, now);
  const current = sctx.stored.get(id);
  if (!current) throw notFound('The segment');
  if (patch.definition && current.kind === 'list') throw badRequest('A list has members, not a definition.', [{ path: 'definition', message: 'must be left out for a list' }]);
  if (patch.definition) assertValid(patch.definition, sctx, id);
  const definition = patch.definition ?? current.definition ?? undefined;
  const deps = dependencyColumns(definition, sctx);
  const definitionChanged = patch.definition !== undefined && JSON.stringify(patch.definition) !== JSON.stringify(current.definition);
  // A changed definition is recomputed in the background: until then the size is stale, and
  // evaluatedAt (null) says so.
  const rows = await ctx.db.query<SegmentRow>(
    `update segments set name = $3, description = $4, definition = $5, depends_on_events = $6, depends_on_fields = $7,
            depends_on_segments = $8, time_relative = $9, updated_at = $10,
            evaluated_at = case when $11 then null else evaluated_at end
     where workspace_id = $1 and id = $2
       and not exists (select 1 from segments o where o.workspace_id = $1 and o.id <> $2 and lower(o.name) = lower($3))
     returning ${SEGMENT_COLUMNS}`,
    [workspaceId, id, patch.name ?? current.name, patch.description ?? current.description, definition ? JSON.stringify(definition) : null,
     deps.events, deps.fields, deps.segments, deps.timeRelative, now, definitionChanged],
  );
  if (!rows[0]) throw nameTaken(patch.name ?? current.name);
  return { segment: toSegment(rows[0]), definitionChanged };
}

export async function deleteSegment(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const users = await tx.query<{ name: string }>(
      'select name from segments where workspace_id = $1 and $2::uuid = any(depends_on_segments) order by name',
      [workspaceId, id],
    );
    if (users.length > 0) {
      throw conflict(`Used by ${users.map((u) => `"${u.name}"`).join(', ')}: change those first.`, [{ path: 'id', message: 'is used by other segments' }]);
    }
    const [gone] = await tx.query<{ id: string }>('delete from segments where workspace_id = $1 and id = $2 returning id', [workspaceId, id]);
    if (!gone) throw notFound('The segment');
    await tx.query('delete from segment_members where segment_id = $1', [id]);
    await tx.query('delete from segment_sizes where segment_id = $1', [id]);
  });
}

/** How many contacts an unsaved definition matches now, and a few of them. */
export async function previewSegment(ctx: AppContext, workspaceId: string, definition: SegmentNode, sampleSize = 10) {
  const sctx = await loadSegmentContext(ctx.db, workspaceId, ctx.clock.now());
  assertValid(definition, sctx);
  const compiled = compileSegment(definition, sctx);
  const n = compiled.params.length;
  const [counted] = await ctx.db.query<{ n: number }>(`select count(*)::int as n from (${compiled.sql}) t`, compiled.params);
  const sample = await ctx.db.query<ContactRow>(
    `select ${CONTACT_COLUMNS} from contacts c where c.id in (select id from (${compiled.sql}) t) order by c.created_at desc, c.id desc limit $${n + 1}`,
    [...compiled.params, sampleSize],
  );
  return { count: counted!.n, sample: sample.map(toContact) };
}

/** A page of current members, newest first (keyset on when they entered, then contact id). */
export async function listMembers(ctx: AppContext, workspaceId: string, segmentId: string, limit: number, after?: string) {
  await getSegment(ctx, workspaceId, segmentId);
  const cursor = after ? decodeCursor(after) : undefined;
  const rows = await ctx.db.query<ContactRow & { entered_at: Date }>(
    `select ${CONTACT_COLUMNS}, m.entered_at from segment_members m join contacts c on c.id = m.contact_id
     where m.segment_id = $1 and m.exited_at is null and c.workspace_id = $2
       ${cursor ? 'and (m.entered_at, m.contact_id) < ($4::timestamptz, $5::uuid)' : ''}
     order by m.entered_at desc, m.contact_id desc limit $3`,
    cursor ? [segmentId, workspaceId, limit + 1, cursor.at, cursor.id] : [segmentId, workspaceId, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...toContact(r), enteredAt: new Date(r.entered_at) })),
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([new Date(last.entered_at).toISOString(), last.id])).toString('base64url') : null,
  };
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at === 'string' && Number.isFinite(Date.parse(at)) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { at, id };
  } catch {
    // fall through
  }
  throw badRequest('The cursor is not one this API gave out.', [{ path: 'after', message: 'must be the nextCursor of the previous page' }]);
}

/** The size at the end of each of the last `days` days (carried over days without changes). */
export async function sizeHistory(ctx: AppContext, segmentIds: string[], days = 30): Promise<Map<string, { day: string; size: number }[]>> {
  const rows = await ctx.db.query<{ segment_id: string; day: string; size: number }>(
    `with days as (select d::date as day from generate_series(($2::timestamptz at time zone 'UTC')::date - ($3::int - 1), ($2::timestamptz at time zone 'UTC')::date, interval '1 day') d)
     select s.id as segment_id, to_char(days.day, 'YYYY-MM-DD') as day,
            coalesce((select z.size from segment_sizes z where z.segment_id = s.id and z.day <= days.day order by z.day desc limit 1), 0) as size
     from unnest($1::uuid[]) s(id) cross join days
     order by s.id, days.day`,
    [segmentIds, ctx.clock.now(), days],
  );
  const out = new Map<string, { day: string; size: number }[]>();
  for (const r of rows) {
    const list = out.get(r.segment_id) ?? [];
    list.push({ day: r.day, size: r.size });
    out.set(r.segment_id, list);
  }
  return out;
}

/** The segments and lists a contact is in now, with when they entered; 404 for a contact not in the workspace. */
export async function contactMemberships(ctx: AppContext, workspaceId: string, contactId: string) {
  // One row for a contact in nothing (all nulls), none for a contact not in the workspace.
  const rows = await ctx.db.query<{ id: string | null; kind: 'segment' | 'list' | null; name: string | null; entered_at: Date | string | null }>(
    `select s.id, s.kind, s.name, m.entered_at
     from contacts c
     left join segment_members m on m.workspace_id = c.workspace_id and m.contact_id = c.id and m.exited_at is null
     left join segments s on s.workspace_id = c.workspace_id and s.id = m.segment_id
     where c.workspace_id = $1 and c.id = $2
     order by s.kind = 'list', lower(s.name)`,
    [workspaceId, contactId],
  );
  if (rows.length === 0) throw notFound('The contact');
  return rows
    .filter((r) => r.id !== null)
    .map((r) => ({ id: r.id!, kind: r.kind!, name: r.name!, enteredAt: new Date(r.entered_at!) }));
}
