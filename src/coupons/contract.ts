// Requests and responses of the coupon API (/api/v1/coupons…). The web app imports the types.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';
import { CAMPAIGN_STATES, CHANNELS } from './campaigns.ts';

const currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a currency code like EUR');
const minor = z.number().int('must be a whole number of minor units (cents)').min(0);

export const discountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), percent: z.number().gt(0, 'must be above 0').max(100, 'must be 100 or less') }),
  z.object({ kind: z.literal('fixed'), amount: minor.min(1, 'must be above 0'), currency }),
  z.object({ kind: z.literal('free_shipping') }),
]);

export const codeSpecSchema = z.object({
  length: z.number().int().min(4).max(32).default(8),
  charset: z.string().min(2).max(64).default('ABCDEFGHJKMNPQRSTUVWXYZ23456789'),
  prefix: z.string().max(20).default(''),
  suffix: z.string().max(20).default(''),
  pattern: z.string().max(64).nullable().default(null),
});

export const campaignBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  codeKind: z.enum(['shared', 'unique']),
  sharedCode: z.string().max(40).nullish(),
  codeSpec: codeSpecSchema.nullish(),
  discount: discountSchema,
  minOrder: z.object({ amount: minor.min(1), currency }).nullish(),
  startsAt: z.iso.datetime({ offset: true }).nullish(),
  endsAt: z.iso.datetime({ offset: true }).nullish(),
  maxRedemptions: z.number().int().min(1).nullish(),
  perContactLimit: z.number().int().min(1).nullish(),
  perCodeLimit: z.number().int().min(1).nullish(),
  channel: z.enum(CHANNELS),
  channelDetail: z.string().max(500).nullish(),
  state: z.enum(CAMPAIGN_STATES).optional(),
});

const discountOut = z.union([
  z.object({ kind: z.literal('percent'), percent: z.number() }),
  z.object({ kind: z.literal('fixed'), amount: z.number().int(), currency: z.string() }),
  z.object({ kind: z.literal('free_shipping') }),
]);

export const campaignResult = z.object({
  id: z.uuid(),
  name: z.string(),
  codeKind: z.enum(['shared', 'unique']),
  sharedCode: z.string().nullable(),
  codeSpec: z.object({ length: z.number(), charset: z.string(), prefix: z.string(), suffix: z.string(), pattern: z.string().nullable() }).nullable(),
  discount: discountOut,
  minOrder: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
  startsAt: dateTime.nullable(),
  endsAt: dateTime.nullable(),
  maxRedemptions: z.number().int().nullable(),
  perContactLimit: z.number().int().nullable(),
  perCodeLimit: z.number().int().nullable(),
  channel: z.enum(CHANNELS),
  channelDetail: z.string().nullable(),
  state: z.enum(CAMPAIGN_STATES),
  createdAt: dateTime,
  updatedAt: dateTime,
});

const moneyByCurrency = z.array(z.object({ currency: z.string(), orders: z.number().int(), discount: z.number().int() }));

export const campaignListResult = z.object({
  campaigns: z.array(campaignResult.extend({ codes: z.number().int(), redemptions: z.number().int(), revenue: moneyByCurrency })),
});

export const batchResult = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  requested: z.number().int(),
  generated: z.number().int(),
  state: z.enum(['running', 'done', 'failed']),
  error: z.string().nullable(),
  channel: z.string().nullable(),
  channelDetail: z.string().nullable(),
  createdAt: dateTime,
  finishedAt: dateTime.nullable(),
});

export const batchBody = z.object({
  count: z.number().int().min(1).max(5_000_000),
  channel: z.enum(CHANNELS).nullish(),
  channelDetail: z.string().max(500).nullish(),
});

