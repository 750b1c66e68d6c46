// The writes that identity resolution plans: new anonymousIds (with their anonymous
// contacts), merges of contacts, and traits applied to contacts by id. Set-based: one
// statement each for the whole request.
import type { SqlSession } from '../db/client.ts';
import type { ContactInput } from '../contacts/upsert.ts';
import { find, NEW, type Plan, RetryableConflict } from './identity.ts';

/**
 * Records the plan's new anonymousIds, creating the anonymous contacts that are not linked
 * to a known one. Alias and contact are written by one statement, so a concurrent request
 * that met the same new anonymousId either wins (and this one starts over and finds its
 * contact) or loses. Safe outside a transaction. Returns the ids of the created contacts.
 */
export async function linkAliases(db: SqlSession, workspaceId: string, plan: Plan, now: Date): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  if (plan.newAliases.size === 0) return created;
  const anonymousIds = [...plan.newAliases.keys()];
  const targets = anonymousIds.map((a) => find(plan.parent, plan.newAliases.get(a)!));
  const rows = await db.query<{ anonymous_id: string; contact_id: string }>(
    `with wanted as (
       select w.anonymous_id, coalesce(w.contact_id, rapport_uuid_v7()) as contact_id, w.contact_id is null as is_new
       from unnest($2::text[], $3::uuid[]) as w(anonymous_id, contact_id)
     ),
     linked as (
       insert into contact_aliases (workspace_id, anonymous_id, contact_id, created_at)
       select $1, anonymous_id, contact_id, $4 from wanted
       on conflict do nothing
       returning anonymous_id, contact_id
     ),
     created as (
       insert into contacts (id, workspace_id, created_at, updated_at)
       select l.contact_id, $1, $4, $4 from linked l join wanted w using (anonymous_id) where w.is_new
     )
     select anonymous_id, contact_id from linked`,
    [workspaceId, anonymousIds, targets.map((t) => (t.startsWith(NEW) ? null : t)), now],
  );
  if (rows.length < anonymousIds.length) throw new RetryableConflict('an anonymousId was linked concurrently');
  for (const r of rows) {
    const target = find(plan.parent, plan.newAliases.get(r.anonymous_id)!);
    if (target.startsWith(NEW)) created.set(target, r.contact_id);
  }
  return created;
}

/**
 * Merges each source contact into its target: moves events, aliases and change history,
 * fills the target's missing fields and properties (its own values win; among several
 * sources the latest merged wins), records the merge and deletes the source.
 */
export async function mergeContacts(tx: SqlSession, workspaceId: string, sources: string[], targets: string[], now: Date): Promise<void> {
  // Taking the sources first makes a concurrent request that holds one (the events insert
  // takes FOR KEY SHARE) finish before its events are moved, and a later one find the
  // contact gone and start over. The moves are a separate statement so that they see
  // what such a request committed while this one waited.
  // The sources' memberships are left to the segment queue (their deletion queues them,
  // migration 0021): a merge takes no workspace-wide lock.
  const held = await tx.query(`select id from contacts where workspace_id = $1 and id = any($2::uuid[]) for update`, [workspaceId, sources]);
  if (held.length < sources.length) throw new RetryableConflict('a contact was merged concurrently');
  await tx.query(
    `with m as (select * from unnest($2::uuid[], $3::uuid[]) as m(source, target)),
     e as (update events set contact_id = m.target from m where events.workspace_id = $1 and events.contact_id = m.source),
     h as (update contact_changes set contact_id = m.target from m where contact_changes.workspace_id = $1 and contact_changes.contact_id = m.source)
     update contact_aliases set contact_id = m.target from m where contact_aliases.workspace_id = $1 and contact_aliases.contact_id = m.source`,
    [workspaceId, sources, targets],
  );
  // The sources are deleted (in the same statement, before) the target takes their email,
  // which is unique per workspace.
  await tx.query(
    `with m as (select * from unnest($2::uuid[], $3::uuid[]) with ordinality as m(source, target, ord)),
     gone as (
       delete from contacts c using m where c.workspace_id = $1 and c.id = m.source
       returning m.target, m.ord, c.id, c.email, c.email_status, c.phone, c.first_name, c.last_name, c.lifecycle_stage, c.properties, c.created_at
     ),
     fill as (
       select target,
         (array_agg(email order by ord desc) filter (where email is not null))[1] as email,
         (array_agg(email_status order by ord desc) filter (where email is not null))[1] as email_status,
         (array_agg(phone order by ord desc) filter (where phone is not null))[1] as phone,
         (array_agg(first_name order by ord desc) filter (where first_name is not null))[1] as first_name,
         (array_agg(last_name order by ord desc) filter (where last_name is not null))[1] as last_name,
         (array_agg(lifecycle_stage order by ord desc) filter (where lifecycle_stage is not null))[1] as lifecycle_stage,
         min(created_at) as created_at
       from gone group by target
     ),
     props as (
       select g.target, jsonb_object_agg(p.key, p.value order by g.ord) as properties
       from gone g cross join lateral jsonb_each(g.properties) p group by g.target
     ),
     logged as (
       insert into contact_changes (workspace_id, contact_id, field, old_value, new_value, changed_at, source)
       select $1, target, 'merged_contact', null, to_jsonb(id), $4, 'tracking' from gone
     )
     update contacts t set
       email = coalesce(t.email, f.email),
       email_status = case when t.email is null and f.email is not null then f.email_status else t.email_status end,
       phone = coalesce(t.phone, f.phone),
       first_name = coalesce(t.first_name, f.first_name),
       last_name = coalesce(t.last_name, f.last_name),
       lifecycle_stage = coalesce(t.lifecycle_stage, f.lifecycle_stage),
       properties = coalesce(p.properties, '{}'::jsonb) || t.properties,
       created_at = least(t.created_at, f.created_at),
       updated_at = $4
     from fill f left join props p using (target)
     where t.workspace_id = $1 and t.id = f.target`,
    [workspaceId, sources, targets, now],
  );
}

/** Sets (or, with `fill`, only fills in) fields and properties of contacts by id. */
export async function applyTraits(tx: SqlSession, workspaceId: string, rows: Map<string, { input: ContactInput; fill: boolean }>, now: Date): Promise<void> {
  const payload = [...rows].map(([id, { input, fill }]) => ({ id, fill, f: input }));
  const col = (column: string, key: string) =>
    `case when not (u.f ? '${key}') then c.${column} when u.fill then coalesce(c.${column}, u.f ->> '${key}') else u.f ->> '${key}' end`;
  await tx.query(
    `update contacts c set
       phone = n.phone, first_name = n.first_name, last_name = n.last_name, lifecycle_stage = n.lifecycle_stage,
       properties = n.properties, updated_at = $2
     from (
       select c.id, ${col('phone', 'phone')} as phone, ${col('first_name', 'firstName')} as first_name,
         ${col('last_name', 'lastName')} as last_name, ${col('lifecycle_stage', 'lifecycleStage')} as lifecycle_stage,
         jsonb_strip_nulls(case when u.fill then coalesce(u.f -> 'properties', '{}') || c.properties
                                else c.properties || coalesce(u.f -> 'properties', '{}') end) as properties
       from jsonb_to_recordset($3::jsonb) as u(id uuid, fill boolean, f jsonb)
       join contacts c on c.id = u.id and c.workspace_id = $1
     ) n
     where c.id = n.id
       and (c.phone, c.first_name, c.last_name, c.lifecycle_stage, c.properties)
           is distinct from (n.phone, n.first_name, n.last_name, n.lifecycle_stage, n.properties)`,
    [workspaceId, now, JSON.stringify(payload)],
  );
}
