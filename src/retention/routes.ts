import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { csvText } from '../shared/csv-writer.ts';
import { formatMoney } from '../shared/money.ts';
import { errorResponse } from '../shared/schemas.ts';
import { atRiskCustomers } from './at-risk.ts';
import { atRiskQuery, atRiskResult, fitBody, fitRecord, overviewResult, settingsBody, settingsResult } from './contract.ts';
import { FIT_JOB } from './jobs.ts';
import { latestFits, startFit } from './retention.ts';
import { type RetentionSettings, retentionSettingsOf, saveRetentionSettings } from './settings.ts';

const tags = ['Retention'];
const errors = { 400: errorResponse, 409: errorResponse };

const settingsOf = (s: RetentionSettings): z.infer<typeof settingsResult> => ({
  windowDays: s.windowDays,
  holdoutDays: s.holdoutDays,
  horizonMonths: s.horizonMonths,
  discountRate: s.discountRate,
  refit: s.refit,
  renewalEvent: s.renewalEvent,
  renewalPeriod: s.renewalPeriod,
});

/** The models, their quality, the at-risk list and the settings (/api/v1/retention…). */
export function retentionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/retention', { schema: { tags, summary: 'The latest fit of the retention models (parameters, quality check, verdict) and the settings', response: { 200: overviewResult } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      const [fits, settings] = await Promise.all([latestFits(ctx, workspaceId), retentionSettingsOf(ctx.db, workspaceId)]);
      return { ...fits, settings: settingsOf(settings) };
    });

    app.post(
      '/retention/fit',
      { schema: { tags, summary: 'Fit the models now (up to today: scores are written; up to an earlier day: only reported). Runs in the background: poll GET /retention.', body: fitBody, response: { 202: fitRecord, ...errors } } },
      async (req, reply) => {
        const { workspaceId } = workspaceOf(req);
        const fit = await startFit(ctx, workspaceId, { until: req.body.until, cause: 'request' });
        await ctx.jobs.send(FIT_JOB, { workspaceId, fitId: fit.id });
        return reply.code(202).send(fit);
      },
    );

    app.get('/retention/at-risk', { schema: { tags, summary: 'The customers most worth saving: repeat buyers slipping away, the most valuable first', querystring: atRiskQuery, response: { 200: atRiskResult, ...errors } } }, async (req) =>
      atRiskCustomers(ctx.db, workspaceOf(req).workspaceId, req.query),
    );
    app.get('/retention/at-risk.csv', { schema: { tags, summary: 'The at-risk list as CSV', querystring: atRiskQuery, produces: ['text/csv'] } }, async (req, reply) => {
      const { workspaceId } = workspaceOf(req);
      const [r, settings] = await Promise.all([atRiskCustomers(ctx.db, workspaceId, req.query), retentionSettingsOf(ctx.db, workspaceId)]);
      const money = (v: number | null) => (v === null || !r.currency ? null : formatMoney(v, r.currency, 'en-GB'));
      const text = csvText(
        { columns: ['Email', 'Name', 'Orders', 'Last order', 'Chance still a customer', 'Chance at the fit before', 'Orders expected in 90 days', `Lifetime value (${settings.horizonMonths} months)`, 'Value if kept', 'Health'] },
        r.customers.map((c) => [
          c.email,
          c.name,
          c.orders,
          c.lastOrderAt ? c.lastOrderAt.toISOString().slice(0, 10) : null,
          Math.round(c.pAlive * 1000) / 1000,
          c.pAliveBefore === null ? null : Math.round(c.pAliveBefore * 1000) / 1000,
          c.expectedPurchases90 === null ? null : Math.round(c.expectedPurchases90 * 100) / 100,
          money(c.clv),
          money(c.valueIfKept),
          c.health,
        ]),
      );
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="at-risk-customers.csv"').send(text);
    });

    app.get('/retention/settings', { schema: { tags, summary: 'Which customers the models learn from, the holdout period, the CLV horizon and discount rate, nightly refits, subscriptions', response: { 200: settingsResult } } }, async (req) =>
      settingsOf(await retentionSettingsOf(ctx.db, workspaceOf(req).workspaceId)),
    );
    app.put('/retention/settings', { config: { role: 'admin' }, schema: { tags, summary: 'Change the retention settings (used from the next fit on)', body: settingsBody, response: { 200: settingsResult, ...errors } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      await saveRetentionSettings(ctx.db, workspaceId, req.body);
      return settingsOf(await retentionSettingsOf(ctx.db, workspaceId));
    });
  };
}
