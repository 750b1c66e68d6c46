-- Reports (issue 17, src/reports/). Every report is SQL over the purchase model and the event
-- spine; what a report would otherwise aggregate from all purchase events on every view is kept
-- here, per contact, day and currency, by the database itself (the same way as the summary per
-- contact in 0015), and can be rebuilt from the events at any time.

-- One row per contact, day and currency with orders or refunds on that day. The day is the
-- workspace's calendar day (its time zone), so that "March" and "last 30 days" mean what the
-- shop owner means; a change of the workspace's time zone rebuilds the workspace's rows.
-- This is also "one transaction per customer and day", the unit of the retention models.
create table purchase_days (
  workspace_id uuid not null,
  contact_id uuid not null,
  day date not null,
  currency text not null,
  orders integer not null default 0,
  refunds integer not null default 0,
  spent bigint not null default 0,
  refunded bigint not null default 0,
  -- The contact's first order day in this currency (set by the linking below).
  first_day date,
  primary key (workspace_id, contact_id, day, currency)
);

-- One row per contact and day with orders (in any currency), linked to the contact's first,
-- previous and next order days. With the links, the reports' questions (a first order, the
-- last order before a day, who was active then) are conditions on single rows, answered in
-- one pass over the days of a period, without sorting or grouping every customer's history.
create table order_days (
  workspace_id uuid not null,
  contact_id uuid not null,
  day date not null,
  orders integer not null,
  first_day date not null,
  prev_day date,
  next_day date,
  primary key (workspace_id, contact_id, day)
);
create index order_days_day_idx on order_days (workspace_id, day);

-- Revenue (orders minus refunds) per contact, currency and calendar month, with the same
-- contact's revenue in the month after (0 without one): net and gross revenue retention month
-- over month become sums over one month's rows. Rebuilt per contact by the linking below.
create table purchase_months (
  workspace_id uuid not null,
  contact_id uuid not null,
  currency text not null,
  month date not null,
  revenue bigint not null,
  next_revenue bigint not null,
  primary key (workspace_id, contact_id, currency, month)
);
create index purchase_months_month_idx on purchase_months (workspace_id, currency, month);

-- Contacts whose links may be out of date: written in the writer's transaction by the triggers,
-- taken by src/purchases/order-days.ts under a workspace lock (before any report reads, and
-- every minute), so concurrent writers never need to wait on each other for the links.
create table order_days_pending (
  workspace_id uuid not null,
  contact_id uuid not null
);
create index order_days_pending_idx on order_days_pending (workspace_id);
-- Reports over a period read the days in it.
create index purchase_days_day_idx on purchase_days (workspace_id, day) include (contact_id, currency, orders, spent, refunded);

-- The purchase and refund events of some rows, per contact, local day and currency.
create function rapport_add_purchase_days() returns trigger
language plpgsql as $$
begin
  insert into purchase_days as d (workspace_id, contact_id, day, currency, orders, refunds, spent, refunded)
  select n.workspace_id, n.contact_id, (n.occurred_at at time zone w.timezone)::date, n.properties ->> 'currency',
         count(*) filter (where n.name = 'purchase'),
         count(*) filter (where n.name = 'refund'),
         coalesce(sum((n.properties ->> 'total')::bigint) filter (where n.name = 'purchase'), 0),
         coalesce(sum((n.properties ->> 'total')::bigint) filter (where n.name = 'refund'), 0)
  from new_rows n
  join workspaces w on w.id = n.workspace_id
  where n.name in ('purchase', 'refund') and n.contact_id is not null and rapport_is_order_event(n.name, n.properties)
  group by 1, 2, 3, 4
  -- Written, and locked, in key order: concurrent writers queue instead of deadlocking (0018).
  order by 1, 2, 3, 4
  on conflict (workspace_id, contact_id, day, currency) do update set
    orders = d.orders + excluded.orders,
    refunds = d.refunds + excluded.refunds,
    spent = d.spent + excluded.spent,
    refunded = d.refunded + excluded.refunded;
  insert into order_days as o (workspace_id, contact_id, day, orders, first_day)
  select n.workspace_id, n.contact_id, (n.occurred_at at time zone w.timezone)::date, count(*), (n.occurred_at at time zone w.timezone)::date
  from new_rows n
  join workspaces w on w.id = n.workspace_id
  where n.name = 'purchase' and n.contact_id is not null and rapport_is_order_event(n.name, n.properties)
  group by 1, 2, 3
  order by 1, 2, 3
  on conflict (workspace_id, contact_id, day) do update set orders = o.orders + excluded.orders;
  insert into order_days_pending (workspace_id, contact_id)
  select distinct n.workspace_id, n.contact_id from new_rows n
  where n.name in ('purchase', 'refund') and n.contact_id is not null and rapport_is_order_event(n.name, n.properties);
  return null;
