// Who each tracked message is about, for a whole request at once: userIds and emails
// through the contact upsert, anonymousIds through contact_aliases, and the merges that
// identify and alias calls imply. Reading and planning live here; the writes in merge.ts.
import type { SqlSession } from '../db/client.ts';
import type { ContactInput, UpsertResult } from '../contacts/upsert.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import type { TrackedMessage } from './messages.ts';

/** A concurrent writer changed what this request read; it is run again. */
export class RetryableConflict extends Error {}

interface Known {
  externalId: string | null;
  email: string | null;
}

interface LookupRow {
  kind: string;
  key: string;
  id: string;
  external_id: string | null;
  email: string | null;
  extra: { country: string | null; defs: PropertyDefinition[] } | null;
}

/** What the database knows of a request's ids. */
export interface Lookup {
  info: Map<string, Known>;
  /** anonymousId → contact id. */
  aliasOf: Map<string, string>;
  /** external id (userIds, alias previousIds) → contact id. */
  byExternalId: Map<string, string>;
  /** messageIds of identify and alias calls stored before. */
  stored: Set<string>;
  /** For traits: the workspace's default country (phone numbers) and property definitions. */
  settings?: { country: string | null; defs: PropertyDefinition[] };
}

/**
 * One statement: contacts by userId and alias previousId, contacts by anonymousId, and the
 * identify and alias calls stored before (a retry must not change contacts again; other
 * repeats are left to the events insert's on conflict). Needs no transaction: what a
 * concurrent writer changes in between is caught when writing (see merge.ts, tracking.ts).
 * With `settings`, also what traits are typed against, saving a round trip.
 */
export async function lookup(db: SqlSession, workspaceId: string, messages: TrackedMessage[], settings: boolean): Promise<Lookup> {
  const externalIds = new Set<string>();
  const anonymousIds = new Set<string>();
  for (const m of messages) {
    if (m.userId !== undefined) externalIds.add(m.userId);
    if (m.anonymousId !== undefined) anonymousIds.add(m.anonymousId);
    if (m.previousId !== undefined) {
      externalIds.add(m.previousId);
      anonymousIds.add(m.previousId);
    }
  }
  const changing = messages.filter((m) => m.type === 'identify' || m.type === 'alias').map((m) => m.messageId);
  // Each key is looked up on its own unique index (LATERAL … LIMIT 1): with "= any(…)" or a
  // join, and stale statistics (PGlite runs no autovacuum worker; some servers run with
  // autovacuum off), the planner may scan the whole workspace instead. Only the parts a
  // request needs are sent: planning the others would cost more than running them. Every
  // part names its columns, as the first one's names are the result's.
  const parts: string[] = [];
  const params: unknown[] = [workspaceId];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (externalIds.size > 0) {
    parts.push(`select 'x' as kind, k.key, c.id, c.external_id, c.email, null::jsonb as extra from unnest(${param([...externalIds])}::text[]) as k(key)
      cross join lateral (select id, external_id, email from contacts where workspace_id = $1 and external_id = k.key limit 1) c`);
  }
  if (anonymousIds.size > 0) {
    parts.push(`select 'a' as kind, k.key, c.id, c.external_id, c.email, null::jsonb as extra from unnest(${param([...anonymousIds])}::text[]) as k(key)
      cross join lateral (select contact_id from contact_aliases where workspace_id = $1 and anonymous_id = k.key limit 1) a
      cross join lateral (select id, external_id, email from contacts where id = a.contact_id limit 1) c`);
  }
  if (changing.length > 0) {
    parts.push(`select 'm' as kind, k.key, null::uuid as id, null as external_id, null as email, null::jsonb as extra from unnest(${param(changing)}::text[]) as k(key)
      where exists (select from events where workspace_id = $1 and message_id = k.key)`);
  }
  if (settings) {
    parts.push(`select 'd' as kind, null as key, null::uuid as id, null as external_id, null as email, jsonb_build_object(
      'country', (select default_country from workspaces where id = $1),
      'defs', coalesce((select jsonb_agg(jsonb_build_object('key', key, 'label', label, 'description', description, 'type', type, 'options', options))
                        from property_definitions where workspace_id = $1), '[]'::jsonb)) as extra`);
  }
  const rows = parts.length > 0 ? await db.query<LookupRow>(parts.join('\nunion all\n'), params) : [];
  const result: Lookup = { info: new Map(), aliasOf: new Map(), byExternalId: new Map(), stored: new Set() };
  remember(result, rows);
  return result;
}

function remember(l: Lookup, rows: LookupRow[]): void {
  for (const r of rows) {
    if (r.kind === 'm') {
      l.stored.add(r.key);
      continue;
    }
    if (r.kind === 'd') {
      l.settings = r.extra!;
      continue;
    }
    l.info.set(r.id, { externalId: r.external_id, email: r.email });
    if (r.kind === 'a') l.aliasOf.set(r.key, r.id);
    else if (r.kind === 'x') l.byExternalId.set(r.key, r.id);
  }
}

/**
 * The contacts to write through the upsert (matched by external id, then email): identify
 * calls with traits, and userIds seen for the first time. Known userIds without traits
 * write nothing: most requests never change a contact.
 */
