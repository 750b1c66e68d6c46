// Writes every customer's scores in one statement: the model's figures are computed per
// group of identical customers (x, t_x, T) in TypeScript and joined back to the customers in
// SQL, with the spend model per currency, the RFM quintiles and the health score; and the
// segments that read a score are told which contacts to look at again, in the same transaction.
import type { Database, SqlSession } from '../db/client.ts';
import { HEALTH_WEIGHTS } from './definitions.ts';
import { customersSql, type SummaryScope } from './summaries.ts';

/** The model's figures for one group of identical customers (times in days). */
export interface GroupScore {
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  expected90: number;
  /** Expected purchases over the CLV horizon, each discounted to today. */
  discounted: number;
}

/** The spend model of one currency, in minor units; `p` null when it could not be fitted (the mean is used). */
export interface SpendModel {
  currency: string;
  p: number | null;
  q: number | null;
  v: number | null;
  /** The mean value of an order day in this currency (minor units). */
  mean: number;
}

/**
 * Scores every customer of the scope (groups null: the data was too thin for the model, so only
 * RFM and health are written, health without the probability of being a customer). Returns the
 * number of customers scored.
 */
export async function writeScores(db: Database, s: SummaryScope, now: Date, groups: GroupScore[] | null, spend: SpendModel[]): Promise<number> {
  const col = <K extends keyof GroupScore>(k: K) => (groups ?? []).map((g) => g[k]);
  const w = HEALTH_WEIGHTS;
  const written = await db.transaction(async (tx) => {
    await tx.query("select set_config('work_mem', '64MB', true)");
    const [n] = await tx.query<{ n: number }>(
      `with ${customersSql('$1', '$2::date', '$3')},
     g as (select * from unnest($5::int[], $6::int[], $7::int[], $8::float8[], $9::float8[], $10::float8[]) as g(x, tx, t, p_alive, e90, disc)),
     m as (select * from unnest($11::text[], $12::float8[], $13::float8[], $14::float8[], $15::float8[]) as m(currency, p, q, v, mean)),
     cur as (
       select distinct on (cp.contact_id) cp.contact_id, cp.currency, cp.spent
       from contact_purchases cp join cust c on c.contact_id = cp.contact_id
       where cp.workspace_id = $1 and cp.orders > 0
       order by cp.contact_id, cp.orders desc, cp.spent desc, cp.currency),
     rs as (
       select d.contact_id, count(*)::int as xc, sum(d.spent)::float8 as total
       from purchase_days d join cust c on c.contact_id = d.contact_id join cur on cur.contact_id = d.contact_id and cur.currency = d.currency
       where d.workspace_id = $1 and d.day <= $2::date and d.day > c.first_day and d.orders > 0
       group by 1),
     eng as (
       select e.contact_id, max(e.at) as last from email_engagement e
       where e.workspace_id = $1 and not e.prefetch and e.at <= $4 and e.at > $4 - interval '180 days' and e.contact_id is not null group by 1),
     mail as (
       select distinct m.contact_id from email_messages m
       where m.workspace_id = $1 and m.state = 'sent' and m.sent_at <= $4 and m.sent_at > $4 - interval '180 days' and m.contact_id is not null),
     nps as (
       select distinct on (r.contact_id) r.contact_id, r.score from survey_responses r join surveys v on v.id = r.survey_id
       where r.workspace_id = $1 and v.kind = 'nps' and r.score is not null and r.recorded_at is not null and r.contact_id is not null
       order by r.contact_id, r.recorded_at desc),
     -- The RFM quintiles: 1 + ⌊5 · (customers with a lower value) / customers⌋, from the counts
     -- per distinct value (a few thousand days, a few counts of orders) instead of ranking a
     -- million rows three times.
     rq as (select last_day, 1 + floor(5 * (sum(n) over (order by last_day) - n) / sum(n) over ())::int as q
            from (select last_day, count(*)::float8 as n from cust group by 1) v),
     fq as (select x, 1 + floor(5 * (sum(n) over (order by x) - n) / sum(n) over ())::int as q
            from (select x, count(*)::float8 as n from cust group by 1) v),
     mq as (select currency, spent, 1 + floor(5 * (sum(n) over (partition by currency order by spent) - n) / sum(n) over (partition by currency))::int as q
            from (select currency, spent, count(*)::float8 as n from cur group by 1, 2) v),
     ranked as (
       select c.contact_id, g.p_alive, g.e90, g.disc, cur.currency,
              case when m.p is not null then m.p * (m.v + coalesce(rs.total, 0)) / (m.p * coalesce(rs.xc, 0) + m.q - 1) else m.mean end as eov,
              rq.q as r, fq.q as f, mq.q as mo,
              case when eng.last > $4 - interval '90 days' then 1.0 when eng.last is not null then 0.5 when mail.contact_id is not null then 0.0 end as engaged,
              nps.score / 10.0 as promoter
       from cust c
       join rq on rq.last_day = c.last_day
       join fq on fq.x = c.x
       left join g on g.x = c.x and g.tx = c.last_day - c.first_day and g.t = $2::date - c.first_day
       left join cur on cur.contact_id = c.contact_id
       left join mq on mq.currency = cur.currency and mq.spent = cur.spent
       left join rs on rs.contact_id = c.contact_id
       left join m on m.currency = cur.currency
       left join eng on eng.contact_id = c.contact_id
       left join mail on mail.contact_id = c.contact_id
       left join nps on nps.contact_id = c.contact_id),
     written as (
       insert into contact_scores as s (workspace_id, contact_id, scored_at, p_alive, p_alive_before, expected_purchases_90, currency, expected_order_value, clv,
                                        rfm_recency, rfm_frequency, rfm_monetary, health)
       select $1, contact_id, $4, p_alive, null, e90, currency, round(eov)::bigint, round(eov * disc)::bigint, r, f, mo,
              round(100 * (${w.pAlive} * coalesce(p_alive, (r - 1) / 4.0) + ${w.engagement} * coalesce(engaged, 0) + ${w.nps} * coalesce(promoter, 0))
                    / (${w.pAlive} + case when engaged is null then 0 else ${w.engagement} end + case when promoter is null then 0 else ${w.nps} end))::smallint
       from ranked
       on conflict (workspace_id, contact_id) do update set
         scored_at = excluded.scored_at, p_alive_before = s.p_alive, p_alive = excluded.p_alive, expected_purchases_90 = excluded.expected_purchases_90,
         currency = excluded.currency, expected_order_value = excluded.expected_order_value, clv = excluded.clv, rfm_recency = excluded.rfm_recency,
         rfm_frequency = excluded.rfm_frequency, rfm_monetary = excluded.rfm_monetary, health = excluded.health
       returning 1)
     select count(*)::int as n from written`,
      [
        s.workspaceId,
        s.until,
        s.since,
        now,
        col('x'),
        col('tx'),
        col('T'),
        col('pAlive'),
        col('expected90'),
        col('discounted'),
        spend.map((m) => m.currency),
        spend.map((m) => m.p),
        spend.map((m) => m.q),
        spend.map((m) => m.v),
        spend.map((m) => m.mean),
      ],
    );
    // Contacts who are no longer customers of the scope (their orders deleted, or first order
    // before the window) keep no scores of an earlier fit.
    await tx.query('delete from contact_scores where workspace_id = $1 and scored_at <> $2', [s.workspaceId, now]);
    // In the same transaction, as the triggers queue other changes: a crash loses neither.
    await queueSegments(tx, s.workspaceId);
    return n?.n ?? 0;
  });
  return written;
}

/** Every scored contact, for each score some segment of the workspace reads. */
async function queueSegments(db: SqlSession, workspaceId: string): Promise<void> {
  await db.query(
    `insert into segment_pending (workspace_id, contact_id, reason)
     select $1, s.contact_id, 'field:' || f.field
     from (select distinct unnest(depends_on_fields) as field from segments where workspace_id = $1) f
     cross join contact_scores s
     where s.workspace_id = $1 and f.field like 'scores.%'`,
    [workspaceId],
  );
}
