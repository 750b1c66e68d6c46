// Stored membership, kept current. A segment is recomputed whole when its definition is
// saved and on a schedule when its conditions are relative to now; between those, the
// contacts queued in segment_pending (by triggers on events, contacts and contact changes)
// are re-evaluated for the segments that read what changed, and nothing else. Every entry
// and exit is written to the event spine as `segment.entered` / `segment.exited`.
import type { SqlSession } from '../db/client.ts';
import { eventNameSql, insertEventsSql } from '../events/record.ts';
import type { AppContext } from '../server/context.ts';
import { soon } from '../jobs/soon.ts';
import { Params } from '../db/params.ts';
import { compileSegment, compileSegments } from './compile.ts';
import type { SegmentNode } from './definition.ts';
import { loadSegmentContext, type StoredSegment } from './segments.ts';
import type { SegmentContext } from './validate.ts';

/** Past this many queued contacts, recomputing the affected segments whole is cheaper. */
const ENTERED = eventNameSql('segment.entered');
const EXITED = eventNameSql('segment.exited');
const FULL_RECOMPUTE_AFTER = 20_000;
const PENDING_BATCH = 5_000;

export interface MembershipChange {
  entered: number;
  exited: number;
}

/**
 * Brings one segment's stored membership in line with its definition: for every contact, or
 * only for `contactIds`. Writes the entries and exits and their events in one statement.
 */
export async function refreshMembership(
  tx: SqlSession,
  sctx: SegmentContext,
  segment: { id: string; name: string; definition: SegmentNode },
  contactIds?: string[],
): Promise<MembershipChange> {
  const compiled = compileSegment(segment.definition, sctx, contactIds ? { contactIds } : {});
  const params = [...compiled.params];
  const add = (v: unknown, cast: string) => {
    params.push(v);
    return `$${params.length}::${cast}`;
  };
  const seg = add(segment.id, 'uuid');
  const ws = add(sctx.workspaceId, 'uuid');
  const now = add(sctx.now, 'timestamptz');
  const name = add(segment.name, 'text');
  const stamp = add(String(sctx.now.getTime()), 'text');
  const only = contactIds ? ` and m.contact_id = any(${add(contactIds, 'uuid[]')})` : '';
  const [row] = await tx.query<{ entered: number; exited: number }>(
    `with target as materialized (${compiled.sql}),
     current_members as (select m.contact_id from segment_members m where m.segment_id = ${seg} and m.exited_at is null${only}),
     entered as (
       insert into segment_members (workspace_id, segment_id, contact_id, entered_at)
       select ${ws}, ${seg}, t.id, ${now} from target t
       where not exists (select 1 from current_members cm where cm.contact_id = t.id)
       returning contact_id),
     exited as (
       update segment_members m set exited_at = ${now}
       where m.segment_id = ${seg} and m.exited_at is null${only}
         and not exists (select 1 from target t where t.id = m.contact_id)
       returning m.contact_id),
     changes as (
       select contact_id, ${ENTERED} as name from entered
       union all select contact_id, ${EXITED} from exited),
     written as (
       ${insertEventsSql(
         `select ${ws}, x.contact_id, x.name, jsonb_build_object('segment_id', ${seg}, 'segment_name', ${name}), ${now}, ${now}, 'segments',
                 x.name || ':' || ${seg} || ':' || x.contact_id || ':' || ${stamp}
          from changes x`,
       )})
     select (select count(*) from entered)::int as entered, (select count(*) from exited)::int as exited`,
    params,
  );
  const change = { entered: row!.entered, exited: row!.exited };
  if (!contactIds) {
    await tx.query(
      `update segments set member_count = (select count(*) from segment_members where segment_id = $1 and exited_at is null),
              evaluated_at = $2 where id = $1`,
      [segment.id, sctx.now],
    );
    await recordSize(tx, segment.id, sctx.now);
  } else if (change.entered !== 0 || change.exited !== 0) {
    await tx.query(
      `with s as (update segments set member_count = member_count + $2 where id = $1 returning id, member_count)
       insert into segment_sizes (segment_id, day, size) select id, ($3::timestamptz at time zone 'UTC')::date, member_count from s
       on conflict (segment_id, day) do update set size = excluded.size`,
      [segment.id, change.entered - change.exited, sctx.now],
    );
  }
  return change;
}

/**
 * Re-evaluates `contactIds` for several segments in one statement (none of them may use
 * another of them: their stored membership is read as it was before the statement). The
 * path every tracked event takes, so its cost is one round trip, not one per segment.
 */
