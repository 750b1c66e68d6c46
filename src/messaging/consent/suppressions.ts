// The suppression list: addresses no marketing email goes to. Entries are keyed by a sha256
// of the address (an erased person leaves nothing readable), so the list shows an address only
// where a contact still has it.
import { emailHash } from '../../contacts/gdpr.ts';
import { normalizeEmail } from '../../contacts/normalize.ts';
import { notifyDataChanged } from '../../server/changes.ts';
import type { AppContext } from '../../server/context.ts';
import { recordEvents } from '../../events/record.ts';
import { invalid, notFound } from '../../errors.ts';
import { statusRank } from '../feedback/feedback.ts';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'erased';

export interface Suppression {
  email: string | null;
  reason: SuppressionReason;
  createdAt: Date;
}

function address(raw: string, path: string): string {
  const n = normalizeEmail(raw);
  if (!n.ok || !n.value) throw invalid('validation_failed', 'That is not an email address: check it and try again.', [{ path, message: 'is not an email address' }]);
  return n.value;
}

const encodeCursor = (at: string, hash: string) => Buffer.from(JSON.stringify([at, hash])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v[0]) && typeof v[1] === 'string' && /^[0-9a-f]{64}$/.test(v[1])) {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  throw invalid('validation_failed', 'This page cursor is not valid: start again from the first page.', [{ path: 'cursor', message: 'must be the nextCursor of a previous page' }]);
}

/**
 * Newest first, by (created_at, email_hash). The addresses of a page come from one pass over
 * the workspace's contacts hashing each address the way emailHash does (contacts hold
 * addresses normalized, so sha256 of the stored text is the same hash); there is no index
 * by hash on contacts, whose writes stay lean.
 */
export async function listSuppressions(ctx: AppContext, workspaceId: string, query: { limit: number; cursor?: string }): Promise<{ items: Suppression[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await ctx.db.query<{ email_hash: string; reason: SuppressionReason; created_at: Date | string; at: string; email: string | null }>(
    `with page as (
       select email_hash, reason, created_at from suppressions
       where workspace_id = $1 and ($2::timestamptz is null or (created_at, email_hash) < ($2::timestamptz, $3::text))
       order by created_at desc, email_hash desc
       limit $4
     ), known as (
       select distinct on (h.hash) h.hash, h.email
       from (select encode(sha256(convert_to(c.email, 'UTF8')), 'hex') as hash, c.email from contacts c where c.workspace_id = $1 and c.email is not null) h
       where h.hash in (select email_hash from page)
       order by h.hash, h.email
     )
     select p.email_hash, p.reason, p.created_at, to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, k.email
     from page p left join known k on k.hash = p.email_hash
     order by p.created_at desc, p.email_hash desc`,
    [workspaceId, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({ email: r.email, reason: r.reason, createdAt: new Date(r.created_at) })),
    nextCursor: more && last ? encodeCursor(last.at, last.email_hash) : null,
  };
}

/**
 * Adds an address by hand, or gives an existing entry the reason chosen. A contact with the
 * address takes the matching status when it is a stronger one (subscribed → unsubscribed →
 * bounced → complained), so the list and the contact agree.
 */
export async function addSuppression(ctx: AppContext, workspaceId: string, body: { email: string; reason: 'unsubscribed' | 'bounced' | 'complained' }): Promise<{ created: boolean; suppression: Suppression }> {
  const email = address(body.email, 'email');
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'suppressions', true)");
    const [row] = await tx.query<{ reason: SuppressionReason; created_at: Date | string; created: boolean }>(
      `insert into suppressions (workspace_id, email_hash, reason, created_at) values ($1, $2, $3, $4)
       on conflict (workspace_id, email_hash) do update set reason = excluded.reason, created_at = excluded.created_at
       returning reason, created_at, (xmax = 0) as created`,
      [workspaceId, emailHash(email), body.reason, now],
    );
    const changed = await tx.query(
      `update contacts set email_status = $3, updated_at = $4
       where workspace_id = $1 and email = $2 and ${statusRank('email_status')} < ${statusRank('$3::text')} returning id`,
      [workspaceId, email, body.reason, now],
    );
    return { row: row!, contactChanged: changed.length > 0 };
  });
  if (result.contactChanged) notifyDataChanged(ctx, workspaceId);
  return { created: result.row.created, suppression: { email, reason: result.row.reason, createdAt: new Date(result.row.created_at) } };
}

/**
 * Takes an address off the list. A contact with the address who bounced is subscribed again:
 * a bounce is a fact about the mailbox, and an admin who removes it says the mailbox works now.
 * Unsubscribed and complained contacts stay as they are: that was the person's own choice, and
 * only they can undo it (an unsubscribed contact through the preference page).
 */
export async function removeSuppression(
  ctx: AppContext,
  workspaceId: string,
  rawEmail: string,
): Promise<{ email: string; reason: SuppressionReason; contactStatus: 'subscribed' | 'not_subscribed' | 'unsubscribed' | 'bounced' | 'complained' | null }> {
  const email = address(rawEmail, 'email');
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'suppressions', true)");
    const [removed] = await tx.query<{ reason: SuppressionReason }>('delete from suppressions where workspace_id = $1 and email_hash = $2 returning reason', [
      workspaceId,
      emailHash(email),
    ]);
    if (!removed) return undefined;
    const [contact] = await tx.query<{ id: string; email_status: string }>('select id, email_status from contacts where workspace_id = $1 and email = $2 for update', [workspaceId, email]);
    if (contact?.email_status === 'bounced') {
      await tx.query("update contacts set email_status = 'subscribed', updated_at = $3 where id = $1 and workspace_id = $2", [contact.id, workspaceId, now]);
      await recordEvents(tx, workspaceId, 'email', [
        {
          contactId: contact.id,
          name: 'email.resubscribed',
          properties: { via: 'suppression_removed', previous: 'bounced' },
          occurredAt: now,
          messageId: `email.resubscribed:${contact.id}:${now.getTime()}`,
        },
      ]);
      return { reason: removed.reason, contactStatus: 'subscribed' as const, changed: true };
    }
    return { reason: removed.reason, contactStatus: (contact?.email_status ?? null) as 'subscribed' | null, changed: false };
  });
  if (!result) throw notFound('That address on the suppression list');
  if (result.changed) notifyDataChanged(ctx, workspaceId);
  return { email, reason: result.reason, contactStatus: result.contactStatus };
}
