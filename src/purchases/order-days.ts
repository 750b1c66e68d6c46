// The links of the per-day order rows (migration 0027): each `order_days` row gets the
// contact's first, previous and next order day, and each `purchase_days` row the contact's
// first order day in its currency. The triggers on events queue the contacts whose rows
// changed (`order_days_pending`, in the writer's transaction); this takes a workspace's queue
// under a workspace lock and relinks those contacts in one statement. Readers (reports, the
// retention models) call it first; a job calls it every minute.
import type { Database, SqlSession } from '../db/client.ts';

/** Brings the links of a workspace up to date; returns how many contacts were relinked. */
export async function linkOrderDays(db: Database, workspaceId: string): Promise<number> {
  return db.transaction(async (tx: SqlSession) => {
    await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.order_days:' || $1::text, 0))", [workspaceId]);
    const [r] = await tx.query<{ n: number }>(
      `with taken as (
         delete from order_days_pending where workspace_id = $1 returning contact_id
       ), c as materialized (
         select distinct contact_id from taken
       ), links as (
         select d.contact_id, d.day, min(d.day) over w as first_day, lag(d.day) over w as prev_day, lead(d.day) over w as next_day
         from order_days d join c using (contact_id)
         where d.workspace_id = $1
         window w as (partition by d.contact_id order by d.day)
       ), linked as (
         update order_days o set first_day = l.first_day, prev_day = l.prev_day, next_day = l.next_day
         from links l
         where o.workspace_id = $1 and o.contact_id = l.contact_id and o.day = l.day
           and (o.first_day, o.prev_day, o.next_day) is distinct from (l.first_day, l.prev_day, l.next_day)
         returning 1
       ), firsts as (
         select d.contact_id, d.currency, min(d.day) filter (where d.orders > 0) as first_day
         from purchase_days d join c using (contact_id)
         where d.workspace_id = $1
         group by 1, 2
       ), currency_linked as (
         update purchase_days p set first_day = f.first_day
         from firsts f
         where p.workspace_id = $1 and p.contact_id = f.contact_id and p.currency = f.currency and p.first_day is distinct from f.first_day
         returning 1
       )
       select (select count(*) from c)::int as n, (select count(*) from linked)::int as rows, (select count(*) from currency_linked)::int as currency_rows`,
      [workspaceId],
    );
    return r?.n ?? 0;
  });
}

/** Relinks every workspace with contacts queued (the job). */
export async function linkAllOrderDays(db: Database): Promise<number> {
  const rows = await db.query<{ workspace_id: string }>('select distinct workspace_id from order_days_pending');
  let n = 0;
  for (const r of rows) n += await linkOrderDays(db, r.workspace_id);
  return n;
}
