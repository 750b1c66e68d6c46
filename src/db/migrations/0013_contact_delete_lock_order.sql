-- Deleting contacts while the segment queue of their workspace is being worked off could
-- deadlock: the deletion's trigger (below) updates the member counts of the segments the
-- contacts were in while the queue's transaction, holding the workspace's segment lock,
-- writes members and counts of the same segments in another order. The trigger now waits for
-- that same lock (the advisory lock `lockWorkspace` takes in src/segments/membership.ts)
-- before it touches members or counts, so the two take turns instead.
create or replace function rapport_forget_segment_members() returns trigger
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('rapport.segments:' || w.workspace_id::text, 0))
  from (select distinct workspace_id from old_rows order by workspace_id) w;
  with gone as (
    delete from segment_members m using old_rows o where m.contact_id = o.id returning m.segment_id, m.exited_at)
  update segments s set member_count = s.member_count - g.n
  from (select segment_id, count(*)::int as n from gone where exited_at is null group by segment_id) g
  where s.id = g.segment_id;
  return null;
end $$;
