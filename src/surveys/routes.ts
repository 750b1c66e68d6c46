import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidv7 } from '../db/ids.ts';
import { baseUrl } from '../messaging/consent/unsubscribe.ts';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import {
  createSurveyBody,
  emailBlock as emailBlockSchema,
  fatigueSettings,
  linksBody,
  linksResult,
  postResponseBody,
  responsePage,
  responsesQuery,
  resultsQuery,
  sendBody,
  sendHeaders,
  sendResult,
  starterList,
  surveyDetail,
  surveyList,
  surveyResults,
  updateSurveyBody,
} from './contract.ts';
import { emailBlock } from './email-block.ts';
import { contactLinkToken, openLinkToken } from './public-routes.ts';
import { postResponse, responsesCsv, responsesOf } from './responses.ts';
import { surveyResultsOf, surveySummaries } from './results.ts';
import { sendSurvey } from './send.ts';
import { SURVEY_STARTERS } from './starters.ts';
import { createSurvey, deleteSurvey, getFatigue, getSurvey, saveFatigue, updateSurvey } from './surveys.ts';

const tags = ['Surveys'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };

async function detail(ctx: AppContext, workspaceId: string, id: string) {
  const survey = await getSurvey(ctx.db, workspaceId, id);
  const [summary] = await surveySummaries(ctx.db, workspaceId, id);
  return {
    ...summary!,
    content: survey.content,
    settings: survey.settings,
    emailTemplateId: survey.email_template_id,
    openLink: survey.settings.anonymous ? `${baseUrl(ctx)}/s/o/${openLinkToken(ctx.secret, survey.id)}` : null,
  };
}

