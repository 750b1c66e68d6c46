import type { SqlSession } from '../db/client.ts';
import { uuidv7 } from '../db/ids.ts';
import type { EmailStatus, LifecycleStage } from './fields.ts';
import type { PropertyValue } from './schema.ts';

/**
 * A contact as a writer knows it: identity (external id, email) and values to set. A field
 * left `undefined` is left as it is; `null` clears it. Values must be normalized and
 * validated already (see normalize.ts, values.ts).
 */
export interface ContactInput {
  externalId?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  lifecycleStage?: LifecycleStage | null;
  emailStatus?: EmailStatus;
  /** Property values to set; `null` removes the property. */
  properties?: Record<string, PropertyValue | null>;
}

export interface UpsertResult {
  /** Empty when the input was skipped. */
  id: string;
  created: boolean;
  /** Set when part of the input could not be applied (an email owned by someone else). */
  conflict?: string;
  /** Not written: a conflict with `conflicts: 'skip'`, or an existing contact with `updateExisting: false`. */
  skipped?: boolean;
}

export interface UpsertOptions {
  now: Date;
  /** Who writes, recorded with every change: 'api', 'tracking', 'import', 'web'. */
  source: string;
  importId?: string;
  /**
   * An email that belongs to another contact: write the rest without it ('drop-email',
   * what the tracking API wants), or write nothing ('skip', what an import wants: the row
   * is reported instead).
   */
  conflicts?: 'drop-email' | 'skip';
  /** false: inputs that match an existing contact are skipped, not applied. */
  updateExisting?: boolean;
  /**
   * Email status of contacts created with an email address (not of those updated); default
   * 'not_subscribed': nobody is subscribed unless someone said they agreed. Contacts without
   * an address are never subscribed (the database enforces it, migration 0014).
   */
  defaultEmailStatus?: EmailStatus;
  /**
   * The writer states that these people agreed to marketing email (an import whose person
   * answered yes): existing contacts that are 'not_subscribed' and have an address become
   * 'subscribed'. Never touches unsubscribed, bounced or complained contacts: only they
   * (or a bounce removed by hand) undo that.
   */
  grantConsent?: boolean;
}

const FIELDS = ['email', 'externalId', 'phone', 'firstName', 'lastName', 'lifecycleStage', 'emailStatus'] as const;
type Field = (typeof FIELDS)[number];

interface Group {
  input: ContactInput;
  members: number[];
  conflict?: string;
}

/**
 * Creates or updates many contacts in a few set-based statements (no statement per
 * contact): inputs that name the same person are merged first; existing contacts are
 * matched by external id, then by email; new ones are inserted. Must run inside a
 * transaction: the change history records `source` from the transaction's settings.
 */
export async function upsertContacts(
  tx: SqlSession,
  workspaceId: string,
  inputs: ContactInput[],
  options: UpsertOptions,
): Promise<UpsertResult[]> {
  if (inputs.length === 0) return [];
  await tx.query("select set_config('rapport.change_source', $1, true), set_config('rapport.import_id', $2, true)", [
    options.source,
    options.importId ?? '',
  ]);
  const groups = groupInputs(inputs);
  const results: UpsertResult[] = new Array(inputs.length);
  let pending = groups;
  // Twice at most in practice: a contact created by a concurrent writer between our lookup
  // and our insert is found by the second lookup and updated instead.
  for (let round = 0; pending.length > 0; round++) {
    if (round === 5) throw new Error('Could not write contacts: they keep being changed concurrently.');
    const matched = await matchExisting(tx, workspaceId, pending);
    const skip = (g: Group) => (options.conflicts === 'skip' && g.conflict !== undefined) || (options.updateExisting === false && matched.get(g) !== undefined);
    for (const g of pending.filter(skip)) {
      for (const i of g.members) results[i] = { id: matched.get(g) ?? '', created: false, skipped: true, ...(g.conflict ? { conflict: g.conflict } : {}) };
    }
    const updates: Group[] = [];
    const byId = new Map<string, Group>();
    for (const g of pending.filter((g) => matched.get(g) && !skip(g))) {
      const first = byId.get(matched.get(g)!);
      if (!first) {
        byId.set(matched.get(g)!, g);
        updates.push(g);
        continue;
      }
      // Two groups (one by external id, one by email) are the same person: with one update
      // row each, PostgreSQL would apply only one of them, so they become one.
      merge(first.input, g.input);
      first.members.push(...g.members);
      first.conflict ??= g.conflict;
    }
    const inserts = pending.filter((g) => !matched.get(g) && !skip(g));
    await updateContacts(tx, updates.map((g) => ({ id: matched.get(g)!, input: g.input })), options.now, options.grantConsent === true);
    for (const g of updates) for (const i of g.members) results[i] = { id: matched.get(g)!, created: false, ...(g.conflict ? { conflict: g.conflict } : {}) };
    const created = await insertContacts(tx, workspaceId, inserts, options);
    pending = [];
    inserts.forEach((g, k) => {
      const id = created[k];
      if (id === undefined) pending.push(g);
      else for (const i of g.members) results[i] = { id, created: i === g.members[0], ...(g.conflict ? { conflict: g.conflict } : {}) };
    });
  }
  return results;
}

