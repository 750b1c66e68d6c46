-- Bounces and complaints reported by email providers (Postmark, Amazon SES through SNS, or
-- anything that can post JSON), delivered to a per-workspace secret URL.

-- The secret in the webhook URLs. Kept encrypted (AES-256-GCM under the instance secret, see
-- src/messaging/secrets.ts) so that admins can see the URLs again, and as a sha256 for the
-- lookup a request makes (the index finds the workspace without decrypting anything).
create table email_webhook_secrets (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  secret_encrypted text not null,
  secret_hash text not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create unique index email_webhook_secrets_hash_key on email_webhook_secrets (secret_hash);

-- Every notification applied, by a key derived from its content (the provider's id where it
-- has one): a provider retrying the same notification changes nothing the second time, even
-- after an admin took the address off the suppression list in between. No address is kept
-- here (the key is a hash), so erasing a contact leaves nothing readable behind.
create table email_feedback (
  id uuid primary key default rapport_uuid_v7(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  dedupe_key text not null,
  kind text not null check (kind in ('bounce', 'complaint')),
  bounce_type text check (bounce_type in ('hard', 'soft')),
  source text not null check (source in ('generic', 'postmark', 'ses')),
  message_id uuid,
  received_at timestamptz not null
);
create unique index email_feedback_dedupe_key on email_feedback (workspace_id, dedupe_key);

-- A notification without our Message-ID is matched to the latest message sent to its address.
create index email_messages_recipient_idx on email_messages (workspace_id, lower(to_email), sent_at desc);

-- The suppression list, newest first, a page at a time.
create index suppressions_created_idx on suppressions (workspace_id, created_at desc, email_hash desc);
