-- Email templates (subject, preheader, MJML body with Liquid) and reusable snippets per workspace.
create table email_templates (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  subject text not null,
  preheader text not null default '',
  body text not null,
  -- Values for missing merge fields, by path ("contact.first_name": "there").
  defaults jsonb not null default '{}' check (jsonb_typeof(defaults) = 'object'),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index email_templates_name_key on email_templates (workspace_id, lower(name));

create table email_snippets (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  body text not null,
  updated_at timestamptz not null default now(),
  primary key (workspace_id, name)
);

-- The sender's postal address, which marketing email must carry (CAN-SPAM), as a merge field.
alter table workspaces add column postal_address text not null default '';
