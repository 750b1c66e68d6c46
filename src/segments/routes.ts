import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/request.ts';
import type { AppContext } from '../server/context.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { segmentCatalog } from './catalog.ts';
import {
  contactMemberships as membershipsSchema,
  createSegmentBody,
  listMembersBody,
  membersChanged,
  previewBody,
  previewResult,
  removeMembersBody,
  segmentCatalog as catalogSchema,
  segmentList,
  segmentSummary,
  segmentTemplates,
  updateSegmentBody,
} from './contract.ts';
import { addListMembers, removeListMembers } from './lists.ts';
import {
  contactMemberships,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  sizeHistory,
  type StoredSegment,
  updateSegment,
} from './segments.ts';
import { segmentTemplates as templatesFor } from './templates.ts';

const tags = ['Segments'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };

function summary(s: StoredSegment, sizes: { day: string; size: number }[] = []) {
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    description: s.description,
    definition: s.definition as z.infer<typeof segmentSummary>['definition'],
    memberCount: s.memberCount,
    evaluatedAt: s.evaluatedAt,
    timeRelative: s.timeRelative,
    dependsOn: { events: s.dependsOnEvents, fields: s.dependsOnFields, segments: s.dependsOnSegments },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    sizes,
  };
}

/** Segments and lists (/api/v1/segments). */
export function segmentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const recompute = (workspaceId: string, segmentIds: string[]) => ctx.jobs.send('segments.recompute', { workspaceId, segmentIds });

    app.get(
      '/segments',
      { schema: { tags, summary: 'Segments and lists, with their sizes over the last 30 days', response: { 200: segmentList } } },
      async (req) => {
        const all = await listSegments(ctx, workspaceOf(req).workspaceId);
        const sizes = await sizeHistory(ctx, all.map((s) => s.id));
        return { items: all.map((s) => summary(s, sizes.get(s.id))) };
      },
    );

    app.post(
      '/segments',
      {
        schema: {
          tags,
          summary: 'Create a segment (a definition, kept current) or a static list; a segment is computed in the background',
          body: createSegmentBody,
          response: { 201: segmentSummary, ...errors },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        const s = await createSegment(ctx, ws.workspaceId, ws.userId, req.body);
        if (s.kind === 'segment') await recompute(ws.workspaceId, [s.id]);
        return reply.code(201).send(summary(s));
      },
    );

    app.post(
      '/segments/preview',
      {
        config: { role: 'viewer' },
        schema: { tags, summary: 'Count and sample the contacts an unsaved definition matches now', body: previewBody, response: { 200: previewResult, 400: errorResponse } },
      },
      async (req) => previewSegment(ctx, workspaceOf(req).workspaceId, req.body.definition),
    );

    app.get(
      '/segments/catalog',
      { schema: { tags, summary: 'What definitions can use: fields and properties, event names with their properties, segments', response: { 200: catalogSchema } } },
      async (req) => segmentCatalog(ctx, workspaceOf(req).workspaceId),
    );

    app.get(
      '/segments/templates',
      { schema: { tags, summary: 'Starting points: RFM groups, lapsed customers, one-time buyers, top spenders', response: { 200: segmentTemplates } } },
      async (req) => ({ items: await templatesFor(ctx, workspaceOf(req).workspaceId) }),
    );

    app.get(
      '/segments/:id',
      { schema: { tags, summary: 'A segment or list', params: idParam, response: { 200: segmentSummary, 404: errorResponse } } },
      async (req) => {
        const s = await getSegment(ctx, workspaceOf(req).workspaceId, req.params.id);
        return summary(s, (await sizeHistory(ctx, [s.id])).get(s.id));
      },
    );

    app.patch(
      '/segments/:id',
      { schema: { tags, summary: 'Rename, describe or redefine a segment (recomputed in the background)', params: idParam, body: updateSegmentBody, response: { 200: segmentSummary, ...errors } } },
      async (req) => {
        const ws = workspaceOf(req);
        const { segment, definitionChanged } = await updateSegment(ctx, ws.workspaceId, req.params.id, req.body);
        if (definitionChanged) await recompute(ws.workspaceId, [segment.id]);
        return summary(segment, (await sizeHistory(ctx, [segment.id])).get(segment.id));
      },
    );

    app.delete(
      '/segments/:id',
      { schema: { tags, summary: 'Delete a segment or list (refused while other segments use it)', params: idParam, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteSegment(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send(null);
      },
    );

    // The members as contacts (GET /segments/:id/members, members.csv): src/contact-list/routes.ts.

    app.post(
      '/segments/:id/members',
      {
        schema: {
          tags,
          summary: 'Add contacts to a list: by id, every contact of an import, or a snapshot of a segment',
          params: idParam,
          body: listMembersBody,
          response: { 200: membersChanged, ...errors },
        },
      },
      async (req) => ({ added: await addListMembers(ctx, workspaceOf(req).workspaceId, req.params.id, req.body) }),
    );

    app.get(
      '/contacts/:id/segments',
      {
        schema: {
          tags,
          summary: "The segments and lists a contact is in now, lists after segments, by name, with when the contact entered",
          params: idParam,
          response: { 200: membershipsSchema, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => ({ items: await contactMemberships(ctx, workspaceOf(req).workspaceId, req.params.id) }),
    );

    app.post(
      '/segments/:id/members/remove',
      { schema: { tags, summary: 'Remove contacts from a list', params: idParam, body: removeMembersBody, response: { 200: membersChanged, ...errors } } },
      async (req) => ({ removed: await removeListMembers(ctx, workspaceOf(req).workspaceId, req.params.id, req.body.contactIds) }),
    );
  };
}
