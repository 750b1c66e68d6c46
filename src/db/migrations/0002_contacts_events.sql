-- Contacts and the event spine: property definitions, contacts, anonymous ids, change
-- history, events, suppressions, imports.

create extension if not exists pg_trgm;

create table property_definitions (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text not null check (length(btrim(label)) between 1 and 100),
  description text not null default '',
  type text not null check (type in ('string', 'number', 'boolean', 'date', 'enum')),
  -- The allowed values of an enum property, in display order.
  options text[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

create table contacts (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  email text check (email = lower(btrim(email)) and email <> ''),
  external_id text check (external_id <> ''),
  phone text,
  first_name text,
  last_name text,
  lifecycle_stage text check (lifecycle_stage in ('subscriber', 'lead', 'opportunity', 'customer', 'evangelist', 'churned', 'other')),
  email_status text not null default 'subscribed'
    check (email_status in ('subscribed', 'not_subscribed', 'unsubscribed', 'bounced', 'complained')),
  properties jsonb not null default '{}' check (jsonb_typeof(properties) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The import that created the contact, so that undoing it can remove exactly those.
  import_id uuid,
  -- Lower-cased "first last email", for substring search.
  search_text text generated always as (
    lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, ''))
  ) stored
);
create unique index contacts_email_key on contacts (workspace_id, email) where email is not null;
create unique index contacts_external_id_key on contacts (workspace_id, external_id) where external_id is not null;
create index contacts_workspace_id_idx on contacts (workspace_id, id);
create index contacts_created_idx on contacts (workspace_id, created_at, id);
create index contacts_updated_idx on contacts (workspace_id, updated_at, id);
create index contacts_last_name_idx on contacts (workspace_id, last_name, id);
create index contacts_first_name_idx on contacts (workspace_id, first_name, id);
create index contacts_email_sort_idx on contacts (workspace_id, email, id);
create index contacts_import_idx on contacts (import_id) where import_id is not null;
create index contacts_search_idx on contacts using gin (search_text gin_trgm_ops);

-- Segment's anonymousId: a visitor known only by a browser cookie, until identified.
create table contact_aliases (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  anonymous_id text not null,
  contact_id uuid not null references contacts (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (workspace_id, anonymous_id)
);
create index contact_aliases_contact_idx on contact_aliases (contact_id);

-- Every change of a contact's fields and properties: "when did this change, and from what".
create table contact_changes (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  -- A column name ('email', 'first_name', …) or 'properties.<key>'.
  field text not null,
  old_value jsonb,
  new_value jsonb,
  changed_at timestamptz not null,
  source text not null,
  import_id uuid
);
create index contact_changes_contact_idx on contact_changes (workspace_id, contact_id, changed_at desc);
create index contact_changes_import_idx on contact_changes (import_id) where import_id is not null;

-- Recorded by the database itself, set-based (one statement per update statement), so no
-- code path can change a contact without leaving a trace. The writer names itself in the
-- transaction settings rapport.change_source and rapport.import_id.
create function rapport_record_contact_changes() returns trigger
language plpgsql as $$
begin
  insert into contact_changes (workspace_id, contact_id, field, old_value, new_value, changed_at, source, import_id)
  select n.workspace_id, n.id, f.field, f.old_value, f.new_value, n.updated_at,
         coalesce(nullif(current_setting('rapport.change_source', true), ''), 'api'),
         nullif(current_setting('rapport.import_id', true), '')::uuid
  from old_rows o
  join new_rows n on n.id = o.id
  cross join lateral (
    select 'email' as field, to_jsonb(o.email) as old_value, to_jsonb(n.email) as new_value where o.email is distinct from n.email
    union all select 'external_id', to_jsonb(o.external_id), to_jsonb(n.external_id) where o.external_id is distinct from n.external_id
    union all select 'phone', to_jsonb(o.phone), to_jsonb(n.phone) where o.phone is distinct from n.phone
    union all select 'first_name', to_jsonb(o.first_name), to_jsonb(n.first_name) where o.first_name is distinct from n.first_name
    union all select 'last_name', to_jsonb(o.last_name), to_jsonb(n.last_name) where o.last_name is distinct from n.last_name
    union all select 'lifecycle_stage', to_jsonb(o.lifecycle_stage), to_jsonb(n.lifecycle_stage) where o.lifecycle_stage is distinct from n.lifecycle_stage
    union all select 'email_status', to_jsonb(o.email_status), to_jsonb(n.email_status) where o.email_status is distinct from n.email_status
    union all
    select 'properties.' || k.key, o.properties -> k.key, n.properties -> k.key
    from (select jsonb_object_keys(o.properties) as key union select jsonb_object_keys(n.properties)) k
    where (o.properties -> k.key) is distinct from (n.properties -> k.key)
  ) f;
  return null;
end $$;

create trigger contacts_record_changes
  after update on contacts
  referencing old table as old_rows new table as new_rows
  for each statement execute function rapport_record_contact_changes();

-- The event spine: append-only. No foreign key to contacts: at ingest rates the check costs
-- more than it protects, and erasing or merging a contact moves or deletes its events explicitly.
create table events (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null,
  name text not null check (length(name) between 1 and 200),
  properties jsonb not null default '{}' check (jsonb_typeof(properties) = 'object'),
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  source text not null,
  -- Unique per workspace: a retried send is stored once.
  message_id text not null,
  import_id uuid
);
create unique index events_message_id_key on events (workspace_id, message_id);
create index events_contact_time_idx on events (workspace_id, contact_id, occurred_at desc, id desc);
create index events_name_time_idx on events (workspace_id, name, occurred_at);
create index events_import_idx on events (import_id) where import_id is not null;

-- Addresses that must not be emailed (unsubscribed, bounced, complained, erased), kept as a
-- sha256 of the normalized address so that an erased person leaves no readable trace.
create table suppressions (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  email_hash text not null,
  reason text not null check (reason in ('unsubscribed', 'bounced', 'complained', 'erased')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, email_hash)
);

create table imports (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null check (kind in ('contacts', 'orders')),
  status text not null check (status in ('uploaded', 'queued', 'running', 'completed', 'failed', 'undoing', 'undone')),
  file_name text not null,
  file_size bigint not null default 0,
  -- Detected format, encoding, delimiter, header, and the column mapping chosen.
  settings jsonb not null default '{}',
  total_rows integer,
  processed_rows integer not null default 0,
  created_count integer not null default 0,
  updated_count integer not null default 0,
  merged_count integer not null default 0,
  skipped_count integer not null default 0,
  -- Orders: line items read, purchases and refunds written, rows without a customer.
  stats jsonb not null default '{}',
  error text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  undone_at timestamptz
);
create index imports_workspace_idx on imports (workspace_id, created_at desc);

-- The uploaded file, in chunks, so that any worker process (on any machine) can read it.
create table import_chunks (
  import_id uuid not null references imports (id) on delete cascade,
  workspace_id uuid not null,
  seq integer not null,
  data bytea not null,
  primary key (import_id, seq)
);

create table import_errors (
  import_id uuid not null references imports (id) on delete cascade,
  workspace_id uuid not null,
  row_number integer not null,
  reason text not null,
  raw text,
  primary key (import_id, row_number, reason)
);

-- The country assumed for phone numbers written without an international prefix.
alter table workspaces add column default_country text check (default_country ~ '^[A-Z]{2}$');