/** Surveys, their sends, responses and results (/api/v1/surveys…). */
export function surveyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/surveys', { schema: { tags, summary: 'Surveys with their headline figure (NPS, CSAT %, CES), invitations and responses; archived last', response: { 200: surveyList } } }, async (req) => ({
      items: await surveySummaries(ctx.db, workspaceOf(req).workspaceId),
    }));

    app.get('/surveys/starters', { schema: { tags, summary: 'Surveys to start from (NPS, CSAT after an order, CES, cancellation)', response: { 200: starterList } } }, async () => ({
      items: SURVEY_STARTERS.map((s) => ({ key: s.key, name: s.name, description: s.description, kind: s.kind })),
    }));

    app.get('/surveys/settings', { schema: { tags, summary: 'The workspace’s rule against survey fatigue', response: { 200: fatigueSettings } } }, async (req) => getFatigue(ctx.db, workspaceOf(req).workspaceId));
    app.put(
      '/surveys/settings',
      { config: { role: 'admin' }, schema: { tags, summary: 'Nobody is asked by any survey more than once every N days (null: no limit)', body: fatigueSettings, response: { 200: fatigueSettings, 400: errorResponse } } },
      async (req) => saveFatigue(ctx.db, workspaceOf(req).workspaceId, req.body.minDaysBetween),
    );

    app.post(
      '/surveys',
      { schema: { tags, summary: 'Create a survey, blank or from a starter (which also makes the email that carries its first question)', body: createSurveyBody, response: { 201: surveyDetail, ...errors } } },
      async (req, reply) => {
        const { workspaceId, userId } = workspaceOf(req);
        const id = await createSurvey(ctx, workspaceId, userId, req.body);
        return reply.code(201).send(await detail(ctx, workspaceId, id));
      },
    );

    app.get('/surveys/:id', { schema: { tags, summary: 'A survey: its questions, settings, email template and figures', params: idParam, response: { 200: surveyDetail, 404: errorResponse } } }, async (req) =>
      detail(ctx, workspaceOf(req).workspaceId, req.params.id),
    );

    app.patch(
      '/surveys/:id',
      { schema: { tags, summary: 'Change a survey’s questions, settings or state (activate, close)', params: idParam, body: updateSurveyBody, response: { 200: surveyDetail, ...errors } } },
      async (req) => {
        const ws = workspaceOf(req).workspaceId;
        await updateSurvey(ctx, ws, req.params.id, req.body);
        return detail(ctx, ws, req.params.id);
      },
    );

    app.delete('/surveys/:id', { schema: { tags, summary: 'Delete a survey nobody answered; one with answers is archived', params: idParam, response: { 204: z.null(), 404: errorResponse } } }, async (req, reply) => {
      await deleteSurvey(ctx, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });

    app.get('/surveys/:id/email-block', { schema: { tags, summary: 'The first question as an MJML block for an email template', params: idParam, response: { 200: emailBlockSchema, 404: errorResponse } } }, async (req) => {
      const survey = await getSurvey(ctx.db, workspaceOf(req).workspaceId, req.params.id);
      return { mjml: emailBlock(survey.id, survey.content) };
    });

    app.post(
      '/surveys/:id/sends',
      {
        schema: {
          tags,
          summary: 'Ask contacts (by id, or a segment’s or list’s members) by email; the fatigue and answer-once rules leave some out; an Idempotency-Key makes a retry harmless',
          params: idParam,
          headers: sendHeaders,
          body: sendBody,
          response: { 200: sendResult, ...errors },
        },
      },
      async (req) => {
        const key = req.headers['idempotency-key'];
        return sendSurvey(ctx, workspaceOf(req).workspaceId, req.params.id, req.body, key ? `key:${key}` : uuidv7());
      },
    );

    app.post(
      '/surveys/:id/links',
      { schema: { tags, summary: 'Personal answer links for contacts (to send by other means)', params: idParam, body: linksBody, response: { 200: linksResult, ...errors } } },
      async (req) => {
        const ws = workspaceOf(req).workspaceId;
        const survey = await getSurvey(ctx.db, ws, req.params.id);
        const found = await ctx.db.query<{ id: string }>('select id from contacts where workspace_id = $1 and id = any($2::uuid[])', [ws, req.body.contactIds]);
        return { items: found.map((c) => ({ contactId: c.id, url: `${baseUrl(ctx)}/s/c/${contactLinkToken(ctx.secret, survey.id, c.id)}` })) };
      },
    );

    app.get(
      '/surveys/:id/responses',
      { schema: { tags, summary: 'Responses, newest first, a page at a time (filter by group, sentiment, state, open text)', params: idParam, querystring: responsesQuery, response: { 200: responsePage, 400: errorResponse, 404: errorResponse } } },
      async (req) => responsesOf(ctx, workspaceOf(req).workspaceId, req.params.id, req.query),
    );

    app.get('/surveys/:id/responses.csv', { schema: { tags, summary: 'Every response as CSV (streamed)', params: idParam, produces: ['text/csv'] } }, async (req, reply) => {
      const { survey, stream } = await responsesCsv(ctx, workspaceOf(req).workspaceId, req.params.id);
      const file = `${survey.name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().slice(0, 60) || 'survey'} responses`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="responses.csv"; filename*=UTF-8''${encodeURIComponent(file)}.csv`)
        .send(stream);
    });

    app.post(
      '/surveys/:id/responses',
      { schema: { tags, summary: 'Post a response from your own form (answers by question key), for a contact or anonymous', params: idParam, body: postResponseBody, response: { 201: z.object({ id: z.uuid(), state: z.enum(['partial', 'complete']), repeated: z.boolean() }), ...errors } } },
      async (req, reply) => reply.code(201).send(await postResponse(ctx, workspaceOf(req).workspaceId, req.params.id, req.body)),
    );

    app.get(
      '/surveys/:id/results',
      { schema: { tags, summary: 'Results: funnel, NPS with its 95% interval, CSAT, CES, the trend by week or month, per question, open text', params: idParam, querystring: resultsQuery, response: { 200: surveyResults, 400: errorResponse, 404: errorResponse } } },
      async (req) => surveyResultsOf(ctx, workspaceOf(req).workspaceId, req.params.id, req.query),
    );
  };
}
