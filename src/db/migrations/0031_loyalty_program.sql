-- The points program around the ledger (src/loyalty/, docs/design/loyalty.md): the program's
-- settings, earning rules, tiers, rewards and their redemptions, the queue of events a rule
-- reads, and the per-member figures segments and pages read.

create table loyalty_programs (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  state text not null default 'active' check (state in ('active', 'paused')),
  name text not null default 'Rewards' check (btrim(name) <> ''),
  -- A refund of points already spent: the balance goes negative (debt) or the reversal is capped.
  refund_policy text not null default 'negative' check (refund_policy in ('negative', 'cap')),
  -- All of a member's points expire after this many days without an earn or a spend (null: never).
  inactivity_days integer check (inactivity_days between 1 and 3650),
  -- Tiers: by points earned or money spent (in tier_currency), over the lifetime, the calendar year or the last 12 months.
  tier_basis text not null default 'points' check (tier_basis in ('points', 'spend')),
  tier_currency text check (tier_currency ~ '^[A-Z]{3}$'),
  tier_window text not null default 'lifetime' check (tier_window in ('lifetime', 'year', 'rolling_12')),
  downgrade text not null default 'period_end' check (downgrade in ('never', 'period_end', 'one_step')),
  -- What a point is worth, for the liability in money (optional).
  point_value_minor numeric check (point_value_minor > 0),
  point_value_currency text check (point_value_currency ~ '^[A-Z]{3}$'),
  -- Events from this moment on earn points (set earlier to give points for past orders).
  earn_from timestamptz not null default now(),
  -- The last period whose end the tiers were reviewed at (downgrades): "2027", "2027-03".
  tiers_reviewed_for text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (tier_basis = 'points' or tier_currency is not null),
  check ((point_value_minor is null) = (point_value_currency is null))
);

create table loyalty_rules (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (btrim(name) <> ''),
  -- purchase: points per unit of money spent; event: fixed points for any event of a name.
  kind text not null check (kind in ('purchase', 'event')),
  event_name text not null,
  currency text check (currency ~ '^[A-Z]{3}$'),
  points_per_unit integer check (points_per_unit between 1 and 1000000),
  -- [{ match: category|sku|product_id, value, bp }]
  multipliers jsonb not null default '[]' check (jsonb_typeof(multipliers) = 'array'),
  points integer check (points between 1 and 100000000),
  pending_days integer not null default 0 check (pending_days between 0 and 365),
  limit_count integer check (limit_count > 0),
  limit_period text check (limit_period in ('day', 'week', 'month', 'year', 'ever')),
  -- src/loyalty/expiry.ts ExpiryRule: { kind: never | after_days | end_of_month | end_of_year, days? }
  expiry jsonb not null default '{"kind":"never"}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'purchase') = (points_per_unit is not null and currency is not null)),
  check ((kind = 'event') = (points is not null)),
  check ((limit_count is null) = (limit_period is null))
);
create index loyalty_rules_workspace_idx on loyalty_rules (workspace_id, event_name) where active;

create table loyalty_tiers (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (btrim(name) <> ''),
  -- Points, or minor units of the program's tier currency.
  threshold bigint not null check (threshold >= 0),
  multiplier_bp integer not null default 10000 check (multiplier_bp between 0 and 100000),
  created_at timestamptz not null default now()
);
create unique index loyalty_tiers_threshold_idx on loyalty_tiers (workspace_id, threshold);
create unique index loyalty_tiers_name_idx on loyalty_tiers (workspace_id, lower(name));

-- Where each lot came from: the rule and the event, when it was earned (the event's time: the
-- pending period, expiry and limits count from it), and what refunds took back of it.
alter table loyalty_lots add column rule_id uuid;
alter table loyalty_lots add column source_event_id uuid;
alter table loyalty_lots add column earned_at timestamptz;
alter table loyalty_lots add column reversed bigint not null default 0 check (reversed >= 0);
create index loyalty_lots_rule_idx on loyalty_lots (account_id, rule_id, earned_at) where rule_id is not null;
-- A member's lots, for their figures.
create index loyalty_lots_account_idx on loyalty_lots (account_id, earned_at);

