-- Workflows (issue 15, docs/design/workflows.md): journeys as versioned graphs, one enrollment
-- row per contact and run moved set-based by src/workflows/engine, a trigger queue filled in
-- the writer's transaction, webhook calls as an outbox.

-- Time of day is the contact's (properties.timezone), else the workspace's.
alter table workspaces add column timezone text not null default 'UTC';
-- The workspace-wide control group, in basis points of contacts: never enrolled, never sent marketing.
alter table workspaces add column control_bp integer not null default 0 check (control_bp between 0 and 5000);
-- Frequency cap and quiet hours for marketing email (src/workflows/limits.ts reads them).
alter table workspaces add column email_limits jsonb not null default '{}';

-- The topic a message is about, checked again when it leaves (workflow sends are rendered then).
alter table email_messages add column topic_id uuid;
-- What the frequency cap counts: a contact's messages since the start of their day or week.
create index email_messages_contact_time_idx on email_messages (contact_id, created_at) where contact_id is not null;

-- A time zone name PostgreSQL knows, or null (a contact's `timezone` is free text).
create function rapport_valid_tz(tz text) returns text
language plpgsql stable as $$
begin
  if tz is null or length(tz) > 64 then return null; end if;
  perform now() at time zone tz;
  return tz;
exception when others then
  return null;
end $$;

create table workflows (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '',
  state text not null default 'draft' check (state in ('draft', 'active', 'paused', 'archived')),
  -- The graph being edited, before it is published (src/workflows/graph.ts).
  draft jsonb,
  live_version_id uuid,
  -- Contacts held out of every action, in basis points (0 to 50%): the lift report's comparison.
  holdout_bp integer not null default 0 check (holdout_bp between 0 and 5000),
  -- Overrides of the workspace's email limits.
  settings jsonb not null default '{}',
  -- Signs the workflow's webhook calls (AES-GCM sealed, delivery/secrets.ts).
  webhook_secret text not null,
  -- A date trigger has enrolled the dates that came round up to here.
  date_checked_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index workflows_name_key on workflows (workspace_id, lower(name));

create table workflow_versions (
  id uuid primary key default rapport_uuid_v7(),
  workflow_id uuid not null references workflows (id) on delete cascade,
  workspace_id uuid not null,
  number integer not null,
  graph jsonb not null,
  published_at timestamptz not null,
  published_by uuid references users (id) on delete set null,
  unique (workflow_id, number)
);

-- One row per contact and run. `state`: active (its step is to be started now), waiting (until
-- wake_at, or an event), done (with an outcome). No foreign key to contacts (a check per row on
-- writes of a million); deleted contacts' runs are removed by the module's hook.
create table workflow_enrollments (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  workflow_id uuid not null references workflows (id) on delete cascade,
  version_id uuid not null references workflow_versions (id) on delete cascade,
  contact_id uuid not null,
  -- Enforces the re-entry policy (src/workflows/entry.ts): 'contact:<id>', 'contact:<id>:<n>', 'event:<id>', 'key:<contact id>:<value>'.
  entry_key text not null,
  step text,
  state text not null check (state in ('active', 'waiting', 'done')),
  outcome text check (outcome in ('converted', 'exited', 'completed', 'failed', 'removed')),
  -- Why it ended, in words ("exit condition 1", "exit step end-1", "workflow archived").
  outcome_detail text,
  holdout boolean not null default false,
  wake_at timestamptz,
  -- The event a wait-for-event step waits for.
  waiting_for text,
  -- The steps passed, in order.
  path text[] not null default '{}',
  -- The event that enrolled the contact (its properties are `event` in templates).
  trigger_event_id uuid,
  entered_at timestamptz not null,
  step_entered_at timestamptz not null,
  left_at timestamptz,
  check ((state = 'done') = (outcome is not null)),
  check (state = 'done' or step is not null)
);
create unique index workflow_enrollments_entry_key on workflow_enrollments (workflow_id, entry_key);
-- One live run per contact and workflow, whatever the re-entry policy.
create unique index workflow_enrollments_live_key on workflow_enrollments (workflow_id, contact_id) where state <> 'done';
create index workflow_enrollments_active_idx on workflow_enrollments (version_id, step, id) where state = 'active';
create index workflow_enrollments_due_idx on workflow_enrollments (workspace_id, wake_at, id) where state = 'waiting';
create index workflow_enrollments_contact_idx on workflow_enrollments (workspace_id, contact_id);
create index workflow_enrollments_step_idx on workflow_enrollments (version_id, step) where state <> 'done';

-- How many contacts have passed each step of each version (the editor's counts), added to per batch.
create table workflow_step_counts (
  version_id uuid not null references workflow_versions (id) on delete cascade,
  step text not null,
  passed bigint not null default 0,
  primary key (version_id, step)
);

-- What the live and paused versions read: the events that start, wake or end a run, and the
-- contact fields their conditions read. The triggers below queue only what a workflow reads.
create table workflow_dependencies (
  workspace_id uuid not null,
  workflow_id uuid not null references workflows (id) on delete cascade,
  kind text not null check (kind in ('event', 'field')),
  name text not null,
  primary key (workflow_id, kind, name)
);
create index workflow_dependencies_lookup_idx on workflow_dependencies (workspace_id, kind, name);

-- Contacts something happened to that a workflow reads, written in the writer's transaction
-- (the triggers below) and worked off by src/workflows/pending.ts.
create table workflow_pending (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  -- The event's name, or 'field:<field>'.
  reason text not null,
  event_id uuid
);
create index workflow_pending_workspace_idx on workflow_pending (workspace_id, id);

create function rapport_queue_workflow_events() returns trigger
language plpgsql as $$
begin
  insert into workflow_pending (workspace_id, contact_id, reason, event_id)
  select n.workspace_id, n.contact_id, n.name, n.id
  from new_rows n
  where exists (select 1 from workflow_dependencies d where d.workspace_id = n.workspace_id and d.kind = 'event' and d.name = n.name);
  return null;
end $$;
create trigger events_queue_workflows after insert on events
  referencing new table as new_rows for each statement execute function rapport_queue_workflow_events();

create function rapport_queue_workflow_changes() returns trigger
language plpgsql as $$
begin
  insert into workflow_pending (workspace_id, contact_id, reason)
  select distinct n.workspace_id, n.contact_id, 'field:' || n.field
  from new_rows n
  where exists (select 1 from workflow_dependencies d where d.workspace_id = n.workspace_id and d.kind = 'field' and d.name = n.field);
  return null;
end $$;
create trigger contact_changes_queue_workflows after insert on contact_changes
  referencing new table as new_rows for each statement execute function rapport_queue_workflow_changes();

-- Webhook steps' calls: written with the step (the outbox), sent by the `workflows.webhooks`
-- job, once per key whatever retries happen.
create table workflow_webhook_calls (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  workflow_id uuid not null references workflows (id) on delete cascade,
  enrollment_id uuid not null,
  contact_id uuid not null,
  step text not null,
  idempotency_key text not null,
  url text not null,
  body jsonb not null,
  state text not null default 'queued' check (state in ('queued', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  last_status integer,
  last_error text,
  response_excerpt text,
  created_at timestamptz not null,
  delivered_at timestamptz
);
create unique index workflow_webhook_calls_key on workflow_webhook_calls (workspace_id, idempotency_key);
create index workflow_webhook_calls_due_idx on workflow_webhook_calls (next_attempt_at) where state in ('queued', 'sending');
