// What a campaign has done: its codes, its batches, its redemptions, and results by the
// channel each code was shared through (per currency: amounts in different currencies are never
// added). Read by the campaign page and the coupon report.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { SqlSession } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { csvWriter } from '../shared/csv-writer.ts';
import { formatMoney } from '../shared/money.ts';
import { type Campaign, campaignById } from './campaigns.ts';
import { type Batch, batchesOf } from './issue.ts';
import { REDEMPTION_SELECT, type Redemption, redemptionOf } from './redeem.ts';

export interface ChannelResult {
  channel: string;
  channelDetail: string | null;
  currency: string;
  redemptions: number;
  /** The orders' amounts before the discounts, minor units. */
  orders: number;
  discount: number;
}

export async function resultsByChannel(db: SqlSession, workspaceId: string, campaignId: string | null): Promise<(ChannelResult & { campaignId: string; campaignName: string })[]> {
  const rows = await db.query<{ campaign_id: string; campaign_name: string; channel: string; channel_detail: string | null; currency: string; n: string; orders: string; discount: string }>(
    `select r.campaign_id, c.name as campaign_name, r.channel, r.channel_detail, r.currency, count(*) as n, sum(r.order_minor) as orders, sum(r.discount_minor) as discount
     from coupon_redemptions r join coupon_campaigns c on c.id = r.campaign_id
     where r.workspace_id = $1 and r.state = 'redeemed' and ($2::uuid is null or r.campaign_id = $2)
     group by 1, 2, 3, 4, 5 order by count(*) desc, 1, 3, 5`,
    [workspaceId, campaignId],
  );
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    channel: r.channel,
    channelDetail: r.channel_detail,
    currency: r.currency,
    redemptions: Number(r.n),
    orders: Number(r.orders),
    discount: Number(r.discount),
  }));
}

export async function redemptionsOf(db: SqlSession, workspaceId: string, filter: { campaignId?: string; contactId?: string; limit: number }): Promise<Redemption[]> {
  const rows = await db.query<Parameters<typeof redemptionOf>[0]>(
    `${REDEMPTION_SELECT} where r.workspace_id = $1 and ($2::uuid is null or r.campaign_id = $2) and ($3::uuid is null or r.contact_id = $3) order by r.created_at desc, r.id desc limit $4`,
    [workspaceId, filter.campaignId ?? null, filter.contactId ?? null, filter.limit],
  );
  return rows.map(redemptionOf);
}

export interface CampaignDetail {
  campaign: Campaign;
  codes: number;
  issued: number;
  batches: Batch[];
  byChannel: ChannelResult[];
  redemptions: Redemption[];
}

export async function campaignDetail(db: SqlSession, workspaceId: string, id: string): Promise<CampaignDetail> {
  const campaign = await campaignById(db, workspaceId, id);
  if (!campaign) throw notFound('The coupon campaign');
  const [counts] = await db.query<{ codes: string; issued: string }>('select count(*) as codes, count(contact_id) as issued from coupon_codes where campaign_id = $1', [id]);
  const [batches, byChannel, redemptions] = [await batchesOf(db, workspaceId, id), await resultsByChannel(db, workspaceId, id), await redemptionsOf(db, workspaceId, { campaignId: id, limit: 50 })];
  return { campaign, codes: Number(counts!.codes), issued: Number(counts!.issued), batches, byChannel, redemptions };
}

export interface CodeListItem {
  id: number;
  code: string;
  contactId: string | null;
  channel: string;
  redemptions: number;
  createdAt: Date;
}

const CODE_SELECT = `select k.id, k.code, k.contact_id as "contactId", coalesce(k.channel, c.channel) as channel, k.created_at as "createdAt",
    (select count(*)::int from coupon_redemptions r where r.code_id = k.id and r.state = 'redeemed') as redemptions
  from coupon_codes k join coupon_campaigns c on c.id = k.campaign_id`;

