import { notifyDataChanged } from '../server/changes.ts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/request.ts';
import type { AppContext } from '../server/context.ts';
import { purchaseSummary } from '../purchases/summary.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { createContact, getContact, listChanges, updateContact, type WriteSource } from './contacts.ts';
import { type Actor, deleteContact, listDeletions } from './deletions.ts';
import {
  contactDeletionsPage,
  changesPage,
  changesQuery,
  contact,
  consentHistory as consentHistorySchema,
  contactDetail,
  createContactBody,
  createPropertyBody,
  eraseResult,
  eventNameCount,
  eventsPage,
  eventsQuery,
  gdprExport,
  propertyDefinition,
  propertyKeyParam,
  updateContactBody,
  updatePropertyBody,
} from './contract.ts';
import { consentHistory } from './consent.ts';
import { toPropertyKey } from './fields.ts';
import { exportContactData, eraseContact } from './gdpr.ts';
import { createDefinition, deleteDefinition, listDefinitions, updateDefinition } from './properties.ts';
import { listEventNames, listEvents } from './timeline.ts';

const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse };
// The change history says who wrote: a person in the web app or a system with an API key.
const sourceOf = (req: FastifyRequest): WriteSource => (req.auth?.kind === 'session' ? 'web' : 'api');
const day = (d: Date) => d.toISOString().slice(0, 10);
/** Who deletes: the person of the session, or the API key. */
export const actorOf = (req: FastifyRequest): Actor => ({
  userId: req.auth?.kind === 'session' ? req.auth.userId : null,
  apiKeyId: req.auth?.kind === 'apikey' ? req.auth.apiKeyId : null,
});
/**
 * The rule for destroying contacts: deleting one, deleting many and erasing one (GDPR) all
 * take an admin or owner (or a full API key, which acts as an admin). Marketers create and
 * change contacts; taking them away, which cannot be undone, is an admin's call. A bulk
 * delete of more than 10 must also say how many it deletes, and every deletion is recorded
 * (see deletions.ts).
 */
export const DESTROYS_CONTACTS = { role: 'admin' } as const;

/**
 * Contacts API (/api/v1/contacts one at a time, properties, history, timeline, deletions,
 * GDPR). The list, its export and bulk deletes of a selection: src/contact-list/routes.ts.
 */
