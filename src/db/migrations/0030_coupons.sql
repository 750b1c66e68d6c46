-- Coupon campaigns, their codes and redemptions (src/coupons/, docs/design/loyalty.md).
-- Limits are counted from the redemptions that hold a place (redeemed, or reserved and not yet
-- past reserved_until) under the code's row lock and then the campaign's: no counter to drift.

create table coupon_campaigns (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (btrim(name) <> ''),
  -- shared: one code for everyone (SUMMER15); unique: a code per customer or per batch.
  code_kind text not null check (code_kind in ('shared', 'unique')),
  -- The unique codes' look (src/coupons/codes.ts CodeSpec).
  code_spec jsonb,
  discount_kind text not null check (discount_kind in ('percent', 'fixed', 'free_shipping')),
  -- 1,500 = 15 %.
  percent_bp integer check (percent_bp between 1 and 10000),
  amount_minor bigint check (amount_minor > 0),
  -- The currency of amount_minor and min_order_minor.
  currency text,
  min_order_minor bigint check (min_order_minor > 0),
  starts_at timestamptz,
  ends_at timestamptz,
  max_redemptions integer check (max_redemptions > 0),
  per_contact_limit integer check (per_contact_limit > 0),
  per_code_limit integer check (per_code_limit > 0),
  -- Where the codes were shared: every redemption keeps it, so results trace back to it.
  channel text not null check (channel in ('email', 'social', 'partner', 'website', 'in_store', 'other')),
  channel_detail text,
  state text not null default 'active' check (state in ('active', 'paused', 'ended')),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((discount_kind = 'percent') = (percent_bp is not null)),
  check ((discount_kind = 'fixed') = (amount_minor is not null)),
  check (currency is not null or (amount_minor is null and min_order_minor is null)),
  check (ends_at is null or starts_at is null or ends_at > starts_at)
);
create index coupon_campaigns_workspace_idx on coupon_campaigns (workspace_id, created_at desc);

create table coupon_codes (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  campaign_id uuid not null references coupon_campaigns (id) on delete cascade,
  -- Trimmed and upper case; what a customer types is read the same way.
  code text not null check (code = upper(btrim(code)) and code <> ''),
  -- The customer it was issued to (null: anyone may use it).
  contact_id uuid,
  -- Overrides the campaign's channel for this code (a code given to a partner).
  channel text check (channel in ('email', 'social', 'partner', 'website', 'in_store', 'other')),
  channel_detail text,
  -- The generation batch it came from, when it was generated in bulk.
  batch_id uuid,
  -- What issued it to a customer ("reward:<redemption>", "workflow:<enrollment>:<step>"): issued once.
  issue_key text,
  created_at timestamptz not null default now()
);
create unique index coupon_codes_code_idx on coupon_codes (workspace_id, code);
create unique index coupon_codes_issue_idx on coupon_codes (workspace_id, issue_key) where issue_key is not null;
create index coupon_codes_campaign_idx on coupon_codes (campaign_id, id);
create index coupon_codes_contact_idx on coupon_codes (workspace_id, contact_id) where contact_id is not null;

-- A bulk generation of unique codes (a job), with its progress.
create table coupon_batches (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  campaign_id uuid not null references coupon_campaigns (id) on delete cascade,
  requested integer not null check (requested > 0),
  generated integer not null default 0,
  state text not null default 'running' check (state in ('running', 'done', 'failed')),
  error text,
  channel text,
  channel_detail text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index coupon_batches_campaign_idx on coupon_batches (campaign_id, created_at desc);

create table coupon_redemptions (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  campaign_id uuid not null references coupon_campaigns (id) on delete cascade,
  code_id bigint not null references coupon_codes (id) on delete cascade,
  contact_id uuid,
  order_id text,
  order_minor bigint not null check (order_minor >= 0),
  currency text not null,
  discount_minor bigint not null check (discount_minor >= 0),
  free_shipping boolean not null default false,
  -- reserved: held at checkout until reserved_until; redeemed: the order went through;
  -- released: the reservation lapsed or was let go; rolled_back: the order was cancelled.
  state text not null check (state in ('reserved', 'redeemed', 'released', 'rolled_back')),
  reserved_until timestamptz,
  -- The shop's Idempotency-Key, else "order:<order_id>": one redemption per key.
  idempotency_key text not null,
  channel text not null,
  channel_detail text,
  created_at timestamptz not null,
  redeemed_at timestamptz,
  ended_at timestamptz
);
create unique index coupon_redemptions_key_idx on coupon_redemptions (workspace_id, idempotency_key);
-- The counts the limits read, under the locks: only the rows that may hold a place.
create index coupon_redemptions_code_idx on coupon_redemptions (code_id) where state in ('reserved', 'redeemed');
create index coupon_redemptions_campaign_idx on coupon_redemptions (campaign_id, contact_id) where state in ('reserved', 'redeemed');
create index coupon_redemptions_reserved_idx on coupon_redemptions (reserved_until) where state = 'reserved';
create index coupon_redemptions_order_idx on coupon_redemptions (workspace_id, order_id) where order_id is not null;
create index coupon_redemptions_list_idx on coupon_redemptions (workspace_id, created_at desc);

-- Scope "shop": the coupon API and the tracking API, nothing else.
alter table api_keys drop constraint if exists api_keys_scope_check;
alter table api_keys add constraint api_keys_scope_check check (scope in ('full', 'ingest', 'shop'));
