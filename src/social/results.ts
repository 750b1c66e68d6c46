// What a post did, per network: its reach as the network counts it (likes, reposts, replies),
// clicks on its links through Rapport's redirect, the replies found in the stream, and the
// redemptions of the code it carried with their revenue, per currency (amounts in different
// currencies are never added). A per-post code traces redemptions to the post and network; a
// campaign's shared code cannot, and the page says so.
import type { AppContext } from '../server/context.ts';
import type { Network } from './networks/types.ts';
import { getPost, type Post } from './posts.ts';

export interface PostResults {
  post: Post;
  deliveries: {
    deliveryId: string;
    network: Network;
    handle: string;
    code: string | null;
    revenue: { currency: string; orders: number; discount: number; redemptions: number }[];
    clicks: number;
    replies: number;
  }[];
  sharedCode: boolean;
  /** Whether links go through Rapport's click counter: only with a public address (RAPPORT_PUBLIC_URL). */
  clicksCounted: boolean;
}

export async function postResults(ctx: AppContext, workspaceId: string, postId: string): Promise<PostResults> {
  const post = await getPost(ctx.db, workspaceId, postId);
  const sharedCode = post.coupon?.mode === 'shared';
  const rows = await ctx.db.query<{ id: string; clicks: number; replies: number; revenue: { currency: string; orders: string; discount: string; redemptions: number }[] }>(
    `select d.id, d.clicks,
       (select count(*)::int from social_mentions m where m.workspace_id = d.workspace_id and m.delivery_id = d.id) as replies,
       coalesce((select jsonb_agg(jsonb_build_object('currency', r.currency, 'orders', r.orders::text, 'discount', r.discount::text, 'redemptions', r.n) order by r.currency)
                 from (select currency, sum(order_minor) as orders, sum(discount_minor) as discount, count(*)::int as n
                       from coupon_redemptions where workspace_id = d.workspace_id and code_id = d.coupon_code_id and state = 'redeemed' and not $3
                       group by currency) r), '[]') as revenue
     from social_deliveries d where d.workspace_id = $1 and d.post_id = $2`,
    [workspaceId, postId, sharedCode],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    post,
    sharedCode,
    clicksCounted: Boolean(ctx.config.publicUrl),
    deliveries: post.deliveries.map((d) => {
      const r = byId.get(d.id);
      return {
        deliveryId: d.id,
        network: d.network,
        handle: d.handle,
        code: d.couponCode,
        revenue: (r?.revenue ?? []).map((m) => ({ currency: m.currency, orders: Number(m.orders), discount: Number(m.discount), redemptions: m.redemptions })),
        clicks: r?.clicks ?? 0,
        replies: r?.replies ?? 0,
      };
    }),
  };
}
