-- Consent that means something (issue 12). One rule for every way a contact arrives:
-- nobody is "subscribed" unless someone said they agreed (the web form's box, the API's
-- explicit emailStatus, the import's consent question), and nobody without an email address
-- is "subscribed" at all. Every change of consent is recorded with its source and time
-- (contact_changes, field 'email_status'): updates already were, by the change trigger;
-- a contact created subscribed now leaves a record too.

-- Contacts created by the order import without an address read "subscribed": they are not.
select set_config('rapport.change_source', 'migration', true);
update contacts set email_status = 'not_subscribed', updated_at = now()
where email is null and email_status = 'subscribed';

alter table contacts alter column email_status set default 'not_subscribed';

-- Whatever path clears an address (an edit, an identify call, a merge), a subscription
-- cannot outlive it. The WHEN clause is evaluated without calling the function, so rows that
-- keep their address cost nothing more.
create function rapport_no_subscription_without_email() returns trigger
language plpgsql as $$
begin
  new.email_status := 'not_subscribed';
  return new;
end $$;

create trigger contacts_subscription_needs_email
  before insert or update of email, email_status on contacts
  for each row when (new.email is null and new.email_status = 'subscribed')
  execute function rapport_no_subscription_without_email();

alter table contacts add constraint contacts_subscribed_has_email check (email is not null or email_status <> 'subscribed');

-- A contact created with a status other than the default (subscribed, or already
-- unsubscribed, bounced…) leaves a record of it, with its writer: the regulator's "when and
-- how did they agree". Not subscribed is where everyone starts and needs no record.
create function rapport_record_contact_consent() returns trigger
language plpgsql as $$
begin
  insert into contact_changes (workspace_id, contact_id, field, old_value, new_value, changed_at, source, import_id)
  select n.workspace_id, n.id, 'email_status', null, to_jsonb(n.email_status), n.created_at,
         coalesce(nullif(current_setting('rapport.change_source', true), ''), 'api'),
         nullif(current_setting('rapport.import_id', true), '')::uuid
  from new_rows n
  where n.email_status <> 'not_subscribed';
  return null;
end $$;

create trigger contacts_record_consent
  after insert on contacts
  referencing new table as new_rows
  for each statement execute function rapport_record_contact_consent();

-- Order-only customers are known by their external id (the shop's customer number): search
-- finds them by it.
alter table contacts drop column search_text;
alter table contacts add column search_text text generated always as (
  lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(external_id, ''))
) stored;
