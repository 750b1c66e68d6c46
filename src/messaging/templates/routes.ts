import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../../server/request.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponse, uuidParam } from '../../shared/schemas.ts';
import { emailTemplate, previewRequest, renderedMessage, snippet, snippetBody, snippetName, starterTemplate, templateBody, templatePatch, testSendBody, testSendResult } from '../contract.ts';
import { previewTemplate } from './preview.ts';
import { deleteSnippet, listSnippets, putSnippet } from './snippets.ts';
import { STARTERS } from './starters.ts';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './templates.ts';
import { testSend } from './test-send.ts';

const tags = ['Email'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };

/** Email templates, their previews and test sends, and snippets (/api/v1/email/…). */
export function templateRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/email/templates', { schema: { tags, summary: 'Email templates', response: { 200: z.array(emailTemplate) } } }, async (req) =>
      listTemplates(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/email/templates',
      { schema: { tags, summary: 'Create a template (checked: 400 with the line and column of any Liquid or MJML problem)', body: templateBody, response: { 201: emailTemplate, ...errors } } },
      async (req, reply) => {
        const ws = workspaceOf(req);
        return reply.code(201).send(await createTemplate(ctx, ws.workspaceId, ws.userId, req.body));
      },
    );
    app.get('/email/templates/starters', { schema: { tags, summary: 'Starting templates for retention', response: { 200: z.array(starterTemplate) } } }, async () => STARTERS);
    app.get('/email/templates/:id', { schema: { tags, summary: 'A template', params: idParam, response: { 200: emailTemplate, 404: errorResponse } } }, async (req) =>
      getTemplate(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.patch(
      '/email/templates/:id',
      { schema: { tags, summary: 'Change a template (checked as on create)', params: idParam, body: templatePatch, response: { 200: emailTemplate, ...errors } } },
      async (req) => updateTemplate(ctx, workspaceOf(req).workspaceId, req.params.id, req.body),
    );
    app.delete(
      '/email/templates/:id',
      { schema: { tags, summary: 'Delete a template', params: idParam, response: { 204: z.null(), 404: errorResponse } } },
      async (req, reply) => {
        await deleteTemplate(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/email/templates/:id/preview',
      {
        config: { role: 'viewer' },
        schema: { tags, summary: 'Render a template as one of the contacts (or with no data)', params: idParam, body: previewRequest, response: { 200: renderedMessage, ...errors } } },
      async (req) => previewTemplate(ctx, workspaceOf(req).workspaceId, req.params.id, req.body.contactId),
    );

    app.post(
      '/email/templates/:id/test-send',
      { schema: { tags, summary: 'Send the template to yourself (as a chosen contact); into the outbox when no SMTP server is set', params: idParam, body: testSendBody, response: { 202: testSendResult, ...errors } } },
      async (req, reply) => {
        const ws = workspaceOf(req);
        return reply.code(202).send(await testSend(ctx, ws.workspaceId, ws.userId, req.params.id, req.body.contactId));
      },
    );

    app.get('/email/snippets', { schema: { tags, summary: 'Reusable snippets ({% render \'name\' %})', response: { 200: z.array(snippet) } } }, async (req) =>
      listSnippets(ctx, workspaceOf(req).workspaceId),
    );
    app.put(
      '/email/snippets/:name',
      { schema: { tags, summary: 'Create or replace a snippet', params: snippetName, body: snippetBody, response: { 200: snippet, 400: errorResponse } } },
      async (req) => putSnippet(ctx, workspaceOf(req).workspaceId, req.params.name, req.body.body),
    );
    app.delete(
      '/email/snippets/:name',
      { schema: { tags, summary: 'Delete a snippet', params: snippetName, response: { 204: z.null(), 404: errorResponse } } },
      async (req, reply) => {
        await deleteSnippet(ctx, workspaceOf(req).workspaceId, req.params.name);
        return reply.code(204).send(null);
      },
    );
  };
}
