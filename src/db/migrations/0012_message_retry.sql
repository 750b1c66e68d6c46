-- A broadcast message refused for now (a 4xx answer for that recipient) waits before its next
-- attempt: 30 s, then 1, 2 and 4 minutes.
alter table email_messages add column retry_at timestamptz;