export function contactRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Segments follow contacts: after a successful write, their update runs right away.
    app.addHook('onResponse', async (req, reply) => {
      if (req.method !== 'GET' && reply.statusCode < 300 && req.auth?.workspaceId) notifyDataChanged(ctx, req.auth.workspaceId);
    });
    // Property definitions.
    app.get(
      '/properties',
      { schema: { tags: ['Properties'], summary: 'The workspace’s contact properties', response: { 200: z.array(propertyDefinition) } } },
      async (req) => listDefinitions(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/properties',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Properties'],
          summary: 'Define a contact property',
          body: createPropertyBody,
          response: { 201: propertyDefinition, 400: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => {
        const { key, label, ...rest } = req.body;
        const def = await createDefinition(ctx, workspaceOf(req).workspaceId, { key: key ?? toPropertyKey(label), label, ...rest });
        return reply.code(201).send(def);
      },
    );
    app.patch(
      '/properties/:key',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Properties'],
          summary: 'Change a property’s label, description or options (its key and type stay)',
          params: propertyKeyParam,
          body: updatePropertyBody,
          response: { 200: propertyDefinition, ...errors, 409: errorResponse },
        },
      },
      async (req) => updateDefinition(ctx, workspaceOf(req).workspaceId, req.params.key, req.body),
    );
    app.delete(
      '/properties/:key',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Properties'],
          summary: 'Delete a property and its value on every contact',
          params: propertyKeyParam,
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (req, reply) => {
        await deleteDefinition(ctx, workspaceOf(req).workspaceId, req.params.key, sourceOf(req));
        return reply.code(204).send();
      },
    );

    // Contacts.
    app.post(
      '/contacts',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Create a contact',
          body: createContactBody,
          response: { 201: contact, 400: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => reply.code(201).send(await createContact(ctx, workspaceOf(req).workspaceId, req.body, sourceOf(req))),
    );
    app.get(
      '/contacts/deletions',
      {
        config: DESTROYS_CONTACTS,
        schema: {
          tags: ['Contacts'],
          summary: 'The latest 200 deletions of contacts (one, many, erasures, undone imports): who, when, how many, what selection',
          response: { 200: contactDeletionsPage },
        },
      },
      async (req) => listDeletions(ctx, workspaceOf(req).workspaceId),
    );
    app.get(
      '/contacts/:id',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'One contact, with the summary of their orders (per currency, amounts in minor units)',
          params: idParam,
          response: { 200: contactDetail, ...errors },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        const found = await getContact(ctx, workspaceId, req.params.id);
        return { ...found, purchases: await purchaseSummary(ctx.db, workspaceId, found.id) };
      },
    );
    app.get(
      '/contacts/:id/consent',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Every change of the contact’s email consent: when, and through what (form, API, import and who stated it, unsubscribe link…)',
          params: idParam,
          response: { 200: consentHistorySchema, ...errors },
        },
      },
      async (req) => ({ items: await consentHistory(ctx, workspaceOf(req).workspaceId, req.params.id) }),
    );
    app.patch(
      '/contacts/:id',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Change a contact (null clears a field or removes a property)',
          params: idParam,
          body: updateContactBody,
          response: { 200: contact, ...errors, 409: errorResponse },
        },
      },
      async (req) => updateContact(ctx, workspaceOf(req).workspaceId, req.params.id, req.body, sourceOf(req)),
    );
    app.delete(
      '/contacts/:id',
      {
        config: DESTROYS_CONTACTS,
        schema: {
          tags: ['Contacts'],
          summary: 'Delete a contact with its events and history',
          params: idParam,
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (req, reply) => {
        await deleteContact(ctx, workspaceOf(req).workspaceId, req.params.id, actorOf(req));
        return reply.code(204).send();
      },
    );
    app.get(
      '/contacts/:id/changes',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'What changed on a contact, when, from what and by whom (newest first)',
          params: idParam,
          querystring: changesQuery,
          response: { 200: changesPage, ...errors },
        },
      },
      async (req) => listChanges(ctx, workspaceOf(req).workspaceId, req.params.id, req.query),
    );
    app.get(
      '/contacts/:id/events',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'A contact’s timeline, newest first',
          description: 'Pass `nextCursor` as `before` for older events; `name` keeps one kind of event.',
          params: idParam,
          querystring: eventsQuery,
          response: { 200: eventsPage, ...errors },
        },
      },
      async (req) => listEvents(ctx, workspaceOf(req).workspaceId, req.params.id, req.query),
    );
    app.get(
      '/contacts/:id/event-names',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'The kinds of events on a contact’s timeline, with how many of each',
          params: idParam,
          response: { 200: z.array(eventNameCount), ...errors },
        },
      },
      async (req) => listEventNames(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.get(
      '/contacts/:id/gdpr-export',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Everything Rapport holds about a contact, as one JSON document (GDPR access request)',
          params: idParam,
          response: { 200: gdprExport, ...errors },
        },
      },
      async (req, reply) => {
        const data = await exportContactData(ctx, workspaceOf(req).workspaceId, req.params.id);
        void reply.header('content-disposition', `attachment; filename="contact-${req.params.id}-${day(data.exportedAt)}.json"`);
        return data;
      },
    );
    app.post(
      '/contacts/:id/erase',
      {
        config: DESTROYS_CONTACTS,
        schema: {
          tags: ['Contacts'],
          summary: 'Erase a contact’s personal data and events (GDPR); the address stays suppressed, as a hash',
          params: idParam,
          response: { 200: eraseResult, ...errors },
        },
      },
      async (req) => eraseContact(ctx, workspaceOf(req).workspaceId, req.params.id, actorOf(req)),
    );
  };
}
