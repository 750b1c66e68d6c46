-- How a workspace sends email (SMTP; none: the built-in outbox), and every message as a row.
create table email_settings (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  smtp_host text,
  smtp_port integer check (smtp_port between 1 and 65535),
  -- tls: TLS from the first byte (465); starttls: upgrade required (587); none: plain (tests, relays on localhost).
  smtp_security text not null default 'starttls' check (smtp_security in ('tls', 'starttls', 'none')),
  smtp_user text,
  -- AES-256-GCM under a key derived from the instance secret (src/messaging/secrets.ts).
  smtp_password_encrypted text,
  from_name text not null default '',
  from_email text,
  reply_to text,
  updated_at timestamptz not null default now()
);

create table email_messages (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid,
  template_id uuid,
  kind text not null check (kind in ('test', 'broadcast', 'workflow', 'transactional')),
  -- What caused it (e.g. broadcast:<id>:<contact>): a cause sends once, whatever retries or crashes happen.
  idempotency_key text not null,
  to_email text not null,
  subject text not null,
  html text not null,
  text text not null,
  state text not null default 'queued' check (state in ('queued', 'sent', 'failed', 'bounced', 'suppressed')),
  transport text check (transport in ('smtp', 'outbox')),
  attempts integer not null default 0,
  last_error text,
  server_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create unique index email_messages_idempotency_key on email_messages (workspace_id, idempotency_key);
create index email_messages_workspace_idx on email_messages (workspace_id, created_at desc);
