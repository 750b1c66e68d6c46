// Subscription topics ("Product news", "Offers", …): a contact is in every topic until they
// leave it on the preference page (preferences.ts); a message about a topic skips those who
// left it (eligibility.ts).
import type { z } from 'zod';
import type { AppContext } from '../../server/context.ts';
import { conflict, notFound } from '../../errors.ts';
import type { topic, topicBody } from '../broadcast-contract.ts';

type Topic = z.output<typeof topic>;

interface TopicRow {
  id: string;
  name: string;
  description: string;
  opted_out: number;
  created_at: Date;
}
const toTopic = (r: TopicRow): Topic => ({ id: r.id, name: r.name, description: r.description, optedOut: Number(r.opted_out), createdAt: new Date(r.created_at) });
const TOPIC_SELECT = `select t.id, t.name, t.description, t.created_at,
  (select count(*) from email_topic_optouts o where o.topic_id = t.id)::int as opted_out from email_topics t`;

export async function listTopics(ctx: AppContext, workspaceId: string): Promise<Topic[]> {
  return (await ctx.db.query<TopicRow>(`${TOPIC_SELECT} where t.workspace_id = $1 order by lower(t.name)`, [workspaceId])).map(toTopic);
}

const taken = (name: string) => conflict(`A topic named "${name}" already exists.`, [{ path: 'name', message: 'is already taken' }]);

export async function createTopic(ctx: AppContext, workspaceId: string, body: z.output<typeof topicBody>): Promise<Topic> {
  const [row] = await ctx.db.query<{ id: string }>(
    `insert into email_topics (workspace_id, name, description, created_at) values ($1, $2, $3, $4)
     on conflict (workspace_id, lower(name)) do nothing returning id`,
    [workspaceId, body.name, body.description, ctx.clock.now()],
  );
  if (!row) throw taken(body.name);
  return getTopic(ctx, workspaceId, row.id);
}

export async function getTopic(ctx: AppContext, workspaceId: string, id: string): Promise<Topic> {
  const [row] = await ctx.db.query<TopicRow>(`${TOPIC_SELECT} where t.workspace_id = $1 and t.id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The topic');
  return toTopic(row);
}

export async function updateTopic(ctx: AppContext, workspaceId: string, id: string, patch: Partial<z.output<typeof topicBody>>): Promise<Topic> {
  const current = await getTopic(ctx, workspaceId, id);
  const next = { name: patch.name ?? current.name, description: patch.description ?? current.description };
  const rows = await ctx.db.query(
    `update email_topics set name = $3, description = $4 where workspace_id = $1 and id = $2
       and not exists (select 1 from email_topics o where o.workspace_id = $1 and o.id <> $2 and lower(o.name) = lower($3))
     returning id`,
    [workspaceId, id, next.name, next.description],
  );
  if (rows.length === 0) throw taken(next.name);
  return getTopic(ctx, workspaceId, id);
}

export async function deleteTopic(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const rows = await ctx.db.query('delete from email_topics where workspace_id = $1 and id = $2 returning id', [workspaceId, id]);
  if (rows.length === 0) throw notFound('The topic');
}
