// A contact's consent record: every change of their email status, with when, through what
// (the web app, the API, an import and who answered its consent question, the tracking API,
// an unsubscribe link, a bounce…), newest first. What a regulator asks for.
import type { AppContext } from '../server/context.ts';
import type { EmailStatus } from './fields.ts';
import { getContact } from './contacts.ts';

export interface ConsentChange {
  status: EmailStatus;
  previous: EmailStatus | null;
  at: Date;
  /** The writer: web, api, import, tracking, unsubscribe, preferences, email-feedback, suppressions, demo, migration. */
  source: string;
  importId: string | null;
  importFile: string | null;
  /** For an import: who said the people in the file agreed (or did not). */
  statedBy: string | null;
}

export async function consentHistory(ctx: AppContext, workspaceId: string, contactId: string): Promise<ConsentChange[]> {
  await getContact(ctx, workspaceId, contactId);
  const rows = await ctx.db.query<{
    status: EmailStatus;
    previous: EmailStatus | null;
    at: Date | string;
    source: string;
    import_id: string | null;
    file_name: string | null;
    stated_by: string | null;
  }>(
    `select cc.new_value #>> '{}' as status, cc.old_value #>> '{}' as previous, cc.changed_at as at, cc.source, cc.import_id,
            i.file_name, coalesce(nullif(u.name, ''), u.email) as stated_by
     from contact_changes cc
     left join imports i on i.id = cc.import_id and i.workspace_id = cc.workspace_id
     left join users u on u.id = i.created_by
     where cc.workspace_id = $1 and cc.contact_id = $2 and cc.field = 'email_status'
     order by cc.id desc limit 200`,
    [workspaceId, contactId],
  );
  return rows.map((r) => ({
    status: r.status,
    previous: r.previous,
    at: new Date(r.at),
    source: r.source,
    importId: r.import_id,
    importFile: r.file_name,
    statedBy: r.stated_by,
  }));
}
