import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DomainError, notFound } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { type Campaign, type CampaignInput, createCampaign, listCampaigns, updateCampaign } from './campaigns.ts';
import {
  batchBody,
  batchResult,
  campaignBody,
  campaignDetailResult,
  campaignListResult,
  campaignResult,
  codesQuery,
  codesResult,
  contactCouponsResult,
  issueBody,
  issueResult,
  redeemBody,
  redeemResult,
  redemptionsQuery,
  redemptionsResult,
  rollbackBody,
  rollbackResult,
  validateBody,
  validateResult,
} from './contract.ts';
import { issueCode, startBatch } from './issue.ts';
import { GENERATE_JOB } from './jobs.ts';
import { findCustomer, redeemCode, rollbackRedemption, validateCode } from './redeem.ts';
import { campaignDetail, codesCsv, codesOfContact, codesPage, redemptionsOf } from './results.ts';

const tags = ['Coupons'];
const shopTags = ['Coupons: checkout'];
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };
const idParam = uuidParam('id');

function inputOf(b: z.infer<typeof campaignBody>): CampaignInput {
  return {
    ...b,
    discount: b.discount.kind === 'percent' ? { kind: 'percent', bp: Math.round(b.discount.percent * 100) } : b.discount,
    startsAt: b.startsAt ? new Date(b.startsAt) : null,
    endsAt: b.endsAt ? new Date(b.endsAt) : null,
  };
}

