-- A running import (or undo, or upload) is held by one process at a time, which renews its
-- lease while it works. A process that dies stops renewing: another worker takes the import
-- over within about a minute and goes on after its last committed batch (on the embedded
-- database, the process that opens the data directory next does so at once), instead of the
-- import showing "running" until the job's six-hour timeout. `attempts` counts the runs that
-- started, so that a file that kills its process every time ends as a failure with a reason.
alter table imports add column lease_owner text;
alter table imports add column lease_until timestamptz;
alter table imports add column attempts integer not null default 0;
create index imports_leased_idx on imports (lease_until) where status in ('uploaded', 'queued', 'running', 'undoing');
