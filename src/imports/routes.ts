import fastifyMultipart from '@fastify/multipart';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/auth.ts';
import type { AppContext } from '../server/context.ts';
import { AppError, badRequest } from '../server/errors.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { IMPORT_KINDS, importError, importInfo, startImportBody } from './contract.ts';
import { createImport, discardImport, getImport, listImports, MAX_IMPORT_BYTES, requestUndo, startImport, toInfo } from './imports.ts';

const tags = ['Imports'];

/** Imports of contacts and order history (/api/v1/imports). */
export function importRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5 } });

    app.post(
      '/imports',
      {
        schema: {
          tags,
          summary: 'Upload a CSV or XLSX file (multipart field "file"); answers with the detected format and a suggested mapping',
          consumes: ['multipart/form-data'],
          querystring: z.object({ kind: z.enum(IMPORT_KINDS).default('contacts') }),
          response: { 201: importInfo, 400: errorResponse, 413: errorResponse },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        if (!req.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data in a field named "file".');
        const file = await req.file();
        if (!file) throw badRequest('No file was sent: use a multipart field named "file".', [{ path: 'body.file', message: 'is required' }]);
        const row = await createImport(ctx, ws.workspaceId, ws.userId, req.query.kind, file.filename, file.file);
        return reply.code(201).send(toInfo(row));
      },
    );

    app.get(
      '/imports',
      { schema: { tags, summary: 'Imports of the workspace, newest first', response: { 200: z.array(importInfo) } } },
      async (req) => (await listImports(ctx, workspaceOf(req).workspaceId)).map(toInfo),
    );

    app.get(
      '/imports/:id',
      { schema: { tags, summary: 'An import, with its progress and counts', params: uuidParam('id'), response: { 200: importInfo, 404: errorResponse } } },
      async (req) => toInfo(await getImport(ctx, workspaceOf(req).workspaceId, req.params.id)),
    );

    app.post(
      '/imports/:id/start',
      {
        schema: {
          tags,
          summary: 'Start an uploaded import with a column mapping; it runs in the background',
          params: uuidParam('id'),
          body: startImportBody,
          response: { 202: importInfo, 400: errorResponse, 404: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => reply.code(202).send(toInfo(await startImport(ctx, workspaceOf(req).workspaceId, req.params.id, req.body))),
    );

    app.post(
      '/imports/:id/undo',
      {
        schema: {
          tags,
          summary: 'Undo an import: remove the contacts and events it created, restore the values it changed',
          params: uuidParam('id'),
          response: { 202: importInfo, 404: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => reply.code(202).send(toInfo(await requestUndo(ctx, workspaceOf(req).workspaceId, req.params.id))),
    );

    app.delete(
      '/imports/:id',
      { schema: { tags, summary: 'Discard an upload that was not started', params: uuidParam('id'), response: { 204: z.undefined(), 404: errorResponse, 409: errorResponse } } },
      async (req, reply) => {
        await discardImport(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/imports/:id/errors',
      {
        schema: {
          tags,
          summary: 'Rows that were skipped, with the reason (paginated by row number)',
          params: uuidParam('id'),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), after: z.coerce.number().int().min(0).default(0) }),
          response: { 200: z.array(importError), 404: errorResponse },
        },
      },
      async (req) => {
        const imp = await getImport(ctx, workspaceOf(req).workspaceId, req.params.id);
        const rows = await ctx.db.query<{ row_number: number; reason: string; raw: string | null }>(
          'select row_number, reason, raw from import_errors where import_id = $1 and row_number > $2 order by row_number, reason limit $3',
          [imp.id, req.query.after, req.query.limit],
        );
        return rows.map((r) => ({ rowNumber: r.row_number, reason: r.reason, raw: r.raw }));
      },
    );

    app.get(
      '/imports/:id/errors.csv',
      {
        schema: { tags, summary: 'The skipped rows as a CSV file (row, reason, original row)', params: uuidParam('id'), produces: ['text/csv'] },
      },
      async (req, reply) => {
        const imp = await getImport(ctx, workspaceOf(req).workspaceId, req.params.id);
        const csv = stringify({ header: true, columns: ['row', 'reason', 'original row'] });
        void (async () => {
          try {
            let after = 0;
            for (;;) {
              const rows = await ctx.db.query<{ row_number: number; reason: string; raw: string | null }>(
                'select row_number, reason, raw from import_errors where import_id = $1 and row_number > $2 order by row_number, reason limit 5000',
                [imp.id, after],
              );
              for (const r of rows) {
                if (!csv.write([r.row_number, r.reason, r.raw ?? ''])) await new Promise((res) => csv.once('drain', res));
              }
              if (rows.length < 5000) break;
              after = rows[rows.length - 1]!.row_number;
            }
            csv.end();
          } catch (err) {
            csv.destroy(err as Error);
          }
        })();
        const name = imp.fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'import';
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}-errors.csv"`)
          .send(csv);
      },
    );
  };
}
