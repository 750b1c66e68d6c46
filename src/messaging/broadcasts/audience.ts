// Who of a segment or list a broadcast would reach, and who it leaves out and why: one SQL
// definition (the members, under the rule every send shares: consent/eligibility.ts) used
// both when the audience is frozen (a message row per member) and when the web app asks
// beforehand ("2,489 of 3,195 will get it; 706 are left out"), so the two agree.
import type { z } from 'zod';
import type { AppContext } from '../../server/context.ts';
import { notFound } from '../../errors.ts';
import type { audienceEstimate } from '../broadcast-contract.ts';
import { eligibilitySql } from '../consent/eligibility.ts';

/**
 * The members of a segment or list who have an address, each with why no message goes to
 * them (null: it goes), by the rule every send shares (consent/eligibility.ts). Parameters by
 * position: the workspace, the segment, the topic (or null).
 */
export function audienceSql(ws: string, segment: string, topic: string): string {
  const e = eligibilitySql({ workspace: ws, topic, topicOf: "broadcast's" });
  return `select c.id, c.email, ${e.leftOut} as left_out, ${e.why} as why
     from segment_members m
     join contacts c on c.id = m.contact_id and c.workspace_id = ${ws}
     ${e.join}
     where m.segment_id = ${segment} and m.exited_at is null and c.email is not null`;
}

type Estimate = z.output<typeof audienceEstimate>;

/** What sending to this segment or list (with this topic) would do now. */
export async function estimateAudience(ctx: AppContext, workspaceId: string, segmentId: string, topicId: string | null): Promise<Estimate> {
  const [r] = await ctx.db.query<{ known: boolean; known_topic: boolean; members: number; with_email: number; reachable: number; suppressed: number; not_subscribed: number; left_topic: number; control_group: number }>(
    `with a as (${audienceSql('$1', '$2', '$3')})
     select exists (select 1 from segments where workspace_id = $1 and id = $2) as known,
            $3::uuid is null or exists (select 1 from email_topics where workspace_id = $1 and id = $3) as known_topic,
            (select count(*)::int from segment_members where workspace_id = $1 and segment_id = $2 and exited_at is null) as members,
            count(*)::int as with_email,
            count(*) filter (where left_out is null)::int as reachable,
            count(*) filter (where left_out = 'suppressed')::int as suppressed,
            count(*) filter (where left_out = 'not_subscribed')::int as not_subscribed,
            count(*) filter (where left_out = 'left_topic')::int as left_topic,
            count(*) filter (where left_out = 'control_group')::int as control_group
     from a`,
    [workspaceId, segmentId, topicId],
  );
  if (!r?.known) throw notFound('The segment or list');
  if (!r.known_topic) throw notFound('The topic');
  return {
    members: r.members,
    reachable: r.reachable,
    leftOut: { noEmail: r.members - r.with_email, suppressed: r.suppressed, notSubscribed: r.not_subscribed, leftTopic: r.left_topic, controlGroup: r.control_group },
  };
}
