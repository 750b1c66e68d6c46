// GDPR: a contact's data as one JSON document (right of access), and erasure (right to be
// forgotten) that leaves only a hashed-email suppression entry behind.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { notFound } from '../errors.ts';
import { contactsGone, getContact, listChanges } from './contacts.ts';
import { type Actor, recordDeletion } from './deletions.ts';
import type { eraseResult, gdprExport } from './contract.ts';
import { normalizeEmail } from './normalize.ts';
import { definitionsByKey } from './properties.ts';
import { allEvents } from './timeline.ts';

/** The suppression key of an address: sha256 (hex) of the normalized email. */
export function emailHash(email: string): string {
  const normalized = normalizeEmail(email);
  return createHash('sha256')
    .update(normalized.ok && normalized.value ? normalized.value : email.trim().toLowerCase())
    .digest('hex');
}

export async function exportContactData(ctx: AppContext, workspaceId: string, contactId: string): Promise<z.output<typeof gdprExport>> {
  const contact = await getContact(ctx, workspaceId, contactId);
  const defs = await definitionsByKey(ctx, workspaceId);
  const properties = Object.entries(contact.properties).map(([key, value]) => {
    const def = defs.get(key);
    // A value whose definition was deleted since is still the person's data: include it.
    return { key, label: def?.label ?? key, description: def?.description ?? '', type: def?.type ?? 'string', options: def?.options ?? [], value };
  });
  const changes = [];
  for (let before: number | undefined, more = true; more; ) {
    const page = await listChanges(ctx, workspaceId, contactId, { limit: 500, before });
    changes.push(...page.items);
    before = page.nextCursor ?? undefined;
    more = page.nextCursor !== null;
  }
  const aliases = await ctx.db.query<{ anonymous_id: string; created_at: Date | string }>(
    'select anonymous_id, created_at from contact_aliases where workspace_id = $1 and contact_id = $2 order by created_at',
    [workspaceId, contactId],
  );
  return {
    exportedAt: ctx.clock.now(),
    contact,
    properties,
    changes: changes.reverse(),
    events: await allEvents(ctx, workspaceId, contactId),
    anonymousIds: aliases.map((a) => ({ anonymousId: a.anonymous_id, createdAt: new Date(a.created_at) })),
  };
}

/**
 * Erases a contact in one transaction: their events, change history, anonymous ids and the
 * contact itself. Their address survives only as a hash in `suppressions` (reason 'erased'),
 * so that a later import or signup of the same address is never emailed by accident. Rows
 * of import error reports that quote the address lose their raw text.
 */
export async function eraseContact(ctx: AppContext, workspaceId: string, contactId: string, actor: Actor): Promise<z.output<typeof eraseResult>> {
  return ctx.db.transaction(async (tx) => {
    // The modules' locks before the contact's row (segments: its memberships are removed below).
    for (const module of ctx.modules) await module.contactsDeleted?.lock?.(tx, workspaceId);
    const [c] = await tx.query<{ email: string | null }>('select email from contacts where workspace_id = $1 and id = $2 for update', [
      workspaceId,
      contactId,
    ]);
    if (!c) throw notFound('The contact');
    const count = async (sql: string) => (await tx.query<{ n: number }>(`with d as (${sql} returning 1) select count(*)::int as n from d`, [workspaceId, contactId]))[0]!.n;
    const changesDeleted = await count('delete from contact_changes where workspace_id = $1 and contact_id = $2');
    await tx.query('delete from contact_aliases where workspace_id = $1 and contact_id = $2', [workspaceId, contactId]);
    await tx.query('delete from contacts where workspace_id = $1 and id = $2', [workspaceId, contactId]);
    const eventsDeleted = (await contactsGone(ctx, tx, workspaceId, [contactId])).get('events') ?? 0;
    if (c.email) {
      await tx.query(
        `insert into suppressions (workspace_id, email_hash, reason, created_at) values ($1, $2, 'erased', $3)
         on conflict (workspace_id, email_hash) do update set reason = 'erased', created_at = excluded.created_at`,
        [workspaceId, emailHash(c.email), ctx.clock.now()],
      );
      for (const module of ctx.modules) await module.contactErased?.(tx, workspaceId, c.email);
    }
    // Recorded as an erasure by whom and when, with nothing that names the person.
    await recordDeletion(tx, ctx, { workspaceId, kind: 'erase', deleted: 1, selection: null, actor });
    return { erased: true as const, eventsDeleted, changesDeleted, suppressed: Boolean(c.email) };
  });
}
