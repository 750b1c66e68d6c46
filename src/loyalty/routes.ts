import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCustomer } from '../coupons/redeem.ts';
import { resultsByChannel } from '../coupons/results.ts';
import { DomainError, notFound } from '../errors.ts';
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import {
  adjustBody,
  memberResult,
  membersQuery,
  membersResult,
  overviewResult,
  programBody,
  programResult,
  redeemRewardBody,
  redeemRewardResult,
  reportResult,
  rewardBody,
  rewardResult,
  ruleBody,
  ruleResult,
  tierResult,
  tiersBody,
} from './contract.ts';
import { queuePast } from './earn.ts';
import { checkLedger } from './ledger/check.ts';
import { scheduleEarn } from './jobs.ts';
import { memberFigures } from './members.ts';
import { createRule, programOf, type RuleInput, rulesOf, saveProgram, saveTiers, tiersOf, updateRule } from './program.ts';
import { redeemReward } from './redeem.ts';
import { adjustPoints, createReward, rewardsOf, updateReward } from './rewards.ts';
import { membersOf, programReport, statementOf } from './statement.ts';
import { nextTier } from './tiers.ts';

const tags = ['Loyalty'];
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };
const idParam = uuidParam('id');
const contactParam = uuidParam('contactId');

const ruleInput = (b: z.infer<typeof ruleBody>): RuleInput => ({
  name: b.name,
  kind: b.kind,
  eventName: b.kind === 'purchase' ? 'purchase' : b.eventName,
  currency: b.currency ?? null,
  pointsPerUnit: b.pointsPerUnit ?? null,
  multipliers: b.multipliers,
  points: b.points ?? null,
  pendingDays: b.pendingDays,
  limit: b.limit ?? null,
  expiry: b.expiry,
  active: b.active,
});

const rewardInput = (b: z.infer<typeof rewardBody>) => ({
  name: b.name,
  description: b.description ?? null,
  kind: b.kind,
  campaignId: b.campaignId ?? null,
  pointsCost: b.pointsCost,
  stock: b.stock ?? null,
  perContactLimit: b.perContactLimit ?? null,
  active: b.active,
});

