-- Password resets by email: one live link per user. The link carries 256 random bits; only
-- their sha256 is kept. A row goes when it is used, when a newer link replaces it, or after
-- it expires (housekeeping).
create table password_resets (
  id uuid primary key default rapport_uuid_v7(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index password_resets_user_idx on password_resets (user_id);
