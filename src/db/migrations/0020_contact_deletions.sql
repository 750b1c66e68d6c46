-- Every deletion of contacts (one, many, a GDPR erasure): who, when, how many and what was
-- selected (the ids or the search and filters as sent; nothing for an erasure, which must
-- leave nothing that names the person). Kept when the person or key is gone.
create table contact_deletions (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null check (kind in ('one', 'many', 'erase')),
  deleted integer not null check (deleted >= 0),
  selection jsonb,
  user_id uuid references users (id) on delete set null,
  api_key_id uuid references api_keys (id) on delete set null,
  deleted_at timestamptz not null
);
create index contact_deletions_workspace_idx on contact_deletions (workspace_id, deleted_at desc);