/** The points program (/api/v1/loyalty…): settings, rules, tiers, rewards, members, the report. */
export function loyaltyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/loyalty', { schema: { tags, summary: 'The program with its rules, tiers and rewards (program null before it is set up)', response: { 200: overviewResult } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      return { program: await programOf(ctx.db, workspaceId), rules: await rulesOf(ctx.db, workspaceId), tiers: await tiersOf(ctx.db, workspaceId), rewards: await rewardsOf(ctx.db, workspaceId) };
    });
    app.put('/loyalty/program', { config: { role: 'admin' }, schema: { tags, summary: 'Set up or change the program', body: programBody, response: { 200: programResult, ...errors } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      const b = req.body;
      const program = await saveProgram(ctx.db, workspaceId, { ...b, earnFrom: b.earnFrom ? new Date(b.earnFrom) : null }, ctx.clock.now());
      // Orders already stored since `earn_from` earn too (again is harmless: each earn is keyed).
      await queuePast(ctx.db, workspaceId, (await rulesOf(ctx.db, workspaceId, { activeOnly: true })).map((r) => r.eventName));
      scheduleEarn(ctx, workspaceId);
      return program;
    });
    app.post(
      '/loyalty/rules',
      { config: { role: 'admin' }, schema: { tags, summary: 'Add an earning rule (the events already stored since the program’s earn-from moment earn by it too)', body: ruleBody, response: { 201: ruleResult, ...errors } } },
      async (req, reply) => {
        const { workspaceId } = workspaceOf(req);
        const rule = await createRule(ctx.db, workspaceId, ruleInput(req.body));
        if (rule.active) {
          await queuePast(ctx.db, workspaceId, [rule.eventName]);
          scheduleEarn(ctx, workspaceId);
        }
        return reply.code(201).send(rule);
      },
    );
    app.put(
      '/loyalty/rules/:id',
      { config: { role: 'admin' }, schema: { tags, summary: 'Change an earning rule (points already given stay; events not yet counted earn by the new terms)', params: idParam, body: ruleBody, response: { 200: ruleResult, ...errors } } },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        const rule = await updateRule(ctx.db, workspaceId, req.params.id, ruleInput(req.body), ctx.clock.now());
        if (rule.active) {
          await queuePast(ctx.db, workspaceId, [rule.eventName]);
          scheduleEarn(ctx, workspaceId);
        }
        return rule;
      },
    );
    app.put('/loyalty/tiers', { config: { role: 'admin' }, schema: { tags, summary: 'Replace the tiers (keep a tier’s id to keep its members)', body: tiersBody, response: { 200: z.object({ tiers: z.array(tierResult) }), ...errors } } }, async (req) => ({
      tiers: await saveTiers(ctx.db, workspaceOf(req).workspaceId, req.body.tiers.map((t) => ({ ...t, id: t.id ?? null }))),
    }));
    app.post('/loyalty/rewards', { config: { role: 'admin' }, schema: { tags, summary: 'Add a reward to the catalogue', body: rewardBody, response: { 201: rewardResult, ...errors } } }, async (req, reply) =>
      reply.code(201).send(await createReward(ctx.db, workspaceOf(req).workspaceId, rewardInput(req.body))),
    );
    app.put('/loyalty/rewards/:id', { config: { role: 'admin' }, schema: { tags, summary: 'Change a reward', params: idParam, body: rewardBody, response: { 200: rewardResult, ...errors } } }, async (req) =>
      updateReward(ctx.db, workspaceOf(req).workspaceId, req.params.id, rewardInput(req.body)),
    );
    app.post(
      '/loyalty/rewards/:id/redeem',
      {
        config: { access: 'shop' },
        schema: { tags, summary: 'Spend a customer’s points on a reward (once per key: the Idempotency-Key header or `key`); a coupon reward gives its code. A refusal is a 409 whose code says why.', params: idParam, body: redeemRewardBody, response: { 200: redeemRewardResult, ...errors } },
      },
      async (req) => {
        const { workspaceId, userId } = workspaceOf(req);
        const contactId = await findCustomer(ctx.db, workspaceId, req.body.customer);
        if (!contactId) throw notFound('The customer');
        const header = req.headers['idempotency-key'];
        const key = req.body.key?.trim() || (typeof header === 'string' && header.trim()) || null;
        if (!key) throw new DomainError('invalid', 'key_required', 'Send an Idempotency-Key header or a key, so that a retry cannot spend the points twice.');
        const r = await redeemReward(ctx.db, workspaceId, { rewardId: req.params.id, contactId, key, userId }, ctx.clock.now());
        if (!r.ok) throw new DomainError('conflict', r.reason, r.message);
        if (!r.duplicate) notifyDataChanged(ctx, workspaceId);
        return { redemptionId: r.redemptionId, points: r.points, code: r.code, duplicate: r.duplicate };
      },
    );
    app.get('/loyalty/members', { schema: { tags, summary: 'Members with the most points first', querystring: membersQuery, response: { 200: membersResult } } }, async (req) => ({
      members: await membersOf(ctx.db, workspaceOf(req).workspaceId, req.query),
    }));
    app.get('/loyalty/members/:contactId', { schema: { tags, summary: 'A member’s points, tier, next tier, expiring points, statement and rewards within reach', params: contactParam, response: { 200: memberResult, 404: errorResponse } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      const [contact] = await ctx.db.query('select 1 from contacts where workspace_id = $1 and id = $2', [workspaceId, req.params.contactId]);
      if (!contact) throw notFound('The contact');
      const [figures, tiers, statement, rewards] = [
        await memberFigures(ctx.db, workspaceId, req.params.contactId),
        await tiersOf(ctx.db, workspaceId),
        await statementOf(ctx.db, workspaceId, req.params.contactId),
        await rewardsOf(ctx.db, workspaceId),
      ];
      const tier = tiers.find((t) => t.id === figures.tierId) ?? null;
      return {
        ...figures,
        tier,
        nextTier: nextTier(tiers, tier, figures.qualifying),
        statement,
        rewardsInReach: rewards.filter((r) => r.active && (r.stock === null || r.redeemed < r.stock) && r.pointsCost <= Math.max(figures.points, 0)),
      };
    });
    app.post(
      '/loyalty/members/:contactId/adjust',
      { config: { role: 'admin' }, schema: { tags, summary: 'Add (positive) or remove (negative) points by hand, with a reason kept on the statement; an Idempotency-Key makes a retry harmless', params: contactParam, body: adjustBody, response: { 200: z.object({ ok: z.literal(true) }), ...errors } } },
      async (req) => {
        const { workspaceId, userId } = workspaceOf(req);
        const header = req.headers['idempotency-key'];
        const key = typeof header === 'string' && header.trim() ? header.trim() : `${req.params.contactId}:${ctx.clock.now().toISOString()}:${req.body.points}`;
        const r = await adjustPoints(ctx.db, workspaceId, { contactId: req.params.contactId, points: req.body.points, reason: req.body.reason, key, userId }, ctx.clock.now());
        if (!r.ok) throw new DomainError('conflict', 'insufficient_points', r.message ?? 'Not enough points.');
        notifyDataChanged(ctx, workspaceId);
        return { ok: true as const };
      },
    );
    app.get('/loyalty/report', { schema: { tags, summary: 'Points issued, spent, expired and outstanding per month; members per tier; rewards; coupon results by campaign and channel; the ledger check', response: { 200: reportResult } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      const program = await programOf(ctx.db, workspaceId);
      const report = await programReport(ctx.db, workspaceId, program?.timezone ?? 'UTC');
      const coupons = await resultsByChannel(ctx.db, workspaceId, null);
      const issued = await ctx.db.query<{ campaign_id: string; n: number }>('select campaign_id, count(*)::int as n from coupon_codes where workspace_id = $1 group by 1', [workspaceId]);
      const issuedOf = new Map(issued.map((i) => [i.campaign_id, i.n]));
      const problems = await checkLedger(ctx.db, workspaceId);
      const value = program?.pointValue;
      return {
        ...report,
        liability: value ? { minor: Math.round(report.outstanding * value.minor), currency: value.currency } : null,
        coupons: coupons.map((c) => ({ ...c, issued: issuedOf.get(c.campaignId) ?? 0 })),
        check: { problems: problems.length },
      };
    });
  };
}
