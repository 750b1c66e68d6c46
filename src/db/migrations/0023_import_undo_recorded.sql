-- Undoing an import deletes the contacts it created (and their events): a destruction of
-- contacts like any other, so it takes an admin and is recorded in contact_deletions, with
-- who asked for it (kept on the import, since the undo runs as a job).
alter table contact_deletions drop constraint contact_deletions_kind_check;
alter table contact_deletions add constraint contact_deletions_kind_check check (kind in ('one', 'many', 'erase', 'import-undo'));
alter table imports add column undo_user_id uuid references users (id) on delete set null;
alter table imports add column undo_api_key_id uuid references api_keys (id) on delete set null;