export async function refreshMembershipOf(
  tx: SqlSession,
  sctx: SegmentContext,
  segments: { id: string; definition: SegmentNode }[],
  contactIds: string[],
): Promise<number> {
  if (segments.length === 0 || contactIds.length === 0) return 0;
  const p = new Params();
  const { sqls } = compileSegments(segments.map((s) => s.definition), sctx, { contactIds, params: p });
  const ids = p.add(contactIds, 'uuid[]');
  const segs = p.add(segments.map((s) => s.id), 'uuid[]');
  const ws = p.add(sctx.workspaceId, 'uuid');
  const now = p.add(sctx.now, 'timestamptz');
  const stamp = p.add(String(sctx.now.getTime()), 'text');
  const targets = sqls.map((sql, i) => `select ${p.add(segments[i]!.id, 'uuid')} as segment_id, t.id as contact_id from (${sql}) t`);
  const [row] = await tx.query<{ changed: number }>(
    `with target as materialized (${targets.join('\n union all ')}),
     current_members as (
       select m.segment_id, m.contact_id from segment_members m
       where m.segment_id = any(${segs}) and m.contact_id = any(${ids}) and m.exited_at is null),
     entered as (
       insert into segment_members (workspace_id, segment_id, contact_id, entered_at)
       select ${ws}, t.segment_id, t.contact_id, ${now} from target t
       where not exists (select 1 from current_members cm where cm.segment_id = t.segment_id and cm.contact_id = t.contact_id)
       returning segment_id, contact_id),
     exited as (
       update segment_members m set exited_at = ${now} from current_members cm
       where m.segment_id = cm.segment_id and m.contact_id = cm.contact_id and m.exited_at is null
         and not exists (select 1 from target t where t.segment_id = cm.segment_id and t.contact_id = cm.contact_id)
       returning m.segment_id, m.contact_id),
     changes as (
       select segment_id, contact_id, ${ENTERED} as name from entered
       union all select segment_id, contact_id, ${EXITED} from exited),
     written as (
       ${insertEventsSql(
         `select ${ws}, x.contact_id, x.name, jsonb_build_object('segment_id', x.segment_id, 'segment_name', s.name), ${now}, ${now}, 'segments',
                 x.name || ':' || x.segment_id || ':' || x.contact_id || ':' || ${stamp}
          from changes x join segments s on s.id = x.segment_id`,
       )}),
     deltas as (select segment_id, sum(case when name = ${ENTERED} then 1 else -1 end)::int as d from changes group by segment_id),
     counted as (
       update segments s set member_count = s.member_count + d.d from deltas d where s.id = d.segment_id and d.d <> 0
       returning s.id, s.member_count),
     sized as (
       insert into segment_sizes (segment_id, day, size) select id, (${now} at time zone 'UTC')::date, member_count from counted
       on conflict (segment_id, day) do update set size = excluded.size)
     select (select count(*) from changes)::int as changed`,
    p.values,
  );
  return row!.changed;
}

/** Today's size of a segment, for the 30-day chart (the last write of a day wins). */
export async function recordSize(tx: SqlSession, segmentId: string, now: Date): Promise<void> {
  await tx.query(
    `insert into segment_sizes (segment_id, day, size)
     select id, ($2::timestamptz at time zone 'UTC')::date, member_count from segments where id = $1
     on conflict (segment_id, day) do update set size = excluded.size`,
    [segmentId, now],
  );
}

/**
 * Serializes membership work per workspace, across processes, for one transaction. A
 * deletion that removes memberships itself (forgetDeletedContacts) takes it BEFORE it locks
 * the contacts (`lockSegmentsOf`): taken after, the queue holding it may wait for those rows
 * while the deletion waits for it (a deadlock PostgreSQL breaks after a second). Tracking's
 * merges take no such lock: their deletions leave the memberships to the queue.
 */
async function lockWorkspace(tx: SqlSession, workspaceId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.segments:' || $1::text, 0))", [workspaceId]);
}

/** For a transaction about to lock contacts it will delete: the segment lock first (see above). */
export const lockSegmentsOf = lockWorkspace;

/**
 * Removes the memberships (with their history) of deleted contacts and takes them off the
 * counts. The deletion trigger only queues them ('deleted', migration 0021): the queue calls
 * this under the workspace's lock, and deletions people ask for call it right after deleting,
 * having taken the lock first. Contacts still there (a deletion rolled back) are left alone.
 */