/** Inputs naming the same external id, or the same email without a different external id, become one. */
function groupInputs(inputs: ContactInput[]): Group[] {
  const groups: Group[] = [];
  const byExternal = new Map<string, Group>();
  const byEmail = new Map<string, Group>();
  inputs.forEach((input, index) => {
    const x = input.externalId ?? undefined;
    const e = input.email ?? undefined;
    let group = x !== undefined ? byExternal.get(x) : undefined;
    if (!group && e !== undefined) {
      const candidate = byEmail.get(e);
      if (candidate && (x === undefined || candidate.input.externalId == null)) group = candidate;
    }
    if (!group) {
      group = { input: { ...input, properties: { ...input.properties } }, members: [index] };
      groups.push(group);
    } else {
      group.members.push(index);
      merge(group.input, input);
    }
    if (x !== undefined) byExternal.set(x, group);
    if (e !== undefined) {
      const owner = byEmail.get(e);
      if (!owner) byEmail.set(e, group);
      else if (owner !== group) {
        // Same email, two different external ids: the first keeps the email.
        group.input.email = undefined;
        group.conflict = `the email ${e} belongs to another contact (external id ${owner.input.externalId})`;
      }
    }
  });
  return groups;
}

function merge(into: ContactInput, from: ContactInput): void {
  for (const f of FIELDS) if (from[f] !== undefined) (into as Record<Field, unknown>)[f] = from[f];
  if (from.properties) into.properties = { ...into.properties, ...from.properties };
}

async function matchExisting(tx: SqlSession, workspaceId: string, groups: Group[]): Promise<Map<Group, string | undefined>> {
  const externalIds = groups.map((g) => g.input.externalId).filter((x): x is string => typeof x === 'string');
  const emails = groups.map((g) => g.input.email).filter((x): x is string => typeof x === 'string');
  // One index probe per key (a nested loop the planner cannot turn into a scan: LIMIT keeps
  // each lateral subquery apart). `email = any($3)` over thousands of keys was planned as a
  // scan of the workspace's contacts: 70 ms a batch at 300,000 contacts, more as it grows.
  const rows = await tx.query<{ id: string; email: string | null; external_id: string | null }>(
    `select c.id, c.email, c.external_id from unnest($2::text[]) k(external_id)
       cross join lateral (select id, email, external_id from contacts
                           where workspace_id = $1 and external_id = k.external_id limit 1) c
     union all
     select c.id, c.email, c.external_id from unnest($3::text[]) k(email)
       cross join lateral (select id, email, external_id from contacts
                           where workspace_id = $1 and email = k.email limit 1) c`,
    [workspaceId, externalIds, emails],
  );
  const byExternal = new Map(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, r]));
  const byEmail = new Map(rows.filter((r) => r.email !== null).map((r) => [r.email!, r]));
  const out = new Map<Group, string | undefined>();
  for (const g of groups) {
    const x = g.input.externalId ?? undefined;
    const e = g.input.email ?? undefined;
    let match = x !== undefined ? byExternal.get(x) : undefined;
    const emailOwner = e !== undefined ? byEmail.get(e) : undefined;
    if (!match && emailOwner && (x === undefined || emailOwner.external_id === null)) match = emailOwner;
    if (emailOwner && match && emailOwner.id !== match.id) {
      g.input = { ...g.input, email: undefined };
      g.conflict = `the email ${e} belongs to another contact`;
    } else if (emailOwner && !match) {
      // The email's owner has a different external id: a new contact, without that email.
      g.input = { ...g.input, email: undefined };
      g.conflict = `the email ${e} belongs to another contact (external id ${emailOwner.external_id})`;
    }
    out.set(g, match?.id);
  }
  return out;
}

const has = (v: unknown) => v !== undefined;