end $$;

create trigger events_add_purchase_days
  after insert on events
  referencing new table as new_rows
  for each statement execute function rapport_add_purchase_days();

-- Recomputes the rows of some contacts ([{w, c}]) from their events.
create function rapport_recompute_purchase_days(affected jsonb) returns void
language plpgsql as $$
begin
  delete from purchase_days d
  using jsonb_to_recordset(affected) as a(w uuid, c uuid)
  where d.workspace_id = a.w and d.contact_id = a.c;
  delete from order_days d
  using jsonb_to_recordset(affected) as a(w uuid, c uuid)
  where d.workspace_id = a.w and d.contact_id = a.c;
  insert into purchase_days (workspace_id, contact_id, day, currency, orders, refunds, spent, refunded)
  select e.workspace_id, e.contact_id, (e.occurred_at at time zone w.timezone)::date, e.properties ->> 'currency',
         count(*) filter (where e.name = 'purchase'),
         count(*) filter (where e.name = 'refund'),
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'purchase'), 0),
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'refund'), 0)
  from (select distinct w, c from jsonb_to_recordset(affected) as a(w uuid, c uuid)) a
  join workspaces w on w.id = a.w
  join events e on e.workspace_id = a.w and e.contact_id = a.c
  where e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4;
  insert into order_days (workspace_id, contact_id, day, orders, first_day)
  select workspace_id, contact_id, day, sum(orders), day from purchase_days d
  where (d.workspace_id, d.contact_id) in (select w, c from jsonb_to_recordset(affected) as a(w uuid, c uuid)) and d.orders > 0
  group by 1, 2, 3;
  insert into order_days_pending (workspace_id, contact_id)
  select distinct w, c from jsonb_to_recordset(affected) as a(w uuid, c uuid);
end $$;

create function rapport_forget_purchase_days() returns trigger
language plpgsql as $$
declare
  affected jsonb;
begin
  select jsonb_agg(distinct jsonb_build_object('w', o.workspace_id, 'c', o.contact_id)) into affected
  from old_rows o where o.name in ('purchase', 'refund') and o.contact_id is not null;
  if affected is not null then
    perform rapport_recompute_purchase_days(affected);
  end if;
  return null;
end $$;

create trigger events_forget_purchase_days
  after delete on events
  referencing old table as old_rows
  for each statement execute function rapport_forget_purchase_days();

-- Events moved to another contact (a merge) or changed: both sides are recomputed.
create function rapport_move_purchase_days() returns trigger
language plpgsql as $$
declare
  affected jsonb;
begin
  select jsonb_agg(distinct x) into affected from (
    select jsonb_build_object('w', s.workspace_id, 'c', s.contact_id) as x
    from old_rows o join new_rows n on n.id = o.id
    cross join lateral (values (o.workspace_id, o.contact_id), (n.workspace_id, n.contact_id)) s(workspace_id, contact_id)
    where (o.name in ('purchase', 'refund') or n.name in ('purchase', 'refund'))
      and (o.contact_id is distinct from n.contact_id or o.properties is distinct from n.properties
           or o.name is distinct from n.name or o.occurred_at is distinct from n.occurred_at)
      and s.contact_id is not null
  ) s;
  if affected is not null then
    perform rapport_recompute_purchase_days(affected);
  end if;
  return null;
