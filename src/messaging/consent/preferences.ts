// Each contact's choice among the subscription topics (topics.ts) and whether they get
// marketing email at all, on the preference page (/p/<token>, linked from every marketing
// message): a contact is in every topic until they leave it there.
import { emailHash } from '../../contacts/gdpr.ts';
import { notifyDataChanged } from '../../server/changes.ts';
import type { AppContext } from '../../server/context.ts';
import { type NewEvent, recordEvents } from '../../events/record.ts';
import { signIds, verifyIds } from '../tokens.ts';
import { baseUrl } from './unsubscribe.ts';

const PURPOSE = 'preferences';

export function preferencesUrl(ctx: AppContext, workspaceId: string, contactId: string): string {
  return `${baseUrl(ctx)}/p/${signIds(ctx.secret, PURPOSE, [workspaceId, contactId])}`;
}

export function readPreferencesToken(ctx: AppContext, token: string): { workspaceId: string; contactId: string } | undefined {
  const parts = verifyIds(ctx.secret, PURPOSE, token, 2);
  return parts ? { workspaceId: parts[0]!, contactId: parts[1]! } : undefined;
}

export interface Preferences {
  workspace: string;
  email: string | null;
  /** unsubscribed from all marketing email (or bounced, complained). */
  status: string;
  topics: { id: string; name: string; description: string; subscribed: boolean }[];
}

export async function readPreferences(ctx: AppContext, workspaceId: string, contactId: string): Promise<Preferences | undefined> {
  const [c] = await ctx.db.query<{ email: string | null; email_status: string; workspace: string }>(
    'select c.email, c.email_status, w.name as workspace from contacts c join workspaces w on w.id = c.workspace_id where c.id = $1 and c.workspace_id = $2',
    [contactId, workspaceId],
  );
  if (!c) return undefined;
  const topics = await ctx.db.query<{ id: string; name: string; description: string; out: boolean }>(
    `select t.id, t.name, t.description, exists (select 1 from email_topic_optouts o where o.topic_id = t.id and o.contact_id = $2) as out
     from email_topics t where t.workspace_id = $1 order by lower(t.name)`,
    [workspaceId, contactId],
  );
  return { workspace: c.workspace, email: c.email, status: c.email_status, topics: topics.map((t) => ({ id: t.id, name: t.name, description: t.description, subscribed: !t.out })) };
}

/**
 * Saves what the contact chose: the topics they stay in, or nothing at all (unsubscribed
 * from every marketing message). Choosing topics again after unsubscribing resubscribes;
 * an address that bounced or complained stays suppressed.
 */
export async function savePreferences(ctx: AppContext, workspaceId: string, contactId: string, choice: { topicIds: string[]; all: boolean }): Promise<void> {
  const now = ctx.clock.now();
  const changed = await ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'preferences', true)");
    const [c] = await tx.query<{ email: string | null; email_status: string }>('select email, email_status from contacts where id = $1 and workspace_id = $2 for update', [contactId, workspaceId]);
    if (!c) return false;
    const topics = await tx.query<{ id: string }>('select id from email_topics where workspace_id = $1', [workspaceId]);
    const keep = new Set(choice.topicIds);
    await tx.query('delete from email_topic_optouts where workspace_id = $1 and contact_id = $2', [workspaceId, contactId]);
    const leave = topics.map((t) => t.id).filter((id) => !keep.has(id));
    if (leave.length > 0) {
      await tx.query(
        `insert into email_topic_optouts (workspace_id, topic_id, contact_id, created_at) select $1, t, $2, $3 from unnest($4::uuid[]) t`,
        [workspaceId, contactId, now, leave],
      );
    }
    const event = (e: Pick<NewEvent, 'name' | 'properties'>) =>
      recordEvents(tx, workspaceId, 'email', [{ ...e, contactId, occurredAt: now, messageId: `${e.name}:${contactId}:${now.getTime()}` } as NewEvent]);
    if (!choice.all && c.email_status === 'subscribed') {
      await tx.query("update contacts set email_status = 'unsubscribed', updated_at = $3 where id = $1 and workspace_id = $2", [contactId, workspaceId, now]);
      if (c.email) {
        await tx.query(
          `insert into suppressions (workspace_id, email_hash, reason, created_at) values ($1, $2, 'unsubscribed', $3) on conflict (workspace_id, email_hash) do nothing`,
          [workspaceId, emailHash(c.email), now],
        );
      }
      await event({ name: 'email.unsubscribed', properties: { via: 'preferences' } });
    } else if (choice.all && (c.email_status === 'unsubscribed' || c.email_status === 'not_subscribed')) {
      await tx.query("update contacts set email_status = 'subscribed', updated_at = $3 where id = $1 and workspace_id = $2", [contactId, workspaceId, now]);
      if (c.email) await tx.query("delete from suppressions where workspace_id = $1 and email_hash = $2 and reason = 'unsubscribed'", [workspaceId, emailHash(c.email)]);
      await event({ name: 'email.resubscribed', properties: { via: 'preferences' } });
    }
    await event({ name: 'email.preferences_changed', properties: { topics_left: leave.length, subscribed: choice.all } });
    return true;
  });
  if (changed) notifyDataChanged(ctx, workspaceId);
}
