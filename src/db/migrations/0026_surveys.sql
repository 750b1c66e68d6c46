-- Feedback surveys (issue 16, src/surveys/): surveys as content (questions, logic, endings),
-- invitations sent by email (survey_sends), and responses kept from the first answer on, each
-- once per invitation or contact (a unique respondent key), turned into a survey.answered event
-- when complete or, for one left unfinished, when the respondent has been gone a while.

create table surveys (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  state text not null default 'draft' check (state in ('draft', 'active', 'closed', 'archived')),
  -- nps, csat or ces: the type of its first scored question (its score and band); custom otherwise.
  kind text not null check (kind in ('nps', 'csat', 'ces', 'custom')),
  -- Questions, logic, endings, texts and look (src/surveys/definition.ts).
  content jsonb not null,
  -- Anonymous answers, how often a contact may answer, reminders.
  settings jsonb not null default '{}',
  -- The email that carries its first question (made with the survey from a starter; any template with its block will do).
  email_template_id uuid,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index surveys_workspace_idx on surveys (workspace_id, created_at);

-- The workspace's rule against survey fatigue: nobody is asked more than once every N days.
create table survey_workspace_settings (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  min_days_between integer check (min_days_between between 1 and 3650)
);

-- One invitation of one contact to a survey (an email through the send to one contact, keyed
-- `survey:<id>`; reminders `survey:<id>:reminder:<n>`). `send_key` makes a repeated request send nothing twice.
create table survey_sends (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  survey_id uuid not null references surveys (id) on delete cascade,
  contact_id uuid not null,
  send_key text not null,
  template_id uuid not null,
  -- queued: a message is on its way; skipped: the contact may not get email (`skip_reason`).
  state text not null check (state in ('queued', 'skipped')),
  skip_reason text,
  reminders integer not null default 0,
  reminded_at timestamptz,
  created_at timestamptz not null,
  unique (survey_id, send_key)
);
-- Fatigue: when a contact was last asked, by any survey.
create index survey_sends_contact_idx on survey_sends (workspace_id, contact_id, created_at);
create index survey_sends_survey_idx on survey_sends (survey_id, created_at);

create table survey_responses (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  survey_id uuid not null references surveys (id) on delete cascade,
  -- Null for an anonymous answer.
  contact_id uuid,
  -- Once per invitation (`send:<id>`), email message (`message:<id>`), contact and period
  -- (`contact:<id>:<n>`) or anonymous visit (`anonymous:<id>`), enforced here.
  respondent_key text not null,
  channel text not null check (channel in ('email', 'link', 'api')),
  send_id uuid,
  message_id uuid,
  answers jsonb not null default '{}',
  -- The question shown next; null once at an ending.
  step text,
  state text not null check (state in ('partial', 'complete')),
  -- The main question's (first NPS, CSAT or CES) score and band.
  score integer,
  band text,
  -- The open-text answers' sentiment and language (src/surveys/sentiment.ts).
  sentiment text check (sentiment in ('positive', 'neutral', 'negative')),
  sentiment_score real,
  text_language text,
  started_at timestamptz not null,
  updated_at timestamptz not null,
  completed_at timestamptz,
  -- When its survey.answered event was written (complete, or left unfinished and marked partial).
  recorded_at timestamptz,
  unique (survey_id, respondent_key)
);
create index survey_responses_survey_idx on survey_responses (survey_id, started_at);
create index survey_responses_contact_idx on survey_responses (workspace_id, contact_id) where contact_id is not null;
-- Answer-once rules, reminders and the funnel: a contact's responses to a survey.
create index survey_responses_survey_contact_idx on survey_responses (survey_id, contact_id, started_at) where contact_id is not null;
create index survey_responses_unrecorded_idx on survey_responses (updated_at) where recorded_at is null;
