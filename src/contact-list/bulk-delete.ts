// Which contacts a bulk delete takes: those listed by id, or every contact a search and
// filters select (the list's own selection). The deleting, its confirmation and its record
// are the contacts domain's (src/contacts/deletions.ts).
import type { z } from 'zod';
import { Params } from '../db/params.ts';
import type { ContactsWhere } from '../contacts/deletions.ts';
import { definitionsByKey } from '../contacts/properties.ts';
import type { AppContext } from '../server/context.ts';
import type { bulkDeleteSelection } from './contract.ts';
import { filterContext, selectionConditions, selectionSql } from './selection.ts';

export type DeleteSelection = z.output<typeof bulkDeleteSelection>;

export async function deletionWhere(ctx: AppContext, workspaceId: string, selection: DeleteSelection): Promise<ContactsWhere> {
  // Ids of other workspaces are simply not found.
  if ('ids' in selection) return { conditions: ['c.workspace_id = $1', 'c.id = any($2::uuid[])'], params: [workspaceId, selection.ids] };
  const p = new Params([workspaceId]);
  const sctx = filterContext(ctx, workspaceId, await definitionsByKey(ctx, workspaceId));
  const selected = selectionSql(selection.filter, sctx, p, 'filter.filters');
  return { conditions: ['c.workspace_id = $1', ...selectionConditions(selected)], params: p.values };
}