end $$;

create trigger events_move_purchase_days
  after update on events
  referencing old table as old_rows new table as new_rows
  for each statement execute function rapport_move_purchase_days();

-- All rows of one workspace, from its events (a new time zone; `rapport`'s rebuild).
create function rapport_rebuild_purchase_days(ws uuid) returns void
language plpgsql as $$
begin
  delete from purchase_days where workspace_id = ws;
  delete from order_days where workspace_id = ws;
  insert into purchase_days (workspace_id, contact_id, day, currency, orders, refunds, spent, refunded)
  select e.workspace_id, e.contact_id, (e.occurred_at at time zone w.timezone)::date, e.properties ->> 'currency',
         count(*) filter (where e.name = 'purchase'),
         count(*) filter (where e.name = 'refund'),
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'purchase'), 0),
         coalesce(sum((e.properties ->> 'total')::bigint) filter (where e.name = 'refund'), 0)
  from events e join workspaces w on w.id = e.workspace_id
  where e.workspace_id = ws and e.contact_id is not null
    and e.name in ('purchase', 'refund') and rapport_is_order_event(e.name, e.properties)
  group by 1, 2, 3, 4;
  insert into order_days (workspace_id, contact_id, day, orders, first_day)
  select workspace_id, contact_id, day, sum(orders), day from purchase_days where workspace_id = ws and orders > 0 group by 1, 2, 3;
  insert into order_days_pending (workspace_id, contact_id) select distinct workspace_id, contact_id from purchase_days where workspace_id = ws;
end $$;

create function rapport_timezone_purchase_days() returns trigger
language plpgsql as $$
begin
  perform rapport_rebuild_purchase_days(new.id);
  return null;
end $$;

create trigger workspaces_timezone_purchase_days
  after update of timezone on workspaces
  for each row when (old.timezone is distinct from new.timezone)
  execute function rapport_timezone_purchase_days();

-- Orders already stored.
select rapport_rebuild_purchase_days(id) from workspaces;

-- What the reports count, per workspace (src/reports/definitions.ts states each formula).
create table report_settings (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  -- A customer is active while their last order is fewer than this many days old; churned after.
  active_days integer not null default 90 check (active_days between 7 and 730),
  -- Revenue is attributed to an email when the purchase came within this many days of a human open or click.
  attribution_days integer not null default 5 check (attribution_days between 1 and 90),
  -- Members who get the dashboard by email each Monday.
  digest_user_ids uuid[] not null default '{}'
);

-- Why a broadcast's message was not sent (eligibility.ts's reasons), so that the lift report
-- knows the control group from the rest of those left out. Earlier rows: from their text.
alter table email_messages add column left_out text;
update email_messages set left_out = 'control_group'
where state = 'suppressed' and broadcast_id is not null and last_error like '%control group%';
-- The broadcasts that had a control group (the lift report lists them).
create index email_messages_control_idx on email_messages (broadcast_id) where left_out = 'control_group';

-- Revenue attributed to email: a contact's opens and clicks by people before an order.
create index email_engagement_contact_idx on email_engagement (contact_id, at) where not prefetch;

-- Cohort reports group a period's rows by the month (or week) of the first order and of the
-- order: ~600 groups, but without statistics on those expressions the planner guesses a
-- hundred thousand, sorts them on disk and skips the parallel hash (3x slower at 2,000,000 rows).
create statistics purchase_days_months (ndistinct) on (date_trunc('month', first_day::timestamp)), (date_trunc('month', day::timestamp)) from purchase_days;
create statistics purchase_days_weeks (ndistinct) on (date_trunc('week', first_day::timestamp)), (date_trunc('week', day::timestamp)) from purchase_days;
create statistics order_days_months (ndistinct) on (date_trunc('month', first_day::timestamp)), (date_trunc('month', day::timestamp)) from order_days;
create statistics order_days_weeks (ndistinct) on (date_trunc('week', first_day::timestamp)), (date_trunc('week', day::timestamp)) from order_days;
