// A contact's timeline: their events, newest first, in keyset pages (read from the spine by src/events/history.ts).
import type { z } from 'zod';
import { allEventsOfContact, eventNamesOfContact, eventsOfContact } from '../events/history.ts';
import type { AppContext } from '../server/context.ts';
import { getContact } from './contacts.ts';
import type { eventNameCount, eventsPage } from './contract.ts';

export async function listEvents(
  ctx: AppContext,
  workspaceId: string,
  contactId: string,
  query: { limit: number; before?: string; name?: string },
): Promise<z.output<typeof eventsPage>> {
  await getContact(ctx, workspaceId, contactId);
  return eventsOfContact(ctx.db, workspaceId, contactId, query);
}

/** The kinds of events a contact has, most frequent first: the timeline's type filter. */
export async function listEventNames(ctx: AppContext, workspaceId: string, contactId: string): Promise<z.output<typeof eventNameCount>[]> {
  await getContact(ctx, workspaceId, contactId);
  return eventNamesOfContact(ctx.db, workspaceId, contactId);
}

/** Every event of a contact, oldest first (for the GDPR export). */
export const allEvents = (ctx: AppContext, workspaceId: string, contactId: string) => allEventsOfContact(ctx.db, workspaceId, contactId);
