-- Segments (a definition, membership kept current) and static lists (membership by hand).
create table segments (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null check (kind in ('segment', 'list')),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '',
  -- The JSON tree of src/segments/definition.ts; null for lists.
  definition jsonb,
  -- What the definition reads (src/segments/validate.ts, dependenciesOf), so that a new event
  -- or a changed property re-evaluates only the segments it can affect.
  depends_on_events text[] not null default '{}',
  depends_on_fields text[] not null default '{}',
  depends_on_segments uuid[] not null default '{}',
  -- The answer changes with time alone ("in the last 30 days"): re-evaluated on a schedule.
  time_relative boolean not null default false,
  member_count integer not null default 0,
  evaluated_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'segment') = (definition is not null))
);
create unique index segments_name_key on segments (workspace_id, lower(name));

-- Membership with its history: a row per stay, open while exited_at is null. No foreign keys
-- (a check per row on writes of a million members); the triggers below and segment deletion
-- remove rows explicitly.
create table segment_members (
  workspace_id uuid not null,
  segment_id uuid not null,
  contact_id uuid not null,
  entered_at timestamptz not null,
  exited_at timestamptz
);
create unique index segment_members_current_key on segment_members (segment_id, contact_id) where exited_at is null;
create index segment_members_contact_idx on segment_members (contact_id);

-- The size of each segment at the end of each day it changed, for the 30-day chart.
create table segment_sizes (
  segment_id uuid not null,
  day date not null,
  size integer not null,
  primary key (segment_id, day)
);

-- Contacts whose segments may have changed, and why ('event:<name>', 'field:<field>', 'new'),
-- written by the triggers below in the same transaction as the change, so that no writer can
-- forget it and a crash loses nothing; src/segments/membership.ts works the queue off.
create table segment_pending (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  reason text not null
);
create index segment_pending_workspace_idx on segment_pending (workspace_id, id);

create function rapport_queue_segment_events() returns trigger
language plpgsql as $$
begin
  insert into segment_pending (workspace_id, contact_id, reason)
  select distinct n.workspace_id, n.contact_id, 'event:' || n.name
  from new_rows n
  where exists (select 1 from segments s where s.workspace_id = n.workspace_id and n.name = any (s.depends_on_events));
  return null;
end $$;
create trigger events_queue_segments after insert on events
  referencing new table as new_rows for each statement execute function rapport_queue_segment_events();

create function rapport_queue_segment_new_contacts() returns trigger
language plpgsql as $$
begin
  insert into segment_pending (workspace_id, contact_id, reason)
  select n.workspace_id, n.id, 'new'
  from new_rows n
  where exists (select 1 from segments s where s.workspace_id = n.workspace_id and s.kind = 'segment');
  return null;
end $$;
create trigger contacts_queue_segments after insert on contacts
  referencing new table as new_rows for each statement execute function rapport_queue_segment_new_contacts();

create function rapport_queue_segment_changes() returns trigger
language plpgsql as $$
begin
  insert into segment_pending (workspace_id, contact_id, reason)
  select distinct n.workspace_id, n.contact_id, 'field:' || n.field
  from new_rows n
  where exists (select 1 from segments s where s.workspace_id = n.workspace_id and n.field = any (s.depends_on_fields));
  return null;
end $$;
create trigger contact_changes_queue_segments after insert on contact_changes
  referencing new table as new_rows for each statement execute function rapport_queue_segment_changes();

-- A deleted contact leaves no membership behind.
create function rapport_forget_segment_members() returns trigger
language plpgsql as $$
begin
  with gone as (
    delete from segment_members m using old_rows o where m.contact_id = o.id returning m.segment_id, m.exited_at)
  update segments s set member_count = s.member_count - g.n
  from (select segment_id, count(*)::int as n from gone where exited_at is null group by segment_id) g
  where s.id = g.segment_id;
  return null;
end $$;
create trigger contacts_forget_segment_members after delete on contacts
  referencing old table as old_rows for each statement execute function rapport_forget_segment_members();

-- The next time a date's month and day come round, from `today` on (29 February falls on
-- 1 March in other years). Used by "anniversary within the next N days".
create function rapport_next_anniversary(value timestamptz, today date) returns date
language sql immutable parallel safe as $$
  select case
    when make_date(extract(year from today)::int, extract(month from value at time zone 'UTC')::int, 1)
         + (extract(day from value at time zone 'UTC')::int - 1) >= today
    then make_date(extract(year from today)::int, extract(month from value at time zone 'UTC')::int, 1)
         + (extract(day from value at time zone 'UTC')::int - 1)
    else make_date(extract(year from today)::int + 1, extract(month from value at time zone 'UTC')::int, 1)
         + (extract(day from value at time zone 'UTC')::int - 1)
  end
$$;
