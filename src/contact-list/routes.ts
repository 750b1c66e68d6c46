import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bulkDelete, countWhere } from '../contacts/deletions.ts';
import { actorOf, DESTROYS_CONTACTS } from '../contacts/routes.ts';
import { workspaceOf } from '../server/request.ts';
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import { getSegment } from '../segments/segments.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { deletionWhere } from './bulk-delete.ts';
import { bulkDeleteBody, bulkDeleteCount, bulkDeleteSelection, type ContactFilter, contactExportQuery, contactListQuery, contactPage } from './contract.ts';
import { exportContactsCsv } from './export.ts';
import { listContacts } from './list.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);
const membersFilter = (id: string): ContactFilter[] => [{ field: 'segment', op: 'eq', value: id }];

/** The contact list (/api/v1/contacts: search, filters, sort, pages, export, bulk delete) and a segment's members. */
export function contactListRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Segments follow contacts: after a bulk delete, their update runs right away.
    app.addHook('onResponse', async (req, reply) => {
      if (req.method !== 'GET' && reply.statusCode < 300 && req.auth?.workspaceId) notifyDataChanged(ctx, req.auth.workspaceId);
    });

    app.get(
      '/contacts',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Search, filter and sort contacts, a page at a time',
          description:
            '`filters` is a JSON array of `{field, op, value}`; `field` is a contact field or `properties.<key>`. ' +
            'Pass `nextCursor` as `after` for the next page. `total` comes with the first page (an estimate when `totalExact` is false).',
          querystring: contactListQuery,
          response: { 200: contactPage, 400: errorResponse },
        },
      },
      async (req) => listContacts(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get(
      '/contacts/export.csv',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Export the contacts a search and filters select, as CSV (streamed)',
          querystring: contactExportQuery,
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const { q, filters, sort, order } = req.query;
        const stream = await exportContactsCsv(ctx, workspaceOf(req).workspaceId, { q, filters: filters ?? [] }, { sort, order });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="contacts-${day(ctx.clock.now())}.csv"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
    app.post(
      '/contacts/bulk-delete',
      {
        config: DESTROYS_CONTACTS,
        schema: {
          tags: ['Contacts'],
          summary: 'Delete the listed contacts, or every contact a search and filters select',
          description: 'Above 10 contacts, `confirmCount` must be the number deleted (POST /contacts/bulk-delete/count tells it). Every deletion is recorded.',
          body: bulkDeleteBody,
          response: { 200: z.object({ deleted: z.number() }), 400: errorResponse },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        const { confirmCount, ...selection } = req.body;
        const where = await deletionWhere(ctx, workspaceId, selection);
        return bulkDelete(ctx, workspaceId, where, { confirmCount, selection }, actorOf(req));
      },
    );
    app.post(
      '/contacts/bulk-delete/count',
      {
        config: DESTROYS_CONTACTS,
        schema: {
          tags: ['Contacts'],
          summary: 'How many contacts a bulk delete of this selection would delete (its confirmCount)',
          body: bulkDeleteSelection,
          response: { 200: bulkDeleteCount, 400: errorResponse },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        return { count: await countWhere(ctx.db, await deletionWhere(ctx, workspaceId, req.body)) };
      },
    );

    // A segment's or list's current members: the list with a membership filter.
    const tags = ['Segments'];
    const idParam = uuidParam('id');
    app.get(
      '/segments/:id/members',
      {
        schema: {
          tags,
          summary: 'Current members, as contacts (keyset pages, newest contacts first)',
          params: idParam,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), after: z.string().max(2000).optional() }),
          response: { 200: contactPage, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        await getSegment(ctx, workspaceId, req.params.id);
        return listContacts(ctx, workspaceId, { filters: membersFilter(req.params.id), sort: 'created_at', order: 'desc', limit: req.query.limit, after: req.query.after });
      },
    );
    app.get(
      '/segments/:id/members.csv',
      { schema: { tags, summary: 'Current members as CSV (streamed)', params: idParam, produces: ['text/csv'] } },
      async (req, reply) => {
        const { workspaceId } = workspaceOf(req);
        const s = await getSegment(ctx, workspaceId, req.params.id);
        const stream = await exportContactsCsv(ctx, workspaceId, { filters: membersFilter(s.id) }, { sort: 'created_at', order: 'desc' });
        const file = s.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 80) || 'segment';
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${encodeURIComponent(file)}.csv"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
  };
}
