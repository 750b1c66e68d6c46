// The social API as the web app sees it: the types of src/social/contract.ts (import type only:
// the contract holds zod; dates arrive as strings), the queries (accounts, the stream page by
// page, its summary, the calendar's posts, one post, its check and its results, the feed's
// address) and the writes. Every write asks the social pages again.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  accountResult,
  authorizeResult,
  checkResult,
  connectBody,
  deliveryResult,
  feedResult,
  mentionResult,
  mentionsResult,
  postBody,
  postResult,
  postResultsResult,
  postsResult,
  streamResult,
  summaryResult,
} from '../../../src/social/contract.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type Account = z.input<typeof accountResult>;
export type Network = Account['network'];
export type Stream = z.input<typeof streamResult>;
export type ConnectBody = z.input<typeof connectBody>;
export type Authorize = z.input<typeof authorizeResult>;
export type Mention = z.input<typeof mentionResult>;
export type MentionsPage = z.input<typeof mentionsResult>;
export type Summary = z.input<typeof summaryResult>;
export type Post = z.input<typeof postResult>;
export type PostBody = z.input<typeof postBody>;
export type Delivery = z.input<typeof deliveryResult>;
export type PostsPage = z.input<typeof postsResult>;
export type Check = z.input<typeof checkResult>;
export type PostResults = z.input<typeof postResultsResult>;
export type Sentiment = NonNullable<Mention['sentiment']>;
export type CouponMode = NonNullable<Post['coupon']>['mode'];

export interface StreamFilter {
  network?: Network;
  sentiment?: Sentiment | 'unscored';
  q?: string;
  known?: boolean;
  kind?: 'mention' | 'reply' | 'hashtag' | 'keyword';
  /** Only replies to this post of the shop's. */
  postId?: string;
}

function filterParams(f: StreamFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.network) p.set('network', f.network);
  if (f.sentiment) p.set('sentiment', f.sentiment);
  if (f.q?.trim()) p.set('q', f.q.trim());
  if (f.known) p.set('known', 'true');
  if (f.kind) p.set('kind', f.kind);
  if (f.postId) p.set('postId', f.postId);
  return p;
}

export function useAccountsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('social', 'accounts'),
    queryFn: () => api.get<{ accounts: Account[] }>('/social/accounts'),
    staleTime: 15_000,
    // The streams' "last fetched" and the rate window move every minute.
    refetchInterval: 60_000,
  });
}

export const MENTIONS_PAGE = 30;

