-- Retention intelligence (src/retention/): what the models predict of each customer, the fits
-- that produced it, and a workspace's settings.

-- Per contact who has ordered: the latest fit's predictions and the RFM and health scores.
-- Written by each fit in one statement (src/retention/scores.ts); read as contact fields by
-- segments ("scores.p_alive"), the contact list, templates and the contact page. It belongs to
-- the purchase model (src/purchases/schema.ts) because the layers below retention read it.
create table contact_scores (
  workspace_id uuid not null,
  contact_id uuid not null,
  scored_at timestamptz not null,
  -- The probability that the customer is still a customer (0..1); null when the data was too
  -- thin to trust a model.
  p_alive real,
  -- The same at the fit before, to find customers slipping away.
  p_alive_before real,
  -- Orders (days with orders) expected in the next 90 days.
  expected_purchases_90 real,
  -- The currency of the two amounts: the one most of the customer's orders are in.
  currency text,
  -- Expected value of an order and the customer's value over the horizon, in minor units.
  expected_order_value bigint,
  clv bigint,
  -- Quintiles 1..5 among the workspace's customers (5: most recent, most orders, most spent).
  rfm_recency smallint,
  rfm_frequency smallint,
  rfm_monetary smallint,
  -- 0..100, see src/retention/definitions.ts.
  health smallint,
  primary key (workspace_id, contact_id)
)
-- Each fit rewrites every row: with room on each page for the new version, and no index on a
-- column that changes, the updates are HOT (no index entry written): a million rows' scores
-- rewritten in seconds instead of half a minute.
with (fillfactor = 45);

-- A deleted contact leaves no scores behind.
create function rapport_forget_contact_scores() returns trigger
language plpgsql as $$
begin
  delete from contact_scores s using old_rows o where s.workspace_id = o.workspace_id and s.contact_id = o.id;
  return null;
end $$;
create trigger contacts_forget_contact_scores after delete on contacts
  referencing old table as old_rows for each statement execute function rapport_forget_contact_scores();

-- Each fit of the models: when, over which purchases, and what came out (parameters,
-- log-likelihoods, standard errors, the holdout check, the verdict) as JSON.
create table retention_fits (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  -- 'schedule' (the nightly refit), 'request' (the app or API), 'cli'.
  cause text not null check (cause in ('schedule', 'request', 'cli')),
  state text not null check (state in ('running', 'done', 'failed')),
  -- Purchases up to this day (the workspace's calendar) count; customers whose first order is
  -- before `since` are left out.
  until date not null,
  since date,
  -- Whether the scores were written from it (a fit up to an earlier day only reports).
  scored boolean not null default false,
  customers integer,
  result jsonb,
  error text,
  started_at timestamptz not null,
  finished_at timestamptz
);
create index retention_fits_workspace_idx on retention_fits (workspace_id, started_at desc);
-- One fit at a time per workspace.
create unique index retention_fits_running_idx on retention_fits (workspace_id) where state = 'running';

create table retention_settings (
  workspace_id uuid primary key,
  -- Only customers whose first order is in the last this many days (null: all history).
  window_days integer,
  -- The holdout period of the quality check (null: a third of the history, 4 to 52 weeks).
  holdout_days integer,
  -- CLV: the horizon and the yearly discount rate (0.10 = 10 %).
  horizon_months integer not null default 12,
  discount_rate real not null default 0.1,
  -- 'nightly' or 'manual'.
  refit text not null default 'nightly' check (refit in ('nightly', 'manual')),
  -- Subscriptions (the shifted-beta-geometric model): the event that marks a paid renewal
  -- period and the period's length.
  renewal_event text,
  renewal_period text not null default 'month' check (renewal_period in ('month', 'year'))
);
