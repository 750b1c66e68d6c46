// Contacts one at a time (create, read, change, delete), bulk delete, and the change history.
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, type FieldIssue, notFound } from '../errors.ts';
import type { changesPage, updateContactBody } from './contract.ts';
import { normalizeEmail, normalizePhone, normalizeText } from './normalize.ts';
import { definitionsByKey, validateProperties } from './properties.ts';
import { Params } from '../db/params.ts';
import { CONTACT_COLUMNS, type Contact, type ContactRow, toContact } from './row.ts';
import type { PropertyValue } from './schema.ts';

export type ContactBody = z.output<typeof updateContactBody>;
/** Who writes, recorded in the change history: the web app's session or an API key. */
export type WriteSource = 'web' | 'api';

// Body field → column. These names are the only column names a write puts into SQL.
const COLUMN_OF = {
  email: 'email',
  externalId: 'external_id',
  phone: 'phone',
  firstName: 'first_name',
  lastName: 'last_name',
  lifecycleStage: 'lifecycle_stage',
  emailStatus: 'email_status',
} as const;
type BuiltIn = keyof typeof COLUMN_OF;

export async function getContact(ctx: AppContext, workspaceId: string, id: string, session: SqlSession = ctx.db): Promise<Contact> {
  const [row] = await session.query<ContactRow>(`select ${CONTACT_COLUMNS} from contacts c where c.workspace_id = $1 and c.id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The contact');
  return toContact(row);
}

/**
 * Normalizes and validates what a body asks to set: email and phone (in the workspace's
 * default country), names, and properties against their definitions. All problems at once.
 */
async function prepare(ctx: AppContext, workspaceId: string, body: ContactBody) {
  const issues: FieldIssue[] = [];
  const fields: Partial<Record<BuiltIn, string | null>> = {};
  if (body.email !== undefined) {
    const r = normalizeEmail(body.email);
    if (r.ok) fields.email = r.value ?? null;
    else issues.push({ path: 'email', message: r.reason });
  }
  if (body.phone !== undefined) {
    const [ws] = await ctx.db.query<{ default_country: string | null }>('select default_country from workspaces where id = $1', [workspaceId]);
    const r = normalizePhone(body.phone, ws?.default_country);
    if (r.ok) fields.phone = r.value ?? null;
    else issues.push({ path: 'phone', message: r.reason });
  }
  for (const f of ['externalId', 'firstName', 'lastName'] as const) {
    if (body[f] !== undefined) fields[f] = normalizeText(body[f], 200) ?? null;
  }
  if (body.lifecycleStage !== undefined) fields.lifecycleStage = body.lifecycleStage;
  if (body.emailStatus !== undefined) fields.emailStatus = body.emailStatus;
  let properties: Record<string, PropertyValue | null> = {};
  if (body.properties && Object.keys(body.properties).length > 0) {
    const checked = validateProperties(await definitionsByKey(ctx, workspaceId), body.properties);
    properties = checked.values;
    issues.push(...checked.issues);
  }
  if (issues.length > 0) {
    throw badRequest(`Check ${issues.map((i) => i.path.replace(/^body\./, '')).join(', ')}: ${issues[0]!.message}.`, issues);
  }
  return { fields, properties };
}

/** 409 when another contact of the workspace already has this email or external id. */
async function assertUnique(tx: SqlSession, workspaceId: string, fields: Partial<Record<BuiltIn, string | null>>, self?: string): Promise<void> {
  const email = fields.email ?? null;
  const externalId = fields.externalId ?? null;
  if (email === null && externalId === null) return;
  const taken = await tx.query<{ email: string | null; external_id: string | null }>(
    `select email, external_id from contacts
     where workspace_id = $1 and (email = $2 or external_id = $3) and id is distinct from $4::uuid`,
    [workspaceId, email, externalId, self ?? null],
  );
  const issues: FieldIssue[] = [];
  if (email !== null && taken.some((t) => t.email === email)) issues.push({ path: 'email', message: `${email} belongs to another contact` });
  if (externalId !== null && taken.some((t) => t.external_id === externalId)) {
    issues.push({ path: 'externalId', message: `external id ${externalId} belongs to another contact` });
  }
  if (issues.length > 0) throw conflict(`Another contact already has ${issues.map((i) => i.path === 'email' ? 'this email' : 'this external id').join(' and ')}.`, issues);
}

async function asWriter(tx: SqlSession, source: WriteSource): Promise<void> {
  // The contact_changes trigger records who wrote, from the transaction's settings.
  await tx.query("select set_config('rapport.change_source', $1, true), set_config('rapport.import_id', '', true)", [source]);
}

export async function createContact(ctx: AppContext, workspaceId: string, body: ContactBody, source: WriteSource): Promise<Contact> {
  const { fields, properties } = await prepare(ctx, workspaceId, body);
  const present = Object.entries(fields).some(([k, v]) => k !== 'emailStatus' && v != null) || Object.values(properties).some((v) => v !== null);
  if (!present) {
    throw badRequest('A contact needs at least an email, an external id, a phone number, a name or a property.', [
      { path: 'email', message: 'is required when nothing else identifies the contact' },
    ]);
  }
  const values = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null));
  return ctx.db.transaction(async (tx) => {
    await asWriter(tx, source);
    await assertUnique(tx, workspaceId, fields);
    const now = ctx.clock.now();
    const [row] = await tx.query<ContactRow>(
      `insert into contacts as c (workspace_id, email, external_id, phone, first_name, last_name, lifecycle_stage, email_status,
                                  properties, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'not_subscribed'), $9::jsonb, $10, $10)
       returning ${CONTACT_COLUMNS}`,
      [
        workspaceId,
        fields.email ?? null,
        fields.externalId ?? null,
        fields.phone ?? null,
        fields.firstName ?? null,
        fields.lastName ?? null,
        fields.lifecycleStage ?? null,
        fields.emailStatus ?? null,
        JSON.stringify(values),
        now,
      ],
    );
    return toContact(row!);
  });
}

/** Sets the given fields (null clears) and merges the given properties (null removes one). */
export async function updateContact(ctx: AppContext, workspaceId: string, id: string, body: ContactBody, source: WriteSource): Promise<Contact> {
  const current = await getContact(ctx, workspaceId, id);
  const { fields, properties } = await prepare(ctx, workspaceId, body);
  const changedFields = (Object.keys(fields) as BuiltIn[]).filter((f) => fields[f] !== current[f]);
  const changedProps = Object.entries(properties).filter(([k, v]) => (v === null ? k in current.properties : current.properties[k] !== v));
  if (changedFields.length === 0 && changedProps.length === 0) return current;
  return ctx.db.transaction(async (tx) => {
    await asWriter(tx, source);
    await assertUnique(tx, workspaceId, Object.fromEntries(changedFields.map((f) => [f, fields[f]])), id);
    const p = new Params([workspaceId, id, ctx.clock.now()]);
    const sets = changedFields.map((f) => `${COLUMN_OF[f]} = ${p.add(fields[f])}`);
    if (changedProps.length > 0) {
      // `||` sets the new values; stripping nulls removes the properties set to null.
      sets.push(`properties = jsonb_strip_nulls(properties || ${p.add(JSON.stringify(Object.fromEntries(changedProps)), 'jsonb')})`);
    }
    const [row] = await tx.query<ContactRow>(
      `update contacts c set ${sets.join(', ')}, updated_at = $3 where c.workspace_id = $1 and c.id = $2 returning ${CONTACT_COLUMNS}`,
      p.values,
    );
    if (!row) throw notFound('The contact');
    return toContact(row);
  });
}

/**
 * Deletes contacts with their change history (aliases go by cascade), and tells every module (events,
 * segment memberships…) through its `contactsDeleted` hook, in the caller's transaction.
 * Deletions that people ask for go through deletions.ts, which records them.
 */
export async function deleteWhere(ctx: AppContext, session: SqlSession, conditions: string[], params: unknown[]): Promise<number> {
  const workspaceId = params[0] as string;
  // The modules' locks before the contacts' rows (segments: their memberships and counts are written after).
  for (const module of ctx.modules) await module.contactsDeleted?.lock?.(session, workspaceId);
  const rows = await session.query<{ id: string }>(
    `with gone as (delete from contacts c where ${conditions.join(' and ')} returning c.id),
          ch as (delete from contact_changes x using gone where x.workspace_id = $1 and x.contact_id = gone.id)
     select id from gone`,
    params,
  );
  await contactsGone(ctx, session, workspaceId, rows.map((r) => r.id));
  return rows.length;
}

/** Every module forgets the deleted contacts; what each removed, by module name. */
export async function contactsGone(ctx: AppContext, session: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, number>> {
  const removed = new Map<string, number>();
  if (contactIds.length === 0) return removed;
  for (const module of ctx.modules) {
    const n = await module.contactsDeleted?.forget(session, workspaceId, contactIds);
    if (typeof n === 'number') removed.set(module.name, n);
  }
  return removed;
}

type ChangesPage = z.output<typeof changesPage>;

/** What changed on a contact, newest first; `before` is the previous page's nextCursor. */
export async function listChanges(ctx: AppContext, workspaceId: string, contactId: string, query: { limit: number; before?: number }): Promise<ChangesPage> {
  await getContact(ctx, workspaceId, contactId);
  const rows = await ctx.db.query<{
    id: number;
    field: string;
    old_value: unknown;
    new_value: unknown;
    changed_at: Date | string;
    source: string;
    import_id: string | null;
  }>(
    `select id, field, old_value, new_value, changed_at, source, import_id from contact_changes
     where workspace_id = $1 and contact_id = $2 and ($3::bigint is null or id < $3)
     order by id desc limit $4`,
    [workspaceId, contactId, query.before ?? null, query.limit + 1],
  );
  const items = rows.slice(0, query.limit).map((r) => ({
    id: Number(r.id),
    field: r.field,
    oldValue: r.old_value,
    newValue: r.new_value,
    changedAt: new Date(r.changed_at),
    source: r.source,
    importId: r.import_id,
  }));
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
}
