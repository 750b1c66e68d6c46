// The per-member figures (loyalty_members) that segments, merge fields and pages read, and the
// member's tier: recomputed from the lots in the transaction of any change of the member's
// points, and by the hourly job for what time alone changes (pending points become spendable,
// lots expire, a tier period ends). tiers.ts says what the qualifying value means for the tier.
import type { SqlSession } from '../db/client.ts';
import { recordEvents } from '../events/record.ts';
import type { Program } from './program.ts';
import { type Tier, tierAfter } from './tiers.ts';

/** The start of the program's tier window at `now` (SQL, $2 = now, $3 = time zone), or null for the lifetime. */
function windowStartSql(program: Program): string {
  if (program.tierWindow === 'year') return "(date_trunc('year', $2::timestamptz at time zone $3) at time zone $3)";
  if (program.tierWindow === 'rolling_12') return "($2::timestamptz - interval '12 months')";
  return "'-infinity'::timestamptz";
}

/** Money spent less refunds in the tier currency over the window (SQL on the member `a`). */
function spendSql(program: Program): string {
  return `coalesce((select sum(case when e.name = 'purchase' then (e.properties ->> 'total')::bigint else -(e.properties ->> 'total')::bigint end)
     from events e where e.workspace_id = a.workspace_id and e.contact_id = a.contact_id and e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
       and e.properties ->> 'currency' = $4 and e.occurred_at >= ${windowStartSql(program)}), 0)`;
}

/** The members whose figures were just written, for each loyalty figure some segment of the workspace reads. */
export async function queueSegments(tx: SqlSession, workspaceId: string, contactIds: string[]): Promise<void> {
  await tx.query(
    `insert into segment_pending (workspace_id, contact_id, reason)
     select $1, c, 'field:' || f.field
     from (select distinct unnest(depends_on_fields) as field from segments where workspace_id = $1) f
     cross join unnest($2::uuid[]) as c
     where f.field like 'loyalty.%'`,
    [workspaceId, contactIds],
  );
}

export interface MemberFigures {
  contactId: string;
  points: number;
  pending: number;
  lifetime: number;
  debt: number;
  qualifying: number;
  nextExpiryAt: Date | null;
  nextExpiryPoints: number | null;
  tierId: string | null;
}

/**
 * Recomputes the figures of the given members (null: every member of the workspace) and moves
 * them between tiers: up at once; down only when `moment` is a period end, by the program's
 * policy. A change of tier is a `tier.changed` event. Returns the members whose tier changed.
 */