export async function forgetDeletedContacts(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await tx.query(
    `with gone as (
       delete from segment_members m
       where m.workspace_id = $1 and m.contact_id = any($2::uuid[])
         and not exists (select 1 from contacts c where c.id = m.contact_id)
       returning m.segment_id, m.exited_at)
     update segments s set member_count = s.member_count - g.n
     from (select segment_id, count(*)::int as n from gone where exited_at is null group by segment_id order by segment_id) g
     where s.id = g.segment_id`,
    [workspaceId, contactIds],
  );
}

/** Segments in an order where every segment comes after the segments it uses. */
function dependencyOrder(segments: StoredSegment[]): StoredSegment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const out: StoredSegment[] = [];
  const seen = new Set<string>();
  const visit = (s: StoredSegment) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    for (const used of s.dependsOnSegments) {
      const u = byId.get(used);
      if (u) visit(u);
    }
    out.push(s);
  };
  segments.forEach(visit);
  return out;
}

/** How deep each segment sits: 0 uses no segment, 1 uses only level-0 ones, and so on. */
function dependencyLevels(segments: StoredSegment[]): Map<string, number> {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const levels = new Map<string, number>();
  const level = (s: StoredSegment): number => {
    const known = levels.get(s.id);
    if (known !== undefined) return known;
    levels.set(s.id, 0); // cycles are refused on save; this only guards the recursion
    const l = Math.max(-1, ...s.dependsOnSegments.map((id) => (byId.get(id) ? level(byId.get(id)!) : -1))) + 1;
    levels.set(s.id, l);
    return l;
  };
  segments.forEach(level);
  return levels;
}

/** The segments that use any of `ids`, directly or through other segments. */
export function dependentsOf(segments: StoredSegment[], ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const s of segments) {
      if (s.dependsOnSegments.includes(id) && !out.has(s.id)) {
        out.add(s.id);
        queue.push(s.id);
      }
    }
  }
  return out;
}

/**
 * Recomputes segments whole (those named, then every segment that uses them), in an order
 * where a segment comes after those it uses.
 */
export async function recomputeSegments(ctx: AppContext, workspaceId: string, segmentIds: string[]): Promise<Map<string, MembershipChange>> {
  return ctx.db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const sctx = await loadSegmentContext(tx, workspaceId, ctx.clock.now());
    const all = [...sctx.stored.values()].filter((s) => s.kind === 'segment');
    const wanted = new Set([...segmentIds, ...dependentsOf(all, segmentIds)]);
    const results = new Map<string, MembershipChange>();
    for (const s of dependencyOrder(all)) {
      if (!wanted.has(s.id) || !s.definition) continue;
      results.set(s.id, await refreshMembership(tx, sctx, { id: s.id, name: s.name, definition: s.definition }));
    }
    return results;
  });
}

/**
 * Works off the queue of contacts whose segments may have changed, for one workspace:
 * each batch re-evaluates those contacts for the segments that read what changed (and for
 * the segments that use those). Returns how many queued rows it took.
 */
