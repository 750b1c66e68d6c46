// Email performance across broadcasts and workflows (definitions.ts): messages sent in the
// period, delivered, bounced, opened by people and only by machines (the prefetch rules of
// messaging/tracking), clicked by people (the sender's own unsubscribe, preference and survey
// links are never tracked, so never counted), unsubscribes and complaints they caused, and the
// orders attributed to them; per campaign, per template, over time, and the top links.
import type { SqlSession } from '../db/client.ts';
import { boundsOf } from './customers-sql.ts';
import { addDays, type Period } from '../shared/days.ts';
import { bucketDays } from './definitions.ts';
import type { EmailResult } from './contract.ts';

type Row = EmailResult['total'];

interface Scope {
  workspaceId: string;
  timezone: string;
  attributionDays: number;
}

/** A message's campaign: its broadcast, or the workflow of the enrollment named in its key (`workflow:<enrollment>:<step>`). */
const CAMPAIGN_SQL = `case when m.broadcast_id is not null then 'broadcast' when m.idempotency_key like 'workflow:%' then 'workflow' else 'other' end`;
const WORKFLOW_ID_SQL = `case when m.idempotency_key ~ '^workflow:[0-9a-f-]{36}:' then (select en.workflow_id from workflow_enrollments en where en.id = split_part(m.idempotency_key, ':', 2)::uuid) end`;

