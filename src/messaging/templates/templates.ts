// Email templates of a workspace: saved only when they check out (Liquid and MJML, with the
// line and column of each problem). Previews: preview.ts; test sends: test-send.ts; snippets:
// snippets.ts.
import type { z } from 'zod';
import type { AppContext } from '../../server/context.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import type { emailTemplate, templateBody } from '../contract.ts';
import { checkTemplate, type TemplateIssue } from './render.ts';
import { snippetMap } from './snippets.ts';

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
    issues.map((i) => ({ path: i.part, message: `line ${i.line}, column ${i.column}: ${i.message}`, line: i.line, column: i.column })),
  );
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

const nameTaken = (name: string) => conflict(`A template named "${name}" already exists.`, [{ path: 'name', message: 'is already taken' }]);

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
