// Ingesting tracked messages: deduplicate, type traits, resolve contacts, store events.
// A handful of statements per request whatever its number of messages; a transaction only
// when contacts change (most requests only add events for people already known).
import type { SqlSession } from '../db/client.ts';
import type { PropertyType } from '../contacts/fields.ts';
import { ensureDefinitions } from '../contacts/properties.ts';
import { type ContactInput, upsertContacts } from '../contacts/upsert.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import { applyOrderModel, hasOrderEvents } from './orders.ts';
import type { AppContext } from '../server/context.ts';
import { insertEventsSql } from '../events/record.ts';
import type { TrackingIssue } from './contract.ts';
import { find, learnUpserted, type Lookup, lookup, NEW, plan, type Plan, RetryableConflict, upsertInputs } from './identity.ts';
import { applyTraits, linkAliases, mergeContacts } from './merge.ts';
import type { Parsed, TrackedMessage } from './messages.ts';
import { inferType, type PreparedTraits, prepareTraits, typeProperties } from './traits.ts';

export interface IngestResult {
  /** Valid messages: stored now, or before (a retry). */
  accepted: number;
  errors: TrackingIssue[];
  warnings: TrackingIssue[];
}

// Deadlocks and serialization failures (two requests merging the same people), and unique
// or foreign-key violations from a concurrent writer between our read and our write.
const RETRYABLE_CODES = new Set(['40P01', '40001', '23505', '23503']);
const MAX_ATTEMPTS = 5;

const issue = (m: { index: number; messageId?: string }, message: string): TrackingIssue => ({
  index: m.index,
  ...(m.messageId !== undefined ? { messageId: m.messageId } : {}),
  message,
});

