// Surveys of a workspace: created blank or from a starter (with the email template that carries
// the first question), edited, activated and closed, archived when they have answers (deleted
// when they have none), and the workspace's fatigue rule.
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { createTemplate } from '../messaging/templates/templates.ts';
import { starterFrame } from '../messaging/templates/starters.ts';
import type { AppContext } from '../server/context.ts';
import type { createSurveyBody, updateSurveyBody } from './contract.ts';
import { mainQuestion, type SurveyContent, surveyContent, type SurveySettings, surveySettings } from './definition.ts';
import { emailBlock } from './email-block.ts';
import { SURVEY_STARTERS } from './starters.ts';

export interface SurveyRow {
  id: string;
  workspace_id: string;
  name: string;
  state: 'draft' | 'active' | 'closed' | 'archived';
  kind: 'nps' | 'csat' | 'ces' | 'custom';
  content: SurveyContent;
  settings: SurveySettings;
  email_template_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SURVEY_COLUMNS = 'id, workspace_id, name, state, kind, content, settings, email_template_id, created_at, updated_at';

/** Stored content and settings read with today's defaults filled in. */
function parsed(r: SurveyRow): SurveyRow {
  return { ...r, content: surveyContent.parse(r.content), settings: surveySettings.parse(r.settings ?? {}) };
}

export async function getSurvey(db: SqlSession, workspaceId: string, id: string): Promise<SurveyRow> {
  const [row] = UUID.test(id) ? await db.query<SurveyRow>(`select ${SURVEY_COLUMNS} from surveys where workspace_id = $1 and id = $2`, [workspaceId, id]) : [];
  if (!row) throw notFound('The survey');
  return parsed(row);
}

/** A survey by id alone (the public pages, whose link names it), or undefined. */
export async function findSurvey(db: SqlSession, id: string): Promise<SurveyRow | undefined> {
  const [row] = UUID.test(id) ? await db.query<SurveyRow>(`select ${SURVEY_COLUMNS} from surveys where id = $1`, [id]) : [];
  return row ? parsed(row) : undefined;
}

const kindOf = (c: SurveyContent) => mainQuestion(c.questions)?.type ?? 'custom';

async function insertSurvey(ctx: AppContext, workspaceId: string, userId: string | null, name: string, content: SurveyContent, settings: SurveySettings, templateId: string | null): Promise<string> {
  const now = ctx.clock.now();
  const [row] = await ctx.db.query<{ id: string }>(
    `insert into surveys (workspace_id, name, kind, content, settings, email_template_id, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id`,
    [workspaceId, name, kindOf(content), JSON.stringify(content), JSON.stringify(settings), templateId, userId, now],
  );
  return row!.id;
}

/** A template name not taken yet: "NPS survey email", then "NPS survey email 2"… */
async function freeTemplateName(ctx: AppContext, workspaceId: string, wanted: string): Promise<string> {
  const taken = new Set(
    (await ctx.db.query<{ name: string }>('select lower(name) as name from email_templates where workspace_id = $1 and lower(name) like $2', [workspaceId, `${wanted.toLowerCase()}%`])).map((r) => r.name),
  );
  for (let n = 1; ; n++) {
    const name = n === 1 ? wanted : `${wanted} ${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

export async function createSurvey(ctx: AppContext, workspaceId: string, userId: string | null, body: z.output<typeof createSurveyBody>): Promise<string> {
  if ('content' in body) return insertSurvey(ctx, workspaceId, userId, body.name, body.content, body.settings ?? surveySettings.parse({}), null);
  const starter = SURVEY_STARTERS.find((s) => s.key === body.starter)!;
  const [ws] = await ctx.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
  const content = surveyContent.parse(starter.content(ws?.name ?? 'us', body.language ?? 'en'));
  const settings = surveySettings.parse(starter.settings);
  const name = body.name ?? starter.name;
  // The survey first (its id goes in the email's links), then the email that carries it.
  const id = await insertSurvey(ctx, workspaceId, userId, name, content, settings, null);
  const template = await createTemplate(ctx, workspaceId, userId, {
    name: await freeTemplateName(ctx, workspaceId, `Survey: ${name}`.slice(0, 190)),
    subject: starter.email.subject,
    preheader: content.questions[0]!.title.slice(0, 150),
    body: starterFrame(starter.email.heading, `<mj-text>${starter.email.intro}</mj-text>\n        ${emailBlock(id, content)}`),
    defaults: { 'contact.first_name': 'there' },
  });
  await ctx.db.query('update surveys set email_template_id = $3 where workspace_id = $1 and id = $2', [workspaceId, id, template.id]);
  return id;
}

export async function updateSurvey(ctx: AppContext, workspaceId: string, id: string, body: z.output<typeof updateSurveyBody>): Promise<void> {
  const current = await getSurvey(ctx.db, workspaceId, id);
  if (current.state === 'archived') throw conflict('This survey is archived: it can no longer be changed.', undefined, 'archived');
  if (body.state === 'draft' && current.state !== 'draft') {
    const [answered] = await ctx.db.query('select 1 from survey_responses where survey_id = $1 limit 1', [id]);
    if (answered) throw conflict('This survey has answers: close it rather than making it a draft again.', [{ path: 'state', message: 'cannot go back to draft once answered' }], 'answered');
  }
  if (body.emailTemplateId) {
    const [t] = await ctx.db.query('select 1 from email_templates where workspace_id = $1 and id = $2', [workspaceId, body.emailTemplateId]);
    if (!t) throw badRequest('The email template was not found in this workspace.', [{ path: 'emailTemplateId', message: 'is not a template of this workspace' }]);
  }
  const content = body.content ?? current.content;
  await ctx.db.query(
    `update surveys set name = $3, content = $4, settings = $5, state = $6, kind = $7, email_template_id = $8, updated_at = $9 where workspace_id = $1 and id = $2`,
    [
      workspaceId,
      id,
      body.name ?? current.name,
      JSON.stringify(content),
      JSON.stringify(body.settings ?? current.settings),
      body.state ?? current.state,
      kindOf(content),
      body.emailTemplateId !== undefined ? body.emailTemplateId : current.email_template_id,
      ctx.clock.now(),
    ],
  );
}

/** Deletes a survey nobody answered; one with answers is archived (its answers stay in reports). */
export async function deleteSurvey(ctx: AppContext, workspaceId: string, id: string): Promise<'deleted' | 'archived'> {
  await getSurvey(ctx.db, workspaceId, id);
  const [answered] = await ctx.db.query('select 1 from survey_responses where survey_id = $1 limit 1', [id]);
  if (answered) {
    await ctx.db.query("update surveys set state = 'archived', updated_at = $3 where workspace_id = $1 and id = $2", [workspaceId, id, ctx.clock.now()]);
    return 'archived';
  }
  await ctx.db.query('delete from surveys where workspace_id = $1 and id = $2', [workspaceId, id]);
  return 'deleted';
}

export async function getFatigue(db: SqlSession, workspaceId: string): Promise<{ minDaysBetween: number | null }> {
  const [r] = await db.query<{ min_days_between: number | null }>('select min_days_between from survey_workspace_settings where workspace_id = $1', [workspaceId]);
  return { minDaysBetween: r?.min_days_between ?? null };
}

export async function saveFatigue(db: SqlSession, workspaceId: string, minDaysBetween: number | null): Promise<{ minDaysBetween: number | null }> {
  await db.query(
    `insert into survey_workspace_settings (workspace_id, min_days_between) values ($1, $2)
     on conflict (workspace_id) do update set min_days_between = excluded.min_days_between`,
    [workspaceId, minDaysBetween],
  );
  return getFatigue(db, workspaceId);
}
