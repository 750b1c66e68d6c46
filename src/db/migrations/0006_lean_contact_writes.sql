-- Contacts and events are written in bulk (imports, the tracking API), and every index and
-- foreign key is paid for on every row written. Measured on PostgreSQL 15 inserting
-- 1,000,000 contacts in one statement (2.3 s into a table with no index): the foreign key to
-- workspaces +4.0 s (a trigger per row), the trigram search index +12 to +16 s, the
-- properties GIN index +4 to +6 s, each sort index on a text column +2.7 s. With them all an
-- import could not go faster than about 20,000 contacts/s, whatever the code around it.
--
-- What the contact list loses and what it keeps (1,000,000 contacts in one workspace):
-- * search by substring scans the workspace's contacts (~170 ms) instead of a trigram index;
-- * filters on custom properties scan (~200 ms) instead of using a GIN index;
-- * sorting by any column but the creation date sorts the workspace (a parallel top-N sort,
--   ~150 ms a page) instead of walking an index;
-- * the default order (newest first) keeps its index, and search keeps its stored lower-cased
--   text (computing it during the scan took 700 ms instead of 170 ms).
-- Contacts and events keep workspace_id as a plain column: removing a workspace deletes its
-- rows explicitly (as it must anyway for tables without a key to workspaces).
alter table contacts drop constraint contacts_workspace_id_fkey;
alter table events drop constraint events_workspace_id_fkey;
drop index contacts_search_idx;
drop index contacts_properties_idx;
drop index contacts_workspace_id_idx;
drop index contacts_updated_idx;
drop index contacts_first_name_idx;
drop index contacts_email_sort_idx;
drop index contacts_last_name_idx;
