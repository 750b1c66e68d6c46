// The ledger checked against itself: members' balances are caches kept in the transfers'
// transactions, and this recomputes every one of them from the transfers (and from their lots,
// each lot's from its allocations). System accounts keep no balance (ledger.ts): theirs are
// derived here, and with the members' they must sum to zero. Any difference is a problem to
// show; none is expected.
import type { SqlSession } from '../../db/client.ts';

export interface LedgerProblem {
  what: 'account_balance' | 'system_balance' | 'member_lots' | 'lot_remaining' | 'workspace_total';
  id: number | null;
  stored: number;
  computed: number;
}

export async function checkLedger(db: SqlSession, workspaceId: string): Promise<LedgerProblem[]> {
  const rows = await db.query<{ what: LedgerProblem['what']; id: string | null; stored: string; computed: string }>(
    // Set-based: each table summed once per account or lot, then joined (correlated sums per
    // account were planned as a scan of all transfers each, since almost all of them leave the
    // one "issued" account: 12 minutes for 100,000 members).
    `with inflow as (select to_account as id, sum(amount) as s from loyalty_transfers where workspace_id = $1 group by 1),
     outflow as (select from_account as id, sum(amount) as s from loyalty_transfers where workspace_id = $1 group by 1),
     flows as (
       select a.id, a.kind, a.balance, a.debt, coalesce(i.s, 0) - coalesce(o.s, 0) as computed
       from loyalty_accounts a left join inflow i on i.id = a.id left join outflow o on o.id = a.id
       where a.workspace_id = $1),
     held as (select account_id as id, sum(remaining) as s from loyalty_lots where workspace_id = $1 group by 1),
     allocated as (select x.lot_id, sum(x.points) as s from loyalty_allocations x join loyalty_lots l on l.id = x.lot_id where l.workspace_id = $1 group by 1)
     select 'account_balance' as what, id, balance as stored, computed from flows where kind = 'member' and balance <> computed
     union all
     select 'system_balance', id, balance, 0 from flows where kind <> 'member' and balance <> 0
     union all
     select 'member_lots', f.id, f.balance, coalesce(h.s, 0) - f.debt
     from flows f left join held h on h.id = f.id
     where f.kind = 'member' and f.balance <> coalesce(h.s, 0) - f.debt
     union all
     select 'lot_remaining', l.id, l.remaining, l.points - l.debt_paid - coalesce(x.s, 0)
     from loyalty_lots l left join allocated x on x.lot_id = l.id
     where l.workspace_id = $1 and l.remaining <> l.points - l.debt_paid - coalesce(x.s, 0)
     union all
     select 'workspace_total', null, sum(case when kind = 'member' then balance else computed end), 0 from flows having sum(case when kind = 'member' then balance else computed end) <> 0`,
    [workspaceId],
  );
  return rows.map((r) => ({ what: r.what, id: r.id === null ? null : Number(r.id), stored: Number(r.stored), computed: Number(r.computed) }));
}
