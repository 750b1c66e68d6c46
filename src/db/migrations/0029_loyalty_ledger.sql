-- The points ledger (src/loyalty/ledger/, docs/design/loyalty.md): accounts, immutable
-- transfers between them, the lots points are held in, and which lots each spend, expiry or
-- reversal took from. Balances are kept in the transfer's transaction and checked against the
-- transfers (src/loyalty/ledger/check.ts), never trusted.

-- One account per member (contact) and four system accounts per workspace. A member's balance
-- is Σ transfers in − Σ transfers out = Σ remaining of their lots − debt; debt is what a refund
-- took back after the points were spent (policy "negative"), paid first by new points.
create table loyalty_accounts (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  kind text not null check (kind in ('member', 'issued', 'redeemed', 'expired', 'adjusted')),
  contact_id uuid,
  balance bigint not null default 0,
  debt bigint not null default 0 check (debt >= 0),
  check ((kind = 'member') = (contact_id is not null))
);
create unique index loyalty_accounts_member_idx on loyalty_accounts (workspace_id, contact_id) where kind = 'member';
create unique index loyalty_accounts_system_idx on loyalty_accounts (workspace_id, kind) where kind <> 'member';

-- Every change of points: from one account to another, with its cause and an idempotency key
-- derived from the cause (unique per workspace: a retry writes nothing). Never changed.
create table loyalty_transfers (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  from_account bigint not null references loyalty_accounts (id),
  to_account bigint not null references loyalty_accounts (id),
  amount bigint not null check (amount > 0),
  kind text not null check (kind in ('earn', 'spend', 'expire', 'reverse', 'adjust', 'forfeit')),
  -- What made it: "event:<id>", "reward:<redemption id>", "adjust:<request>", "lot:<id>".
  cause text not null,
  idempotency_key text not null,
  -- An adjustment's reason, as the admin wrote it.
  reason text,
  -- The user who made an adjustment.
  created_by uuid,
  created_at timestamptz not null,
  check (from_account <> to_account)
);
create unique index loyalty_transfers_key_idx on loyalty_transfers (workspace_id, idempotency_key);
create index loyalty_transfers_from_idx on loyalty_transfers (from_account, id);
create index loyalty_transfers_to_idx on loyalty_transfers (to_account, id);

create function rapport_loyalty_transfers_immutable() returns trigger
language plpgsql as $$
begin
  raise exception 'loyalty transfers are never changed or deleted: write a transfer that reverses it';
end $$;
create trigger loyalty_transfers_immutable before update or delete on loyalty_transfers
  for each statement execute function rapport_loyalty_transfers_immutable();

-- The points a member holds, by the earn (or positive adjustment) that gave them: available
-- from available_at (pending before), expiring at expires_at (null: never). remaining =
-- points − debt_paid − Σ allocations of the lot.
create table loyalty_lots (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  account_id bigint not null references loyalty_accounts (id),
  transfer_id bigint not null references loyalty_transfers (id),
  points bigint not null check (points > 0),
  -- What of it went to the member's debt when it was earned.
  debt_paid bigint not null default 0 check (debt_paid >= 0),
  remaining bigint not null check (remaining >= 0),
  available_at timestamptz not null,
  expires_at timestamptz,
  check (remaining + debt_paid <= points)
);
-- A member's lots with points left, in the order spends take them.
create index loyalty_lots_open_idx on loyalty_lots (account_id, expires_at, available_at, id) where remaining > 0;
create index loyalty_lots_expiring_idx on loyalty_lots (workspace_id, expires_at) where remaining > 0 and expires_at is not null;
create index loyalty_lots_transfer_idx on loyalty_lots (transfer_id);

-- Which lots a spend, expiry, reversal or negative adjustment took its points from.
create table loyalty_allocations (
  transfer_id bigint not null references loyalty_transfers (id),
  lot_id bigint not null references loyalty_lots (id),
  points bigint not null check (points > 0),
  primary key (transfer_id, lot_id)
);
create index loyalty_allocations_lot_idx on loyalty_allocations (lot_id);