/** A page of a campaign's codes, oldest first, after the code id `after`. */
export async function codesPage(db: SqlSession, workspaceId: string, campaignId: string, after: number, limit: number): Promise<{ codes: CodeListItem[]; next: number | null }> {
  const rows = await db.query<CodeListItem & { id: string }>(`${CODE_SELECT} where k.workspace_id = $1 and k.campaign_id = $2 and k.id > $3 order by k.id limit $4`, [
    workspaceId,
    campaignId,
    after,
    limit + 1,
  ]);
  const codes = rows.slice(0, limit).map((r) => ({ ...r, id: Number(r.id) }));
  return { codes, next: rows.length > limit ? codes[codes.length - 1]!.id : null };
}

/** Every code of a campaign as CSV, streamed in pages (a million codes never sit in memory at once). */
export async function codesCsv(db: SqlSession, workspaceId: string, campaignId: string): Promise<Readable> {
  if (!(await campaignById(db, workspaceId, campaignId))) throw notFound('The coupon campaign');
  async function* rows(): AsyncGenerator<(string | number)[]> {
    let after = 0;
    for (;;) {
      const page = await db.query<{ id: string; code: string; contact_id: string | null; email: string | null; channel: string; created_at: Date; batch_id: string | null }>(
        `select k.id, k.code, k.contact_id, ct.email, coalesce(k.channel, c.channel) as channel, k.created_at, k.batch_id
         from coupon_codes k join coupon_campaigns c on c.id = k.campaign_id left join contacts ct on ct.workspace_id = k.workspace_id and ct.id = k.contact_id
         where k.workspace_id = $1 and k.campaign_id = $2 and k.id > $3 order by k.id limit 10000`,
        [workspaceId, campaignId, after],
      );
      if (page.length === 0) return;
      for (const r of page) yield [r.code, r.email ?? '', r.channel, r.created_at.toISOString(), r.batch_id ?? ''];
      after = Number(page[page.length - 1]!.id);
    }
  }
  return pipeline(Readable.from(rows()), csvWriter({ columns: ['Code', 'Issued to', 'Channel', 'Created', 'Batch'], bom: true }), () => {
    // A failure mid-stream ends the response; the status was sent long before.
  });
}

/** The codes issued to a customer (newest first), each with whether it was used. */
export async function codesOfContact(db: SqlSession, workspaceId: string, contactId: string): Promise<{ code: string; campaignId: string; campaignName: string; discount: string; createdAt: Date; redeemed: boolean }[]> {
  const rows = await db.query<{ code: string; campaign_id: string; campaign_name: string; discount_kind: string; percent_bp: number | null; amount_minor: string | null; currency: string | null; created_at: Date; redeemed: boolean }>(
    `select k.code, k.campaign_id, c.name as campaign_name, c.discount_kind, c.percent_bp, c.amount_minor, c.currency, k.created_at,
            exists (select 1 from coupon_redemptions r where r.code_id = k.id and r.state = 'redeemed' and (r.contact_id = $2 or r.contact_id is null)) as redeemed
     from coupon_codes k join coupon_campaigns c on c.id = k.campaign_id
     where k.workspace_id = $1 and k.contact_id = $2 order by k.created_at desc, k.id desc limit 200`,
    [workspaceId, contactId],
  );
  return rows.map((r) => ({
    code: r.code,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    discount: discountText(r.discount_kind, r.percent_bp, r.amount_minor === null ? null : Number(r.amount_minor), r.currency),
    createdAt: r.created_at,
    redeemed: r.redeemed,
  }));
}

/** "15% off", "€5.00 off", "Free shipping". */
export function discountText(kind: string, bp: number | null, amount: number | null, currency: string | null): string {
  if (kind === 'percent') return `${(bp ?? 0) / 100}% off`;
  if (kind === 'fixed' && amount !== null && currency) return `${formatMoney(amount, currency, 'en-GB')} off`;
  return 'Free shipping';
}
