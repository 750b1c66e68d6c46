// Lift in one table: every workflow with a holdout (its own report: goal conversion of treated
// against held-out contacts) and every broadcast sent while the workspace had a control group
// (its audience against the members left out as the control group: an order within the
// attribution window after the broadcast started). The statistics are the workflows' (lift.ts).
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { eventLabel } from '../events/catalogue.ts';
import { liftOf } from '../workflows/lift.ts';
import { liftReport } from '../workflows/report.ts';
import type { LiftResult } from './contract.ts';

type Item = LiftResult['items'][number];

export async function liftTableOf(ctx: AppContext, workspaceId: string, attributionDays: number): Promise<LiftResult> {
  const [workflows, broadcasts] = await Promise.all([workflowItems(ctx, workspaceId), broadcastItems(ctx.db, workspaceId, attributionDays)]);
  return { attributionDays, items: [...workflows, ...broadcasts] };
}

async function workflowItems(ctx: AppContext, workspaceId: string): Promise<Item[]> {
  const rows = await ctx.db.query<{ id: string; name: string }>(
    `select w.id, w.name from workflows w
     where w.workspace_id = $1 and (w.holdout_bp > 0 or exists (select 1 from workflow_enrollments e where e.workflow_id = w.id and e.holdout))
     order by w.name`,
    [workspaceId],
  );
  const out: Item[] = [];
  for (const w of rows) {
    const r = await liftReport(ctx, workspaceId, w.id);
    const goal = r.goal === null ? 'No goal set: nothing counts as converting' : r.goal.kind === 'event_since_entry' ? `${eventLabel(r.goal.event)} after entering` : 'Met the goal condition';
    out.push({
      kind: 'workflow',
      id: w.id,
      name: w.name,
      goal,
      ...r.overall.lift,
      revenue: r.overall.revenue.map((x) => ({ currency: x.currency, treated: x.treated.perContact, holdout: x.holdout.perContact })),
    });
  }
  return out;
}

/** The workspace's broadcasts that left members out as the control group ($1 workspace). */
const CONTROLLED = `controlled as materialized (
  select b.id, b.name, b.started_at from broadcasts b
  where b.workspace_id = $1 and b.started_at is not null
    and b.id in (select m.broadcast_id from email_messages m where m.left_out = 'control_group')
)`;

async function broadcastItems(db: SqlSession, workspaceId: string, days: number): Promise<Item[]> {
  const rows = await db.query<{ id: string; name: string; holdout: boolean; contacts: number; converted: number }>(
    `with ${CONTROLLED},
     groups as (
       select b.id, b.name, b.started_at, m.contact_id, m.left_out is not distinct from 'control_group' as holdout
       from controlled b join email_messages m on m.broadcast_id = b.id
       where m.contact_id is not null and (m.left_out = 'control_group' or m.state in ('sent', 'bounced', 'queued', 'sending'))
     )
     select g.id, g.name, g.holdout, count(*)::int as contacts,
            count(*) filter (where exists (
              select 1 from events o where o.workspace_id = $1 and o.contact_id = g.contact_id and o.name = 'purchase'
                and o.occurred_at >= g.started_at and o.occurred_at < g.started_at + make_interval(days => $2)))::int as converted
     from groups g group by g.id, g.name, g.started_at, g.holdout order by g.started_at desc`,
    [workspaceId, days],
  );
  const money = await db.query<{ id: string; holdout: boolean; currency: string; revenue: string }>(
    `with ${CONTROLLED}
     select b.id, m.left_out is not distinct from 'control_group' as holdout, o.properties ->> 'currency' as currency, sum((o.properties ->> 'total')::bigint)::text as revenue
     from controlled b join email_messages m on m.broadcast_id = b.id
     join events o on o.workspace_id = $1 and o.contact_id = m.contact_id and o.name = 'purchase'
       and o.occurred_at >= b.started_at and o.occurred_at < b.started_at + make_interval(days => $2)
     where (m.left_out = 'control_group' or m.state in ('sent', 'bounced', 'queued', 'sending'))
       and rapport_is_order_event(o.name, o.properties)
     group by 1, 2, 3`,
    [workspaceId, days],
  );
  const ids = [...new Set(rows.map((r) => r.id))];
  return ids.map((id) => {
    const treated = rows.find((r) => r.id === id && !r.holdout);
    const held = rows.find((r) => r.id === id && r.holdout);
    const t = { contacts: treated?.contacts ?? 0, converted: treated?.converted ?? 0 };
    const h = { contacts: held?.contacts ?? 0, converted: held?.converted ?? 0 };
    const currencies = [...new Set(money.filter((m) => m.id === id).map((m) => m.currency))].sort();
    const per = (holdout: boolean, currency: string, n: number) => {
      const r = money.find((m) => m.id === id && m.holdout === holdout && m.currency === currency);
      return n > 0 ? Number(r?.revenue ?? 0) / n : null;
    };
    return {
      kind: 'broadcast' as const,
      id,
      name: (treated ?? held)!.name,
      goal: `Ordered within ${days} day${days === 1 ? '' : 's'} of the send`,
      ...liftOf(t, h),
      revenue: currencies.map((currency) => ({ currency, treated: per(false, currency, t.contacts), holdout: per(true, currency, h.contacts) })),
    };
  });
}