async function updateContacts(tx: SqlSession, rows: { id: string; input: ContactInput }[], now: Date, grantConsent: boolean): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (i: ContactInput) => T) => rows.map((r) => f(r.input));
  await tx.query(
    `update contacts c set
       email = n.email, external_id = n.external_id, phone = n.phone, first_name = n.first_name,
       last_name = n.last_name, lifecycle_stage = n.lifecycle_stage, email_status = n.email_status,
       properties = n.properties, updated_at = $1
     from (
       select c0.id,
         case when u.has_email then u.email else c0.email end as email,
         case when u.has_external_id then u.external_id else c0.external_id end as external_id,
         case when u.has_phone then u.phone else c0.phone end as phone,
         case when u.has_first_name then u.first_name else c0.first_name end as first_name,
         case when u.has_last_name then u.last_name else c0.last_name end as last_name,
         case when u.has_lifecycle_stage then u.lifecycle_stage else c0.lifecycle_stage end as lifecycle_stage,
         coalesce(u.email_status, case when $17::bool and c0.email_status = 'not_subscribed' then 'subscribed' else c0.email_status end) as email_status,
         jsonb_strip_nulls(c0.properties || u.props) as properties
       from unnest($2::uuid[], $3::bool[], $4::text[], $5::bool[], $6::text[], $7::bool[], $8::text[], $9::bool[], $10::text[],
                   $11::bool[], $12::text[], $13::bool[], $14::text[], $15::text[], $16::jsonb[])
         as u(id, has_email, email, has_external_id, external_id, has_phone, phone, has_first_name, first_name,
              has_last_name, last_name, has_lifecycle_stage, lifecycle_stage, email_status, props)
       join contacts c0 on c0.id = u.id
     ) n
     where c.id = n.id
       and (c.email, c.external_id, c.phone, c.first_name, c.last_name, c.lifecycle_stage, c.email_status, c.properties)
           is distinct from (n.email, n.external_id, n.phone, n.first_name, n.last_name, n.lifecycle_stage, n.email_status, n.properties)`,
    [
      now,
      rows.map((r) => r.id),
      col((i) => has(i.email)),
      col((i) => i.email ?? null),
      col((i) => has(i.externalId)),
      col((i) => i.externalId ?? null),
      col((i) => has(i.phone)),
      col((i) => i.phone ?? null),
      col((i) => has(i.firstName)),
      col((i) => i.firstName ?? null),
      col((i) => has(i.lastName)),
      col((i) => i.lastName ?? null),
      col((i) => has(i.lifecycleStage)),
      col((i) => i.lifecycleStage ?? null),
      col((i) => i.emailStatus ?? null),
      col((i) => JSON.stringify(i.properties ?? {})),
      grantConsent,
    ],
  );
}

/** Inserts new contacts; the id of each, or undefined where a concurrent writer got there first. */
async function insertContacts(tx: SqlSession, workspaceId: string, groups: Group[], options: UpsertOptions): Promise<(string | undefined)[]> {
  if (groups.length === 0) return [];
  const ids = groups.map(() => uuidv7());
  // The rows travel as one JSON document, parsed by PostgreSQL in C: cheaper for both sides
  // than ten arrays that the driver escapes element by element.
  const rows = JSON.stringify(
    groups.map(({ input: i }, k) => ({
      id: ids[k],
      email: i.email ?? null,
      external_id: i.externalId ?? null,
      phone: i.phone ?? null,
      first_name: i.firstName ?? null,
      last_name: i.lastName ?? null,
      lifecycle_stage: i.lifecycleStage ?? null,
      email_status: i.emailStatus ?? null,
      props: i.properties ?? {},
    })),
  );
  const sql = (onConflict: string) => `insert into contacts (id, workspace_id, email, external_id, phone, first_name, last_name, lifecycle_stage,
                           email_status, properties, created_at, updated_at, import_id)
     select u.id, $1, u.email, u.external_id, u.phone, u.first_name, u.last_name, u.lifecycle_stage,
            coalesce(u.email_status, $5), jsonb_strip_nulls(u.props), $2, $2, $3
     from json_to_recordset($4::json)
       as u(id uuid, email text, external_id text, phone text, first_name text, last_name text, lifecycle_stage text, email_status text, props jsonb)
     ${onConflict}`;
  const params = [workspaceId, options.now, options.importId ?? null, rows, options.defaultEmailStatus ?? 'not_subscribed'];
  // We looked these up a moment ago, so a plain insert almost always succeeds, and costs
  // less than ON CONFLICT's speculative insertion. If a concurrent writer created one of
  // them meanwhile, the insert fails as a whole and is redone with ON CONFLICT, and the
  // rows it skipped are found by their ids missing from RETURNING.
  await tx.exec('savepoint rapport_insert_contacts');
  try {
    await tx.query(sql(''), params);
    await tx.exec('release savepoint rapport_insert_contacts');
    return ids;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await tx.exec('rollback to savepoint rapport_insert_contacts');
    const rows = await tx.query<{ id: string }>(`${sql('on conflict do nothing')} returning id`, params);
    const inserted = new Set(rows.map((r) => r.id));
    return ids.map((id) => (inserted.has(id) ? id : undefined));
  }
}