export function upsertInputs(l: Lookup, messages: TrackedMessage[], traits: Map<TrackedMessage, ContactInput>) {
  const inputs: ContactInput[] = [];
  const inputOf = new Map<TrackedMessage, number>();
  for (const m of messages) {
    const t = traits.get(m);
    const input =
      t && m.userId !== undefined ? { ...t, externalId: m.userId }
      : t?.email ? t
      : m.userId !== undefined && !l.byExternalId.has(m.userId) ? { externalId: m.userId }
      : undefined;
    if (input) inputOf.set(m, inputs.push(input) - 1);
  }
  return { inputs, inputOf };
}

/**
 * Whether an anonymous contact may merge into a known one depends on the known one's
 * external id and email. For contacts written with a userId they follow from the input;
 * those found by email alone are read back (rare: an identify with an email, no userId).
 */
export async function learnUpserted(
  tx: SqlSession,
  workspaceId: string,
  l: Lookup,
  messages: TrackedMessage[],
  written: { inputs: ContactInput[]; inputOf: Map<TrackedMessage, number>; results: UpsertResult[] },
): Promise<void> {
  written.inputs.forEach((input, i) => {
    const r = written.results[i]!;
    if (input.externalId == null) return;
    const email = !r.conflict && input.email ? input.email : (l.info.get(r.id)?.email ?? null);
    l.info.set(r.id, { externalId: input.externalId, email });
  });
  const unknown = new Set<string>();
  for (const m of messages) {
    const i = written.inputOf.get(m);
    const id = i === undefined ? undefined : written.results[i]!.id;
    if (id && !l.info.has(id) && (m.anonymousId !== undefined || m.previousId !== undefined)) unknown.add(id);
  }
  if (unknown.size === 0) return;
  remember(
    l,
    await tx.query<LookupRow>(`select 'k' as kind, id::text as key, id, external_id, email, null as extra from contacts where workspace_id = $1 and id = any($2::uuid[])`, [
      workspaceId,
      [...unknown],
    ]),
  );
}

export interface Plan {
  /** The contact key of each message: a contact id, or "new:<anonymousId>" for one to create. */
  keys: string[];
  /** Merged contact → the contact it merges into (a union-find; follow with `find`). */
  parent: Map<string, string>;
  /** anonymousIds to record, with the contact key each belongs to. */
  newAliases: Map<string, string>;
}

export const NEW = 'new:';

export function find(parent: Map<string, string>, key: string): string {
  while (parent.has(key)) key = parent.get(key)!;
  return key;
}

/**
 * Who each message is about, in message order, and which contacts merge:
 * - a message with a userId (or an identify with an email) and an anonymousId links the
 *   two: the anonymous contact is merged into the known one when it has no external id and
 *   no different email; otherwise the anonymousId stays with the person it first belonged
 *   to (a shared device) and the message still counts for the known contact;
 * - alias(previousId, userId) is explicit: previousId's contact (by anonymousId, else by
 *   external id) is merged into userId's whatever it is;
 * - a message with only an anonymousId belongs to that id's contact, created when new.
 * `knownOf` gives the contact of a message's userId or identify email, if it has one.
 */
export function plan(l: Lookup, messages: TrackedMessage[], knownOf: (m: TrackedMessage) => string | undefined): Plan {
  const parent = new Map<string, string>();
  const newAliases = new Map<string, string>();
  const aliasOf = new Map(l.aliasOf);
  const info = new Map([...l.info].map(([k, v]) => [k, { ...v }]));
  const merge = (source: string, target: string) => {
    parent.set(source, target);
    const t = info.get(target);
    if (t) t.email ??= info.get(source)?.email ?? null;
  };
  const link = (anonymousId: string, known: string, explicit: boolean) => {
    const current = aliasOf.get(anonymousId);
    if (current === undefined) {
      aliasOf.set(anonymousId, known);
      newAliases.set(anonymousId, known);
      return;
    }
    const source = find(parent, current);
    const target = find(parent, known);
    if (source === target) return;
    const s = info.get(source) ?? { externalId: null, email: null };
    const t = info.get(target) ?? { externalId: null, email: null };
    if (explicit || (s.externalId === null && (s.email === null || t.email === null || s.email === t.email))) merge(source, target);
  };
  const keys = messages.map((m) => {
    const known = knownOf(m);
    if (m.type === 'alias' && known !== undefined) {
      const previous = m.previousId!;
      const byId = aliasOf.has(previous) ? undefined : l.byExternalId.get(previous);
      if (byId !== undefined && find(parent, byId) !== find(parent, known)) merge(find(parent, byId), find(parent, known));
      link(previous, known, true);
    }
    if (known !== undefined) {
      if (m.anonymousId !== undefined) link(m.anonymousId, known, false);
      return known;
    }
    const a = m.anonymousId!;
    if (!aliasOf.has(a)) {
      aliasOf.set(a, NEW + a);
      info.set(NEW + a, { externalId: null, email: null });
      newAliases.set(a, NEW + a);
    }
    return aliasOf.get(a)!;
  });
  return { keys, parent, newAliases };
}