export async function emailReportOf(db: SqlSession, s: Scope, period: Period): Promise<EmailResult> {
  const step = bucketDays(period.days);
  const b = addDays(period.to, 1);
  const bounds = boundsOf(period.from, b, step);
  // $1 workspace, $2 from, $3 day after to, $4 time zone, $5 bucket bounds, $6 attribution days
  const msgs = `
    msgs as materialized (
      select m.id, m.contact_id, m.template_id, m.state, m.sent_at, coalesce(m.sent_at, m.created_at) as at,
             ${CAMPAIGN_SQL} as kind, coalesce(m.broadcast_id, ${WORKFLOW_ID_SQL}) as campaign_id,
             width_bucket((coalesce(m.sent_at, m.created_at) at time zone $4)::date, $5::date[]) - 1 as j,
             exists (select 1 from email_engagement g where g.message_id = m.id and not g.prefetch) as human,
             exists (select 1 from email_engagement g where g.message_id = m.id and g.prefetch and g.kind = 'open') as machine,
             exists (select 1 from email_engagement g where g.message_id = m.id and g.kind = 'click' and not g.prefetch) as clicked
      from email_messages m
      where m.workspace_id = $1 and m.kind <> 'test' and m.contact_id is not null and m.state in ('sent', 'bounced')
        and coalesce(m.sent_at, m.created_at) >= ($2::date::timestamp at time zone $4)
        and coalesce(m.sent_at, m.created_at) < ($3::date::timestamp at time zone $4)
    )`;
  const base = `${msgs},
    -- An unsubscribe or complaint counts for the last message the contact was sent before it (within 30 days).
    reactions as (
      select distinct on (ev.id) ev.name, last.id as message_id
      from events ev
      cross join lateral (
        select x.id from email_messages x
        where x.workspace_id = ev.workspace_id and x.contact_id = ev.contact_id and x.kind <> 'test' and x.state in ('sent', 'bounced')
          and coalesce(x.sent_at, x.created_at) <= ev.occurred_at and coalesce(x.sent_at, x.created_at) > ev.occurred_at - interval '30 days'
        order by coalesce(x.sent_at, x.created_at) desc limit 1
      ) last
      where ev.workspace_id = $1 and ev.name in ('email.unsubscribed', 'email.complained')
        and ev.occurred_at >= ($2::date::timestamp at time zone $4)
        and ev.contact_id in (select contact_id from msgs)
    ),
    -- Each order within A days after a person opened or clicked an email, for the latest such email.
    attributed as (
      select o.properties ->> 'currency' as currency, (o.properties ->> 'total')::bigint as total, last.message_id
      from events o
      cross join lateral (
        select g.message_id from email_engagement g
        where g.contact_id = o.contact_id and not g.prefetch and g.at <= o.occurred_at and g.at > o.occurred_at - make_interval(days => $6)
        order by g.at desc limit 1
      ) last
      where o.workspace_id = $1 and o.name = 'purchase' and rapport_is_order_event(o.name, o.properties)
        and o.occurred_at >= ($2::date::timestamp at time zone $4)
        and o.occurred_at < ($3::date::timestamp at time zone $4) + make_interval(days => $6)
        and o.contact_id in (select contact_id from msgs)
    ),
    per_message as (
      select m.*,
             (select count(*) from reactions r where r.message_id = m.id and r.name = 'email.unsubscribed')::int as unsubscribes,
             (select count(*) from reactions r where r.message_id = m.id and r.name = 'email.complained')::int as complaints
      from msgs m
    )`;
  const figures = `count(*)::int as sent, count(*) filter (where state = 'sent')::int as delivered, count(*) filter (where state = 'bounced')::int as bounced,
                   count(*) filter (where human)::int as human, count(*) filter (where machine and not human)::int as machine, count(*) filter (where clicked)::int as clicks,
                   sum(unsubscribes)::int as unsubscribes, sum(complaints)::int as complaints`;
  const params = [s.workspaceId, period.from, b, s.timezone, bounds, s.attributionDays];
  const [groups, money, series, links] = await Promise.all([
    db.query<Figures & { grp: string; kind: string; id: string | null; name: string | null }>(
      `with ${base}
       select 'total' as grp, 'total' as kind, null::text as id, null::text as name, ${figures} from per_message
       union all
       select 'campaign', kind, campaign_id::text, coalesce((select name from broadcasts x where x.id = campaign_id), (select name from workflows x where x.id = campaign_id)), ${figures}
         from per_message group by kind, campaign_id
       union all
       select 'template', 'template', template_id::text, (select name from email_templates t where t.id = template_id), ${figures} from per_message where template_id is not null group by template_id`,
      params,
    ),
    db.query<{ grp: string; kind: string; id: string | null; currency: string; amount: string; orders: number }>(
      `with ${base}
       select g.grp, g.kind, g.id, a.currency, sum(a.total)::text as amount, count(*)::int as orders
       from attributed a join msgs m on m.id = a.message_id
       cross join lateral (values ('total', 'total', null::text), ('campaign', m.kind, m.campaign_id::text), ('template', 'template', m.template_id::text)) g(grp, kind, id)
       where g.grp <> 'template' or g.id is not null
       group by 1, 2, 3, 4 order by 6 desc`,
      params,
    ),
    db.query<{ j: number; sent: number; delivered: number; human: number; machine: number; clicks: number }>(
      `with ${msgs}
       select j, count(*)::int as sent, count(*) filter (where state = 'sent')::int as delivered, count(*) filter (where human)::int as human,
              count(*) filter (where machine and not human)::int as machine, count(*) filter (where clicked)::int as clicks
       from msgs group by j`,
      params.slice(0, 5),
    ),
    db.query<{ url: string; clicks: number; unique_clicks: number }>(
      `select g.url, count(*)::int as clicks, count(distinct g.message_id)::int as unique_clicks
       from email_engagement g join email_messages m on m.id = g.message_id
       where g.workspace_id = $1 and g.kind = 'click' and not g.prefetch and m.kind <> 'test'
         and coalesce(m.sent_at, m.created_at) >= ($2::date::timestamp at time zone $4)
         and coalesce(m.sent_at, m.created_at) < ($3::date::timestamp at time zone $4)
       group by g.url order by 3 desc, 2 desc, 1 limit 20`,
      [s.workspaceId, period.from, b, s.timezone],
    ),
  ]);
  const revenueOf = (grp: string, kind: string, id: string | null) =>
    money.filter((r) => r.grp === grp && r.kind === kind && r.id === id).map((r) => ({ currency: r.currency, amount: Number(r.amount), orders: r.orders }));
  const rowOf = (g: (typeof groups)[number]): Row => {
    const kind = (g.grp === 'template' ? 'template' : g.kind) as Row['kind'];
    return {
      kind,
      id: g.id,
      name: g.name ?? (kind === 'total' ? 'All email' : kind === 'template' ? '(template deleted)' : kind === 'other' ? 'Single and survey emails' : '(deleted)'),
      sent: g.sent,
      delivered: g.delivered,
      bounced: g.bounced,
      humanOpens: g.human,
      machineOpens: g.machine,
      clicks: g.clicks,
      unsubscribes: g.unsubscribes ?? 0,
      complaints: g.complaints ?? 0,
      openRate: g.delivered > 0 ? g.human / g.delivered : null,
      clickRate: g.delivered > 0 ? g.clicks / g.delivered : null,
      clickToOpenRate: g.human > 0 ? g.clicks / g.human : null,
      revenue: revenueOf(g.grp, g.grp === 'template' ? 'template' : g.kind, g.id),
    };
  };
  const total = groups.find((g) => g.grp === 'total');
  const empty: Figures = { sent: 0, delivered: 0, bounced: 0, human: 0, machine: 0, clicks: 0, unsubscribes: 0, complaints: 0 };
  const bySent = (x: Row, y: Row) => y.sent - x.sent || x.name.localeCompare(y.name);
  const buckets = bounds.slice(0, -1);
  return {
    period,
    attributionDays: s.attributionDays,
    bucketDays: step,
    total: rowOf(total && total.sent > 0 ? total : { ...empty, grp: 'total', kind: 'total', id: null, name: null }),
    campaigns: groups.filter((g) => g.grp === 'campaign').map(rowOf).sort(bySent),
    templates: groups.filter((g) => g.grp === 'template').map(rowOf).sort(bySent),
    series: buckets.map((start, j) => {
      const r = series.find((x) => x.j === j);
      return { start, sent: r?.sent ?? 0, delivered: r?.delivered ?? 0, humanOpens: r?.human ?? 0, machineOpens: r?.machine ?? 0, clicks: r?.clicks ?? 0 };
    }),
    links: links.map((l) => ({ url: l.url, clicks: l.clicks, uniqueClicks: l.unique_clicks })),
  };
}

interface Figures {
  sent: number;
  delivered: number;
  bounced: number;
  human: number;
  machine: number;
  clicks: number;
  unsubscribes: number;
  complaints: number;
}
