// Segments over time: the size of segments per day (stored by the segments domain each day in
// segment_sizes), several on one chart; by default the five largest.
import type { SqlSession } from '../db/client.ts';
import { invalid } from '../errors.ts';
import type { SegmentsResult } from './contract.ts';

export async function segmentSizesOf(db: SqlSession, workspaceId: string, from: string, to: string, ids: string[] | undefined): Promise<SegmentsResult> {
  const available = await db.query<{ id: string; name: string; size: number }>(
    `select id, name, member_count as size from segments where workspace_id = $1 order by member_count desc, name limit 200`,
    [workspaceId],
  );
  let chosen: string[];
  if (ids && ids.length > 0) {
    const known = new Set(available.map((s) => s.id));
    const unknown = ids.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw invalid('unknown_segment', 'One of the segments is not in this workspace.', [{ path: 'ids', message: `${ids[unknown]} is not a segment of this workspace` }]);
    chosen = ids;
  } else chosen = available.slice(0, 5).map((s) => s.id);
  const rows = await db.query<{ segment_id: string; day: string; size: number }>(
    `select segment_id, day::text as day, size from segment_sizes
     where segment_id = any($1::uuid[]) and day >= $2::date and day <= $3::date order by segment_id, day`,
    [chosen, from, to],
  );
  return {
    from,
    to,
    segments: chosen.map((id) => ({
      id,
      name: available.find((s) => s.id === id)!.name,
      sizes: rows.filter((r) => r.segment_id === id).map((r) => ({ day: r.day, size: r.size })),
    })),
    available,
  };
}
