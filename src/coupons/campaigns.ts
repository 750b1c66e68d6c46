// Coupon campaigns: what the offer is (a percentage, an amount or free shipping, from a minimum
// order), when it holds, its limits, its codes (one shared code, or unique codes generated and
// issued), and the channel it was shared through, which every redemption keeps.
import type { Database, SqlSession } from '../db/client.ts';
import { conflict, type FieldIssue, invalid, notFound } from '../errors.ts';
import { currencyExponent } from '../shared/money.ts';
import { type CodeSpec, codeSpecProblems, DEFAULT_CODE_SPEC, normalizeCode } from './codes.ts';
import type { CampaignTerms, Discount } from './terms.ts';

export const CHANNELS = ['email', 'social', 'partner', 'website', 'in_store', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CAMPAIGN_STATES = ['active', 'paused', 'ended'] as const;

export interface CampaignInput {
  name: string;
  codeKind: 'shared' | 'unique';
  /** The shared code ("SUMMER15"); only for codeKind shared. */
  sharedCode?: string | null;
  codeSpec?: CodeSpec | null;
  discount: Discount;
  /** The currency of a minimum order (a fixed discount's currency when absent). */
  minOrder?: { amount: number; currency: string } | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  maxRedemptions?: number | null;
  perContactLimit?: number | null;
  perCodeLimit?: number | null;
  channel: Channel;
  channelDetail?: string | null;
  state?: (typeof CAMPAIGN_STATES)[number];
}

export interface Campaign extends CampaignTerms {
  id: string;
  name: string;
  codeKind: 'shared' | 'unique';
  codeSpec: CodeSpec | null;
  /** The shared code of a shared campaign. */
  sharedCode: string | null;
  channel: Channel;
  channelDetail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignRow {
  id: string;
  name: string;
  code_kind: 'shared' | 'unique';
  code_spec: CodeSpec | null;
  discount_kind: 'percent' | 'fixed' | 'free_shipping';
  percent_bp: number | null;
  amount_minor: string | null;
  currency: string | null;
  min_order_minor: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  max_redemptions: number | null;
  per_contact_limit: number | null;
  per_code_limit: number | null;
  channel: Channel;
  channel_detail: string | null;
  state: 'active' | 'paused' | 'ended';
  created_at: Date;
  updated_at: Date;
  shared_code?: string | null;
}

export const CAMPAIGN_COLUMNS = `c.id, c.name, c.code_kind, c.code_spec, c.discount_kind, c.percent_bp, c.amount_minor, c.currency, c.min_order_minor, c.starts_at, c.ends_at,
  c.max_redemptions, c.per_contact_limit, c.per_code_limit, c.channel, c.channel_detail, c.state, c.created_at, c.updated_at`;

export function campaignOf(r: CampaignRow): Campaign {
  const discount: Discount =
    r.discount_kind === 'percent'
      ? { kind: 'percent', bp: r.percent_bp! }
      : r.discount_kind === 'fixed'
        ? { kind: 'fixed', amount: Number(r.amount_minor), currency: r.currency! }
        : { kind: 'free_shipping' };
  return {
    id: r.id,
    name: r.name,
    codeKind: r.code_kind,
    codeSpec: r.code_spec,
    sharedCode: r.shared_code ?? null,
    state: r.state,
    discount,
    minOrder: r.min_order_minor === null ? null : { amount: Number(r.min_order_minor), currency: r.currency! },
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    maxRedemptions: r.max_redemptions,
    perContactLimit: r.per_contact_limit,
    perCodeLimit: r.per_code_limit,
    channel: r.channel,
    channelDetail: r.channel_detail,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What is wrong with a campaign, each problem on the field at fault. */
export function campaignProblems(c: CampaignInput): FieldIssue[] {
  const problems: FieldIssue[] = [];
  if (!c.name.trim()) problems.push({ path: 'name', message: 'is required' });
  const currency = c.discount.kind === 'fixed' ? c.discount.currency : c.minOrder?.currency;
  if (currency !== undefined && currencyExponent(currency) === undefined) problems.push({ path: c.discount.kind === 'fixed' ? 'discount.currency' : 'minOrder.currency', message: `${currency} is not a currency code (ISO 4217, like EUR)` });
  if (c.discount.kind === 'fixed' && c.minOrder && c.minOrder.currency !== c.discount.currency)
    problems.push({ path: 'minOrder.currency', message: `must be the discount's currency (${c.discount.currency}): amounts in different currencies cannot be compared` });
  if (c.discount.kind === 'percent' && !(Number.isInteger(c.discount.bp) && c.discount.bp >= 1 && c.discount.bp <= 10_000))
    problems.push({ path: 'discount.percent', message: 'must be between 0.01 and 100' });
  if (c.discount.kind === 'fixed' && !(Number.isSafeInteger(c.discount.amount) && c.discount.amount > 0)) problems.push({ path: 'discount.amount', message: 'must be a positive whole number of minor units (cents)' });
  if (c.minOrder && !(Number.isSafeInteger(c.minOrder.amount) && c.minOrder.amount > 0)) problems.push({ path: 'minOrder.amount', message: 'must be a positive whole number of minor units (cents)' });
  if (c.startsAt && c.endsAt && c.endsAt <= c.startsAt) problems.push({ path: 'endsAt', message: 'must be after the start' });
  for (const k of ['maxRedemptions', 'perContactLimit', 'perCodeLimit'] as const) {
    const v = c[k];
    if (v !== null && v !== undefined && !(Number.isInteger(v) && v > 0 && v <= 2_000_000_000)) problems.push({ path: k, message: 'must be a whole number above 0, or empty for no limit' });
  }
  if (c.codeKind === 'shared') {
    const code = normalizeCode(c.sharedCode ?? '');
    if (!code) problems.push({ path: 'sharedCode', message: 'is required for a shared code: the code customers type, like SUMMER15' });
    else if (!/^[A-Z0-9_-]{3,40}$/.test(code)) problems.push({ path: 'sharedCode', message: 'must be 3 to 40 letters, digits, - or _' });
  } else {
    for (const p of codeSpecProblems(c.codeSpec ?? DEFAULT_CODE_SPEC)) problems.push({ path: `codeSpec.${p.path}`, message: p.message });
  }
  return problems;
}

function check(c: CampaignInput): void {
  const problems = campaignProblems(c);
  if (problems.length) throw invalid('invalid_campaign', `The campaign cannot be saved: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`, problems);
}

function columns(c: CampaignInput): unknown[] {
  const currency = c.discount.kind === 'fixed' ? c.discount.currency : (c.minOrder?.currency ?? null);
  return [
    c.name.trim(),
    c.codeKind,
    c.codeKind === 'unique' ? JSON.stringify(c.codeSpec ?? DEFAULT_CODE_SPEC) : null,
    c.discount.kind,
    c.discount.kind === 'percent' ? c.discount.bp : null,
    c.discount.kind === 'fixed' ? c.discount.amount : null,
    currency,
    c.minOrder?.amount ?? null,
    c.startsAt ?? null,
    c.endsAt ?? null,
    c.maxRedemptions ?? null,
    c.perContactLimit ?? null,
    c.perCodeLimit ?? null,
    c.channel,
    c.channelDetail?.trim() || null,
    c.state ?? 'active',
  ];
}

/** Creates a campaign; a shared campaign's code is created with it (refused when the code is taken). */
export async function createCampaign(db: Database, workspaceId: string, userId: string | null, c: CampaignInput): Promise<Campaign> {
  check(c);
  const run = async (tx: SqlSession) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into coupon_campaigns (workspace_id, name, code_kind, code_spec, discount_kind, percent_bp, amount_minor, currency, min_order_minor, starts_at, ends_at,
         max_redemptions, per_contact_limit, per_code_limit, channel, channel_detail, state, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning id`,
      [workspaceId, ...columns(c), userId],
    );
    if (c.codeKind === 'shared') {
      const code = normalizeCode(c.sharedCode!);
      const inserted = await tx.query('insert into coupon_codes (workspace_id, campaign_id, code) values ($1, $2, $3) on conflict (workspace_id, code) do nothing returning id', [
        workspaceId,
        row!.id,
        code,
      ]);
      if (inserted.length === 0) throw conflict(`The code ${code} is already used by another campaign. Choose another code.`, [{ path: 'sharedCode', message: 'is already taken' }], 'code_taken');
    }
    return row!.id;
  };
  const id = await db.transaction(run);
  return (await campaignById(db, workspaceId, id))!;
}

/** Changes a campaign's terms, channel or state; its kind and codes stay as they are. */
export async function updateCampaign(db: SqlSession, workspaceId: string, id: string, c: CampaignInput, now: Date): Promise<Campaign> {
  const current = await campaignById(db, workspaceId, id);
  if (!current) throw notFound('The campaign');
  const input: CampaignInput = { ...c, codeKind: current.codeKind, sharedCode: current.sharedCode, codeSpec: c.codeSpec ?? current.codeSpec };
  check(input);
  const v = columns(input);
  await db.query(
    `update coupon_campaigns set name = $3, code_spec = $4, discount_kind = $5, percent_bp = $6, amount_minor = $7, currency = $8, min_order_minor = $9, starts_at = $10, ends_at = $11,
       max_redemptions = $12, per_contact_limit = $13, per_code_limit = $14, channel = $15, channel_detail = $16, state = $17, updated_at = $18
     where workspace_id = $1 and id = $2`,
    [workspaceId, id, v[0], v[2], ...v.slice(3), now],
  );
  return (await campaignById(db, workspaceId, id))!;
}

/** A shared campaign's one code (a unique campaign has none to show). */
const SHARED_CODE = "case when c.code_kind = 'shared' then (select code from coupon_codes k where k.campaign_id = c.id order by k.id limit 1) end as shared_code";

export async function campaignById(db: SqlSession, workspaceId: string, id: string): Promise<Campaign | null> {
  const [row] = await db.query<CampaignRow>(
    `select ${CAMPAIGN_COLUMNS}, ${SHARED_CODE} from coupon_campaigns c where c.workspace_id = $1 and c.id = $2`,
    [workspaceId, id],
  );
  if (!row) return null;
  const campaign = campaignOf(row);
  if (campaign.codeKind !== 'shared') campaign.sharedCode = null;
  return campaign;
}

export interface CampaignSummary extends Campaign {
  codes: number;
  redemptions: number;
  /** Per currency: the orders' amount and the discounts given, in minor units. */
  revenue: { currency: string; orders: number; discount: number }[];
}

/** The workspace's campaigns, newest first, with their codes and redemptions counted. */
export async function listCampaigns(db: SqlSession, workspaceId: string): Promise<CampaignSummary[]> {
  const rows = await db.query<CampaignRow & { codes: string; redemptions: string; revenue: { currency: string; orders: string; discount: string }[] | null }>(
    `select ${CAMPAIGN_COLUMNS},
       ${SHARED_CODE},
       (select count(*) from coupon_codes k where k.campaign_id = c.id) as codes,
       (select count(*) from coupon_redemptions r where r.campaign_id = c.id and r.state = 'redeemed') as redemptions,
       (select jsonb_agg(jsonb_build_object('currency', currency, 'orders', orders, 'discount', discount) order by currency) from (
          select r.currency, sum(r.order_minor)::text as orders, sum(r.discount_minor)::text as discount from coupon_redemptions r
          where r.campaign_id = c.id and r.state = 'redeemed' group by r.currency) x) as revenue
     from coupon_campaigns c where c.workspace_id = $1 order by c.created_at desc, c.id desc`,
    [workspaceId],
  );
  return rows.map((r) => ({
    ...campaignOf(r),
    codes: Number(r.codes),
    redemptions: Number(r.redemptions),
    revenue: (r.revenue ?? []).map((x) => ({ currency: x.currency, orders: Number(x.orders), discount: Number(x.discount) })),
  }));
}