export async function refreshMembers(tx: SqlSession, workspaceId: string, program: Program, tiers: Tier[], contactIds: string[] | null, now: Date, moment: 'earn' | 'period_end' = 'earn'): Promise<number> {
  const rows = await tx.query<{
    contact_id: string;
    debt: string;
    available: string;
    pending: string;
    lifetime: string;
    qualifying: string;
    next_expiry_at: Date | null;
    next_expiry_points: string | null;
    tier_id: string | null;
    last_activity_at: Date | null;
  }>(
    `with acc as (
       select a.id, a.workspace_id, a.contact_id, a.debt from loyalty_accounts a
       where a.workspace_id = $1 and a.kind = 'member' and ($5::uuid[] is null or a.contact_id = any($5::uuid[]))),
     lots as (
       select l.account_id,
              sum(l.remaining) filter (where l.remaining > 0 and l.available_at <= $2 and (l.expires_at is null or l.expires_at > $2)) as available,
              sum(l.remaining) filter (where l.remaining > 0 and l.available_at > $2 and (l.expires_at is null or l.expires_at > $2)) as pending,
              sum(l.points - l.reversed) filter (where l.earned_at is not null) as lifetime,
              sum(l.points - l.reversed) filter (where l.earned_at is not null and l.earned_at >= ${windowStartSql(program)}) as window_points,
              max(l.earned_at) as last_earn
       from loyalty_lots l where l.account_id in (select id from acc) group by l.account_id)
     select a.contact_id, a.debt, coalesce(s.available, 0) as available, coalesce(s.pending, 0) as pending, coalesce(s.lifetime, 0) as lifetime,
       ${program.tierBasis === 'points' ? 'coalesce(s.window_points, 0)' : spendSql(program)} as qualifying,
       x.at as next_expiry_at, x.points as next_expiry_points,
       m.tier_id, $3::text as timezone, $4::text as tier_currency,
       greatest(s.last_earn, (select t.created_at from loyalty_transfers t where t.from_account = a.id and t.kind = 'spend' order by t.from_account desc, t.id desc limit 1)) as last_activity_at
     from acc a
     left join lots s on s.account_id = a.id
     left join loyalty_members m on m.workspace_id = a.workspace_id and m.contact_id = a.contact_id
     left join lateral (
       select l.expires_at as at, sum(l.remaining) as points from loyalty_lots l
       where l.account_id = a.id and l.remaining > 0 and l.expires_at > $2
       group by l.expires_at order by l.expires_at limit 1) x on true`,
    [workspaceId, now, program.timezone, program.tierCurrency, contactIds],
  );
  const byId = new Map(tiers.map((t) => [t.id, t]));
  const changes: { contactId: string; from: Tier | null; to: Tier | null }[] = [];
  const out = rows.map((r) => {
    const current = r.tier_id ? (byId.get(r.tier_id) ?? null) : null;
    const next = tiers.length ? tierAfter(tiers, current, Number(r.qualifying), moment, program.downgrade) : null;
    if ((next?.id ?? null) !== (current?.id ?? null)) changes.push({ contactId: r.contact_id, from: current, to: next });
    return { ...r, tier: next?.id ?? null, changed: (next?.id ?? null) !== (r.tier_id ?? null) };
  });
  if (out.length === 0) return 0;
  await tx.query(
    `insert into loyalty_members (workspace_id, contact_id, points, pending, lifetime, debt, qualifying, next_expiry_at, next_expiry_points, tier_id, tier_name, tier_since, last_activity_at, updated_at)
     select $1, x.c, x.p, x.pe, x.l, x.d, x.q, x.ea, x.ep, x.t, x.tn, case when x.ch then $2::timestamptz end, x.la, $2::timestamptz
     from unnest($3::uuid[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::timestamptz[], $10::int8[], $11::uuid[], $12::boolean[], $13::timestamptz[], $14::text[])
       as x(c, p, pe, l, d, q, ea, ep, t, ch, la, tn)
     on conflict (workspace_id, contact_id) do update set points = excluded.points, pending = excluded.pending, lifetime = excluded.lifetime, debt = excluded.debt,
       qualifying = excluded.qualifying, next_expiry_at = excluded.next_expiry_at, next_expiry_points = excluded.next_expiry_points, tier_id = excluded.tier_id, tier_name = excluded.tier_name,
       tier_since = case when excluded.tier_since is not null then excluded.tier_since else loyalty_members.tier_since end,
       last_activity_at = excluded.last_activity_at, updated_at = excluded.updated_at`,
    [
      workspaceId,
      now,
      out.map((r) => r.contact_id),
      out.map((r) => Number(r.available) - Number(r.debt)),
      out.map((r) => Number(r.pending)),
      out.map((r) => Number(r.lifetime)),
      out.map((r) => Number(r.debt)),
      out.map((r) => Number(r.qualifying)),
      out.map((r) => r.next_expiry_at),
      out.map((r) => (r.next_expiry_points === null ? null : Number(r.next_expiry_points))),
      out.map((r) => r.tier),
      out.map((r) => r.changed),
      out.map((r) => r.last_activity_at),
      out.map((r) => (r.tier ? byId.get(r.tier)!.name : null)),
    ],
  );
  await queueSegments(tx, workspaceId, out.map((r) => r.contact_id));
  if (changes.length) {
    const rank = (t: Tier | null) => (t === null ? -1 : tiers.findIndex((x) => x.id === t.id));
    await recordEvents(
      tx,
      workspaceId,
      'loyalty',
      changes.map((c) => ({
        name: 'tier.changed' as const,
        contactId: c.contactId,
        occurredAt: now,
        messageId: `tier.changed:${c.contactId}:${c.to?.id ?? 'none'}:${now.toISOString()}`,
        properties: { tier_id: c.to?.id ?? null, tier: c.to?.name ?? null, previous_tier: c.from?.name ?? null, direction: rank(c.to) > rank(c.from) ? 'up' : 'down' },
      })),
    );
  }
  return changes.length;
}

/** A member's figures as the pages show them (zeros for a contact who never earned). */
export async function memberFigures(db: SqlSession, workspaceId: string, contactId: string): Promise<MemberFigures> {
  const [r] = await db.query<{ points: string; pending: string; lifetime: string; debt: string; qualifying: string; next_expiry_at: Date | null; next_expiry_points: string | null; tier_id: string | null }>(
    'select * from loyalty_members where workspace_id = $1 and contact_id = $2',
    [workspaceId, contactId],
  );
  return {
    contactId,
    points: Number(r?.points ?? 0),
    pending: Number(r?.pending ?? 0),
    lifetime: Number(r?.lifetime ?? 0),
    debt: Number(r?.debt ?? 0),
    qualifying: Number(r?.qualifying ?? 0),
    nextExpiryAt: r?.next_expiry_at ?? null,
    nextExpiryPoints: r?.next_expiry_points === null || r?.next_expiry_points === undefined ? null : Number(r.next_expiry_points),
    tierId: r?.tier_id ?? null,
  };
}
