// What the pages read of the program: a member's statement (every change of their points with
// its cause), the members list, and the program report (points issued, spent, expired and
// outstanding per month; members per tier over time; rewards redeemed).
import type { SqlSession } from '../db/client.ts';

export interface StatementLine {
  id: number;
  at: Date;
  kind: 'earn' | 'spend' | 'expire' | 'reverse' | 'adjust' | 'forfeit';
  /** Positive: points in; negative: points out. */
  points: number;
  /** In words: the rule, the reward, the refund, the admin's reason. */
  what: string;
  /** For an earn: when the points can be spent (later than `at` while pending) and when they expire. */
  availableAt: Date | null;
  expiresAt: Date | null;
  remaining: number | null;
  by: string | null;
}

export async function statementOf(db: SqlSession, workspaceId: string, contactId: string, limit = 200): Promise<StatementLine[]> {
  const rows = await db.query<{
    id: string;
    created_at: Date;
    kind: StatementLine['kind'];
    amount: string;
    inward: boolean;
    cause: string;
    reason: string | null;
    rule_name: string | null;
    reward_name: string | null;
    order_id: string | null;
    available_at: Date | null;
    expires_at: Date | null;
    remaining: string | null;
    by: string | null;
    earned_at: Date | null;
  }>(
    `select t.id, t.created_at, t.kind, t.amount, t.to_account = a.id as inward, t.cause, t.reason, r.name as rule_name, rw.name as reward_name,
            coalesce(e.properties ->> 'order_id', null) as order_id, l.available_at, l.expires_at, l.remaining, u.email as by, l.earned_at
     from loyalty_accounts a
     join loyalty_transfers t on t.to_account = a.id or t.from_account = a.id
     left join loyalty_lots l on l.transfer_id = t.id
     left join loyalty_rules r on r.id = l.rule_id
     left join loyalty_reward_redemptions rr on t.kind = 'spend' and rr.transfer_id = t.id
     left join loyalty_rewards rw on rw.id = rr.reward_id
     -- The order: an earn's lot names its event; a refund's reversal names the refund in its cause.
     left join events e on e.workspace_id = a.workspace_id
       and e.id = coalesce(l.source_event_id, case when t.kind = 'reverse' and t.cause ~ '^event:[0-9a-f-]{36}$' then substr(t.cause, 7)::uuid end)
     left join users u on u.id = t.created_by
     where a.workspace_id = $1 and a.contact_id = $2 and a.kind = 'member'
     order by t.id desc limit $3`,
    [workspaceId, contactId, limit],
  );
  return rows.map((r) => {
    const order = r.order_id ? ` (order ${r.order_id})` : '';
    const what =
      r.kind === 'earn'
        ? `${r.rule_name ?? 'Points'}${order}`
        : r.kind === 'spend'
          ? `Reward: ${r.reward_name ?? 'a reward'}`
          : r.kind === 'expire'
            ? 'Expired'
            : r.kind === 'reverse'
              ? `Refund${order}`
              : r.kind === 'forfeit'
                ? 'Membership ended'
                : `Adjustment: ${r.reason ?? ''}`.trim();
    return {
      id: Number(r.id),
      at: r.earned_at ?? r.created_at,
      kind: r.kind,
      points: r.inward ? Number(r.amount) : -Number(r.amount),
      what,
      availableAt: r.available_at,
      expiresAt: r.expires_at,
      remaining: r.remaining === null ? null : Number(r.remaining),
      by: r.by,
    };
  });
}

export interface MemberRow {
  contactId: string;
  email: string | null;
  name: string;
  points: number;
  pending: number;
  lifetime: number;
  tierId: string | null;
  nextExpiryAt: Date | null;
  nextExpiryPoints: number | null;
}

