// GET /contacts: a page of the contacts a search and filters select, in any order, with the
// number of matches on the first page (and each contact's retention scores when asked for).
import type { AppContext } from '../server/context.ts';
import type { ContactFilter } from './contract.ts';
import { type ListedContact, prepareList } from './paging.ts';

export async function listContacts(
  ctx: AppContext,
  workspaceId: string,
  query: { q?: string; filters?: ContactFilter[]; sort: string; order: 'asc' | 'desc'; limit: number; after?: string; scores?: boolean },
): Promise<{ items: ListedContact[]; nextCursor: string | null; total?: number; totalExact?: boolean }> {
  const list = await prepareList(ctx, workspaceId, { q: query.q, filters: query.filters ?? [] }, query);
  const page = await list.page(query.limit, query.after);
  if (query.after) return page;
  // A first page that is also the last one is its own exact total.
  if (page.nextCursor === null) return { ...page, total: page.items.length, totalExact: true };
  // The total only with the first page: later pages stay pure index range scans.
  const { total, exact } = await list.count();
  return { ...page, total, totalExact: exact };
}
