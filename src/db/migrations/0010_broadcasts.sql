-- Broadcasts (a template sent to a segment or list, now or later, at a chosen rate), the
-- subscription topics of the preference page, and the messages of a broadcast as rows whose
-- content is rendered when they are sent.

create table email_topics (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  description text not null default '',
  created_at timestamptz not null default now()
);
create unique index email_topics_name_key on email_topics (workspace_id, lower(name));

-- A contact who left a topic on the preference page (everyone else is in every topic).
create table email_topic_optouts (
  workspace_id uuid not null,
  topic_id uuid not null references email_topics (id) on delete cascade,
  contact_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (topic_id, contact_id)
);
create index email_topic_optouts_contact_idx on email_topic_optouts (contact_id);

create table broadcasts (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  template_id uuid references email_templates (id) on delete set null,
  segment_id uuid references segments (id) on delete set null,
  topic_id uuid references email_topics (id) on delete set null,
  state text not null default 'draft' check (state in ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
  scheduled_at timestamptz,
  -- At most this many messages a minute (null: as fast as the server takes them).
  rate_per_minute integer check (rate_per_minute between 1 and 1000000),
  -- The template as it was when the send started: later edits do not change a broadcast.
  snapshot jsonb,
  recipients integer,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- The process sending it holds a lease it renews after every batch; a process that takes
  -- over an expired lease (its holder crashed) sends again what was in flight.
  lease_owner uuid,
  lease_until timestamptz
);
create index broadcasts_workspace_idx on broadcasts (workspace_id, created_at desc);
create index broadcasts_due_idx on broadcasts (scheduled_at) where state = 'scheduled';

-- A broadcast's messages are written when its audience is frozen and rendered when sent: the
-- row holds the content only when the outbox is the transport (there is nothing else to show).
alter table email_messages
  add column broadcast_id uuid,
  alter column subject drop not null,
  alter column html drop not null,
  alter column text drop not null,
  drop constraint email_messages_state_check,
  add constraint email_messages_state_check check (state in ('queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed', 'cancelled'));
create index email_messages_broadcast_idx on email_messages (broadcast_id, state, id) where broadcast_id is not null;

-- Opens and clicks of messages, for reports (the same facts are also events on the spine,
-- email.opened and email.clicked, for segments, workflows and the timeline).
create table email_engagement (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  message_id uuid not null,
  broadcast_id uuid,
  contact_id uuid,
  kind text not null check (kind in ('open', 'click')),
  url text,
  -- Fetched by a mail-privacy proxy or a link scanner, not a person (left out of unique opens).
  prefetch boolean not null default false,
  at timestamptz not null
);
create index email_engagement_broadcast_idx on email_engagement (broadcast_id, kind, at) where broadcast_id is not null;
create index email_engagement_message_idx on email_engagement (message_id);
