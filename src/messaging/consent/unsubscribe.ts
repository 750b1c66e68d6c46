// Leaving is easy: every marketing message carries a signed link (and RFC 8058's one-click
// headers); using it marks the contact unsubscribed, suppresses the address and writes
// `email.unsubscribed` on the spine. Sends check both before each message.
import { emailHash } from '../../contacts/gdpr.ts';
import { notifyDataChanged } from '../../server/changes.ts';
import type { AppContext } from '../../server/context.ts';
import { recordEvents } from '../../events/record.ts';
import { signIds, verifyIds } from '../tokens.ts';

const PURPOSE = 'unsubscribe';

export function baseUrl(ctx: AppContext): string {
  return (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/+$/, '');
}

export function unsubscribeUrl(ctx: AppContext, workspaceId: string, contactId: string): string {
  return `${baseUrl(ctx)}/u/${signIds(ctx.secret, PURPOSE, [workspaceId, contactId])}`;
}

/** The workspace and contact a link names, or undefined when the token was not made by us. */
export function readUnsubscribeToken(ctx: AppContext, token: string): { workspaceId: string; contactId: string } | undefined {
  const parts = verifyIds(ctx.secret, PURPOSE, token, 2);
  if (!parts) return undefined;
  return { workspaceId: parts[0]!, contactId: parts[1]! };
}

/** Unsubscribes the contact (idempotent); returns the workspace's name for the page. */
export async function unsubscribe(ctx: AppContext, workspaceId: string, contactId: string, via: 'link' | 'one-click'): Promise<{ workspace: string; found: boolean }> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'unsubscribe', true)");
    const [c] = await tx.query<{ email: string | null; was: string }>(
      `with before as (select email_status from contacts where id = $1 and workspace_id = $2)
       update contacts c set email_status = 'unsubscribed', updated_at = $3
       where c.id = $1 and c.workspace_id = $2
       returning c.email, (select email_status from before) as was`,
      [contactId, workspaceId, now],
    );
    const [ws] = await tx.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
    if (!c) return { workspace: ws?.name ?? '', found: false };
    if (c.email) {
      await tx.query(
        `insert into suppressions (workspace_id, email_hash, reason, created_at) values ($1, $2, 'unsubscribed', $3)
         on conflict (workspace_id, email_hash) do nothing`,
        [workspaceId, emailHash(c.email), now],
      );
    }
    if (c.was !== 'unsubscribed') {
      await recordEvents(tx, workspaceId, 'email', [
        { contactId, name: 'email.unsubscribed', properties: { via }, occurredAt: now, messageId: `unsubscribe:${contactId}:${now.getTime()}` },
      ]);
    }
    return { workspace: ws?.name ?? '', found: true };
  });
  if (result.found) notifyDataChanged(ctx, workspaceId);
  return result;
}
