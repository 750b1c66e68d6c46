// Requests and responses of the loyalty API (/api/v1/loyalty…). The web app imports the types.
import { z } from 'zod';
import { customerRef } from '../coupons/contract.ts';
import { dateTime } from '../shared/schemas.ts';

const currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a currency code like EUR');

export const programBody = z.object({
  state: z.enum(['active', 'paused']).default('active'),
  name: z.string().trim().min(1, 'is required').max(100).default('Rewards'),
  refundPolicy: z.enum(['negative', 'cap']).default('negative').describe('A refund of points already spent: "negative" lets the balance go below zero (new points pay it back), "cap" takes back only what is left.'),
  inactivityDays: z.number().int().min(1).max(3650).nullable().default(null),
  tierBasis: z.enum(['points', 'spend']).default('points'),
  tierCurrency: currency.nullable().default(null),
  tierWindow: z.enum(['lifetime', 'year', 'rolling_12']).default('lifetime'),
  downgrade: z.enum(['never', 'period_end', 'one_step']).default('period_end'),
  pointValue: z.object({ minor: z.number().positive(), currency }).nullable().default(null),
  earnFrom: z.iso.datetime({ offset: true }).nullish().describe('Events from this moment on earn points (earlier: past orders earn too). Default: when the program was set up.'),
});

export const programResult = z.object({
  state: z.enum(['active', 'paused']),
  name: z.string(),
  refundPolicy: z.enum(['negative', 'cap']),
  inactivityDays: z.number().int().nullable(),
  tierBasis: z.enum(['points', 'spend']),
  tierCurrency: z.string().nullable(),
  tierWindow: z.enum(['lifetime', 'year', 'rolling_12']),
  downgrade: z.enum(['never', 'period_end', 'one_step']),
  pointValue: z.object({ minor: z.number(), currency: z.string() }).nullable(),
  earnFrom: dateTime,
  timezone: z.string(),
});

const expiry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('after_days'), days: z.number().int().min(1).max(3650) }),
  z.object({ kind: z.literal('end_of_month') }),
  z.object({ kind: z.literal('end_of_year') }),
]);

export const ruleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(['purchase', 'event']),
  eventName: z.string().trim().max(200).default('purchase'),
  currency: currency.nullish(),
  pointsPerUnit: z.number().int().min(1).nullish().describe('Points per 1.00 of the currency spent.'),
  multipliers: z.array(z.object({ match: z.enum(['category', 'sku', 'product_id']), value: z.string().trim().min(1).max(200), bp: z.number().int().min(0).max(100_000) })).max(100).default([]),
  points: z.number().int().min(1).nullish().describe('Fixed points for an event rule.'),
  pendingDays: z.number().int().min(0).max(365).default(0),
  limit: z.object({ count: z.number().int().min(1), period: z.enum(['day', 'week', 'month', 'year', 'ever']) }).nullish(),
  expiry: expiry.default({ kind: 'never' }),
  active: z.boolean().default(true),
});

export const ruleResult = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['purchase', 'event']),
  eventName: z.string(),
  currency: z.string().nullable(),
  pointsPerUnit: z.number().int().nullable(),
  multipliers: z.array(z.object({ match: z.enum(['category', 'sku', 'product_id']), value: z.string(), bp: z.number().int() })),
  points: z.number().int().nullable(),
  pendingDays: z.number().int(),
  limit: z.object({ count: z.number().int(), period: z.enum(['day', 'week', 'month', 'year', 'ever']) }).nullable(),
  expiry: z.object({ kind: z.string(), days: z.number().int().optional() }),
  active: z.boolean(),
  createdAt: dateTime,
});

export const tierSchema = z.object({ id: z.uuid().nullish(), name: z.string().trim().min(1).max(100), threshold: z.number().int().min(0), multiplierBp: z.number().int().min(0).max(100_000).default(10_000) });
export const tiersBody = z.object({ tiers: z.array(tierSchema).max(20) });
export const tierResult = z.object({ id: z.uuid(), name: z.string(), threshold: z.number().int(), multiplierBp: z.number().int() });