export async function processPending(ctx: AppContext, workspaceId: string): Promise<number> {
  // Most writes queue nothing (no segment reads what they changed): one indexed read, not a
  // transaction with the workspace's lock. Rows queued after it bring their own call.
  const [first] = await ctx.db.query<{ queued: boolean }>('select exists (select 1 from segment_pending where workspace_id = $1) as queued', [workspaceId]);
  if (!first?.queued) return 0;
  let taken = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      await lockWorkspace(tx, workspaceId);
      const [{ queued } = { queued: 0 }] = await tx.query<{ queued: number }>(
        'select count(*)::int as queued from (select 1 from segment_pending where workspace_id = $1 limit $2) q',
        [workspaceId, FULL_RECOMPUTE_AFTER + 1],
      );
      if (queued === 0) return 0;
      const sctx = await loadSegmentContext(tx, workspaceId, ctx.clock.now());
      const all = dependencyOrder([...sctx.stored.values()].filter((s) => s.kind === 'segment'));
      if (queued > FULL_RECOMPUTE_AFTER) {
        // A large import: everything it touched, whole.
        // (The distinct reasons only: a million queued rows never come to Node.)
        // Deleted contacts' memberships go in the same statement (as forgetDeletedContacts).
        const rows = await tx.query<{ reason: string; n: number }>(
          `with taken as (delete from segment_pending where workspace_id = $1 returning contact_id, reason),
           gone as (
             delete from segment_members m using (select distinct contact_id from taken where reason = 'deleted') d
             where m.workspace_id = $1 and m.contact_id = d.contact_id and not exists (select 1 from contacts c where c.id = m.contact_id)
             returning m.segment_id, m.exited_at),
           counted as (
             update segments s set member_count = s.member_count - g.n
             from (select segment_id, count(*)::int as n from gone where exited_at is null group by segment_id) g
             where s.id = g.segment_id)
           select reason, count(*)::int as n from taken group by reason`,
          [workspaceId],
        );
        const affected = all.filter((s) => rows.some((r) => reads(s, r.reason)));
        const wanted = new Set([...affected.map((s) => s.id), ...dependentsOf(all, affected.map((s) => s.id))]);
        for (const s of all) if (wanted.has(s.id)) await refreshMembership(tx, sctx, { id: s.id, name: s.name, definition: s.definition! });
        return rows.reduce((sum, r) => sum + r.n, 0);
      }
      const rows = await tx.query<{ contact_id: string; reason: string }>(
        `delete from segment_pending where id in (
           select id from segment_pending where workspace_id = $1 order by id limit $2 for update skip locked)
         returning contact_id, reason`,
        [workspaceId, PENDING_BATCH],
      );
      await forgetDeletedContacts(tx, workspaceId, [...new Set(rows.filter((r) => r.reason === 'deleted').map((r) => r.contact_id))]);
      // For each segment, the contacts to re-evaluate: those whose change it reads, plus
      // those of the segments it uses (their membership may have moved).
      const contactsFor = new Map<string, Set<string>>();
      for (const s of all) {
        const set = new Set<string>();
        for (const r of rows) if (reads(s, r.reason)) set.add(r.contact_id);
        for (const used of s.dependsOnSegments) for (const id of contactsFor.get(used) ?? []) set.add(id);
        if (set.size > 0) contactsFor.set(s.id, set);
      }
      // One statement per level of dependency: a segment is evaluated after those it uses.
      const levels = dependencyLevels(all);
      for (let level = 0; level <= Math.max(-1, ...levels.values()); level++) {
        const batch = all.filter((s) => levels.get(s.id) === level && contactsFor.has(s.id));
        const ids = [...new Set(batch.flatMap((s) => [...contactsFor.get(s.id)!]))];
        // Evaluating a segment for a contact that did not change it is harmless (no change),
        // and one statement for all of them costs less than one per segment.
        await refreshMembershipOf(tx, sctx, batch.map((s) => ({ id: s.id, definition: s.definition! })), ids);
      }
      return rows.length;
    });
    taken += n;
    // A short batch emptied the queue as it was; what arrived since brings its own call.
    if (n < PENDING_BATCH) return taken;
  }
}

/**
 * Whether a change ('new', 'event:<name>', 'field:<field>', 'segment:<id>') can move a segment.
 * ('deleted' moves none: a deleted contact's memberships are removed, not re-evaluated.)
 */
function reads(s: StoredSegment, reason: string): boolean {
  if (reason === 'new') return true;
  if (reason.startsWith('event:')) return s.dependsOnEvents.includes(reason.slice(6));
  if (reason.startsWith('field:')) return s.dependsOnFields.includes(reason.slice(6));
  if (reason.startsWith('segment:')) return s.dependsOnSegments.includes(reason.slice(8));
  return false;
}

// ---- Running the queue soon after a change, in this process -----------------------------------

const updates = soon('segment update of workspace');

/**
 * Asks for the queue of a workspace to be worked off soon (next tick), once however many
 * times it is asked meanwhile. A periodic job does the same for every workspace, so a change
 * made by another process or before a crash is not left waiting.
 */
export function scheduleSegmentUpdate(ctx: AppContext, workspaceId: string): void {
  updates.ask(workspaceId, () => processPending(ctx, workspaceId));
}

/** Waits for scheduled updates (tests, benchmarks, shutdown). */
export async function segmentUpdatesSettled(): Promise<void> {
  await updates.settled();
}

/** Every workspace with queued contacts: for the periodic job. */
export async function processAllPending(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.query<{ workspace_id: string }>('select distinct workspace_id from segment_pending');
  for (const r of rows) await processPending(ctx, r.workspace_id);
}

/** Segments whose answer moves with time: recomputed whole by the scheduled job. */
export async function recomputeTimeRelative(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.query<{ workspace_id: string; ids: string[] }>(
    "select workspace_id, array_agg(id) as ids from segments where kind = 'segment' and time_relative group by workspace_id",
  );
  for (const r of rows) await recomputeSegments(ctx, r.workspace_id, r.ids);
}
