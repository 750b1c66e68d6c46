-- One purchase model (issue 12). Whatever the source (an order history file, Segment's
-- e-commerce events through the tracking API, the demo), an order is one `purchase` event
-- keyed `purchase:<order id>` and a refund one `refund` event, each with `total` in integer
-- minor units and its `currency`. The per-contact purchase summary below is kept current from
-- those events by the database itself, so no writer (and no later one) can forget it.

-- The currency assumed for e-commerce events that name none (Segment's spec says USD).
alter table workspaces add column default_currency text check (default_currency ~ '^[A-Z]{3}$');

-- One row per contact and currency: amounts in different currencies are never summed.
create table contact_purchases (
  workspace_id uuid not null,
  contact_id uuid not null,
  currency text not null,
  orders integer not null default 0,
  refunds integer not null default 0,
  -- Items bought (the sum of the orders' item counts).
  items bigint not null default 0,
  -- Sums of purchase and refund totals, in minor units of the currency.
  spent bigint not null default 0,
  refunded bigint not null default 0,
  first_order_at timestamptz,
  last_order_at timestamptz,
  primary key (workspace_id, contact_id, currency)
);

-- What counts: a purchase or refund with an integer total and a currency. The same rule is
-- written in src/purchases/summary.ts (rebuild) and the segment evaluator.
create function rapport_is_order_event(name text, properties jsonb) returns boolean
language sql immutable parallel safe as $$
  select name in ('purchase', 'refund')
     and jsonb_typeof(properties -> 'total') = 'number'
     and (properties ->> 'total') ~ '^-?[0-9]{1,18}$'
     and jsonb_typeof(properties -> 'currency') = 'string'
$$;

-- New events add to the summary: deltas under the row lock of ON CONFLICT, so concurrent
-- writers for one contact never lose each other's orders.
create function rapport_add_contact_purchases() returns trigger
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

create trigger events_add_contact_purchases
  after insert on events
  referencing new table as new_rows
  for each statement execute function rapport_add_contact_purchases();

-- Recomputes the summary of the given contacts from their events (deletes and moves are
-- rare: undoing an import, erasing or merging a contact).
create function rapport_recompute_contact_purchases(affected jsonb) returns void
language plpgsql as $$
begin
  delete from contact_purchases cp
  using jsonb_to_recordset(affected) as a(w uuid, c uuid)
  where cp.workspace_id = a.w and cp.contact_id = a.c;
  insert into contact_purchases (workspace_id, contact_id, currency, orders, refunds, items, spent, refunded, first_order_at, last_order_at)
  select e.workspace_id, e.contact_id, e.properties ->> 'currency',
         count(*) filter (where e.name = 'purchase'),
         count(*) filter (where e.name = 'refund'),
         coalesce(sum(case when jsonb_typeof(e.properties -> 'item_count') = 'number' then (e.properties ->> 'item_count')::numeric end)
                    filter (where e.name = 'purchase'), 0)::bigint,
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'purchase'), 0),
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'refund'), 0),
         min(e.occurred_at) filter (where e.name = 'purchase'),
         max(e.occurred_at) filter (where e.name = 'purchase')
  from (select distinct w, c from jsonb_to_recordset(affected) as a(w uuid, c uuid)) a
  join events e on e.workspace_id = a.w and e.contact_id = a.c
  where e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
  group by 1, 2, 3;
end $$;

create function rapport_forget_contact_purchases() returns trigger
language plpgsql as $$
declare
  affected jsonb;
begin
  select jsonb_agg(distinct jsonb_build_object('w', o.workspace_id, 'c', o.contact_id)) into affected
  from old_rows o where o.name in ('purchase', 'refund');
  if affected is not null then
    perform rapport_recompute_contact_purchases(affected);
  end if;
  return null;
end $$;

create trigger events_forget_contact_purchases
  after delete on events
  referencing old table as old_rows
  for each statement execute function rapport_forget_contact_purchases();

-- Events moved to another contact (a merge): both sides are recomputed.
create function rapport_move_contact_purchases() returns trigger
language plpgsql as $$
declare
  affected jsonb;
begin
  select jsonb_agg(distinct x) into affected from (
    select jsonb_build_object('w', o.workspace_id, 'c', o.contact_id) as x
    from old_rows o join new_rows n on n.id = o.id
    where (o.name in ('purchase', 'refund') or n.name in ('purchase', 'refund'))
      and (o.contact_id is distinct from n.contact_id or o.properties is distinct from n.properties or o.name is distinct from n.name)
    union all
    select jsonb_build_object('w', n.workspace_id, 'c', n.contact_id)
    from old_rows o join new_rows n on n.id = o.id
    where (o.name in ('purchase', 'refund') or n.name in ('purchase', 'refund'))
      and (o.contact_id is distinct from n.contact_id or o.properties is distinct from n.properties or o.name is distinct from n.name)
  ) s;
  if affected is not null then
    perform rapport_recompute_contact_purchases(affected);
  end if;
  return null;
end $$;

create trigger events_move_contact_purchases
  after update on events
  referencing old table as old_rows new table as new_rows
  for each statement execute function rapport_move_contact_purchases();

-- Orders already stored (imports and demo data written before this migration).
insert into contact_purchases (workspace_id, contact_id, currency, orders, refunds, items, spent, refunded, first_order_at, last_order_at)
select e.workspace_id, e.contact_id, e.properties ->> 'currency',
       count(*) filter (where e.name = 'purchase'),
       count(*) filter (where e.name = 'refund'),
       coalesce(sum(case when jsonb_typeof(e.properties -> 'item_count') = 'number' then (e.properties ->> 'item_count')::numeric end)
                  filter (where e.name = 'purchase'), 0)::bigint,
       coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'purchase'), 0),
       coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'refund'), 0),
       min(e.occurred_at) filter (where e.name = 'purchase'),
       max(e.occurred_at) filter (where e.name = 'purchase')
from events e
where e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
group by 1, 2, 3;
