import { recordDeletion } from '../contacts/deletions.ts';
import type { AppContext } from '../server/context.ts';
import type { ImportRecord } from './imports.ts';

const COLUMNS = ['email', 'external_id', 'phone', 'first_name', 'last_name', 'lifecycle_stage', 'email_status'] as const;

/**
 * Undoes an import in one transaction: the events it wrote and the contacts it created go;
 * the values it changed on contacts that existed before get their old values back, but
 * only where nobody has changed them since (a later edit wins over the undo).
 */
export async function undoImport(ctx: AppContext, imp: ImportRecord): Promise<{ contactsRemoved: number; eventsRemoved: number; valuesRestored: number }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await tx.query("select set_config('rapport.change_source', 'import-undo', true), set_config('rapport.import_id', '', true)");
    const params = [imp.workspaceId, imp.id];
    const ownEvents = await tx.query('delete from events where workspace_id = $1 and import_id = $2 returning id', params);
    const created = `select id from contacts where workspace_id = $1 and import_id = $2`;
    const theirEvents = await tx.query(`delete from events where workspace_id = $1 and contact_id in (${created}) returning id`, params);
    await tx.query(`delete from contact_changes where workspace_id = $1 and contact_id in (${created})`, params);
    const removed = await tx.query('delete from contacts where workspace_id = $1 and import_id = $2 returning id', params);
    if (removed.length > 0) {
      const actor = { userId: imp.undoUserId, apiKeyId: imp.undoApiKeyId };
      await recordDeletion(tx, ctx, { workspaceId: imp.workspaceId, kind: 'import-undo', deleted: removed.length, selection: { importId: imp.id }, actor });
    }

    let restored = 0;
    for (const column of COLUMNS) {
      const rows = await tx.query(
        `update contacts c set ${column} = f.old_value #>> '{}', updated_at = $3
         from (select distinct on (contact_id) contact_id, old_value from contact_changes
               where workspace_id = $1 and import_id = $2 and field = '${column}' order by contact_id, id) f
         join (select distinct on (contact_id) contact_id, new_value from contact_changes
               where workspace_id = $1 and import_id = $2 and field = '${column}' order by contact_id, id desc) l using (contact_id)
         where c.id = f.contact_id and c.workspace_id = $1 and to_jsonb(c.${column}) is not distinct from l.new_value
         returning c.id`,
        [...params, now],
      );
      restored += rows.length;
    }
    const props = await tx.query<{ n: number }>(
      `with firsts as (
         select distinct on (contact_id, field) contact_id, substr(field, 12) as key, old_value
         from contact_changes where workspace_id = $1 and import_id = $2 and field like 'properties.%' order by contact_id, field, id
       ), lasts as (
         select distinct on (contact_id, field) contact_id, substr(field, 12) as key, new_value
         from contact_changes where workspace_id = $1 and import_id = $2 and field like 'properties.%' order by contact_id, field, id desc
       ), patches as (
         select f.contact_id, jsonb_object_agg(f.key, f.old_value) as patch, count(*)::int as n
         from firsts f join lasts l using (contact_id, key) join contacts c on c.id = f.contact_id
         where (c.properties -> f.key) is not distinct from l.new_value
         group by f.contact_id
       ), updated as (
         update contacts c set properties = jsonb_strip_nulls(c.properties || p.patch), updated_at = $3
         from patches p where c.id = p.contact_id returning p.n
       )
       select coalesce(sum(n), 0)::int as n from updated`,
      [...params, now],
    );
    restored += props[0]?.n ?? 0;
    await tx.query("update imports set status = 'undone', undone_at = $2 where id = $1", [imp.id, now]);
    return { contactsRemoved: removed.length, eventsRemoved: ownEvents.length + theirEvents.length, valuesRestored: restored };
  });
}
