// The coupon API as the web app sees it: the types of src/coupons/contract.ts (import type only:
// the contract holds zod; dates arrive as strings), the campaigns, one campaign (asked again
// every 2 seconds while codes are being generated), its codes page by page, a customer's
// codes, and the writes (a campaign, a batch of codes, a code tested).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  batchBody,
  batchResult,
  campaignBody,
  campaignDetailResult,
  campaignListResult,
  campaignResult,
  codesResult,
  contactCouponsResult,
  validateBody,
  validateResult,
} from '../../../src/coupons/contract.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type Campaign = z.input<typeof campaignResult>;
export type CampaignBody = z.input<typeof campaignBody>;
export type CampaignSummary = z.input<typeof campaignListResult>['campaigns'][number];
export type CampaignDetail = z.input<typeof campaignDetailResult>;
export type Batch = z.input<typeof batchResult>;
export type BatchBody = z.input<typeof batchBody>;
export type Redemption = CampaignDetail['redemptions'][number];
export type ChannelResult = CampaignDetail['byChannel'][number];
export type CodesPage = z.input<typeof codesResult>;
export type ContactCoupons = z.input<typeof contactCouponsResult>;
export type ValidateBody = z.input<typeof validateBody>;
export type ValidateResult = z.input<typeof validateResult>;
export type Channel = Campaign['channel'];
export type CampaignState = Campaign['state'];
export type Discount = CampaignBody['discount'];

export function useCampaignsQuery(enabled = true) {
  return useQuery({
    queryKey: useWorkspaceKey('coupons', 'campaigns'),
    queryFn: () => api.get<{ campaigns: CampaignSummary[] }>('/coupons/campaigns'),
    staleTime: 15_000,
    enabled,
  });
}

const generating = (d: CampaignDetail | undefined) => d?.batches.some((b) => b.state === 'running') ?? false;

export function useCampaignQuery(id: string) {
  return useQuery({
    queryKey: useWorkspaceKey('coupons', 'campaign', id),
    queryFn: () => api.get<CampaignDetail>(`/coupons/campaigns/${id}`),
    refetchInterval: (query) => (generating(query.state.data) ? 2_000 : false),
  });
}

export const CODES_PAGE = 100;

export function useCodesQuery(id: string, codes: number) {
  return useInfiniteQuery({
    // The number of codes in the key: codes generated meanwhile show.
    queryKey: [...useWorkspaceKey('coupons', 'campaign', id, 'codes'), String(codes)],
    queryFn: ({ pageParam }) => api.get<CodesPage>(`/coupons/campaigns/${id}/codes?limit=${CODES_PAGE}${pageParam ? `&after=${pageParam}` : ''}`),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next ?? undefined,
  });
}

export const codesCsvHref = (id: string) => `/api/v1/coupons/campaigns/${id}/codes.csv`;

export function useContactCouponsQuery(contactId: string) {
  return useQuery({ queryKey: useWorkspaceKey('coupons', 'contact', contactId), queryFn: () => api.get<ContactCoupons>(`/coupons/contacts/${contactId}`) });
}

/** A write of coupons; on success the coupon pages and the loyalty report (coupon results) are asked again. */
function useCouponWrite<I, O>(write: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  const coupons = useWorkspaceKey('coupons');
  const loyalty = useWorkspaceKey('loyalty');
  return useMutation({
    mutationFn: write,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: coupons });
      void queryClient.invalidateQueries({ queryKey: loyalty });
    },
  });
}

export const useSaveCampaign = () =>
  useCouponWrite(({ id, body }: { id: string | null; body: CampaignBody }) => (id ? api.put<Campaign>(`/coupons/campaigns/${id}`, body) : api.post<Campaign>('/coupons/campaigns', body)));

export const useGenerateCodes = (id: string) => useCouponWrite((body: BatchBody) => api.post<Batch>(`/coupons/campaigns/${id}/batches`, body));

export const useValidateCode = () => useMutation({ mutationFn: (body: ValidateBody) => api.post<ValidateResult>('/coupons/validate', body) });

/** A campaign as the body that saves it unchanged (a change of state, or the form's starting point). */
export function bodyOfCampaign(c: Campaign): CampaignBody {
  return {
    name: c.name,
    codeKind: c.codeKind,
    sharedCode: c.sharedCode,
    codeSpec: c.codeSpec,
    discount: c.discount,
    minOrder: c.minOrder,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    maxRedemptions: c.maxRedemptions,
    perContactLimit: c.perContactLimit,
    perCodeLimit: c.perCodeLimit,
    channel: c.channel,
    channelDetail: c.channelDetail,
    state: c.state,
  };
}
