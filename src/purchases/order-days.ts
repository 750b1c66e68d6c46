// The links of the per-day order rows (migration 0027): each `order_days` row gets the
// contact's first, previous and next order day, each `purchase_days` row the contact's first
// order day in its currency, and `purchase_months` the contact's revenue per currency and
// month with the next month's. The triggers on events queue the contacts whose rows
// changed (`order_days_pending`, in the writer's transaction); this takes a workspace's queue
// under a workspace lock and relinks those contacts in one statement. Readers (reports, the
// retention models) call it first; a job calls it every minute.
import { analyzeChangedTables } from '../db/analyze.ts';
import type { Database, SqlSession } from '../db/client.ts';

/** Brings the links of a workspace up to date; returns how many contacts were relinked. */
/** After linking this many contacts at once (an import), the planner's statistics are refreshed. */
const ANALYZE_AFTER = 10_000;

export async function linkOrderDays(db: Database, workspaceId: string): Promise<number> {
  const linked = await linkBatch(db, workspaceId);
  // A table that doubled in one go would otherwise be planned with the statistics of before
  // (purchase_months estimated at one row read by index: 0.9 s instead of 0.2 s).
  if (linked >= ANALYZE_AFTER) await analyzeChangedTables(db);
  return linked;
}

async function linkBatch(db: Database, workspaceId: string): Promise<number> {
  return db.transaction(async (tx: SqlSession) => {
    await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.order_days:' || $1::text, 0))", [workspaceId]);
    await tx.query('create temp table link_batch (contact_id uuid primary key) on commit drop');
    const [taken] = await tx.query<{ n: number }>(
      `with taken as (delete from order_days_pending where workspace_id = $1 returning contact_id),
       kept as (insert into link_batch select distinct contact_id from taken on conflict do nothing returning 1)
       select count(*)::int as n from kept`,
      [workspaceId],
    );
    if (!taken?.n) return 0;
    await tx.query('analyze link_batch');
    // First, previous and next order day of every order day of these contacts.
    await tx.query(
      `update order_days o set first_day = l.first_day, prev_day = l.prev_day, next_day = l.next_day
       from (select d.contact_id, d.day, min(d.day) over w as first_day, lag(d.day) over w as prev_day, lead(d.day) over w as next_day
             from order_days d join link_batch b using (contact_id)
             where d.workspace_id = $1
             window w as (partition by d.contact_id order by d.day)) l
       where o.workspace_id = $1 and o.contact_id = l.contact_id and o.day = l.day
         and (o.first_day, o.prev_day, o.next_day) is distinct from (l.first_day, l.prev_day, l.next_day)`,
      [workspaceId],
    );
    // Their first order day in each currency.
    await tx.query(
      `update purchase_days p set first_day = f.first_day
       from (select d.contact_id, d.currency, min(d.day) filter (where d.orders > 0) as first_day
             from purchase_days d join link_batch b using (contact_id) where d.workspace_id = $1 group by 1, 2) f
       where p.workspace_id = $1 and p.contact_id = f.contact_id and p.currency = f.currency and p.first_day is distinct from f.first_day`,
      [workspaceId],
    );
    // Their revenue per currency and month, with the next month's.
    await tx.query('delete from purchase_months m using link_batch b where m.workspace_id = $1 and m.contact_id = b.contact_id', [workspaceId]);
    await tx.query(
      `insert into purchase_months (workspace_id, contact_id, currency, month, revenue, next_revenue)
       select $1, contact_id, currency, month, revenue,
              case when lead(month) over w = (month + interval '1 month')::date then lead(revenue) over w else 0 end
       from (select d.contact_id, d.currency, date_trunc('month', d.day)::date as month, sum(d.spent - d.refunded) as revenue
             from purchase_days d join link_batch b using (contact_id) where d.workspace_id = $1 group by 1, 2, 3) x
       window w as (partition by contact_id, currency order by month)`,
      [workspaceId],
    );
    return taken.n;
  });
}

/** Relinks every workspace with contacts queued (the job). */
export async function linkAllOrderDays(db: Database): Promise<number> {
  const rows = await db.query<{ workspace_id: string }>('select distinct workspace_id from order_days_pending');
  let n = 0;
  for (const r of rows) n += await linkOrderDays(db, r.workspace_id);
  return n;
}

/** Contacts waiting to be linked in a workspace, counted up to `cap`. */
export async function pendingOrderLinks(db: SqlSession, workspaceId: string, cap: number): Promise<number> {
  const [r] = await db.query<{ n: number }>('select count(*)::int as n from (select 1 from order_days_pending where workspace_id = $1 limit $2) p', [workspaceId, cap]);
  return r?.n ?? 0;
}
