import { and, asc, eq } from 'drizzle-orm';
import type { SqlSession } from '../db/client.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, notFound, type FieldIssue } from '../errors.ts';
import { CONTACT_FIELDS, type PropertyType } from './fields.ts';
import { propertyDefinitions, type PropertyValue } from './schema.ts';
import { coerceValue, type PropertyDefinition } from './values.ts';

export type { PropertyDefinition } from './values.ts';

export async function listDefinitions(ctx: AppContext, workspaceId: string): Promise<PropertyDefinition[]> {
  const rows = await ctx.db.orm
    .select()
    .from(propertyDefinitions)
    .where(eq(propertyDefinitions.workspaceId, workspaceId))
    .orderBy(asc(propertyDefinitions.label), asc(propertyDefinitions.key));
  return rows.map(toDefinition);
}

export async function definitionsByKey(ctx: AppContext, workspaceId: string): Promise<Map<string, PropertyDefinition>> {
  return new Map((await listDefinitions(ctx, workspaceId)).map((d) => [d.key, d]));
}

export async function createDefinition(ctx: AppContext, workspaceId: string, def: PropertyDefinition): Promise<PropertyDefinition> {
  if (def.key in CONTACT_FIELDS) throw conflict(`"${def.key}" is a built-in contact field.`, [{ path: 'key', message: 'is a built-in field' }]);
  if (def.type === 'enum' && def.options.length === 0) {
    throw badRequest('An enum property needs at least one option.', [{ path: 'options', message: 'must list the allowed values' }]);
  }
  const [row] = await ctx.db.orm
    .insert(propertyDefinitions)
    .values({ ...def, workspaceId, createdAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict(`A property with the key "${def.key}" already exists.`, [{ path: 'key', message: 'is already taken' }]);
  return toDefinition(row);
}

export async function updateDefinition(
  ctx: AppContext,
  workspaceId: string,
  key: string,
  patch: { label?: string; description?: string; options?: string[] },
): Promise<PropertyDefinition> {
  const [current] = await ctx.db.orm
    .select()
    .from(propertyDefinitions)
    .where(and(eq(propertyDefinitions.workspaceId, workspaceId), eq(propertyDefinitions.key, key)));
  if (!current) throw notFound('The property');
  if (patch.options && current.type === 'enum') {
    // Removing an option some contact still has would leave an invalid value behind.
    const removed = current.options.filter((o) => !patch.options!.includes(o));
    if (removed.length > 0) {
      const [used] = await ctx.db.query<{ n: number }>(
        `select count(*)::int as n from contacts where workspace_id = $1 and properties ->> $2 = any($3::text[])`,
        [workspaceId, key, removed],
      );
      if ((used?.n ?? 0) > 0) {
        throw conflict(`${used!.n} contacts still have ${removed.map((o) => `"${o}"`).join(', ')}; change them first.`, [
          { path: 'options', message: 'removes values that are in use' },
        ]);
      }
    }
  }
  const [row] = await ctx.db.orm
    .update(propertyDefinitions)
    .set({
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.options !== undefined && current.type === 'enum' ? { options: patch.options } : {}),
    })
    .where(and(eq(propertyDefinitions.workspaceId, workspaceId), eq(propertyDefinitions.key, key)))
    .returning();
  return toDefinition(row!);
}

/** Deletes a definition and the values of that property on every contact (recorded as changes, by `source`). */
export async function deleteDefinition(ctx: AppContext, workspaceId: string, key: string, source = 'api'): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const gone = await tx.query('delete from property_definitions where workspace_id = $1 and key = $2 returning key', [workspaceId, key]);
    if (gone.length === 0) throw notFound('The property');
    await tx.query("select set_config('rapport.change_source', $1, true)", [source]);
    await tx.query(
      `update contacts set properties = properties - $2::text, updated_at = $3 where workspace_id = $1 and properties ? $2`,
      [workspaceId, key, ctx.clock.now()],
    );
  });
}

/**
 * Makes sure the given properties are defined, creating the missing ones with the given
 * (inferred) type; used by writers that meet new properties (tracking traits).
 */
export async function ensureDefinitions(tx: SqlSession, workspaceId: string, defs: { key: string; type: PropertyType; label?: string }[], now: Date): Promise<void> {
  if (defs.length === 0) return;
  await tx.query(
    `insert into property_definitions (workspace_id, key, label, type, created_at)
     select $1, d.key, coalesce(d.label, initcap(replace(d.key, '_', ' '))), d.type, $2
     from unnest($3::text[], $4::text[], $5::text[]) as d(key, type, label)
     on conflict do nothing`,
    [workspaceId, now, defs.map((d) => d.key), defs.map((d) => d.type), defs.map((d) => d.label ?? null)],
  );
}

/**
 * Checks property values against their definitions; returns the coerced values and, for
 * each bad one, the path and what is wrong. Unknown keys are errors.
 */
export function validateProperties(
  defs: Map<string, PropertyDefinition>,
  values: Record<string, unknown>,
  pathPrefix = 'properties',
): { values: Record<string, PropertyValue | null>; issues: FieldIssue[] } {
  const out: Record<string, PropertyValue | null> = {};
  const issues: FieldIssue[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const def = defs.get(key);
    if (!def) {
      issues.push({ path: `${pathPrefix}.${key}`, message: 'is not a defined property; define it in Settings › Properties first' });
      continue;
    }
    const result = coerceValue(def, raw);
    if (result.ok) out[key] = result.value;
    else issues.push({ path: `${pathPrefix}.${key}`, message: result.reason });
  }
  return { values: out, issues };
}

function toDefinition(row: typeof propertyDefinitions.$inferSelect): PropertyDefinition {
  return { key: row.key, label: row.label, description: row.description, type: row.type, options: row.options };
}

