// Reading the spine for one contact: their events newest first in keyset pages, the names
// they have, every event (the GDPR export), and forgetting them when the contact goes.
import type { SqlSession } from '../db/client.ts';
import { Params } from '../db/params.ts';
import { badRequest } from '../errors.ts';

interface EventRow {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: Date | string;
  received_at: Date | string;
  source: string;
  /** occurred_at at full (microsecond) precision, for the cursor: a JS Date keeps only milliseconds. */
  t: string;
}

export interface StoredEvent {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  receivedAt: Date;
  source: string;
}

const toEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  name: r.name,
  properties: r.properties,
  occurredAt: new Date(r.occurred_at),
  receivedAt: new Date(r.received_at),
  source: r.source,
});

function decodeCursor(text: string): { t: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof c.t === 'string' && typeof c.id === 'string' && /^[0-9a-f-]{36}$/i.test(c.id)) return { t: c.t, id: c.id };
  } catch {
    // Reported below.
  }
  throw badRequest('This page cursor is not valid; start again from the newest events.', [{ path: 'before', message: 'must be a nextCursor' }]);
}

/**
 * Events of one contact, newest first, optionally of one name. A range scan of the index
 * on (workspace_id, contact_id, occurred_at desc, id desc), however long the history.
 */
export async function eventsOfContact(
  db: SqlSession,
  workspaceId: string,
  contactId: string,
  query: { limit: number; before?: string; name?: string },
): Promise<{ items: StoredEvent[]; nextCursor: string | null }> {
  const p = new Params([workspaceId, contactId]);
  const conds = ['workspace_id = $1', 'contact_id = $2'];
  if (query.name) conds.push(`name = ${p.add(query.name)}`);
  if (query.before) {
    const c = decodeCursor(query.before);
    conds.push(`(occurred_at, id) < (${p.add(c.t, 'timestamptz')}, ${p.add(c.id, 'uuid')})`);
  }
  const rows = await db.query<EventRow>(
    `select id, name, properties, occurred_at, received_at, source, to_jsonb(occurred_at) #>> '{}' as t
     from events where ${conds.join(' and ')}
     order by occurred_at desc, id desc limit ${p.add(query.limit + 1)}`,
    p.values,
  );
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > query.limit && last ? Buffer.from(JSON.stringify({ t: last.t, id: last.id })).toString('base64url') : null;
  return { items: items.map(toEvent), nextCursor };
}

/** The kinds of events a contact has, most frequent first (at most 200). */
export async function eventNamesOfContact(db: SqlSession, workspaceId: string, contactId: string): Promise<{ name: string; count: number }[]> {
  return db.query(
    `select name, count(*)::int as count from events where workspace_id = $1 and contact_id = $2
     group by name order by count(*) desc, name limit 200`,
    [workspaceId, contactId],
  );
}

/** Every event of a contact, oldest first. */
export async function allEventsOfContact(db: SqlSession, workspaceId: string, contactId: string): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(
    `select id, name, properties, occurred_at, received_at, source, '' as t from events
     where workspace_id = $1 and contact_id = $2 order by occurred_at, id`,
    [workspaceId, contactId],
  );
  return rows.map(toEvent);
}

/** Deletes the events of contacts that are gone (their purchase summaries follow by trigger); how many. */
export async function forgetEventsOf(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `with d as (delete from events where workspace_id = $1 and contact_id = any($2::uuid[]) returning 1) select count(*)::int as n from d`,
    [workspaceId, contactIds],
  );
  return row?.n ?? 0;
}
