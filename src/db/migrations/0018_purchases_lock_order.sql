-- Two statements adding orders for the same customers would take the summary's row locks in
-- whatever order their aggregate came out, and could wait on each other in a cycle (found by
-- PostgreSQL only after deadlock_timeout, 1 s; the tracking API then retries). The rows are
-- now written, and locked, in key order, so concurrent writers queue instead.
create or replace function rapport_add_contact_purchases() returns trigger
language plpgsql as $$
begin
  insert into contact_purchases as cp (workspace_id, contact_id, currency, orders, refunds, items, spent, refunded, first_order_at, last_order_at)
  select n.workspace_id, n.contact_id, n.properties ->> 'currency',
         count(*) filter (where n.name = 'purchase'),
         count(*) filter (where n.name = 'refund'),
         coalesce(sum(case when jsonb_typeof(n.properties -> 'item_count') = 'number' then (n.properties ->> 'item_count')::numeric end)
                    filter (where n.name = 'purchase'), 0)::bigint,
         coalesce(sum((n.properties ->> 'total')::bigint) filter (where n.name = 'purchase'), 0),
         coalesce(sum((n.properties ->> 'total')::bigint) filter (where n.name = 'refund'), 0),
         min(n.occurred_at) filter (where n.name = 'purchase'),
         max(n.occurred_at) filter (where n.name = 'purchase')
  from new_rows n
  where n.name in ('purchase', 'refund') and rapport_is_order_event(n.name, n.properties)
  group by 1, 2, 3
  order by 1, 2, 3
  on conflict (workspace_id, contact_id, currency) do update set
    orders = cp.orders + excluded.orders,
    refunds = cp.refunds + excluded.refunds,
    items = cp.items + excluded.items,
    spent = cp.spent + excluded.spent,
    refunded = cp.refunded + excluded.refunded,
    first_order_at = least(cp.first_order_at, excluded.first_order_at),
    last_order_at = greatest(cp.last_order_at, excluded.last_order_at);
  return null;
end $$;