export const rewardBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  description: z.string().max(2000).nullish(),
  kind: z.enum(['coupon', 'gift']),
  campaignId: z.uuid().nullish(),
  pointsCost: z.number().int().min(1),
  stock: z.number().int().min(0).nullish(),
  perContactLimit: z.number().int().min(1).nullish(),
  active: z.boolean().default(true),
});
export const rewardResult = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['coupon', 'gift']),
  campaignId: z.uuid().nullable(),
  pointsCost: z.number().int(),
  stock: z.number().int().nullable(),
  redeemed: z.number().int(),
  perContactLimit: z.number().int().nullable(),
  active: z.boolean(),
  createdAt: dateTime,
});

export const overviewResult = z.object({
  program: programResult.nullable(),
  rules: z.array(ruleResult),
  tiers: z.array(tierResult),
  rewards: z.array(rewardResult),
});

export const redeemRewardBody = z.object({ customer: customerRef, key: z.string().max(200).nullish() });
export const redeemRewardResult = z.object({ redemptionId: z.uuid(), points: z.number().int(), code: z.string().nullable(), duplicate: z.boolean() });

export const adjustBody = z.object({ points: z.number().int(), reason: z.string().trim().min(1, 'is required').max(500) });

const statementLine = z.object({
  id: z.number().int(),
  at: dateTime,
  kind: z.enum(['earn', 'spend', 'expire', 'reverse', 'adjust', 'forfeit']),
  points: z.number().int(),
  what: z.string(),
  availableAt: dateTime.nullable(),
  expiresAt: dateTime.nullable(),
  remaining: z.number().int().nullable(),
  by: z.string().nullable(),
});

export const memberResult = z.object({
  contactId: z.uuid(),
  points: z.number().int(),
  pending: z.number().int(),
  lifetime: z.number().int(),
  debt: z.number().int(),
  qualifying: z.number().int(),
  tier: tierResult.nullable(),
  nextTier: z.object({ tier: tierResult, missing: z.number().int() }).nullable(),
  nextExpiryAt: dateTime.nullable(),
  nextExpiryPoints: z.number().int().nullable(),
  statement: z.array(statementLine),
  rewardsInReach: z.array(rewardResult),
});

export const membersQuery = z.object({ tierId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const membersResult = z.object({
  members: z.array(
    z.object({
      contactId: z.uuid(),
      email: z.string().nullable(),
      name: z.string(),
      points: z.number().int(),
      pending: z.number().int(),
      lifetime: z.number().int(),
      tierId: z.uuid().nullable(),
      nextExpiryAt: dateTime.nullable(),
      nextExpiryPoints: z.number().int().nullable(),
    }),
  ),
});

export const reportResult = z.object({
  members: z.number().int(),
  outstanding: z.number().int(),
  pending: z.number().int(),
  /** The outstanding points in money, when the program sets a point value. */
  liability: z.object({ minor: z.number().int(), currency: z.string() }).nullable(),
  months: z.array(z.object({ month: z.string(), issued: z.number().int(), spent: z.number().int(), expired: z.number().int(), reversed: z.number().int(), adjusted: z.number().int() })),
  tiers: z.array(z.object({ day: z.string(), tier: z.string(), members: z.number().int() })),
  rewards: z.array(z.object({ rewardId: z.uuid(), name: z.string(), redeemed: z.number().int(), points: z.number().int() })),
  coupons: z.array(
    z.object({ campaignId: z.uuid(), campaignName: z.string(), channel: z.string(), channelDetail: z.string().nullable(), currency: z.string(), redemptions: z.number().int(), orders: z.number().int(), discount: z.number().int(), issued: z.number().int() }),
  ),
  check: z.object({ problems: z.number().int() }),
});