create table loyalty_rewards (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (btrim(name) <> ''),
  description text,
  -- coupon: a code from campaign_id; gift: no code, the shop hands it over.
  kind text not null check (kind in ('coupon', 'gift')),
  campaign_id uuid references coupon_campaigns (id),
  points_cost bigint not null check (points_cost > 0),
  -- null: unlimited.
  stock integer check (stock >= 0),
  redeemed integer not null default 0 check (redeemed >= 0),
  per_contact_limit integer check (per_contact_limit > 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check ((kind = 'coupon') = (campaign_id is not null)),
  check (stock is null or redeemed <= stock)
);
create index loyalty_rewards_workspace_idx on loyalty_rewards (workspace_id, points_cost);

create table loyalty_reward_redemptions (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  reward_id uuid not null references loyalty_rewards (id),
  contact_id uuid not null,
  points bigint not null check (points > 0),
  transfer_id bigint not null references loyalty_transfers (id),
  code_id bigint references coupon_codes (id) on delete set null,
  code text,
  idempotency_key text not null,
  created_by uuid,
  created_at timestamptz not null
);
create unique index loyalty_reward_redemptions_key_idx on loyalty_reward_redemptions (workspace_id, idempotency_key);
create index loyalty_reward_redemptions_contact_idx on loyalty_reward_redemptions (reward_id, contact_id);
create index loyalty_reward_redemptions_list_idx on loyalty_reward_redemptions (workspace_id, created_at desc);

-- Per member, what segments, merge fields and pages read: kept by the ledger's writers for the
-- members they touch and by the hourly job for what time changes (pending points becoming
-- spendable, lots expiring). Checked against the lots.
create table loyalty_members (
  workspace_id uuid not null,
  contact_id uuid not null,
  -- Spendable now (available, unexpired, less debt).
  points bigint not null default 0,
  pending bigint not null default 0,
  -- Points earned over the lifetime, less what refunds took back.
  lifetime bigint not null default 0,
  debt bigint not null default 0,
  tier_id uuid references loyalty_tiers (id) on delete set null,
  -- The tier's name, for conditions ("tier is Gold"); kept when tiers are renamed.
  tier_name text,
  tier_since timestamptz,
  -- What qualified them for the tier, over the program's window.
  qualifying bigint not null default 0,
  next_expiry_at timestamptz,
  next_expiry_points bigint,
  last_activity_at timestamptz,
  updated_at timestamptz not null,
  primary key (workspace_id, contact_id)
);
create index loyalty_members_tier_idx on loyalty_members (workspace_id, tier_id);

-- Events a live rule reads (and every refund), written by a trigger in the writer's
-- transaction, worked off by the loyalty.earn job.
create table loyalty_pending (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  event_id uuid not null
);
create index loyalty_pending_workspace_idx on loyalty_pending (workspace_id, id);

create function rapport_queue_loyalty_events() returns trigger
language plpgsql as $$
begin
  insert into loyalty_pending (workspace_id, event_id)
  select n.workspace_id, n.id
  from new_rows n
  where exists (select 1 from loyalty_programs p where p.workspace_id = n.workspace_id and p.state = 'active')
    and (n.name = 'refund' or exists (select 1 from loyalty_rules r where r.workspace_id = n.workspace_id and r.active and r.event_name = n.name));
  return null;
end $$;
create trigger events_queue_loyalty after insert on events
  referencing new table as new_rows for each statement execute function rapport_queue_loyalty_events();

-- Tier sizes per day, for the report (like segment_sizes).
create table loyalty_tier_sizes (
  workspace_id uuid not null,
  day date not null,
  tier_id uuid,
  tier_name text not null,
  members integer not null,
  primary key (workspace_id, day, tier_name)
);
