// Follow-ups from a broadcast: a static list of the recipients who opened it, who did not,
// who clicked or did not, or everyone it reached, to send the next message to ("resend to
// non-openers"). Opens as the report counts them: by a person (prefetches left out), and a
// click counts as an open. The list is a snapshot: later opens do not change it.
import type { z } from 'zod';
import { addListMembers } from '../../segments/lists.ts';
import { createSegment } from '../../segments/segments.ts';
import type { AppContext } from '../../server/context.ts';
import { conflict } from '../../errors.ts';
import type { broadcastListBody, broadcastListCreated, FOLLOW_UP_GROUPS } from '../broadcast-contract.ts';
import { getBroadcast } from './broadcasts.ts';

type Group = (typeof FOLLOW_UP_GROUPS)[number];

const human = (kind?: 'click') => `select 1 from email_engagement e where e.message_id = m.id and not e.prefetch${kind ? ` and e.kind = '${kind}'` : ''}`;
const CONDITION: Record<Group, string> = {
  delivered: 'true',
  opened: `exists (${human()})`,
  not_opened: `not exists (${human()})`,
  clicked: `exists (${human('click')})`,
  not_clicked: `not exists (${human('click')})`,
};
const LABEL: Record<Group, string> = {
  delivered: 'delivered',
  opened: 'opened',
  not_opened: 'did not open',
  clicked: 'clicked',
  not_clicked: 'did not click',
};

export async function listFromBroadcast(
  ctx: AppContext,
  workspaceId: string,
  userId: string | null,
  broadcastId: string,
  body: z.output<typeof broadcastListBody>,
): Promise<z.output<typeof broadcastListCreated>> {
  const b = await getBroadcast(ctx, workspaceId, broadcastId);
  if (b.state === 'draft' || b.state === 'scheduled') {
    throw conflict(`The broadcast is ${b.state}: nobody has received it yet.`, [{ path: 'state', message: `is ${b.state}` }]);
  }
  // Delivered messages only: a bounced, failed or suppressed one reached nobody.
  const rows = await ctx.db.query<{ contact_id: string }>(
    `select distinct m.contact_id from email_messages m
     where m.workspace_id = $1 and m.broadcast_id = $2 and m.state = 'sent' and m.contact_id is not null and ${CONDITION[body.who]}`,
    [workspaceId, broadcastId],
  );
  const name = body.name ?? `${b.name}: ${LABEL[body.who]}`;
  const description = `Recipients of the broadcast “${b.name}” who ${LABEL[body.who]}, as of ${ctx.clock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
  const list = await createSegment(ctx, workspaceId, userId, { kind: 'list', name, description });
  const added = rows.length > 0 ? await addListMembers(ctx, workspaceId, list.id, { contactIds: rows.map((r) => r.contact_id) }) : 0;
  return { id: list.id, name: list.name, memberCount: added };
}
