// What time alone changes in a program, run every hour: lots whose date passed expire (and a
// member's whole balance after the program's days without activity), pending points become
// spendable, a tier period ends (downgrades by the program's policy), and the day's members per
// tier are recorded for the report.
import type { Database } from '../db/client.ts';
import { recordEvents } from '../events/record.ts';
import { dayIn } from '../shared/days.ts';
import { expireDue } from './ledger/ledger.ts';
import { refreshMembers } from './members.ts';
import { type Program, programOf, tiersOf } from './program.ts';

/** The tier period `now` is in ("2027" or "2027-03"), or null when tiers have no periods (lifetime). */
export function tierPeriod(program: Program, now: Date): string | null {
  const day = dayIn(now, program.timezone);
  if (program.tierWindow === 'year') return day.slice(0, 4);
  if (program.tierWindow === 'rolling_12') return day.slice(0, 7);
  return null;
}

export interface MaintenanceResult {
  expiredLots: number;
  refreshed: number;
  tierChanges: number;
  reviewed: string | null;
}

export async function maintainProgram(db: Database, workspaceId: string, now: Date): Promise<MaintenanceResult> {
  const program = await programOf(db, workspaceId);
  if (!program) return { expiredLots: 0, refreshed: 0, tierChanges: 0, reviewed: null };
  const tiers = await tiersOf(db, workspaceId);

  // Days without activity: every open lot of those members expires at the end of them.
  if (program.inactivityDays !== null) {
    await db.query(
      `update loyalty_lots l set expires_at = m.last_activity_at + $3 * interval '24 hours'
       from loyalty_members m join loyalty_accounts a on a.workspace_id = m.workspace_id and a.contact_id = m.contact_id and a.kind = 'member'
       where m.workspace_id = $1 and m.last_activity_at + $3 * interval '24 hours' <= $2 and l.account_id = a.id and l.remaining > 0
         and (l.expires_at is null or l.expires_at > m.last_activity_at + $3 * interval '24 hours')`,
      [workspaceId, now, program.inactivityDays],
    );
  }

  // Expiry, a few hundred members per transaction; each member's lots in one transfer each.
  let expiredLots = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const lots = await expireDue(tx, workspaceId, now, 500);
      if (lots === 0) return 0;
      // What each member lost, from the transfers just written.
      const due = await tx.query<{ contact_id: string; points: string }>(
        `select a.contact_id, sum(t.amount) as points from loyalty_transfers t join loyalty_accounts a on a.id = t.from_account
         where t.workspace_id = $1 and t.kind = 'expire' and t.created_at = $2 group by a.contact_id`,
        [workspaceId, now],
      );
      await recordEvents(
        tx,
        workspaceId,
        'loyalty',
        due.map((d) => ({ name: 'points.expired' as const, contactId: d.contact_id, occurredAt: now, messageId: `points.expired:${d.contact_id}:${now.toISOString()}`, properties: { points: Number(d.points) } })),
      );
      await refreshMembers(tx, workspaceId, program, tiers, due.map((d) => d.contact_id), now);
      return lots;
    });
    expiredLots += n;
    if (n === 0) break;
  }

  // Pending points that became spendable, and next expiries that passed.
  const stale = await db.query<{ contact_id: string }>(
    `select m.contact_id from loyalty_members m where m.workspace_id = $1 and (m.pending > 0 or m.next_expiry_at <= $2)`,
    [workspaceId, now],
  );
  let refreshed = 0;
  for (let i = 0; i < stale.length; i += 1000) {
    const ids = stale.slice(i, i + 1000).map((s) => s.contact_id);
    await db.transaction((tx) => refreshMembers(tx, workspaceId, program, tiers, ids, now));
    refreshed += ids.length;
  }

  // A new tier period: every member is reviewed (downgrades by the policy), once per period.
  let tierChanges = 0;
  const period = tierPeriod(program, now);
  const [reviewed] = await db.query<{ tiers_reviewed_for: string | null }>('select tiers_reviewed_for from loyalty_programs where workspace_id = $1', [workspaceId]);
  let review: string | null = null;
  if (period !== null && tiers.length > 0 && reviewed!.tiers_reviewed_for !== period) {
    // The first review only records the period: a program set up mid-period reviews at its end.
    if (reviewed!.tiers_reviewed_for !== null) {
      tierChanges = await db.transaction((tx) => refreshMembers(tx, workspaceId, program, tiers, null, now, 'period_end'));
    }
    await db.query('update loyalty_programs set tiers_reviewed_for = $2 where workspace_id = $1', [workspaceId, period]);
    review = period;
  }

  // Members per tier today (the report's "members per tier over time").
  await db.query(
    `insert into loyalty_tier_sizes (workspace_id, day, tier_id, tier_name, members)
     select $1, $2::date, t.id, coalesce(t.name, 'No tier'), count(*)::int from loyalty_members m left join loyalty_tiers t on t.id = m.tier_id
     where m.workspace_id = $1 group by t.id, t.name
     on conflict (workspace_id, day, tier_name) do update set members = excluded.members, tier_id = excluded.tier_id`,
    [workspaceId, dayIn(now, program.timezone)],
  );
  return { expiredLots, refreshed, tierChanges, reviewed: review };
}

/** Every workspace with a program (the hourly job). */
export async function maintainAll(db: Database, now: Date): Promise<void> {
  const rows = await db.query<{ workspace_id: string }>('select workspace_id from loyalty_programs');
  for (const r of rows) await maintainProgram(db, r.workspace_id, now);
}
