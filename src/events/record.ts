// The one way onto the event spine. Every event is written by `recordEvents` (rows built in
// TypeScript) or by a statement that embeds `insertEventsSql` (rows selected in SQL: a
// segment's entries and exits, an import's orders, a broadcast's sends), in the caller's
// transaction, under the spine's idempotency rule: `message_id` is derived from the event's
// cause, unique per workspace, and a second write of the same cause is skipped, never doubled.
import type { SqlSession } from '../db/client.ts';
import type { EventSource, SystemEventName, SystemEventProperties } from './catalogue.ts';

/** The columns a select handed to `insertEventsSql` yields, in this order. */
export const EVENT_COLUMNS = 'workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id';

/**
 * The INSERT every writer uses: `select` yields EVENT_COLUMNS (and `import_id` last when
 * `importId` is set). An event whose message id the workspace already has is skipped.
 */
export function insertEventsSql(select: string, options: { importId?: boolean; returning?: string } = {}): string {
  return `insert into events (${EVENT_COLUMNS}${options.importId ? ', import_id' : ''})
     ${select}
     on conflict (workspace_id, message_id) do nothing${options.returning ? `\n     returning ${options.returning}` : ''}`;
}

/** A system event's name as an SQL literal, checked against the catalogue at compile time. */
export const eventNameSql = (name: SystemEventName): string => `'${name}'`;

interface EventBase {
  contactId: string;
  occurredAt: Date;
  /** When Rapport learnt of it; the occurrence by default. */
  receivedAt?: Date;
  /** The idempotency key, derived from the cause: "email.opened:<message id>". */
  messageId: string;
}

/** An event from the catalogue with the properties it declares. */
export type NewEvent = { [N in SystemEventName]: EventBase & { name: N; properties: SystemEventProperties<N> } }[SystemEventName];

/** Writes events in the caller's transaction; returns how many were new (the rest were already there). */
export async function recordEvents(tx: SqlSession, workspaceId: string, source: EventSource, events: NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    c: e.contactId,
    n: e.name,
    p: e.properties,
    o: e.occurredAt.toISOString(),
    r: (e.receivedAt ?? e.occurredAt).toISOString(),
    m: e.messageId,
  }));
  const [row] = await tx.query<{ n: number }>(
    `with written as (
       ${insertEventsSql(
         `select $1::uuid, e.c, e.n, coalesce(e.p, '{}'::jsonb), e.o, e.r, $2::text, e.m
          from jsonb_to_recordset($3::jsonb) as e(c uuid, n text, p jsonb, o timestamptz, r timestamptz, m text)`,
         { returning: '1' },
       )})
     select count(*)::int as n from written`,
    [workspaceId, source, JSON.stringify(rows)],
  );
  return row?.n ?? 0;
}
