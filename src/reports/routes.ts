import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { forbidden } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse } from '../shared/schemas.ts';
import {
  churnResult,
  cohortQuery,
  cohortResult,
  dashboardResult,
  emailResult,
  liftResult,
  periodQuery,
  revenueQuery,
  revenueResult,
  settingsBody,
  segmentsQuery,
  segmentsResult,
  settingsResult,
  spanQuery,
} from './contract.ts';
import { churnCsv, cohortsCsv, dashboardCsv, emailCsv, liftCsv, revenueCsv, segmentsCsv } from './csv.ts';
import { churnReport, cohortReport, dashboardReport, emailReport, liftTable, reportScope, revenueReport, segmentsReport } from './reports.ts';
import { reportSettingsOf, saveReportSettings } from './settings.ts';
import { sendDigest } from './digest.ts';
import { dayIn, periodStart } from '../shared/days.ts';
import { uuidv7 } from '../db/ids.ts';
import { z } from 'zod';

const tags = ['Reports'];
const errors = { 400: errorResponse, 409: errorResponse };

const csv = (reply: FastifyReply, name: string, text: string) =>
  reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(text);

/** The dashboard and the reports, each also as CSV (/api/v1/reports…). */
export function reportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/reports/dashboard', { schema: { tags, summary: 'The home dashboard: each figure for the period and the one before, with its small chart', querystring: periodQuery, response: { 200: dashboardResult, ...errors } } }, async (req) =>
      dashboardReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/dashboard.csv', { schema: { tags, summary: 'The dashboard as CSV', querystring: periodQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'dashboard', dashboardCsv(await dashboardReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.get('/reports/cohorts', { schema: { tags, summary: 'Cohort retention: customers by week or month of their first order (or first event, or sign-up), who ordered in each later period', querystring: cohortQuery, response: { 200: cohortResult, ...errors } } }, async (req) =>
      cohortReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/cohorts.csv', { schema: { tags, summary: 'Cohort retention as CSV', querystring: cohortQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'cohorts', cohortsCsv(await cohortReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.get('/reports/revenue', { schema: { tags, summary: 'Revenue retention in one currency: revenue per customer by cohort, and net and gross revenue retention', querystring: revenueQuery, response: { 200: revenueResult, ...errors } } }, async (req) =>
      revenueReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/revenue.csv', { schema: { tags, summary: 'Revenue retention as CSV', querystring: revenueQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'revenue-retention', revenueCsv(await revenueReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.get('/reports/churn', { schema: { tags, summary: 'Churn and repeat purchase: per month, and the distributions as of the last day', querystring: spanQuery, response: { 200: churnResult, ...errors } } }, async (req) =>
      churnReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/churn.csv', { schema: { tags, summary: 'Churn and repeat purchase as CSV', querystring: spanQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'churn', churnCsv(await churnReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.get('/reports/email', { schema: { tags, summary: 'Email performance across broadcasts and workflows: per campaign, per template, over time, top links, revenue attributed', querystring: periodQuery, response: { 200: emailResult, ...errors } } }, async (req) =>
      emailReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/email.csv', { schema: { tags, summary: 'Email performance as CSV', querystring: periodQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'email-performance', emailCsv(await emailReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.get('/reports/lift', { schema: { tags, summary: 'Every workflow with a holdout and every broadcast with a control group: treated against held out, lift with its 95% interval', response: { 200: liftResult, 409: errorResponse } } }, async (req) =>
      liftTable(ctx, workspaceOf(req).workspaceId),
    );
    app.get('/reports/lift.csv', { schema: { tags, summary: 'Lift as CSV', produces: ['text/csv'] } }, async (req, reply) => csv(reply, 'lift', liftCsv(await liftTable(ctx, workspaceOf(req).workspaceId))));

    app.get('/reports/segments', { schema: { tags, summary: 'Segment sizes per day, several segments on one chart', querystring: segmentsQuery, response: { 200: segmentsResult, ...errors } } }, async (req) =>
      segmentsReport(ctx, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/reports/segments.csv', { schema: { tags, summary: 'Segment sizes per day as CSV', querystring: segmentsQuery, produces: ['text/csv'] } }, async (req, reply) =>
      csv(reply, 'segment-sizes', segmentsCsv(await segmentsReport(ctx, workspaceOf(req).workspaceId, req.query))),
    );

    app.post('/reports/digest', { schema: { tags, summary: 'Send me the weekly digest now (last week against the week before), to my own address', response: { 202: z.object({ queued: z.number() }), 403: errorResponse, 409: errorResponse } } }, async (req, reply) => {
      const { workspaceId, userId } = workspaceOf(req);
      if (!userId) throw forbidden('Only a signed-in member can get the digest (an API key has no address).');
      const s = await reportScope(ctx, workspaceId);
      const monday = periodStart(dayIn(ctx.clock.now(), s.timezone), 'week');
      return reply.code(202).send({ queued: await sendDigest(ctx, workspaceId, monday, { userId, key: `report-digest-now:${userId}:${uuidv7()}` }) });
    });

    app.get('/reports/settings', { schema: { tags, summary: 'What the reports count: the active window, the attribution window, who gets the weekly digest', response: { 200: settingsResult } } }, async (req) => {
      const s = await reportSettingsOf(ctx.db, workspaceOf(req).workspaceId);
      return { activeDays: s.activeDays, attributionDays: s.attributionDays, digestUserIds: s.digestUserIds, timezone: s.timezone };
    });
    app.put('/reports/settings', { config: { role: 'admin' }, schema: { tags, summary: 'Change what the reports count', body: settingsBody, response: { 200: settingsResult, ...errors } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      await saveReportSettings(ctx.db, workspaceId, req.body);
      const s = await reportSettingsOf(ctx.db, workspaceId);
      return { activeDays: s.activeDays, attributionDays: s.attributionDays, digestUserIds: s.digestUserIds, timezone: s.timezone };
    });
  };
}
