// Email templates and snippets of a workspace: saved only when they check out (Liquid and
// MJML, with the line and column of each problem), and previewed as any contact.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { getContact } from '../contacts/contacts.ts';
import type { SqlSession } from '../db/client.ts';
import type { PurchaseSummary } from '../purchases/contract.ts';
import { purchaseMergeData } from '../purchases/merge.ts';
import { purchaseSummary } from '../purchases/summary.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest, conflict, notFound } from '../server/errors.ts';
import type { emailTemplate, templateBody } from './contract.ts';
import { queueMessage } from './send.ts';
import { baseUrl } from './unsubscribe.ts';
import { checkLiquid, checkTemplate, type RenderData, renderTemplate, TemplateError, type TemplateIssue } from './render.ts';

type TemplateBody = z.output<typeof templateBody>;
type EmailTemplate = z.output<typeof emailTemplate>;

interface TemplateRow {
  id: string;
  name: string;
  subject: string;
  preheader: string;
  body: string;
  defaults: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, subject, preheader, body, defaults, created_at, updated_at';
const toTemplate = (r: TemplateRow): EmailTemplate => ({
  id: r.id,
  name: r.name,
  subject: r.subject,
  preheader: r.preheader,
  body: r.body,
  defaults: r.defaults,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** Template problems as a 400 naming the field and the line and column in it. */
export function templateProblems(issues: TemplateIssue[]) {
  return badRequest(
    `The template has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues[0]!.part} line ${issues[0]!.line}, column ${issues[0]!.column}: ${issues[0]!.message}`,
    issues.map((i) => ({ path: `body.${i.part}`, message: `line ${i.line}, column ${i.column}: ${i.message}`, line: i.line, column: i.column })),
  );
}

export async function snippetMap(ctx: AppContext, workspaceId: string, session: SqlSession = ctx.db): Promise<Record<string, string>> {
  const rows = await session.query<{ name: string; body: string }>('select name, body from email_snippets where workspace_id = $1', [workspaceId]);
  return Object.fromEntries(rows.map((r) => [r.name, r.body]));
}

export async function listTemplates(ctx: AppContext, workspaceId: string): Promise<EmailTemplate[]> {
  return (await ctx.db.query<TemplateRow>(`select ${COLUMNS} from email_templates where workspace_id = $1 order by lower(name)`, [workspaceId])).map(toTemplate);
}

export async function getTemplate(ctx: AppContext, workspaceId: string, id: string): Promise<EmailTemplate> {
  const [row] = await ctx.db.query<TemplateRow>(`select ${COLUMNS} from email_templates where workspace_id = $1 and id = $2`, [workspaceId, id]);
  if (!row) throw notFound('The template');
  return toTemplate(row);
}

async function assertValid(ctx: AppContext, workspaceId: string, t: TemplateBody): Promise<void> {
  const issues = await checkTemplate(t, await snippetMap(ctx, workspaceId));
  if (issues.length > 0) throw templateProblems(issues);
}

const nameTaken = (name: string) => conflict(`A template named "${name}" already exists.`, [{ path: 'body.name', message: 'is already taken' }]);

export async function createTemplate(ctx: AppContext, workspaceId: string, userId: string | null, t: TemplateBody): Promise<EmailTemplate> {
  await assertValid(ctx, workspaceId, t);
  const [row] = await ctx.db.query<TemplateRow>(
    `insert into email_templates (workspace_id, name, subject, preheader, body, defaults, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     on conflict (workspace_id, lower(name)) do nothing returning ${COLUMNS}`,
    [workspaceId, t.name, t.subject, t.preheader, t.body, JSON.stringify(t.defaults), userId, ctx.clock.now()],
  );
  if (!row) throw nameTaken(t.name);
  return toTemplate(row);
}

export async function updateTemplate(ctx: AppContext, workspaceId: string, id: string, patch: Partial<TemplateBody>): Promise<EmailTemplate> {
  const current = await getTemplate(ctx, workspaceId, id);
  const next: TemplateBody = { ...current, ...patch } as TemplateBody;
  await assertValid(ctx, workspaceId, next);
  const [row] = await ctx.db.query<TemplateRow>(
    `update email_templates set name = $3, subject = $4, preheader = $5, body = $6, defaults = $7, updated_at = $8
     where workspace_id = $1 and id = $2
       and not exists (select 1 from email_templates o where o.workspace_id = $1 and o.id <> $2 and lower(o.name) = lower($3))
     returning ${COLUMNS}`,
    [workspaceId, id, next.name, next.subject, next.preheader, next.body, JSON.stringify(next.defaults), ctx.clock.now()],
  );
  if (!row) throw nameTaken(next.name);
  return toTemplate(row);
}

export async function deleteTemplate(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const rows = await ctx.db.query('delete from email_templates where workspace_id = $1 and id = $2 returning id', [workspaceId, id]);
  if (rows.length === 0) throw notFound('The template');
}

/** What a template sees of a contact: its fields by their API names in snake_case, properties, and orders. */
export function contactMergeData(c: Awaited<ReturnType<typeof getContact>>, purchases: PurchaseSummary): RenderData['contact'] {
  return {
    id: c.id,
    email: c.email,
    external_id: c.externalId,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    lifecycle_stage: c.lifecycleStage,
    properties: c.properties,
    purchases: purchaseMergeData(purchases),
  };
}

export async function workspaceMergeData(ctx: AppContext, workspaceId: string): Promise<RenderData['workspace']> {
  const [ws] = await ctx.db.query<{ name: string; postal_address: string }>('select name, postal_address from workspaces where id = $1', [workspaceId]);
  return { name: ws?.name ?? '', postal_address: ws?.postal_address ?? '' };
}

/** A template rendered as one of the workspace's contacts (or as a contact with no data). */
export async function previewTemplate(ctx: AppContext, workspaceId: string, id: string, contactId?: string) {
  const t = await getTemplate(ctx, workspaceId, id);
  const contact = contactId
    ? contactMergeData(await getContact(ctx, workspaceId, contactId), await purchaseSummary(ctx.db, workspaceId, contactId))
    : { properties: {} };
  try {
    // Links that show what they are for, never a real unsubscribe (a test send goes to the
    // team, who must not unsubscribe the contact it was rendered as).
    const links = { unsubscribe: `${baseUrl(ctx)}/u/preview`, preferences: `${baseUrl(ctx)}/p/preview` };
    return await renderTemplate(t, { contact, workspace: await workspaceMergeData(ctx, workspaceId), links }, await snippetMap(ctx, workspaceId));
  } catch (err) {
    if (err instanceof TemplateError) throw templateProblems(err.issues);
    throw err;
  }
}

// ---- Snippets ---------------------------------------------------------------------------------

export async function listSnippets(ctx: AppContext, workspaceId: string) {
  const rows = await ctx.db.query<{ name: string; body: string; updated_at: Date }>('select name, body, updated_at from email_snippets where workspace_id = $1 order by name', [workspaceId]);
  return rows.map((r) => ({ name: r.name, body: r.body, updatedAt: new Date(r.updated_at) }));
}

export async function putSnippet(ctx: AppContext, workspaceId: string, name: string, body: string) {
  const [issue] = checkLiquid(body);
  if (issue) {
    throw badRequest(`The snippet has a problem at line ${issue.line}, column ${issue.column}: ${issue.message}`, [
      { path: 'body.body', message: `line ${issue.line}, column ${issue.column}: ${issue.message}` },
    ]);
  }
  const [row] = await ctx.db.query<{ name: string; body: string; updated_at: Date }>(
    `insert into email_snippets (workspace_id, name, body, updated_at) values ($1, $2, $3, $4)
     on conflict (workspace_id, name) do update set body = excluded.body, updated_at = excluded.updated_at
     returning name, body, updated_at`,
    [workspaceId, name, body, ctx.clock.now()],
  );
  return { name: row!.name, body: row!.body, updatedAt: new Date(row!.updated_at) };
}

export async function deleteSnippet(ctx: AppContext, workspaceId: string, name: string): Promise<void> {
  const rows = await ctx.db.query('delete from email_snippets where workspace_id = $1 and name = $2 returning name', [workspaceId, name]);
  if (rows.length === 0) throw notFound('The snippet');
}

/**
 * A test send of a template to the person asking (rendered as a chosen contact, or with no
 * data): through the workspace's SMTP server, or into the outbox when it has none.
 */
export async function testSend(ctx: AppContext, workspaceId: string, userId: string | null, id: string, contactId?: string): Promise<{ messageId: string; to: string }> {
  if (!userId) throw badRequest('A test send goes to the signed-in person: use the web app, not an API key.', [{ path: 'auth', message: 'needs a signed-in user' }]);
  const [user] = await ctx.db.query<{ email: string }>('select email from users where id = $1', [userId]);
  const rendered = await previewTemplate(ctx, workspaceId, id, contactId);
  const messageId = await queueMessage(ctx, workspaceId, {
    contactId: null,
    templateId: id,
    kind: 'test',
    idempotencyKey: `test:${randomUUID()}`,
    to: user!.email,
    subject: `[Test] ${rendered.subject}`,
    html: rendered.html,
    text: rendered.text,
  });
  return { messageId, to: user!.email };
}
