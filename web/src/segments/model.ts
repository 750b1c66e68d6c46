// The segments API as the web app sees it: types from the server's contract and definition
// schema (dates arrive as strings), copies of the definition's operator tables, and the
// queries the pages share.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  contactMemberships,
  previewResult,
  segmentCatalog,
  segmentList,
  segmentSummary,
  segmentTemplate,
} from '../../../src/segments/contract.ts';
import type {
  AGGREGATE_OPS as ServerAggregateOps,
  COUNT_OPS as ServerCountOps,
  EVENT_FILTER_OPS_FOR_TYPE as ServerEventFilterOps,
  EventCondition,
  EventFilter,
  EventMeasure,
  EventWindow,
  FIELD_OP_LABELS as ServerFieldOpLabels,
  FieldCondition,
  FieldOp,
  Group,
  GroupOp,
  MAX_CONDITIONS as ServerMaxConditions,
  MAX_DEPTH as ServerMaxDepth,
  MembershipCondition,
  OPS_FOR_TYPE as ServerOpsForType,
  PURCHASE_METRIC_LABELS as ServerPurchaseMetricLabels,
  PURCHASE_METRICS as ServerPurchaseMetrics,
  PURCHASE_OPS as ServerPurchaseOps,
  PurchaseCondition,
  PurchaseMetric,
  SegmentDefinition,
  SegmentNode,
  segmentDefinition,
  segmentNode,
  TIME_OPS as ServerTimeOps,
  ValueType,
} from '../../../src/segments/definition.ts';
import type { ContactPage } from '../contacts/model.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type Segment = z.input<typeof segmentSummary>;
export type ContactMemberships = z.input<typeof contactMemberships>;
export type SegmentList = z.input<typeof segmentList>;
export type Catalog = z.input<typeof segmentCatalog>;
export type CatalogField = Catalog['fields'][number];
export type CatalogEvent = Catalog['events'][number];
export type Template = z.input<typeof segmentTemplate>;
export type Preview = z.input<typeof previewResult>;
export type SegmentKind = Segment['kind'];
export type {
  EventCondition,
  EventFilter,
  EventMeasure,
  EventWindow,
  FieldCondition,
  FieldOp,
  Group,
  GroupOp,
  MembershipCondition,
  PurchaseCondition,
  PurchaseMetric,
  SegmentDefinition,
  SegmentNode,
  ValueType,
};
export type EventPropertyType = EventFilter['type'];
/** A definition as the API sends it (the server fills in defaults; the type leaves them optional). */
export type SegmentNodeInput = z.input<typeof segmentNode>;
export type DefinitionInput = z.input<typeof segmentDefinition>;
export type CountOp = (typeof ServerCountOps)[number];
export type AggregateOp = (typeof ServerAggregateOps)[number];
export type TimeOp = (typeof ServerTimeOps)[number];

// Copies of the server's tables, typed as exactly equal to them, so that the page bundle does
// not carry zod (definition.ts imports it) and the compiler says when the two disagree.
export const MAX_DEPTH: typeof ServerMaxDepth = 6;
export const MAX_CONDITIONS: typeof ServerMaxConditions = 60;
export const OPS_FOR_TYPE: typeof ServerOpsForType = {
  string: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  enum: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  country: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'anniversary_within_days', 'is_set', 'is_not_set'],
};
export const FIELD_OP_LABELS: typeof ServerFieldOpLabels = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  in: 'is any of',
  not_in: 'is none of',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  before: 'is before',
  after: 'is after',
  within_last_days: 'is within the last … days',
  more_than_days_ago: 'is more than … days ago',
  anniversary_within_days: 'has its anniversary within the next … days',
  is_set: 'has any value',
  is_not_set: 'is empty',
};
export const EVENT_FILTER_OPS_FOR_TYPE: typeof ServerEventFilterOps = {
  string: ['eq', 'neq', 'contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
};
export const COUNT_OPS: typeof ServerCountOps = ['gte', 'lte', 'eq', 'gt', 'lt'];
export const AGGREGATE_OPS: typeof ServerAggregateOps = ['gt', 'gte', 'lt', 'lte', 'eq', 'between'];
export const TIME_OPS: typeof ServerTimeOps = ['before', 'after', 'within_last_days', 'more_than_days_ago'];

export const PURCHASE_METRICS: typeof ServerPurchaseMetrics = ['orders', 'refunds', 'items', 'spent', 'refunded', 'net_spent', 'average_order', 'first_order', 'last_order'];
export const PURCHASE_METRIC_LABELS: typeof ServerPurchaseMetricLabels = {
  orders: 'Number of orders',
  refunds: 'Number of refunds',
  items: 'Items bought',
  spent: 'Total spent',
  refunded: 'Total refunded',
  net_spent: 'Total spent after refunds',
  average_order: 'Average order value',
  first_order: 'First order',
  last_order: 'Last order',
};
export const PURCHASE_OPS: typeof ServerPurchaseOps = {
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'is_set', 'is_not_set'],
};
/** Amounts, in minor units of the currency the condition names. */
export const MONEY_METRICS = new Set<PurchaseMetric>(['spent', 'refunded', 'net_spent', 'average_order']);
export const purchaseMetricType = (m: PurchaseMetric): 'number' | 'date' => (m === 'first_order' || m === 'last_order' ? 'date' : 'number');

export const GROUP_OP_LABELS: Record<GroupOp, string> = { and: 'all of', or: 'any of', not: 'none of' };

/** Operators whose value is a number of days. */
export const DAYS_OPS = new Set<FieldOp>(['within_last_days', 'more_than_days_ago', 'anniversary_within_days']);
/** Operators that take no value. */
export const NO_VALUE_OPS = new Set<FieldOp>(['is_set', 'is_not_set']);

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
