// Deleting contacts, one or many, each deletion recorded (who, when, how many, what selection)
// in contact_deletions; a GDPR erasure (gdpr.ts) is recorded there too. Who may: see the rule
// on the routes (src/contacts/routes.ts): admins and owners, and full API keys. Which contacts
// a bulk delete takes (ids, or a search and filters) is said by the contact list
// (src/contact-list/bulk-delete.ts), as conditions over `contacts c`.
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, notFound } from '../errors.ts';
import { deleteWhere } from './contacts.ts';
import type { contactDeletion } from './contract.ts';
import { BULK_DELETE_CONFIRM_ABOVE } from './deletion-rules.ts';

/** Who deletes: a person (session) or an API key. */
export interface Actor {
  userId: string | null;
  apiKeyId: string | null;
}

/** Contacts of a workspace as conditions over `contacts c` ($1 is the workspace) and their parameters. */
export interface ContactsWhere {
  conditions: string[];
  params: unknown[];
}

export async function recordDeletion(
  session: SqlSession,
  ctx: AppContext,
  /** `selection`: what was asked, as JSON (the ids or the filter; `{ importId }`; null for an erasure). */
  entry: { workspaceId: string; kind: 'one' | 'many' | 'erase' | 'import-undo'; deleted: number; selection: unknown; actor: Actor },
): Promise<void> {
  await session.query(
    `insert into contact_deletions (workspace_id, kind, deleted, selection, user_id, api_key_id, deleted_at)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
    [entry.workspaceId, entry.kind, entry.deleted, entry.selection === null ? null : JSON.stringify(entry.selection), entry.actor.userId, entry.actor.apiKeyId, ctx.clock.now()],
  );
}

export async function deleteContact(ctx: AppContext, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const n = await deleteWhere(ctx, tx, ['c.workspace_id = $1', 'c.id = $2'], [workspaceId, id]);
    if (n === 0) throw notFound('The contact');
    await recordDeletion(tx, ctx, { workspaceId, kind: 'one', deleted: n, selection: { ids: [id] }, actor });
  });
}

/** How many contacts a bulk delete of these would delete now: the `confirmCount` it takes. */
export async function countWhere(session: SqlSession, where: ContactsWhere): Promise<number> {
  const [row] = await session.query<{ n: number }>(`select count(*)::int as n from contacts c where ${where.conditions.join(' and ')}`, where.params);
  return row?.n ?? 0;
}

const contactsText = (n: number) => `${n} ${n === 1 ? 'contact' : 'contacts'}`;
const typeTheNumber = (n: number) =>
  badRequest(`This deletes ${contactsText(n)} with their activity, which cannot be undone: type the number ${n} to confirm.`, [
    { path: 'confirmCount', message: `type the number ${n} to confirm` },
  ]);
const confirmed = (n: number, confirmCount: number | undefined) =>
  confirmCount === undefined ? n <= BULK_DELETE_CONFIRM_ABOVE : confirmCount === n;

/**
 * Deletes the contacts `where` selects (recorded with `selection`, what was asked). Above 10,
 * only with `confirmCount` equal to the number deleted; a `confirmCount` sent is checked
 * whatever the number. The check holds for what the transaction actually deletes: were
 * contacts added or removed since the count, nothing is deleted and the new number is asked for.
 */
export async function bulkDelete(
  ctx: AppContext,
  workspaceId: string,
  where: ContactsWhere,
  request: { confirmCount: number | undefined; selection: unknown },
  actor: Actor,
): Promise<{ deleted: number }> {
  const { confirmCount, selection } = request;
  return ctx.db.transaction(async (tx) => {
    // Counted first, so that a request without the number costs a count, not a delete undone.
    const counted = await countWhere(tx, where);
    if (!confirmed(counted, confirmCount)) throw typeTheNumber(counted);
    const deleted = await deleteWhere(ctx, tx, where.conditions, where.params);
    if (!confirmed(deleted, confirmCount)) throw typeTheNumber(deleted);
    if (deleted > 0) await recordDeletion(tx, ctx, { workspaceId, kind: 'many', deleted, selection, actor });
    return { deleted };
  });
}

type ContactDeletion = z.output<typeof contactDeletion>;

/** The latest deletions in a workspace, newest first. */
export async function listDeletions(ctx: AppContext, workspaceId: string, limit = 200): Promise<{ items: ContactDeletion[] }> {
  const rows = await ctx.db.query<{
    id: string;
    kind: ContactDeletion['kind'];
    deleted: number;
    selection: unknown;
    user_id: string | null;
    email: string | null;
    api_key_id: string | null;
    deleted_at: Date | string;
  }>(
    `select d.id, d.kind, d.deleted, d.selection, d.user_id, u.email, d.api_key_id, d.deleted_at
     from contact_deletions d left join users u on u.id = d.user_id
     where d.workspace_id = $1 order by d.deleted_at desc, d.id desc limit $2`,
    [workspaceId, limit],
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      deleted: r.deleted,
      selection: r.selection,
      userId: r.user_id,
      userEmail: r.email,
      apiKeyId: r.api_key_id,
      deletedAt: new Date(r.deleted_at),
    })),
  };
}
