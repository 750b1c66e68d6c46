// The segments API as the web app sees it: types from the server's contract (dates arrive as
// strings) and the queries the pages share. The definition's types and its editors are in
// web/src/conditions/; its words (operators, labels, metrics) in src/segments/vocabulary.ts.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { contactMemberships, previewResult, segmentList, segmentSummary, segmentTemplate } from '../../../src/segments/contract.ts';
import type { Catalog, SegmentDefinition } from '../conditions/model.ts';
import type { ContactPage } from '../contacts/model.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type Segment = z.input<typeof segmentSummary>;
export type ContactMemberships = z.input<typeof contactMemberships>;
export type SegmentList = z.input<typeof segmentList>;
export type Template = z.input<typeof segmentTemplate>;
export type Preview = z.input<typeof previewResult>;
export type SegmentKind = Segment['kind'];

// ---- Queries ---------------------------------------------------------------------------

/** How long to wait for a recomputation before showing the size as it is. */
const RECOMPUTE_WAIT = 120_000;

/**
 * Whether a segment's members are being computed: its first computation, or (with `since`,
 * the time a new definition was saved) a recomputation not finished yet.
 */
export const isCalculating = (s: Segment, since?: string) =>
  s.kind === 'segment' && (s.evaluatedAt === null || (since !== undefined && Date.parse(s.evaluatedAt) < Date.parse(since) && Date.now() - Date.parse(since) < RECOMPUTE_WAIT));

const calculating = (s: Segment) => isCalculating(s);

export function useSegmentsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('segments', 'list'),
    queryFn: () => api.get<SegmentList>('/segments'),
    // A new or changed segment is computed in the background: ask again until it is done.
    refetchInterval: (query) => (query.state.data?.items.some(calculating) ? 1_500 : false),
  });
}

export function useSegmentQuery(id: string, recomputeSince?: string) {
  return useQuery({
    queryKey: useWorkspaceKey('segments', 'one', id),
    queryFn: () => api.get<Segment>(`/segments/${id}`),
    refetchInterval: (query) => (query.state.data && isCalculating(query.state.data, recomputeSince) ? 1_500 : false),
  });
}

export function useCatalogQuery() {
  return useQuery({ queryKey: useWorkspaceKey('segments', 'catalog'), queryFn: () => api.get<Catalog>('/segments/catalog'), staleTime: 30_000 });
}

export function useTemplatesQuery(enabled = true) {
  return useQuery({
    queryKey: useWorkspaceKey('segments', 'templates'),
    queryFn: () => api.get<{ items: Template[] }>('/segments/templates'),
    staleTime: 60_000,
    enabled,
  });
}

/** Members, newest contacts first; `version` changes when the membership may have. */
export function useMembersQuery(id: string, version: string) {
  const key = useWorkspaceKey('segments', 'one', id, 'members');
  return useInfiniteQuery({
    queryKey: [...key, version],
    queryFn: ({ pageParam }) => api.get<ContactPage>(`/segments/${id}/members?limit=50${pageParam ? `&after=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The rows stay while a new version loads, but never another segment's rows.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[4] === id ? previous : undefined),
  });
}

export function usePreviewQuery(definition: SegmentDefinition | null) {
  const json = definition ? JSON.stringify(definition) : '';
  return useQuery({
    queryKey: [...useWorkspaceKey('segments', 'preview'), json],
    queryFn: () => api.post<Preview>('/segments/preview', { definition }),
    enabled: definition !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
