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
    `with flows as (
       select a.id, a.kind, a.balance,
              coalesce((select sum(t.amount) from loyalty_transfers t where t.to_account = a.id), 0)
            - coalesce((select sum(t.amount) from loyalty_transfers t where t.from_account = a.id), 0) as computed
       from loyalty_accounts a where a.workspace_id = $1)
     select 'account_balance' as what, id, balance as stored, computed from flows where kind = 'member' and balance <> computed
     union all
     select 'system_balance', id, balance, 0 from flows where kind <> 'member' and balance <> 0
     union all
     select 'member_lots', a.id, a.balance, coalesce((select sum(l.remaining) from loyalty_lots l where l.account_id = a.id), 0) - a.debt
     from loyalty_accounts a where a.workspace_id = $1 and a.kind = 'member'
       and a.balance <> coalesce((select sum(l.remaining) from loyalty_lots l where l.account_id = a.id), 0) - a.debt
     union all
     select 'lot_remaining', l.id, l.remaining, l.points - l.debt_paid - coalesce((select sum(x.points) from loyalty_allocations x where x.lot_id = l.id), 0)
     from loyalty_lots l where l.workspace_id = $1
       and l.remaining <> l.points - l.debt_paid - coalesce((select sum(x.points) from loyalty_allocations x where x.lot_id = l.id), 0)
     union all
     select 'workspace_total', null, sum(case when kind = 'member' then balance else computed end), 0 from flows having sum(case when kind = 'member' then balance else computed end) <> 0`,
    [workspaceId],
  );
  return rows.map((r) => ({ what: r.what, id: r.id === null ? null : Number(r.id), stored: Number(r.stored), computed: Number(r.computed) }));
}
