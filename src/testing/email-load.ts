// A workspace ready to send one large broadcast (the crash test and the email benchmark):
// contacts with names and properties, a list of all of them, a personalized MJML template
// with tracking-worthy links, and SMTP settings pointing at a sink.
import { createUserWithWorkspace } from '../workspaces/workspaces.ts';
import { createBroadcast } from '../messaging/broadcasts/broadcasts.ts';
import { STARTERS } from '../messaging/templates/starters.ts';
import { createTemplate } from '../messaging/templates/templates.ts';
import { saveEmailSettings } from '../messaging/delivery/transport.ts';
import type { AppContext } from '../server/context.ts';

export async function seedBroadcast(ctx: AppContext, options: { contacts: number; smtpPort: number; workspaceId?: string }): Promise<{ workspaceId: string; broadcastId: string }> {
  const workspaceId =
    options.workspaceId ??
    (await createUserWithWorkspace(ctx, { email: `load-${Date.now()}@example.com`, password: 'load test password', name: 'Load', workspaceName: 'Load & Co' })).workspaceId;
  await ctx.db.query(
    `insert into contacts (workspace_id, email, email_status, first_name, last_name, properties)
     select $1, 'load' || i || '@example.com', 'subscribed', case when i % 10 = 0 then null else 'Name' || i end, 'Last' || i,
            jsonb_build_object('loyalty_points', i % 5000, 'loyalty_tier', (array['bronze', 'silver', 'gold'])[1 + i % 3])
     from generate_series(1, $2::int) i`,
    [workspaceId, options.contacts],
  );
  const [list] = await ctx.db.query<{ id: string }>(
    `insert into segments (workspace_id, kind, name, member_count) values ($1, 'list', 'Everyone', $2) returning id`,
    [workspaceId, options.contacts],
  );
  await ctx.db.query(
    `insert into segment_members (workspace_id, segment_id, contact_id, entered_at) select $1, $2, id, now() from contacts where workspace_id = $1`,
    [workspaceId, list!.id],
  );
  const starter = STARTERS.find((s) => s.key === 'loyalty_summary')!;
  const template = await createTemplate(ctx, workspaceId, null, { ...starter.template, defaults: { ...starter.template.defaults, 'contact.first_name': 'there' } });
  await saveEmailSettings(ctx, workspaceId, { smtpHost: '127.0.0.1', smtpPort: options.smtpPort, smtpSecurity: 'none', fromName: 'Load & Co', fromEmail: 'news@load.test' });
  const b = await createBroadcast(ctx, workspaceId, null, { name: 'Load', templateId: template.id, segmentId: list!.id, topicId: null, ratePerMinute: null });
  return { workspaceId, broadcastId: b.id };
}
