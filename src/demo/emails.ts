// The demo shop's campaigns as the broadcasts that would have sent them: one sent broadcast per
// campaign, a delivered message per `email.sent` event and an engagement row per open and
// click by a person, written set-based as sending and tracking would have written them, so
// that the email report and the dashboard's open and click rates show the demo's year of email
// (the events alone feed segments and timelines, not the report, which counts messages).
// Made once: nothing when the workspace already has the demo's messages.
import type { SqlSession } from '../db/client.ts';

/** Returns how many messages were written (0 when they exist already or the demo sent nothing). */
export async function addDemoEmails(db: SqlSession, workspaceId: string): Promise<number> {
  const [done] = await db.query("select 1 from email_messages where workspace_id = $1 and idempotency_key like 'demo:%' limit 1", [workspaceId]);
  if (done) return 0;
  const [r] = await db.query<{ messages: number }>(
    `with campaigns as materialized (
       select rapport_uuid_v7() as id, campaign, subject, at, n from (
         select e.properties ->> 'campaign' as campaign, min(e.properties ->> 'subject') as subject, min(e.occurred_at) as at, count(*)::int as n
         from events e where e.workspace_id = $1 and e.source = 'demo' and e.name = 'email.sent' and e.properties ? 'campaign'
         group by 1
       ) c
     ), broadcasts_made as (
       insert into broadcasts (id, workspace_id, name, state, recipients, created_at, updated_at, started_at, finished_at)
       select id, $1, left(coalesce(nullif(btrim(subject), ''), campaign), 200), 'sent', n, at, at, at, at from campaigns
     ), sent as materialized (
       select rapport_uuid_v7() as id, e.contact_id, e.occurred_at, e.message_id, e.properties ->> 'subject' as subject, c.id as broadcast_id, c.campaign, k.email
       from events e
       join campaigns c on c.campaign = e.properties ->> 'campaign'
       join contacts k on k.id = e.contact_id and k.email is not null
       where e.workspace_id = $1 and e.source = 'demo' and e.name = 'email.sent'
     ), messages as (
       insert into email_messages (id, workspace_id, contact_id, kind, idempotency_key, to_email, subject, html, text, state, sent_at, created_at, broadcast_id)
       select id, $1, contact_id, 'broadcast', message_id, email, subject,
              '<p>A message of the demo data: what it said was not kept, only who got it, opened and clicked it.</p>',
              'A message of the demo data: what it said was not kept, only who got it, opened and clicked it.',
              'sent', occurred_at, occurred_at, broadcast_id
       from sent
       returning 1
     ), engaged as (
       insert into email_engagement (workspace_id, message_id, broadcast_id, contact_id, kind, url, prefetch, at)
       select $1, s.id, s.broadcast_id, s.contact_id, case when e.name = 'email.opened' then 'open' else 'click' end, e.properties ->> 'url', false, e.occurred_at
       from events e join sent s on s.contact_id = e.contact_id and s.campaign = e.properties ->> 'campaign'
       where e.workspace_id = $1 and e.source = 'demo' and e.name in ('email.opened', 'email.clicked')
     )
     select (select count(*) from messages)::int as messages`,
    [workspaceId],
  );
  return r?.messages ?? 0;
}
