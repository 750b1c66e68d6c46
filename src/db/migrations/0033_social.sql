-- Social (src/social/, docs/design/social.md): connected accounts, what is listened for, the
-- mentions found, and posts published once per network.

-- A handle as Rapport compares it: lower case, no leading @, a profile link read as the handle.
--   bluesky:  "@Ann.bsky.social", "https://bsky.app/profile/ann.bsky.social" -> ann.bsky.social
--   mastodon: "@Ann@mastodon.social", "https://mastodon.social/@ann"        -> ann@mastodon.social
-- Immutable, so contacts can be matched through an index on it. src/social/handles.ts is the
-- same rule in TypeScript (a property test checks the two agree).
create function social_handle(network text, raw text) returns text
language sql immutable parallel safe as $$
  select case
    when h is null or h = '' then null
    when network = 'mastodon' then nullif(regexp_replace(regexp_replace(h, '^https?://([^/]+)/@([^/@?#]+)/?$', '\2@\1'), '^@', ''), '')
    else nullif(regexp_replace(regexp_replace(regexp_replace(h, '^https?://bsky\.app/profile/([^/?#]+)/?$', '\1'), '^@', ''), '\.$', ''), '')
  end
  -- ASCII letters only are folded, and ASCII blanks trimmed: the same whatever the database's locale.
  from (select translate(btrim(raw, E' \t\n\r\f\x0b'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') as h) x
$$;

-- A contact's handles are the contact properties bluesky_handle and mastodon_handle (set by an
-- import, the tracking API's traits, the API or the contact page); mentions find their author
-- through these indexes.
create index contacts_bluesky_handle_idx on contacts (workspace_id, social_handle('bluesky', properties ->> 'bluesky_handle'))
  where properties ? 'bluesky_handle';
create index contacts_mastodon_handle_idx on contacts (workspace_id, social_handle('mastodon', properties ->> 'mastodon_handle'))
  where properties ? 'mastodon_handle';

create table social_accounts (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  network text not null check (network in ('bluesky', 'mastodon')),
  -- The Bluesky PDS or the Mastodon server the account lives on.
  server_url text not null,
  -- The account's id on its network: a DID on Bluesky, the account id on Mastodon.
  remote_id text not null,
  -- As social_handle() reads it: ann.bsky.social, ann@mastodon.social.
  handle text not null,
  display_name text not null default '',
  -- AES-256-GCM (src/messaging/delivery/secrets.ts): the app password or the access token.
  credentials text not null,
  -- A Bluesky session kept between runs, so each fetch does not sign in again (encrypted too).
  session text,
  -- What the account's server accepts in a post (a Mastodon server may allow more than 500 characters).
  limits jsonb not null default '{}',
  state text not null default 'connected' check (state in ('connected', 'failed')),
  last_error text,
  -- The rate limit as the network last reported it.
  rate_limit integer,
  rate_remaining integer,
  rate_reset_at timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Account ids are unique per server only (two Mastodon servers may both have an account 1).
  unique (workspace_id, network, server_url, remote_id)
);

-- What is listened for, per account: its mentions and the replies to it, a hashtag, a keyword.
create table social_streams (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  account_id uuid not null references social_accounts (id) on delete cascade,
  kind text not null check (kind in ('mentions', 'hashtag', 'keyword')),
  -- The hashtag (without #) or the keyword; '' for mentions.
  query text not null default '',
  -- Where the next fetch starts, in the network's own terms (a since id, a time).
  cursor text,
  next_fetch_at timestamptz not null default now(),
  last_fetched_at timestamptz,
  last_found integer,
  last_error text,
  created_at timestamptz not null default now(),
  unique (account_id, kind, query)
);
create index social_streams_due_idx on social_streams (next_fetch_at);

create table social_mentions (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  network text not null,
  -- The post's id on its network, the same from wherever it is fetched (an at:// URI; a Mastodon
  -- status's ActivityPub URI): stored once however often, and by however many accounts, it is found.
  remote_id text not null,
  -- Its id on the server of the account that found it (a Mastodon status id there): what a reply names.
  local_id text,
  account_id uuid references social_accounts (id) on delete set null,
  stream_id uuid references social_streams (id) on delete set null,
  -- mention, reply (to one of the shop's posts), hashtag, keyword.
  kind text not null check (kind in ('mention', 'reply', 'hashtag', 'keyword')),
  author_handle text not null,
  author_name text not null default '',
  author_remote_id text,
  text text not null,
  url text,
  posted_at timestamptz not null,
  fetched_at timestamptz not null,
  -- ISO 639-1, or 'und'.
  language text not null,
  -- null: a language the analyzer cannot score (marked, never guessed).
  sentiment text check (sentiment in ('positive', 'neutral', 'negative')),
  score real,
  contact_id uuid,
  -- handle: matched by the contact's handle; hand: linked by a person from the mention.
  matched_by text check (matched_by in ('handle', 'hand')),
  -- The shop's post it answers, when it is a reply to one.
  in_reply_to text,
  delivery_id uuid,
  unique (workspace_id, network, remote_id)
);
create index social_mentions_time_idx on social_mentions (workspace_id, posted_at desc, id desc);
create index social_mentions_contact_idx on social_mentions (workspace_id, contact_id) where contact_id is not null;
create index social_mentions_unmatched_idx on social_mentions (workspace_id, network, author_handle) where contact_id is null;

-- A post as composed: one text (with per-network changes), images, maybe a coupon.
create table social_posts (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  text text not null default '',
  -- { "bluesky": "shorter text" }: a network's own version of the text.
  variants jsonb not null default '{}',
  -- The accounts it is for.
  account_ids uuid[] not null default '{}',
  coupon_campaign_id uuid references coupon_campaigns (id) on delete set null,
  -- shared: the campaign's code; per_post: a code of its own for each network's post.
  coupon_mode text check (coupon_mode in ('shared', 'per_post')),
  -- draft, or scheduled (its deliveries say how publishing went).
  state text not null default 'draft' check (state in ('draft', 'scheduled')),
  scheduled_at timestamptz,
  -- A reply from Rapport: the post it answers (its remote id) and the mention it came from.
  reply_to text,
  reply_to_mention uuid references social_mentions (id) on delete set null,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (coupon_campaign_id is null or coupon_mode is not null)
);
create index social_posts_time_idx on social_posts (workspace_id, scheduled_at);

create table social_post_images (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  post_id uuid not null references social_posts (id) on delete cascade,
  position integer not null,
  mime text not null,
  bytes bytea not null,
  alt text not null default '',
  unique (post_id, position)
);

-- A post on one account: published exactly once, under its idempotency key.
create table social_deliveries (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null,
  post_id uuid not null references social_posts (id) on delete cascade,
  account_id uuid not null references social_accounts (id) on delete cascade,
  network text not null,
  -- The text as published: the network's version, with the coupon code in it.
  text text not null,
  -- scheduled: waits for its time; publishing: handed to the network (maybe accepted: looked
  -- up before any retry); published; failed (the network's own message in error).
  state text not null check (state in ('scheduled', 'publishing', 'published', 'failed')),
  -- Sent with the post (Mastodon's Idempotency-Key; Bluesky's record key): one post per key.
  idempotency_key text not null,
  due_at timestamptz not null,
  attempts integer not null default 0,
  -- While publishing: another worker leaves it alone until then.
  lease_until timestamptz,
  remote_id text,
  remote_url text,
  error text,
  published_at timestamptz,
  -- The code the post carried (a per-post code, issued once under "social:<delivery>").
  coupon_code text,
  coupon_code_id bigint references coupon_codes (id) on delete set null,
  -- Clicks on the post's links, through Rapport's redirect (/go/…).
  clicks integer not null default 0,
  likes integer,
  reposts integer,
  replies integer,
  metrics_at timestamptz,
  next_metrics_at timestamptz,
  created_at timestamptz not null default now(),
  unique (post_id, account_id)
);
create unique index social_deliveries_key_idx on social_deliveries (idempotency_key);
create index social_deliveries_due_idx on social_deliveries (due_at) where state in ('scheduled', 'publishing');
create index social_deliveries_metrics_idx on social_deliveries (next_metrics_at) where next_metrics_at is not null;
create index social_deliveries_remote_idx on social_deliveries (workspace_id, network, remote_id) where remote_id is not null;

-- The app Rapport registered on a Mastodon server (POST /api/v1/apps) to ask its members for
-- access (OAuth), one per workspace and server; the client secret encrypted.
create table social_oauth_apps (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  server_url text not null,
  client_id text not null,
  client_secret text not null,
  redirect_uri text not null,
  created_at timestamptz not null default now(),
  unique (workspace_id, server_url, redirect_uri)
);