export function useMentionsQuery(filter: StreamFilter, options: { limit?: number; refetchInterval?: number | false } = {}) {
  const limit = options.limit ?? MENTIONS_PAGE;
  return useInfiniteQuery({
    queryKey: [...useWorkspaceKey('social', 'mentions'), JSON.stringify(filter), String(limit)],
    queryFn: ({ pageParam }) => {
      const params = filterParams(filter);
      params.set('limit', String(limit));
      if (pageParam) params.set('cursor', pageParam);
      return api.get<MentionsPage>(`/social/mentions?${params}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchInterval ?? 60_000,
  });
}

export function useSummaryQuery(filter: StreamFilter, days = 30) {
  return useQuery({
    queryKey: [...useWorkspaceKey('social', 'mentions', 'summary'), JSON.stringify(filter), String(days)],
    queryFn: () => {
      const params = filterParams(filter);
      params.set('days', String(days));
      return api.get<Summary>(`/social/mentions/summary?${params}`);
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/** The workspace's time zone (the calendar's and the schedule's): the summary carries it. */
export function useTimeZone(): string | null {
  const q = useQuery({
    queryKey: useWorkspaceKey('social', 'time-zone'),
    queryFn: async () => (await api.get<Summary>('/social/mentions/summary?days=1')).timeZone,
    staleTime: 5 * 60_000,
  });
  return q.data ?? (q.isError ? 'UTC' : null);
}

/** The calendar between two instants (ISO), and every draft. */
export function usePostsQuery(range: { from: string; to: string } | null) {
  return useQuery({
    queryKey: [...useWorkspaceKey('social', 'posts'), range?.from ?? '', range?.to ?? ''],
    queryFn: () => api.get<PostsPage>(`/social/posts?${new URLSearchParams(range!)}`),
    enabled: range !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

const busy = (p: Post | undefined) => p?.deliveries.some((d) => d.state === 'publishing' || (d.state === 'scheduled' && new Date(d.dueAt).getTime() <= Date.now() + 60_000)) ?? false;

export function usePostQuery(id: string | null) {
  return useQuery({
    queryKey: useWorkspaceKey('social', 'posts', 'one', id ?? ''),
    queryFn: () => api.get<Post>(`/social/posts/${id}`),
    enabled: id !== null,
  });
}

/** A post with what it did; asked again every few seconds while it is being published. */
export function usePostResultsQuery(id: string) {
  return useQuery({
    queryKey: useWorkspaceKey('social', 'posts', 'one', id, 'results'),
    queryFn: () => api.get<PostResults>(`/social/posts/${id}/results`),
    refetchInterval: (query) => (busy(query.state.data?.post) ? 3_000 : 60_000),
  });
}

/** The post's length as each chosen account's network counts it (`version` moves on with every save). */
export function useCheckQuery(id: string | null, version: number) {
  return useQuery({
    queryKey: [...useWorkspaceKey('social', 'check', id ?? ''), String(version)],
    queryFn: () => api.get<Check>(`/social/posts/${id}/check`),
    enabled: id !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

export function useFeedQuery(enabled: boolean) {
  return useQuery({ queryKey: useWorkspaceKey('social', 'feed'), queryFn: () => api.get<z.input<typeof feedResult>>('/social/calendar/feed'), enabled, staleTime: Infinity });
}

export const imageUrl = (postId: string, imageId: string) => `/api/v1/social/posts/${postId}/images/${imageId}`;

/** A write; on success the social pages are asked again (and the contacts', whose handles and timelines a link changes). */
export function useSocialWrite<I, O>(write: (input: I) => Promise<O>, alsoContacts = false) {
  const queryClient = useQueryClient();
  const social = useWorkspaceKey('social');
  const contacts = useWorkspaceKey('contacts');
  return useMutation({
    mutationFn: write,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: social });
      if (alsoContacts) void queryClient.invalidateQueries({ queryKey: contacts });
    },
  });
}

export const useConnect = () => useSocialWrite((body: ConnectBody) => api.post<Account>('/social/accounts', body));
export const useAuthorizeMastodon = () => useMutation({ mutationFn: (serverUrl: string) => api.post<Authorize>('/social/mastodon/authorize', { serverUrl }) });
export const useFinishMastodon = () => useSocialWrite((body: { serverUrl: string; code: string; redirectUri: string }) => api.post<Account>('/social/mastodon/connect', body));
export const useDisconnect = () => useSocialWrite((id: string) => api.delete(`/social/accounts/${id}`));
export const useAddStream = () => useSocialWrite((body: { accountId: string; kind: 'hashtag' | 'keyword'; query: string }) => api.post<Stream>('/social/streams', body));
export const useRemoveStream = () => useSocialWrite((id: string) => api.delete(`/social/streams/${id}`));
export const useFetchNow = () => useSocialWrite(() => api.post<{ streams: number; found: number; stored: number; matched: number; failed: number }>('/social/streams/fetch'), true);
export const useLinkMention = () => useSocialWrite(({ id, contactId }: { id: string; contactId: string | null }) => api.put(`/social/mentions/${id}/contact`, { contactId }), true);
export const useReply = () => useSocialWrite(({ id, text }: { id: string; text: string }) => api.post<Post>(`/social/mentions/${id}/reply`, { text }));
export const useSchedule = () => useSocialWrite(({ id, at }: { id: string; at: string | null }) => api.post<Post>(`/social/posts/${id}/schedule`, { at }));
export const useUnschedule = () => useSocialWrite((id: string) => api.post<Post>(`/social/posts/${id}/unschedule`));
export const useMove = () => useSocialWrite(({ id, at }: { id: string; at: string }) => api.post<Post>(`/social/posts/${id}/move`, { at }));
export const usePublishNow = () => useSocialWrite((id: string) => api.post<Post>(`/social/posts/${id}/publish`));
export const useRetry = () => useSocialWrite((deliveryId: string) => api.post(`/social/deliveries/${deliveryId}/retry`));
export const useDeletePost = () => useSocialWrite((id: string) => api.delete(`/social/posts/${id}`));

/** Adds an image (and its alt text) to a draft. */
export function addImage(postId: string, file: File, alt: string): Promise<Post> {
  const form = new FormData();
  form.append('alt', alt);
  form.append('file', file, file.name);
  return api.post<Post>(`/social/posts/${postId}/images`, form);
}
