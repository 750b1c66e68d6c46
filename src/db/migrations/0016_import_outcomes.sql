-- Imports that lose nothing and say what happened (issue 12).

-- A property can hold a country, stored as its ISO 3166-1 alpha-2 code ("GB"), accepted as a
-- code or a name in several languages ("United Kingdom", "Royaume-Uni", "Deutschland").
alter table property_definitions drop constraint property_definitions_type_check;
alter table property_definitions add constraint property_definitions_type_check
  check (type in ('string', 'number', 'boolean', 'date', 'enum', 'country'));

-- What an import achieved, decided when it ends: "completed" alone said nothing about an import
-- that skipped every row. The reason is a sentence for people (the most common skip reason, an
-- empty file, a missing identity column…).
alter table imports add column outcome text
  check (outcome in ('imported', 'imported_with_problems', 'nothing_imported', 'failed'));
alter table imports add column outcome_reason text;
-- Values that did not fit their field and were left out of rows that were imported.
alter table imports add column values_left_out integer not null default 0;
-- Progress in bytes of the stored file (compressed, as uploaded): a .gz file has no row count
-- to go by until it has been read. `phase` says which pass the job is in (reading, dates,
-- customers, orders).
alter table imports add column bytes_read bigint not null default 0;
alter table imports add column phase text;

-- A row skipped whole, or one value left out of a row that was imported, with its column.
alter table import_errors add column kind text not null default 'skipped' check (kind in ('skipped', 'left_out'));
alter table import_errors add column column_name text;