export async function membersOf(db: SqlSession, workspaceId: string, filter: { tierId?: string; limit: number }): Promise<MemberRow[]> {
  const rows = await db.query<{ contact_id: string; email: string | null; first_name: string | null; last_name: string | null; points: string; pending: string; lifetime: string; tier_id: string | null; next_expiry_at: Date | null; next_expiry_points: string | null }>(
    `select m.contact_id, c.email, c.first_name, c.last_name, m.points, m.pending, m.lifetime, m.tier_id, m.next_expiry_at, m.next_expiry_points
     from loyalty_members m join contacts c on c.workspace_id = m.workspace_id and c.id = m.contact_id
     where m.workspace_id = $1 and ($2::uuid is null or m.tier_id = $2) order by m.points desc, m.contact_id limit $3`,
    [workspaceId, filter.tierId ?? null, filter.limit],
  );
  return rows.map((r) => ({
    contactId: r.contact_id,
    email: r.email,
    name: [r.first_name, r.last_name].filter(Boolean).join(' '),
    points: Number(r.points),
    pending: Number(r.pending),
    lifetime: Number(r.lifetime),
    tierId: r.tier_id,
    nextExpiryAt: r.next_expiry_at,
    nextExpiryPoints: r.next_expiry_points === null ? null : Number(r.next_expiry_points),
  }));
}

export interface ProgramReport {
  members: number;
  /** Points members hold now (spendable and pending, less debt): the program's liability. */
  outstanding: number;
  pending: number;
  months: { month: string; issued: number; spent: number; expired: number; reversed: number; adjusted: number }[];
  tiers: { day: string; tier: string; members: number }[];
  rewards: { rewardId: string; name: string; redeemed: number; points: number }[];
}

export async function programReport(db: SqlSession, workspaceId: string, timezone: string): Promise<ProgramReport> {
  const [totals] = await db.query<{ members: number; outstanding: string; pending: string }>(
    'select count(*)::int as members, coalesce(sum(points), 0) as outstanding, coalesce(sum(pending), 0) as pending from loyalty_members where workspace_id = $1',
    [workspaceId],
  );
  const months = await db.query<{ month: string; issued: string; spent: string; expired: string; reversed: string; adjusted: string }>(
    `select to_char(date_trunc('month', t.created_at at time zone $2), 'YYYY-MM') as month,
            coalesce(sum(t.amount) filter (where t.kind = 'earn'), 0) as issued,
            coalesce(sum(t.amount) filter (where t.kind = 'spend'), 0) as spent,
            coalesce(sum(t.amount) filter (where t.kind in ('expire', 'forfeit')), 0) as expired,
            coalesce(sum(t.amount) filter (where t.kind = 'reverse'), 0) as reversed,
            coalesce(sum(case when t.kind = 'adjust' then case when f.kind = 'adjusted' then t.amount else -t.amount end end), 0) as adjusted
     from loyalty_transfers t join loyalty_accounts f on f.id = t.from_account
     where t.workspace_id = $1 group by 1 order by 1`,
    [workspaceId, timezone],
  );
  const tiers = await db.query<{ day: string; tier: string; members: number }>(
    "select to_char(day, 'YYYY-MM-DD') as day, tier_name as tier, members from loyalty_tier_sizes where workspace_id = $1 and day >= current_date - 400 order by day, tier_name",
    [workspaceId],
  );
  const rewards = await db.query<{ reward_id: string; name: string; redeemed: number; points: string }>(
    `select r.id as reward_id, r.name, count(x.id)::int as redeemed, coalesce(sum(x.points), 0) as points from loyalty_rewards r left join loyalty_reward_redemptions x on x.reward_id = r.id
     where r.workspace_id = $1 group by r.id, r.name order by count(x.id) desc, r.name`,
    [workspaceId],
  );
  return {
    members: totals!.members,
    outstanding: Number(totals!.outstanding) + Number(totals!.pending),
    pending: Number(totals!.pending),
    months: months.map((m) => ({ month: m.month, issued: Number(m.issued), spent: Number(m.spent), expired: Number(m.expired), reversed: Number(m.reversed), adjusted: Number(m.adjusted) })),
    tiers,
    rewards: rewards.map((r) => ({ rewardId: r.reward_id, name: r.name, redeemed: r.redeemed, points: Number(r.points) })),
  };
}
