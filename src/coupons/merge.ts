// What a template reads under {{ coupon.* }}: the latest code issued to the contact (by a
// reward, a workflow step or by hand), so the email after an "issue a coupon" step can show it.
import type { SqlSession } from '../db/client.ts';
import { discountText } from './results.ts';

export async function couponMergeData(db: SqlSession, workspaceId: string, contactIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const rows = await db.query<{ contact_id: string; code: string; name: string; discount_kind: string; percent_bp: number | null; amount_minor: string | null; currency: string | null; ends_at: Date | null }>(
    `select distinct on (k.contact_id) k.contact_id, k.code, c.name, c.discount_kind, c.percent_bp, c.amount_minor, c.currency, c.ends_at
     from coupon_codes k join coupon_campaigns c on c.id = k.campaign_id
     where k.workspace_id = $1 and k.contact_id = any($2::uuid[])
     order by k.contact_id, k.created_at desc, k.id desc`,
    [workspaceId, contactIds],
  );
  return new Map(
    rows.map((r) => [
      r.contact_id,
      {
        code: r.code,
        campaign: r.name,
        discount: discountText(r.discount_kind, r.percent_bp, r.amount_minor === null ? null : Number(r.amount_minor), r.currency),
        ends_on: r.ends_at ? r.ends_at.toISOString().slice(0, 10) : '',
      },
    ]),
  );
}
