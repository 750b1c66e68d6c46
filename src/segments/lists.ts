// Static lists: members added and removed by hand, from an import, or as a snapshot of a
// segment. Each change is written as `segment.entered` / `segment.exited` like a segment's,
// and segments that use the list are re-evaluated for the contacts that moved.
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, notFound } from '../errors.ts';
import { insertEventsSql } from '../events/record.ts';
import { recordSize, scheduleSegmentUpdate } from './membership.ts';

async function lockList(tx: SqlSession, workspaceId: string, listId: string): Promise<{ name: string }> {
  const [list] = await tx.query<{ name: string; kind: string }>('select name, kind from segments where workspace_id = $1 and id = $2 for update', [workspaceId, listId]);
  if (!list) throw notFound('The list');
  if (list.kind !== 'list') throw badRequest('Only a list has members added by hand; a segment follows its definition.', [{ path: 'id', message: 'is a segment, not a list' }]);
  return list;
}

/** Which contacts to add: named ones, an import's, or a segment's current members (all of this workspace). */
function sourceSql(source: { contactIds: string[] } | { importId: string } | { segmentId: string }): { sql: string; value: unknown } {
  if ('contactIds' in source) return { sql: 'select c.id from contacts c where c.workspace_id = $1 and c.id = any($3::uuid[])', value: source.contactIds };
  if ('importId' in source) {
    return {
      sql: `select c.id from contacts c where c.workspace_id = $1 and c.import_id = $3::uuid
            union select ch.contact_id from contact_changes ch join contacts c on c.id = ch.contact_id
            where ch.workspace_id = $1 and ch.import_id = $3::uuid`,
      value: source.importId,
    };
  }
  return { sql: 'select m.contact_id from segment_members m where m.workspace_id = $1 and m.segment_id = $3::uuid and m.exited_at is null', value: source.segmentId };
}

export async function addListMembers(
  ctx: AppContext,
  workspaceId: string,
  listId: string,
  source: { contactIds: string[] } | { importId: string } | { segmentId: string },
): Promise<number> {
  const now = ctx.clock.now();
  const added = await ctx.db.transaction(async (tx) => {
    const list = await lockList(tx, workspaceId, listId);
    const from = sourceSql(source);
    const rows = await tx.query<{ contact_id: string }>(
      `insert into segment_members (workspace_id, segment_id, contact_id, entered_at)
       select $1, $2, s.id, $4 from (${from.sql}) s(id)
       where not exists (select 1 from segment_members m where m.segment_id = $2 and m.contact_id = s.id and m.exited_at is null)
       returning contact_id`,
      [workspaceId, listId, from.value, now],
    );
    await changed(tx, workspaceId, listId, list.name, rows.map((r) => r.contact_id), 'segment.entered', now);
    return rows.length;
  });
  scheduleSegmentUpdate(ctx, workspaceId);
  return added;
}

/**
 * Adds contacts to a list in the caller's transaction (a workflow's step); returns those that
 * were not members. A list that is gone (or is a segment) adds nobody.
 */
export async function addToList(tx: SqlSession, workspaceId: string, listId: string, contactIds: string[], now: Date): Promise<string[]> {
  const [list] = await tx.query<{ name: string }>("select name from segments where workspace_id = $1 and id = $2 and kind = 'list' for update", [workspaceId, listId]);
  if (!list || contactIds.length === 0) return [];
  const rows = await tx.query<{ contact_id: string }>(
    `insert into segment_members (workspace_id, segment_id, contact_id, entered_at)
     select $1, $2, c.id, $4 from contacts c
     where c.workspace_id = $1 and c.id = any($3::uuid[])
       and not exists (select 1 from segment_members m where m.segment_id = $2 and m.contact_id = c.id and m.exited_at is null)
     returning contact_id`,
    [workspaceId, listId, contactIds, now],
  );
  const ids = rows.map((r) => r.contact_id);
  await changed(tx, workspaceId, listId, list.name, ids, 'segment.entered', now);
  return ids;
}

/** Takes contacts off a list in the caller's transaction; returns those that were members. */
export async function removeFromList(tx: SqlSession, workspaceId: string, listId: string, contactIds: string[], now: Date): Promise<string[]> {
  const [list] = await tx.query<{ name: string }>("select name from segments where workspace_id = $1 and id = $2 and kind = 'list' for update", [workspaceId, listId]);
  if (!list || contactIds.length === 0) return [];
  const rows = await tx.query<{ contact_id: string }>(
    `update segment_members set exited_at = $4 where segment_id = $2 and workspace_id = $1 and exited_at is null and contact_id = any($3::uuid[])
     returning contact_id`,
    [workspaceId, listId, contactIds, now],
  );
  const ids = rows.map((r) => r.contact_id);
  await changed(tx, workspaceId, listId, list.name, ids, 'segment.exited', now);
  return ids;
}

export async function removeListMembers(ctx: AppContext, workspaceId: string, listId: string, contactIds: string[]): Promise<number> {
  const removed = await ctx.db.transaction(async (tx) => {
    await lockList(tx, workspaceId, listId);
    return (await removeFromList(tx, workspaceId, listId, contactIds, ctx.clock.now())).length;
  });
  scheduleSegmentUpdate(ctx, workspaceId);
  return removed;
}

/** Count, size history, events on the spine, and the segments that use the list queued. */
async function changed(tx: SqlSession, workspaceId: string, listId: string, name: string, contactIds: string[], event: 'segment.entered' | 'segment.exited', now: Date): Promise<void> {
  if (contactIds.length === 0) return;
  const delta = event === 'segment.entered' ? contactIds.length : -contactIds.length;
  await tx.query('update segments set member_count = member_count + $2, updated_at = $3 where id = $1', [listId, delta, now]);
  await recordSize(tx, listId, now);
  await tx.query(
    insertEventsSql(
      `select $1, c, $4, jsonb_build_object('segment_id', $2::uuid, 'segment_name', $5::text, 'segment_kind', 'list'), $6, $6, 'segments', $4 || ':' || $2 || ':' || c || ':' || $7
       from unnest($3::uuid[]) c`,
    ),
    [workspaceId, listId, contactIds, event, name, now, String(now.getTime())],
  );
  await tx.query(
    `insert into segment_pending (workspace_id, contact_id, reason)
     select $1, c, 'segment:' || $2 from unnest($3::uuid[]) c
     where exists (select 1 from segments s where s.workspace_id = $1 and $2::uuid = any(s.depends_on_segments))`,
    [workspaceId, listId, contactIds],
  );
}
