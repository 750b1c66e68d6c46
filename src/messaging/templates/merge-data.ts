// What a template sees: the contact (its fields by their API names in snake_case, its
// properties and its orders) and the workspace. One mapping for previews, broadcasts and the
// send to one contact, so that a merge field means the same everywhere.
import type { getContact } from '../../contacts/contacts.ts';
import type { PurchaseSummary } from '../../purchases/contract.ts';
import { purchaseMergeData, scoreMergeData } from '../../purchases/merge.ts';
import type { AppContext } from '../../server/context.ts';
import type { RenderData } from './render.ts';

/** The columns of a contacts row a template reads (selected with CONTACT_MERGE_COLUMNS). */
export interface ContactMergeRow {
  email: string | null;
  external_id: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  lifecycle_stage: string | null;
  properties: Record<string, unknown> | null;
}

/** Those columns as a select list over the contacts row `alias`. */
export const contactMergeColumns = (alias = 'c') =>
  ['email', 'external_id', 'phone', 'first_name', 'last_name', 'lifecycle_stage', 'properties'].map((col) => `${alias}.${col}`).join(', ');

/** What a template sees of a contact read from its row. */
export function contactMergeOfRow(id: string, r: ContactMergeRow, purchases: PurchaseSummary): RenderData['contact'] {
  return {
    id,
    email: r.email,
    external_id: r.external_id,
    phone: r.phone,
    first_name: r.first_name,
    last_name: r.last_name,
    lifecycle_stage: r.lifecycle_stage,
    properties: r.properties ?? {},
    purchases: purchaseMergeData(purchases),
    scores: scoreMergeData(purchases),
  };
}

/** What a template sees of a contact as the API returns it. */
export function contactMergeData(c: Awaited<ReturnType<typeof getContact>>, purchases: PurchaseSummary): RenderData['contact'] {
  return {
    id: c.id,
    email: c.email,
    external_id: c.externalId,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    lifecycle_stage: c.lifecycleStage,
    properties: c.properties,
    purchases: purchaseMergeData(purchases),
    scores: scoreMergeData(purchases),
  };
}

export async function workspaceMergeData(ctx: AppContext, workspaceId: string): Promise<RenderData['workspace']> {
  const [ws] = await ctx.db.query<{ name: string; postal_address: string }>('select name, postal_address from workspaces where id = $1', [workspaceId]);
  return { name: ws?.name ?? '', postal_address: ws?.postal_address ?? '' };
}

/** What later domains add to a template's data under roots of their own ({{ loyalty.points }}), per contact. */
export async function moduleMergeData(ctx: AppContext, workspaceId: string, contactIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (contactIds.length === 0) return out;
  for (const m of ctx.modules) {
    if (!m.mergeData) continue;
    const loaded = await m.mergeData.load(ctx.db, workspaceId, contactIds);
    for (const id of contactIds) {
      const value = loaded.get(id) ?? m.mergeData.empty;
      if (value !== undefined) out.set(id, { ...out.get(id), [m.mergeData.root]: value });
    }
  }
  return out;
}
