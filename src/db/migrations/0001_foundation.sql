-- Foundation: users, sessions, workspaces, members, invitations, API keys.

-- UUIDv7 (time-ordered) ids on every PostgreSQL version Rapport supports (PostgreSQL 18
-- has uuidv7(); 15-17 do not). Layout per RFC 9562: 48-bit Unix ms, version 7, variant 10.
create or replace function rapport_uuid_v7() returns uuid
language sql volatile parallel safe as $$
  select encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
              from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

create table users (
  id uuid primary key default rapport_uuid_v7(),
  email text not null,
  name text not null default '',
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_normalized check (email = lower(btrim(email)))
);
create unique index users_email_key on users (email);

create table workspaces (
  id uuid primary key default rapport_uuid_v7(),
  name text not null check (length(btrim(name)) between 1 and 100),
  created_at timestamptz not null default now()
);

create table workspace_members (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'marketer', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index workspace_members_user_idx on workspace_members (user_id);

create table sessions (
  id uuid primary key default rapport_uuid_v7(),
  -- sha256 of the cookie value; the cookie itself is never stored.
  token_hash text not null unique,
  user_id uuid not null references users (id) on delete cascade,
  workspace_id uuid references workspaces (id) on delete set null,
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table invitations (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  email text not null check (email = lower(btrim(email))),
  role text not null check (role in ('admin', 'marketer', 'viewer')),
  token_hash text not null unique,
  invited_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references users (id) on delete set null,
  revoked_at timestamptz
);
create unique index invitations_one_pending_idx on invitations (workspace_id, email)
  where accepted_at is null and revoked_at is null;

create table api_keys (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  scope text not null check (scope in ('full', 'ingest')),
  -- The first characters of the key, shown in lists so people can tell keys apart.
  prefix text not null,
  -- sha256 of the whole key; keys are 256-bit random, so a fast hash is enough.
  key_hash text not null unique,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_workspace_idx on api_keys (workspace_id);

-- Failed sign-in attempts, for rate limiting across every process that shares the database.
create table auth_attempts (
  key text not null,
  attempted_at timestamptz not null
);
create index auth_attempts_key_idx on auth_attempts (key, attempted_at);