export function campaignOut(c: Campaign): z.infer<typeof campaignResult> {
  return {
    id: c.id,
    name: c.name,
    codeKind: c.codeKind,
    sharedCode: c.sharedCode,
    codeSpec: c.codeSpec,
    discount: c.discount.kind === 'percent' ? { kind: 'percent', percent: c.discount.bp / 100 } : c.discount,
    minOrder: c.minOrder,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    maxRedemptions: c.maxRedemptions,
    perContactLimit: c.perContactLimit,
    perCodeLimit: c.perCodeLimit,
    channel: c.channel,
    channelDetail: c.channelDetail,
    state: c.state,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Campaigns, codes and redemptions (/api/v1/coupons…), and the shop's checkout calls (validate, redeem, rollback). */
export function couponRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/coupons/campaigns', { schema: { tags, summary: 'The coupon campaigns, newest first, with codes, redemptions and revenue per currency', response: { 200: campaignListResult } } }, async (req) => {
      const campaigns = await listCampaigns(ctx.db, workspaceOf(req).workspaceId);
      return { campaigns: campaigns.map((c) => ({ ...campaignOut(c), codes: c.codes, redemptions: c.redemptions, revenue: c.revenue })) };
    });
    app.post('/coupons/campaigns', { schema: { tags, summary: 'Create a campaign (a shared code, or unique codes to generate and issue)', body: campaignBody, response: { 201: campaignResult, ...errors } } }, async (req, reply) => {
      const { workspaceId, userId } = workspaceOf(req);
      return reply.code(201).send(campaignOut(await createCampaign(ctx.db, workspaceId, userId, inputOf(req.body))));
    });
    app.get('/coupons/campaigns/:id', { schema: { tags, summary: 'A campaign with its codes counted, batches, results by channel and latest redemptions', params: idParam, response: { 200: campaignDetailResult, 404: errorResponse } } }, async (req) => {
      const d = await campaignDetail(ctx.db, workspaceOf(req).workspaceId, req.params.id);
      return { ...d, campaign: campaignOut(d.campaign) };
    });
    app.put('/coupons/campaigns/:id', { schema: { tags, summary: 'Change a campaign’s terms, channel or state (pause, end); its codes stay', params: idParam, body: campaignBody, response: { 200: campaignResult, ...errors } } }, async (req) =>
      campaignOut(await updateCampaign(ctx.db, workspaceOf(req).workspaceId, req.params.id, inputOf(req.body), ctx.clock.now())),
    );
    app.post(
      '/coupons/campaigns/:id/batches',
      { schema: { tags, summary: 'Generate unique codes in bulk (runs in the background: poll the campaign for progress)', params: idParam, body: batchBody, response: { 202: batchResult, ...errors } } },
      async (req, reply) => {
        const { workspaceId } = workspaceOf(req);
        const batch = await startBatch(ctx.db, workspaceId, req.params.id, req.body);
        await ctx.jobs.send(GENERATE_JOB, { workspaceId, batchId: batch.id });
        return reply.code(202).send(batch);
      },
    );
    app.get('/coupons/campaigns/:id/codes', { schema: { tags, summary: 'A page of the campaign’s codes', params: idParam, querystring: codesQuery, response: { 200: codesResult, 404: errorResponse } } }, async (req) =>
      codesPage(ctx.db, workspaceOf(req).workspaceId, req.params.id, req.query.after ?? 0, req.query.limit),
    );
    app.get('/coupons/campaigns/:id/codes.csv', { schema: { tags, summary: 'Every code of the campaign as CSV (streamed)', params: idParam, produces: ['text/csv'] } }, async (req, reply) => {
      const stream = await codesCsv(ctx.db, workspaceOf(req).workspaceId, req.params.id);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="codes-${req.params.id}.csv"`).send(stream);
    });
    app.post(
      '/coupons/campaigns/:id/issue',
      { schema: { tags, summary: 'Give a customer a code of the campaign (once per key: a retry gives the same code)', params: idParam, body: issueBody, response: { 200: issueResult, ...errors } } },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        const contactId = await findCustomer(ctx.db, workspaceId, req.body.customer);
        if (!contactId) throw notFound('The customer');
        const key = req.body.key?.trim() || (req.headers['idempotency-key'] as string | undefined)?.trim() || `manual:${req.params.id}:${contactId}`;
        return ctx.db.transaction((tx) => issueCode(tx, workspaceId, req.params.id, contactId, `issue:${key}`, ctx.clock.now()));
      },
    );
    app.get('/coupons/contacts/:contactId', { schema: { tags, summary: 'The codes issued to a customer and their redemptions', params: uuidParam('contactId'), response: { 200: contactCouponsResult } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      return { codes: await codesOfContact(ctx.db, workspaceId, req.params.contactId), redemptions: await redemptionsOf(ctx.db, workspaceId, { contactId: req.params.contactId, limit: 100 }) };
    });
    app.get('/coupons/redemptions', { schema: { tags, summary: 'The latest redemptions (of one campaign)', querystring: redemptionsQuery, response: { 200: redemptionsResult } } }, async (req) => ({
      redemptions: await redemptionsOf(ctx.db, workspaceOf(req).workspaceId, req.query),
    }));

    // The shop's checkout: an API key of scope "shop" (or "full"), or a member testing a code in the app.
    app.post(
      '/coupons/validate',
      { config: { access: 'shop', role: 'viewer' }, schema: { tags: shopTags, summary: 'Whether a code can be used on an order, and for how much (nothing is held)', body: validateBody, response: { 200: validateResult, 400: errorResponse } } },
      async (req) => {
        const r = await validateCode(ctx.db, workspaceOf(req).workspaceId, req.body, ctx.clock.now());
        if (!r.ok) return { valid: false as const, reason: r.reason, message: r.message };
        const { ok: _ok, ...valid } = r;
        return { valid: true as const, ...valid };
      },
    );
    app.post(
      '/coupons/redeem',
      {
        config: { access: 'shop' },
        schema: {
          tags: shopTags,
          summary: 'Redeem a code for an order exactly once (or reserve it at checkout with reserve: true, and redeem again with the same key to confirm). Send an Idempotency-Key header or an orderId. A refusal is a 409 whose code says why.',
          body: redeemBody,
          response: { 200: redeemResult, ...errors },
        },
      },
      async (req) => {
        const key = req.headers['idempotency-key'];
        const r = await redeemCode(ctx.db, workspaceOf(req).workspaceId, { ...req.body, key: typeof key === 'string' ? key : null }, ctx.clock.now());
        if (!r.ok) throw new DomainError('conflict', r.reason, r.message);
        return { redemption: r.redemption, duplicate: r.duplicate };
      },
    );
    app.post(
      '/coupons/rollback',
      { config: { access: 'shop' }, schema: { tags: shopTags, summary: 'Roll back the redemptions of a cancelled order (by redemption id, key or order id): their places in the limits are freed', body: rollbackBody, response: { 200: rollbackResult, ...errors } } },
      async (req) => rollbackRedemption(ctx.db, workspaceOf(req).workspaceId, req.body, ctx.clock.now()),
    );
  };
}
