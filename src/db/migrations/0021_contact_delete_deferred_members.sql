-- Deleting contacts no longer waits for the workspace's segment lock (migration 0013 made it
-- wait, to keep its member and count updates from deadlocking with the segment queue). The
-- lock, held to the end of the deleting transaction, made every identify call that merges a
-- visitor into a known contact queue behind the segment queue and behind each other, and the
-- row locks such a transaction held before it asked for the lock closed deadlock cycles
-- (ingest: 3,500 events/s instead of 6,400, most waits on the advisory lock). Now the trigger
-- only queues the deleted contacts ('deleted'); the segment queue, under its own lock, removes
-- their memberships and counts (src/segments/membership.ts, forgetDeletedContacts), moments
-- later. Deletions people ask for (one, many, an erasure) also remove them at once.
create or replace function rapport_forget_segment_members() returns trigger
language plpgsql as $$
begin
  insert into segment_pending (workspace_id, contact_id, reason)
  select o.workspace_id, o.id, 'deleted'
  from old_rows o
  where exists (select 1 from segment_members m where m.contact_id = o.id);
  return null;
end $$;