export async function ingest(ctx: AppContext, workspaceId: string, parsed: Parsed[]): Promise<IngestResult> {
  const errors: TrackingIssue[] = [];
  let messages: TrackedMessage[] = [];
  parsed.forEach((p, index) => {
    if (p.ok) messages.push(p.message);
    else errors.push(issue({ index, ...(p.messageId !== undefined ? { messageId: p.messageId } : {}) }, p.message));
  });
  // A retried send is stored once: repeats within the request are dropped here, repeats
  // of stored identify and alias calls by the lookup, the rest by the insert.
  const seen = new Set<string>();
  messages = messages.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));

  // Orders and refunds (Segment's e-commerce events) onto the one purchase model.
  const orderIssues = { errors: [] as TrackingIssue[], warnings: [] as TrackingIssue[], understood: 0 };
  if (hasOrderEvents(messages)) {
    const before = messages.length;
    const applied = await applyOrderModel(ctx.db, workspaceId, messages);
    messages = applied.messages;
    orderIssues.errors = applied.errors;
    orderIssues.warnings = applied.warnings;
    // Valid messages with nothing left to store (a refund of an order refunded in full).
    orderIssues.understood = before - messages.length - applied.errors.length;
  }

  let result = { accepted: 0, errors: [] as TrackingIssue[], warnings: [] as TrackingIssue[] };
  if (messages.length > 0) {
    for (let attempt = 1; ; attempt++) {
      try {
        result = await write(ctx, workspaceId, messages);
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        const retry = err instanceof RetryableConflict || (code !== undefined && RETRYABLE_CODES.has(code));
        if (!retry || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }
  return {
    accepted: result.accepted + orderIssues.understood,
    errors: [...errors, ...orderIssues.errors, ...result.errors].sort((a, b) => a.index - b.index),
    warnings: [...orderIssues.warnings, ...result.warnings].sort((a, b) => a.index - b.index),
  };
}

/**
 * One attempt: resolve the contacts and store the events. Requests that change who is who
 * take turns by anonymousId (see lockIdentities), and read once it is their turn: two
 * requests linking or merging the same visitor would otherwise both write, and one would
 * fail and be run again whole (3% of 100-message batches under load, each twice as slow).
 * Identify and alias calls take the turn before reading; other requests read first, and
 * take a turn and read again only when they turn out to change something.
 */
async function write(ctx: AppContext, workspaceId: string, given: TrackedMessage[]): Promise<IngestResult> {
  const settings = given.some(hasTraits);
  if (ctx.db.kind === 'postgres' && given.some((m) => linksIds(m) && (m.anonymousId ?? m.previousId) !== undefined)) {
    return ctx.db.transaction(async (tx) => {
      await lockIdentities(tx, workspaceId, given, linksIds);
      return resolve(ctx, workspaceId, given, await lookup(tx, workspaceId, given, settings), tx);
    });
  }
  return resolve(ctx, workspaceId, given, await lookup(ctx.db, workspaceId, given, settings));
}

const linksIds = (m: TrackedMessage) => m.type === 'identify' || m.type === 'alias';
const hasTraits = (m: TrackedMessage) => m.traits !== undefined && Object.keys(m.traits).length > 0;

/** The rest of an attempt, from what was read; in `locked` when the turn was taken first. */
async function resolve(ctx: AppContext, workspaceId: string, given: TrackedMessage[], known: Lookup, locked?: SqlSession): Promise<IngestResult> {
  let messages = known.stored.size > 0 ? given.filter((m) => !known.stored.has(m.messageId)) : given;
  const { traits, errors, warnings } = await typeTraits(ctx, locked ?? ctx.db, workspaceId, known, messages.filter(hasTraits));
  if (errors.length > 0) {
    const invalid = new Set(errors.map((e) => e.index));
    messages = messages.filter((m) => !invalid.has(m.index));
  }
  const accepted = given.length - errors.length;
  if (messages.length === 0) return { accepted, errors, warnings };

  // Events of people known already, nothing else to write: one statement, atomic on its
  // own, without a transaction's extra round trips. The common case.
  if (!locked && !messages.some((m) => traits.has(m)) && upsertInputs(known, messages, traits).inputs.length === 0) {
    const p = plan(known, messages, (m) => (m.userId === undefined ? undefined : known.byExternalId.get(m.userId)));
    if (p.parent.size === 0 && p.newAliases.size === 0) {
      await insertEvents(ctx.db, workspaceId, messages, p.keys);
      return { accepted, errors, warnings };
    }
  }

  if (locked) await store(locked, workspaceId, messages, known, traits, warnings);
  else {
    await ctx.db.transaction(async (tx) => {
      let current = known;
      let mine = messages;
      if (ctx.db.kind === 'postgres' && (await lockIdentities(tx, workspaceId, messages))) {
        current = { ...(await lookup(tx, workspaceId, messages, false)), ...(known.settings ? { settings: known.settings } : {}) };
        const stored = current.stored;
        if (stored.size > 0) mine = messages.filter((m) => !stored.has(m.messageId));
      }
      if (mine.length > 0) await store(tx, workspaceId, mine, current, traits, warnings);
    });
  }
  return { accepted, errors, warnings };
}

/** Writes contacts, aliases, merges and events, in the caller's transaction. */
async function store(
  tx: SqlSession,
  workspaceId: string,
  messages: TrackedMessage[],
  known: Lookup,
  traits: Map<TrackedMessage, ContactInput>,
  warnings: TrackingIssue[],
): Promise<void> {
  const { inputs, inputOf } = upsertInputs(known, messages, traits);
  // A person first seen through tracking has not said yes to email: not_subscribed until they do.
  const results = inputs.length
    ? await upsertContacts(tx, workspaceId, inputs, { now: now(messages), source: 'tracking', defaultEmailStatus: 'not_subscribed' })
    : [];
  for (const m of messages) {
    const conflict = results[inputOf.get(m) ?? -1]?.conflict;
    if (conflict && m.type === 'identify') warnings.push(issue(m, `traits.email: ${conflict}; it was not stored`));
  }
  await learnUpserted(tx, workspaceId, known, messages, { inputs, inputOf, results });
  const p = plan(known, messages, (m) => {
    const i = inputOf.get(m);
    return i === undefined ? (m.userId === undefined ? undefined : known.byExternalId.get(m.userId)) : results[i]!.id;
  });
  const created = await linkAliases(tx, workspaceId, p, now(messages));
  const idOf = (key: string) => {
    const root = find(p.parent, key);
    return created.get(root) ?? root;
  };
  // Contacts merged away (new anonymous ones never existed), and traits of anonymous people.
  const sources = [...p.parent.keys()].filter((k) => !k.startsWith(NEW));
  const anonymousTraits = traitsById(p, messages, traits, inputOf, idOf);
  // The change history names its writer (the upsert names itself).
  if (inputs.length === 0 && (sources.length > 0 || anonymousTraits.size > 0)) {
    await tx.query("select set_config('rapport.change_source', 'tracking', true)");
  }
  if (sources.length > 0) await mergeContacts(tx, workspaceId, sources, sources.map(idOf), now(messages));
  if (anonymousTraits.size > 0) await applyTraits(tx, workspaceId, anonymousTraits, now(messages));
  await insertEvents(tx, workspaceId, messages, p.keys.map(idOf));
}

/** The first half of the two-integer advisory locks taken per anonymousId ("Rid"). */
const IDENTITY_LOCKS = 0x526964;

/**
 * Takes this transaction's turn on the anonymousIds (and alias previousIds) of the messages,
 * in one order for every writer (no deadlock between them): alone on those that identify
 * and alias calls link or merge (`changing`, or all of them when not given), shared on the
 * others (a page view of a visitor is stored alongside other page views, and waits only for
 * a merge of that visitor). Only needed on PostgreSQL: PGlite runs one transaction at a time.
 * Says whether it took any.
 */
async function lockIdentities(tx: SqlSession, workspaceId: string, messages: TrackedMessage[], changing?: (m: TrackedMessage) => boolean): Promise<boolean> {
  const alone = new Map<string, boolean>();
  for (const m of messages) {
    const mine = changing ? changing(m) : true;
    for (const id of [m.anonymousId, m.previousId]) if (id !== undefined) alone.set(id, (alone.get(id) ?? false) || mine);
  }
  if (alone.size === 0) return false;
  await tx.query(
    `select count(case when alone then pg_advisory_xact_lock(${IDENTITY_LOCKS}, h) else pg_advisory_xact_lock_shared(${IDENTITY_LOCKS}, h) end)
     from (select hashtext($1 || ':' || k) as h, bool_or(a) as alone from unnest($2::text[], $3::boolean[]) as u(k, a) group by 1 order by 1) ordered`,
    [workspaceId, [...alone.keys()], [...alone.values()]],
  );
  return true;
}

/**
 * Traits → contact fields and typed properties. An invalid email makes its identify call
 * invalid (errors); values that do not fit are dropped (warnings). Traits seen for the
 * first time become property definitions with the type of their first value.
 */
async function typeTraits(ctx: AppContext, db: SqlSession, workspaceId: string, known: Lookup, identifies: TrackedMessage[]) {
  const traits = new Map<TrackedMessage, ContactInput>();
  const errors: TrackingIssue[] = [];
  const warnings: TrackingIssue[] = [];
  if (identifies.length === 0) return { traits, errors, warnings };
  const settings = known.settings!;
  const defs = new Map(settings.defs.map((d) => [d.key, d]));
  const prepared = new Map<TrackedMessage, PreparedTraits>();
  const newDefs = new Map<string, PropertyType>();
  for (const m of identifies) {
    const p = prepareTraits(m.traits!, settings.country);
    if ('error' in p) {
      errors.push(issue(m, p.error));
      continue;
    }
    prepared.set(m, p);
    for (const [key, value] of p.custom) {
      const type = defs.has(key) || newDefs.has(key) ? undefined : inferType(value);
      if (type) newDefs.set(key, type);
    }
  }
  if (newDefs.size > 0) {
    await ensureDefinitions(db, workspaceId, [...newDefs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, type]) => ({ key, type })), ctx.clock.now());
    // Read back: a concurrent request may have defined one of them first, with another type.
    const rows = await db.query<PropertyDefinition>(
      'select key, label, description, type, options from property_definitions where workspace_id = $1 and key = any($2::text[])',
      [workspaceId, [...newDefs.keys()]],
    );
    for (const d of rows) defs.set(d.key, d);
  }
  for (const [m, p] of prepared) {
    const dropped = [...p.warnings];
    const properties = typeProperties(p.custom, defs, dropped);
    traits.set(m, { ...p.fields, ...(Object.keys(properties).length > 0 ? { properties } : {}) });
    for (const message of dropped) warnings.push(issue(m, message));
  }
  return { traits, errors, warnings };
}

