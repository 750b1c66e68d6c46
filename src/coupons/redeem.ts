// The shop's side of a coupon: validate a code for a customer and an order, redeem it exactly
// once (at once, or reserved at checkout and confirmed when the order goes through), roll it back
// when the order is cancelled. A redemption locks the code's row, then the campaign's (always in
// that order), counts the redemptions that hold a place under those locks and asks terms.ts; so
// 1,000 checkouts racing for a code with a limit of 1 give one redemption and 999 refusals.
// A redemption is keyed by the shop's idempotency key (else the order id): a retry returns the
// first answer.
import type { Database, SqlSession } from '../db/client.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { recordEvents } from '../events/record.ts';
import { CAMPAIGN_COLUMNS, type Campaign, type CampaignRow, campaignOf } from './campaigns.ts';
import { normalizeCode } from './codes.ts';
import { judge, type Refusal, type Usage } from './terms.ts';

/** Who the shop says the customer is: Rapport's id, the shop's own id (the tracking API's userId), or the email. */
export interface CustomerRef {
  contactId?: string | null;
  userId?: string | null;
  email?: string | null;
}

export interface OrderRequest {
  code: string;
  customer?: CustomerRef | null;
  /** The order's amount before the discount, in minor units of `currency`. */
  amount: number;
  currency: string;
}

export interface RedeemRequest extends OrderRequest {
  orderId?: string | null;
  /** The shop's key for this redemption (the Idempotency-Key header); "order:<orderId>" when absent. */
  key?: string | null;
  /** Hold the code for the checkout until `reserveMinutes` pass (15 by default) instead of redeeming it now. */
  reserve?: boolean;
  reserveMinutes?: number;
}

export interface Redemption {
  id: string;
  code: string;
  campaignId: string;
  campaignName: string;
  contactId: string | null;
  orderId: string | null;
  amount: number;
  currency: string;
  discount: number;
  freeShipping: boolean;
  state: 'reserved' | 'redeemed' | 'released' | 'rolled_back';
  reservedUntil: Date | null;
  channel: string;
  channelDetail: string | null;
  createdAt: Date;
  redeemedAt: Date | null;
}

export type Refused = { ok: false; reason: Refusal | 'unknown_code' | 'customer_required' | 'rolled_back'; message: string };
export type ValidateResult = { ok: true; code: string; campaign: { id: string; name: string }; discount: number; currency: string; freeShipping: boolean; channel: string } | Refused;
export type RedeemResult = { ok: true; redemption: Redemption; duplicate: boolean } | Refused;

interface CodeRow {
  id: string;
  code: string;
  contact_id: string | null;
  channel: string | null;
  channel_detail: string | null;
  campaign_id: string;
}

const HOLDS = `(r.state = 'redeemed' or (r.state = 'reserved' and r.reserved_until > $NOW))`;
const holds = (param: string) => HOLDS.replace('$NOW', param);

/** The contact the shop means, or null when it names nobody Rapport knows. */
export async function findCustomer(db: SqlSession, workspaceId: string, ref: CustomerRef | null | undefined): Promise<string | null> {
  if (!ref) return null;
  if (ref.contactId) {
    const [row] = await db.query<{ id: string }>('select id from contacts where workspace_id = $1 and id = $2', [workspaceId, ref.contactId]);
    if (row) return row.id;
  }
  if (ref.userId) {
    const [row] = await db.query<{ id: string }>('select id from contacts where workspace_id = $1 and external_id = $2', [workspaceId, ref.userId]);
    if (row) return row.id;
  }
  if (ref.email) {
    const [row] = await db.query<{ id: string }>('select id from contacts where workspace_id = $1 and email = $2', [workspaceId, ref.email.trim().toLowerCase()]);
    if (row) return row.id;
  }
  return null;
}

const unknownCode = (code: string): Refused => ({ ok: false, reason: 'unknown_code', message: `There is no coupon ${code || 'with an empty code'}. Check the spelling.` });

async function codeRow(tx: SqlSession, workspaceId: string, code: string, lock: boolean): Promise<CodeRow | undefined> {
  const [row] = await tx.query<CodeRow>(
    `select id, code, contact_id, channel, channel_detail, campaign_id from coupon_codes where workspace_id = $1 and code = $2${lock ? ' for update' : ''}`,
    [workspaceId, code],
  );
  return row;
}

