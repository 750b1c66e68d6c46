-- A broadcast whose mail server cannot be reached (down, refused by this instance's rules,
-- a name that does not resolve) waits and tries again every 30 s. Why it waits, and since
-- when, is kept on the broadcast for the people watching it (it was only in a worker's log).
alter table broadcasts add column waiting_reason text;
alter table broadcasts add column waiting_since timestamptz;