/**
 * Traits of identify calls that named no known person apply to their anonymous contact;
 * where that one was merged into a known contact in this request, they only fill gaps.
 */
function traitsById(
  p: Plan,
  messages: TrackedMessage[],
  traits: Map<TrackedMessage, ContactInput>,
  inputOf: Map<TrackedMessage, number>,
  idOf: (key: string) => string,
): Map<string, { input: ContactInput; fill: boolean }> {
  const byId = new Map<string, { input: ContactInput; fill: boolean }>();
  messages.forEach((m, i) => {
    const t = traits.get(m);
    if (!t || inputOf.has(m)) return;
    const key = p.keys[i]!;
    const id = idOf(key);
    const prev = byId.get(id);
    byId.set(id, {
      input: { ...prev?.input, ...t, properties: { ...prev?.input.properties, ...t.properties } },
      fill: (prev?.fill ?? true) && find(p.parent, key) !== key,
    });
  });
  return byId;
}

/** The request's time: contacts record it as their change time. */
const now = (messages: TrackedMessage[]) => messages[messages.length - 1]!.receivedAt;

/**
 * One statement for all events (jsonb_to_recordset parses one JSON document server-side).
 * It first holds their contacts (FOR KEY SHARE, the lock a foreign key would take, once per
 * contact instead of once per event) so that a concurrent merge cannot delete one before
 * these events are visible to it; a contact already gone means start over.
 */
async function insertEvents(db: SqlSession, workspaceId: string, messages: TrackedMessage[], contactIds: string[]): Promise<void> {
  const rows = messages.map((m, i) => ({
    c: contactIds[i],
    n: m.name,
    p: m.properties,
    o: m.occurredAt.toISOString(),
    r: m.receivedAt.toISOString(),
    m: m.messageId,
  }));
  const [check] = await db.query<{ held: number; wanted: number }>(
    `with e as (select * from jsonb_to_recordset($2::jsonb) as e(c uuid, n text, p jsonb, o timestamptz, r timestamptz, m text)),
     held as (
       select c.id from (select distinct c from e) k
       cross join lateral (select id from contacts where id = k.c and workspace_id = $1 for key share) c
     ),
     stored as (
       ${insertEventsSql(`select $1, e.c, e.n, e.p, e.o, e.r, 'tracking', e.m from e where e.c in (select id from held)`)}
     )
     select (select count(*) from held)::int as held, (select count(distinct c) from e)::int as wanted`,
    [workspaceId, JSON.stringify(rows)],
  );
  if (check!.held < check!.wanted) throw new RetryableConflict('a contact was merged concurrently');
}