async function campaignRow(tx: SqlSession, campaignId: string, lock: boolean): Promise<Campaign> {
  const [row] = await tx.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from coupon_campaigns c where c.id = $1${lock ? ' for update' : ''}`, [campaignId]);
  return campaignOf(row!);
}

/** The places held so far (not counting the redemption `except`, being confirmed again). */
async function usage(tx: SqlSession, campaign: Campaign, codeId: string, contactId: string | null, now: Date, except: string | null): Promise<Usage> {
  const [row] = await tx.query<{ code: string; campaign: string; contact: string }>(
    `select (select count(*) from coupon_redemptions r where r.code_id = $1 and ${holds('$4')} and r.id is distinct from $5) as code,
            case when $6::boolean then (select count(*) from coupon_redemptions r where r.campaign_id = $2 and ${holds('$4')} and r.id is distinct from $5) else 0 end as campaign,
            case when $3::uuid is null then 0 else (select count(*) from coupon_redemptions r where r.campaign_id = $2 and r.contact_id = $3 and ${holds('$4')} and r.id is distinct from $5) end as contact`,
    [codeId, campaign.id, contactId, now, except, campaign.maxRedemptions !== null],
  );
  return { code: Number(row!.code), campaign: Number(row!.campaign), contact: Number(row!.contact) };
}

function orderProblems(o: OrderRequest): void {
  if (!Number.isSafeInteger(o.amount) || o.amount < 0) throw invalid('invalid_amount', 'The order amount must be a whole number of minor units (cents), 0 or more.', [{ path: 'amount', message: 'must be a whole number of minor units, 0 or more' }]);
}

/** Whether the code can be used on this order, and for how much; nothing is held. */
export async function validateCode(db: SqlSession, workspaceId: string, o: OrderRequest, now: Date): Promise<ValidateResult> {
  orderProblems(o);
  const code = normalizeCode(o.code);
  const row = await codeRow(db, workspaceId, code, false);
  if (!row) return unknownCode(code);
  const campaign = await campaignRow(db, row.campaign_id, false);
  const contactId = await findCustomer(db, workspaceId, o.customer);
  if (campaign.perContactLimit !== null && contactId === null) return customerRequired();
  const verdict = judge(campaign, row.contact_id, await usage(db, campaign, row.id, contactId, now, null), { amount: o.amount, currency: o.currency, contactId }, now);
  if (!verdict.ok) return verdict;
  return { ok: true, code: row.code, campaign: { id: campaign.id, name: campaign.name }, discount: verdict.discount, currency: verdict.currency, freeShipping: verdict.freeShipping, channel: row.channel ?? campaign.channel };
}

const customerRequired = (): Refused => ({ ok: false, reason: 'customer_required', message: 'This offer is limited per customer: say who the customer is (their id, your user id or their email).' });

interface RedemptionRow {
  id: string;
  code: string;
  campaign_id: string;
  campaign_name: string;
  contact_id: string | null;
  order_id: string | null;
  order_minor: string;
  currency: string;
  discount_minor: string;
  free_shipping: boolean;
  state: Redemption['state'];
  reserved_until: Date | null;
  channel: string;
  channel_detail: string | null;
  created_at: Date;
  redeemed_at: Date | null;
  code_id: string;
}

export const REDEMPTION_SELECT = `select r.id, k.code, r.campaign_id, c.name as campaign_name, r.contact_id, r.order_id, r.order_minor, r.currency, r.discount_minor, r.free_shipping,
    r.state, r.reserved_until, r.channel, r.channel_detail, r.created_at, r.redeemed_at, r.code_id
  from coupon_redemptions r join coupon_codes k on k.id = r.code_id join coupon_campaigns c on c.id = r.campaign_id`;

export const redemptionOf = (r: RedemptionRow): Redemption => ({
  id: r.id,
  code: r.code,
  campaignId: r.campaign_id,
  campaignName: r.campaign_name,
  contactId: r.contact_id,
  orderId: r.order_id,
  amount: Number(r.order_minor),
  currency: r.currency,
  discount: Number(r.discount_minor),
  freeShipping: r.free_shipping,
  state: r.state,
  reservedUntil: r.reserved_until,
  channel: r.channel,
  channelDetail: r.channel_detail,
  createdAt: r.created_at,
  redeemedAt: r.redeemed_at,
});

async function redemptionByKey(tx: SqlSession, workspaceId: string, key: string, lock: boolean): Promise<RedemptionRow | undefined> {
  const [row] = await tx.query<RedemptionRow>(`${REDEMPTION_SELECT} where r.workspace_id = $1 and r.idempotency_key = $2${lock ? ' for update of r' : ''}`, [workspaceId, key]);
  return row;
}

async function redeemedEvent(tx: SqlSession, workspaceId: string, r: Redemption, now: Date): Promise<void> {
  if (!r.contactId || r.state !== 'redeemed') return;
  await recordEvents(tx, workspaceId, 'coupons', [
    {
      name: 'coupon.redeemed',
      contactId: r.contactId,
      occurredAt: r.redeemedAt ?? now,
      messageId: `coupon.redeemed:${r.id}`,
      properties: {
        campaign_id: r.campaignId,
        campaign_name: r.campaignName,
        code: r.code,
        channel: r.channel,
        channel_detail: r.channelDetail,
        redemption_id: r.id,
        order_id: r.orderId,
        total: r.amount,
        discount: r.discount,
        currency: r.currency,
      },
    },
  ]);
}

/** The key a redemption is known by: the shop's, else the order's. */
export function redemptionKey(key: string | null | undefined, orderId: string | null | undefined): string {
  if (key?.trim()) return key.trim();
  if (orderId?.trim()) return `order:${orderId.trim()}`;
  throw invalid('key_required', 'Send an Idempotency-Key header or an orderId, so that a retry cannot redeem the code twice.', [{ path: 'orderId', message: 'is required without an Idempotency-Key header' }]);
}

/** Redeems (or reserves) a code for an order, exactly once per key. */
export async function redeemCode(db: Database, workspaceId: string, req: RedeemRequest, now: Date): Promise<RedeemResult> {
  orderProblems(req);
  const key = redemptionKey(req.key, req.orderId);
  const minutes = req.reserveMinutes ?? 15;
  if (req.reserve && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 24 * 60))
    throw invalid('invalid_reservation', 'A reservation lasts from 1 minute to 24 hours (1440 minutes).', [{ path: 'reserveMinutes', message: 'must be 1 to 1440' }]);
  const code = normalizeCode(req.code);
  const contactId = await findCustomer(db, workspaceId, req.customer);
  return db.transaction(async (tx) => {
    const before = await redemptionByKey(tx, workspaceId, key, true);
    if (before) {
      if (before.code !== code) throw conflict(`This key (${key}) was already used to redeem the code ${before.code}. Use a new key for another code.`, { redemptionId: before.id }, 'key_reused');
      if (before.state === 'redeemed' || (before.state === 'reserved' && req.reserve && before.reserved_until! > now)) return { ok: true, redemption: redemptionOf(before), duplicate: true };
      if (before.state === 'rolled_back') return { ok: false, reason: 'rolled_back', message: 'This redemption was rolled back (the order was cancelled). Send a new key to use the code again.' };
    }
    const row = await codeRow(tx, workspaceId, code, true);
    if (!row) return unknownCode(code);
    const campaign = await campaignRow(tx, row.campaign_id, true);
    const channel = row.channel ?? campaign.channel;
    const channelDetail = row.channel ? row.channel_detail : campaign.channelDetail;
    const state = req.reserve ? 'reserved' : 'redeemed';
    const reservedUntil = req.reserve ? new Date(now.getTime() + minutes * 60_000) : null;
    // A reservation confirmed in time keeps its place and its discount.
    if (before?.state === 'reserved' && before.reserved_until! > now && !req.reserve) {
      await tx.query(`update coupon_redemptions set state = 'redeemed', redeemed_at = $2, reserved_until = null, order_id = coalesce($3, order_id) where id = $1`, [before.id, now, req.orderId ?? null]);
      const redemption = redemptionOf((await redemptionByKey(tx, workspaceId, key, false))!);
      await redeemedEvent(tx, workspaceId, redemption, now);
      return { ok: true, redemption, duplicate: false };
    }
    // A new redemption, or a lapsed reservation tried again: the terms decide under the locks.
    const who = contactId ?? before?.contact_id ?? null;
    if (campaign.perContactLimit !== null && who === null) return customerRequired();
    const verdict = judge(campaign, row.contact_id, await usage(tx, campaign, row.id, who, now, before?.id ?? null), { amount: req.amount, currency: req.currency, contactId: who }, now);
    if (!verdict.ok) return verdict;
    const redeemedAt = state === 'redeemed' ? now : null;
    const orderId = req.orderId ?? before?.order_id ?? null;
    if (before) {
      await tx.query(
        `update coupon_redemptions set contact_id = $2, order_id = $3, order_minor = $4, currency = $5, discount_minor = $6, free_shipping = $7, state = $8, reserved_until = $9,
           channel = $10, channel_detail = $11, redeemed_at = $12, ended_at = null
         where id = $1`,
        [before.id, who, orderId, req.amount, req.currency, verdict.discount, verdict.freeShipping, state, reservedUntil, channel, channelDetail, redeemedAt],
      );
    } else {
      const inserted = await tx.query(
        `insert into coupon_redemptions (workspace_id, campaign_id, code_id, contact_id, order_id, order_minor, currency, discount_minor, free_shipping, state, reserved_until,
           idempotency_key, channel, channel_detail, created_at, redeemed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         on conflict (workspace_id, idempotency_key) do nothing returning id`,
        [workspaceId, row.campaign_id, row.id, who, orderId, req.amount, req.currency, verdict.discount, verdict.freeShipping, state, reservedUntil, key, channel, channelDetail, now, redeemedAt],
      );
      if (inserted.length === 0) throw conflict(`Another request with the key ${key} is being handled. Send it again to get its answer.`, undefined, 'key_in_use');
    }
    const redemption = redemptionOf((await redemptionByKey(tx, workspaceId, key, false))!);
    await redeemedEvent(tx, workspaceId, redemption, now);
    return { ok: true, redemption, duplicate: false };
  });
}

export interface RollbackRequest {
  redemptionId?: string | null;
  key?: string | null;
  orderId?: string | null;
}

/**
 * Rolls back the redemptions of a cancelled order (by redemption id, key or order id): each
 * frees its place in the limits. A reservation is released. Rolling back twice changes nothing.
 */
export async function rollbackRedemption(db: Database, workspaceId: string, req: RollbackRequest, now: Date): Promise<{ redemptions: Redemption[]; changed: number }> {
  if (!req.redemptionId && !req.key?.trim() && !req.orderId?.trim())
    throw invalid('redemption_required', 'Say which redemption to roll back: its redemptionId, the key it was redeemed with, or the orderId.', [{ path: 'orderId', message: 'give one of redemptionId, key or orderId' }]);
  return db.transaction(async (tx) => {
    const rows = await tx.query<RedemptionRow>(
      `${REDEMPTION_SELECT} where r.workspace_id = $1 and (r.id = $2::uuid or r.idempotency_key = $3 or r.order_id = $4) order by r.created_at for update of r`,
      [workspaceId, req.redemptionId && /^[0-9a-f-]{36}$/i.test(req.redemptionId) ? req.redemptionId : null, req.key?.trim() || null, req.orderId?.trim() || null],
    );
    if (rows.length === 0) throw notFound('A redemption with that id, key or order');
    let changed = 0;
    for (const r of rows) {
      if (r.state === 'rolled_back' || r.state === 'released') continue;
      const next = r.state === 'reserved' ? 'released' : 'rolled_back';
      await tx.query('update coupon_redemptions set state = $2, ended_at = $3 where id = $1', [r.id, next, now]);
      if (next === 'rolled_back' && r.contact_id) {
        await recordEvents(tx, workspaceId, 'coupons', [
          {
            name: 'coupon.rolled_back',
            contactId: r.contact_id,
            occurredAt: now,
            messageId: `coupon.rolled_back:${r.id}`,
            properties: { campaign_id: r.campaign_id, campaign_name: r.campaign_name, code: r.code, redemption_id: r.id, order_id: r.order_id },
          },
        ]);
      }
      r.state = next;
      changed++;
    }
    return { redemptions: rows.map(redemptionOf), changed };
  });
}

/** Marks reservations past their time as released (they stopped holding a place when their time passed). */
export async function releaseLapsed(db: SqlSession, now: Date): Promise<number> {
  const rows = await db.query("update coupon_redemptions set state = 'released', ended_at = reserved_until where state = 'reserved' and reserved_until <= $1 returning 1", [now]);
  return rows.length;
}
