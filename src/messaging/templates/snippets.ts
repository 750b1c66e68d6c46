// Snippets: pieces of MJML and Liquid a workspace reuses in its templates
// ({% render 'footer' %}), checked on save; a template sees them as a map by name.
import type { SqlSession } from '../../db/client.ts';
import type { AppContext } from '../../server/context.ts';
import { badRequest, notFound } from '../../errors.ts';
import { checkLiquid } from './render.ts';

export async function snippetMap(ctx: AppContext, workspaceId: string, session: SqlSession = ctx.db): Promise<Record<string, string>> {
  const rows = await session.query<{ name: string; body: string }>('select name, body from email_snippets where workspace_id = $1', [workspaceId]);
  return Object.fromEntries(rows.map((r) => [r.name, r.body]));
}

export async function listSnippets(ctx: AppContext, workspaceId: string) {
  const rows = await ctx.db.query<{ name: string; body: string; updated_at: Date }>('select name, body, updated_at from email_snippets where workspace_id = $1 order by name', [workspaceId]);
  return rows.map((r) => ({ name: r.name, body: r.body, updatedAt: new Date(r.updated_at) }));
}

export async function putSnippet(ctx: AppContext, workspaceId: string, name: string, body: string) {
  const [issue] = checkLiquid(body);
  if (issue) {
    throw badRequest(`The snippet has a problem at line ${issue.line}, column ${issue.column}: ${issue.message}`, [
      { path: 'body', message: `line ${issue.line}, column ${issue.column}: ${issue.message}` },
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
