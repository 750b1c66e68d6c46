// One field or property set on many contacts in one statement, in the caller's transaction (a
// workflow's "update contact" step). The change history records it with its source, as any
// write to contacts is recorded (the trigger of migration 0002).
import type { SqlSession } from '../db/client.ts';
import { Params } from '../db/params.ts';

/** Built-in fields a caller may set this way (the others have rules of their own: email, consent). */
export const SETTABLE_COLUMNS: Record<string, string> = { first_name: 'first_name', last_name: 'last_name', lifecycle_stage: 'lifecycle_stage', phone: 'phone' };

/**
 * Sets `field` ("first_name", or "properties.<key>"; null clears it) on the contacts that do not
 * have that value yet; returns the ids of those it changed.
 */
export async function setFieldOf(tx: SqlSession, workspaceId: string, contactIds: string[], field: string, value: string | number | boolean | null, source: string, now: Date): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  await tx.query("select set_config('rapport.change_source', $1, true), set_config('rapport.import_id', '', true)", [source]);
  const p = new Params([workspaceId, contactIds, now]);
  let set: string;
  let differs: string;
  const column = SETTABLE_COLUMNS[field];
  if (column) {
    const v = p.add(value === null ? null : String(value), 'text');
    set = `${column} = ${v}`;
    differs = `c.${column} is distinct from ${v}`;
  } else {
    const k = p.add(field.replace(/^properties\./, ''), 'text');
    const v = p.add(JSON.stringify(value), 'jsonb');
    set = `properties = case when ${v} = 'null'::jsonb then c.properties - ${k} else jsonb_set(c.properties, array[${k}], ${v}) end`;
    differs = `(c.properties -> ${k}) is distinct from nullif(${v}, 'null'::jsonb)`;
  }
  const changed = await tx.query<{ id: string }>(`update contacts c set ${set}, updated_at = $3 where c.workspace_id = $1 and c.id = any($2::uuid[]) and ${differs} returning c.id`, p.values);
  return new Set(changed.map((r) => r.id));
}