export const redemptionResult = z.object({
  id: z.uuid(),
  code: z.string(),
  campaignId: z.uuid(),
  campaignName: z.string(),
  contactId: z.uuid().nullable(),
  orderId: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  discount: z.number().int(),
  freeShipping: z.boolean(),
  state: z.enum(['reserved', 'redeemed', 'released', 'rolled_back']),
  reservedUntil: dateTime.nullable(),
  channel: z.string(),
  channelDetail: z.string().nullable(),
  createdAt: dateTime,
  redeemedAt: dateTime.nullable(),
});

export const byChannelResult = z.array(z.object({ channel: z.string(), channelDetail: z.string().nullable(), currency: z.string(), redemptions: z.number().int(), orders: z.number().int(), discount: z.number().int() }));

export const campaignDetailResult = z.object({
  campaign: campaignResult,
  codes: z.number().int(),
  issued: z.number().int(),
  batches: z.array(batchResult),
  byChannel: byChannelResult,
  redemptions: z.array(redemptionResult),
});

export const codesQuery = z.object({ after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const codesResult = z.object({
  codes: z.array(z.object({ id: z.number().int(), code: z.string(), contactId: z.uuid().nullable(), channel: z.string(), redemptions: z.number().int(), createdAt: dateTime })),
  next: z.number().int().nullable(),
});

export const customerRef = z
  .object({ contactId: z.uuid().nullish(), userId: z.string().max(500).nullish(), email: z.string().max(500).nullish() })
  .describe('Who the customer is: Rapport’s contact id, your own user id (the tracking API’s userId) or their email.');

const orderFields = {
  code: z.string().trim().min(1, 'is required').max(100),
  customer: customerRef.nullish(),
  amount: minor.describe('The order before the discount, in minor units (cents) of `currency`.'),
  currency,
};

export const validateBody = z.object(orderFields);
export const redeemBody = z.object({
  ...orderFields,
  orderId: z.string().trim().min(1).max(200).nullish(),
  reserve: z.boolean().default(false).describe('Hold the code for this checkout (until reserveMinutes pass) instead of redeeming it; redeem again with the same key or orderId to confirm.'),
  reserveMinutes: z.number().int().min(1).max(1440).default(15),
});
export const rollbackBody = z.object({ redemptionId: z.uuid().nullish(), key: z.string().max(200).nullish(), orderId: z.string().max(200).nullish() });

export const refusalReasons = [
  'unknown_code',
  'customer_required',
  'rolled_back',
  'campaign_paused',
  'not_started',
  'expired',
  'used_up',
  'code_used_up',
  'limit_per_customer',
  'not_for_this_customer',
  'wrong_currency',
  'below_minimum',
] as const;

export const validateResult = z.union([
  z.object({
    valid: z.literal(true),
    code: z.string(),
    campaign: z.object({ id: z.uuid(), name: z.string() }),
    discount: z.number().int().describe('Minor units off the order.'),
    currency: z.string(),
    freeShipping: z.boolean(),
    channel: z.string(),
  }),
  z.object({ valid: z.literal(false), reason: z.enum(refusalReasons), message: z.string().describe('A sentence the checkout can show as it is.') }),
]);

export const redeemResult = z.object({ redemption: redemptionResult, duplicate: z.boolean().describe('True when this key had already redeemed the code: the first answer, again.') });
export const rollbackResult = z.object({ redemptions: z.array(redemptionResult), changed: z.number().int() });

export const issueBody = z.object({ customer: customerRef, key: z.string().max(200).nullish() });
export const issueResult = z.object({ codeId: z.string(), code: z.string(), campaignId: z.uuid(), campaignName: z.string(), created: z.boolean() });

export const redemptionsQuery = z.object({ campaignId: z.uuid().optional(), contactId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const redemptionsResult = z.object({ redemptions: z.array(redemptionResult) });

export const contactCouponsResult = z.object({
  codes: z.array(z.object({ code: z.string(), campaignId: z.uuid(), campaignName: z.string(), discount: z.string(), createdAt: dateTime, redeemed: z.boolean() })),
  redemptions: z.array(redemptionResult),
});
