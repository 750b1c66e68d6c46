import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/request.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest } from '../errors.ts';
import { AppError } from '../server/errors.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { IMPORT_KINDS, importError, importInfo, startImportBody } from './contract.ts';
import { type ErrorRow, errorReportStream } from './error-report.ts';
import { type ConsentStatement, createImport, discardImport, getImport, listImports, MAX_IMPORT_BYTES, requestUndo, startImport, toInfo } from './imports.ts';

const tags = ['Imports'];

/**
 * Who answers the consent question by starting the import: the signed-in person (their email
 * address) or the API key (its name), as the record says it.
 */
async function statedBy(ctx: AppContext, req: FastifyRequest): Promise<Omit<ConsentStatement, 'emailConsent' | 'statedAt'>> {
  const auth = req.auth!;
  if (auth.kind === 'apikey') {
    const [key] = await ctx.db.query<{ name: string; prefix: string }>('select name, prefix from api_keys where id = $1', [auth.apiKeyId]);
    return { via: 'api', apiKeyId: auth.apiKeyId, statedBy: `API key "${key?.name ?? '?'}" (${key?.prefix ?? ''}…)` };
  }
  const [user] = await ctx.db.query<{ email: string }>('select email from users where id = $1', [auth.userId]);
  return { via: 'web', userId: auth.userId, statedBy: user?.email ?? auth.userId };
}

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
        if (!file) throw badRequest('No file was sent: use a multipart field named "file".', [{ path: 'file', message: 'is required' }]);
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
      async (req, reply) => reply.code(202).send(toInfo(await startImport(ctx, workspaceOf(req).workspaceId, req.params.id, req.body, await statedBy(ctx, req)))),
    );

    app.post(
      '/imports/:id/undo',
      {
        // It deletes the contacts the import created: the rule for destroying contacts (admins; see contacts/routes.ts).
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Undo an import: remove the contacts and events it created, restore the values it changed (admins; recorded with the deletions of contacts)',
          params: uuidParam('id'),
          response: { 202: importInfo, 404: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => {
        const by = { userId: req.auth?.kind === 'session' ? req.auth.userId : null, apiKeyId: req.auth?.kind === 'apikey' ? req.auth.apiKeyId : null };
        return reply.code(202).send(toInfo(await requestUndo(ctx, workspaceOf(req).workspaceId, req.params.id, by)));
      },
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
          summary: 'Rows that were skipped and values that were left out of imported rows, with the reason (paginated by row number)',
          params: uuidParam('id'),
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            after: z.coerce.number().int().min(0).default(0),
            kind: z.enum(['skipped', 'left_out']).optional().describe('Only rows skipped, or only values left out'),
          }),
          response: { 200: z.array(importError), 404: errorResponse },
        },
      },
      async (req) => {
        const imp = await getImport(ctx, workspaceOf(req).workspaceId, req.params.id);
        const rows = await ctx.db.query<ErrorRow>(
          `select row_number, kind, column_name, reason, raw from import_errors
           where import_id = $1 and row_number > $2 and ($4::text is null or kind = $4) order by row_number, reason limit $3`,
          [imp.id, req.query.after, req.query.limit, req.query.kind ?? null],
        );
        return rows.map((r) => ({ rowNumber: r.row_number, kind: r.kind, column: r.column_name, reason: r.reason, raw: r.raw }));
      },
    );

    app.get(
      '/imports/:id/errors.csv',
      {
        schema: {
          tags,
          summary: 'The problems as a CSV file: row, what happened (row skipped / value left out), column, reason, original row',
          params: uuidParam('id'),
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const imp = await getImport(ctx, workspaceOf(req).workspaceId, req.params.id);
        const csv = errorReportStream(ctx, imp.id);
        const name = imp.fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'import';
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}-errors.csv"`)
          .send(csv);
      },
    );
  };
}
