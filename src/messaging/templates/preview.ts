// A template rendered as one of the workspace's contacts, or as a contact with no data: what
// the editor shows, and what a test send mails to the person asking.
import { getContact } from '../../contacts/contacts.ts';
import { purchaseSummary } from '../../purchases/summary.ts';
import type { AppContext } from '../../server/context.ts';
import { contactMergeData, moduleMergeData, workspaceMergeData } from './merge-data.ts';
import { renderTemplate, TemplateError } from './render.ts';
import { snippetMap } from './snippets.ts';
import { getTemplate, templateProblems } from './templates.ts';
import { previewLinks } from '../delivery/links.ts';

export async function previewTemplate(ctx: AppContext, workspaceId: string, id: string, contactId?: string) {
  const t = await getTemplate(ctx, workspaceId, id);
  const contact = contactId
    ? contactMergeData(await getContact(ctx, workspaceId, contactId), await purchaseSummary(ctx.db, workspaceId, contactId))
    : { properties: {} };
  try {
    // Links that show what they are for, never a real unsubscribe (a test send goes to the
    // team, who must not unsubscribe the contact it was rendered as).
    const links = previewLinks(ctx);
    const extra = contactId ? (await moduleMergeData(ctx, workspaceId, [contactId])).get(contactId) : undefined;
    return await renderTemplate(t, { ...extra, contact, workspace: await workspaceMergeData(ctx, workspaceId), links }, await snippetMap(ctx, workspaceId));
  } catch (err) {
    if (err instanceof TemplateError) throw templateProblems(err.issues);
    throw err;
  }
}
