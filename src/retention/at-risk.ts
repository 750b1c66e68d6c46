// The customers most worth saving: repeat buyers whose chance of still being a customer has
// fallen into the middle band (not yet gone, no longer safe), the most valuable first. Their
// value if kept is what the model expects of them over the horizon were they certainly still
// customers: CLV ÷ P(alive).
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import type { AtRiskResult, atRiskQuery } from './contract.ts';

export async function atRiskCustomers(db: SqlSession, workspaceId: string, q: z.output<typeof atRiskQuery>): Promise<AtRiskResult> {
  const currencies = (
    await db.query<{ currency: string }>(
      'select currency from contact_scores where workspace_id = $1 and currency is not null group by 1 order by count(*) desc, 1',
      [workspaceId],
    )
  ).map((r) => r.currency);
  const currency = q.currency ?? currencies[0] ?? null;
  const [stamp] = await db.query<{ at: Date | null }>('select max(scored_at) as at from contact_scores where workspace_id = $1', [workspaceId]);
  const empty: AtRiskResult = { currency, currencies, min: q.min, max: q.max, total: { customers: 0, valueIfKept: 0 }, customers: [], scoredAt: stamp?.at ?? null };
  if (!currency) return empty;
  const band = `from contact_scores s
     join contact_purchases cp on cp.workspace_id = s.workspace_id and cp.contact_id = s.contact_id and cp.currency = s.currency
     where s.workspace_id = $1 and s.currency = $2 and s.p_alive >= $3 and s.p_alive < $4 and cp.orders >= 2`;
  const params = [workspaceId, currency, q.min, q.max];
  const [total] = await db.query<{ customers: number; value: string | null }>(
    `select count(*)::int as customers, sum(round(s.clv / nullif(s.p_alive, 0)))::bigint::text as value ${band}`,
    params,
  );
  const rows = await db.query<{
    contact_id: string;
    email: string | null;
    name: string | null;
    orders: number;
    last_order_at: Date | null;
    p_alive: number;
    p_alive_before: number | null;
    expected_purchases_90: number | null;
    clv: string | null;
    value_if_kept: string | null;
    health: number | null;
  }>(
    `select s.contact_id, c.email, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name, cp.orders, cp.last_order_at,
            s.p_alive, s.p_alive_before, s.expected_purchases_90, s.clv, round(s.clv / nullif(s.p_alive, 0))::bigint as value_if_kept, s.health
     ${band.replace('where', 'join contacts c on c.workspace_id = s.workspace_id and c.id = s.contact_id where')}
     order by value_if_kept desc nulls last, s.contact_id limit $5`,
    [...params, q.limit],
  );
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    ...empty,
    total: { customers: total?.customers ?? 0, valueIfKept: Number(total?.value ?? 0) },
    customers: rows.map((r) => ({
      contactId: r.contact_id,
      email: r.email,
      name: r.name,
      orders: r.orders,
      lastOrderAt: r.last_order_at,
      pAlive: r.p_alive,
      pAliveBefore: r.p_alive_before,
      expectedPurchases90: r.expected_purchases_90,
      clv: num(r.clv),
      valueIfKept: num(r.value_if_kept),
      health: r.health,
    })),
  };
}
