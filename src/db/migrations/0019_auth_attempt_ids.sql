-- A sign-in attempt is recorded under each of its keys (address and source, source, address,
-- or device) before its password is checked, atomically with the count (see
-- src/accounts/throttle.ts); a successful one takes its own rows back by this id.
alter table auth_attempts add column attempt_id uuid;
create index auth_attempts_attempt_idx on auth_attempts (attempt_id);
