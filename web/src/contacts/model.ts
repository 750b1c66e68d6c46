// The contacts API as the web app sees it: types from the server's contracts (dates arrive as
// strings), the fields one can filter and sort on, and the queries the pages share.
import { keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { contactFilter, contactPage } from '../../../src/contact-list/contract.ts';
import type {
  changesPage,
  consentHistory,
  contact,
  contactDetail,
  eventNameCount,
  eventsPage,
  gdprExport,
  propertyDefinition,
  timelineEvent,
} from '../../../src/contacts/contract.ts';
import { BUILT_IN_FIELDS as BUILT_IN, EMAIL_STATUS_LABELS, type EmailStatus, LIFECYCLE_LABELS, type LifecycleStage, SCORE_FIELDS } from '../../../src/contacts/fields.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type Contact = z.input<typeof contact>;
/** One contact as its page gets it: with the summary of their orders. */
export type ContactDetail = z.input<typeof contactDetail>;
export type PurchaseSummary = ContactDetail['purchases'];
export type ConsentChange = z.input<typeof consentHistory>['items'][number];
export type ContactPage = z.input<typeof contactPage>;
/** A contact of the list: with their retention scores when they were asked for. */
export type ListedContact = ContactPage['items'][number];
export type PropertyDefinition = z.input<typeof propertyDefinition>;
export type ContactFilter = z.input<typeof contactFilter>;
export type FilterOp = ContactFilter['op'];
export type TimelineEvent = z.input<typeof timelineEvent>;
export type EventsPage = z.input<typeof eventsPage>;
export type EventNameCount = z.input<typeof eventNameCount>;
export type ChangesPage = z.input<typeof changesPage>;
export type ContactChange = ChangesPage['items'][number];
export type GdprExport = z.input<typeof gdprExport>;
export type FieldType = PropertyDefinition['type'];
export type PropertyValue = Contact['properties'][string];

export { EMAIL_STATUS_LABELS, LIFECYCLE_LABELS };
export const LIFECYCLE_COLORS: Record<LifecycleStage, string> = {
  subscriber: 'gray',
  lead: 'cyan',
  opportunity: 'violet',
  customer: 'teal',
  evangelist: 'grape',
  churned: 'orange',
  other: 'gray',
};
export const EMAIL_STATUS_COLORS: Record<EmailStatus, string> = {
  subscribed: 'green',
  not_subscribed: 'gray',
  unsubscribed: 'yellow',
  bounced: 'red',
  complained: 'red',
};
export const TYPE_LABELS: Record<FieldType, string> = { string: 'Text', number: 'Number', boolean: 'Yes/no', date: 'Date', enum: 'Choice', country: 'Country' };

/** A field of a contact as the table, the filters and the sort see it. */
export interface FieldInfo {
  /** "email", "created_at" or "properties.<key>": what the API takes. */
  id: string;
  label: string;
  type: FieldType;
  options?: readonly string[];
  /** The option labels of built-in choices (lifecycle stage, email status). */
  optionLabels?: Record<string, string>;
  builtIn: boolean;
  /** The operators it takes, when not those of its type (membership: is / is not). */
  ops?: readonly FilterOp[];
  /** Filters only (membership), not a column. */
  filterOnly?: boolean;
  /** A column only (a predicted amount, in each contact's own currency): not a filter, not a sort. */
  columnOnly?: boolean;
  /** A score of the retention models ("scores.p_alive"), and how its value reads. */
  score?: 'chance' | 'orders' | 'whole' | 'money';
  /** What it is, in a sentence (scores). */
  description?: string;
}

/** "Segment or list is / is not …": a filter on stored membership, offered with the others. */
export function membershipField(segments: { id: string; name: string; kind: string }[] | undefined): FieldInfo {
  const sorted = [...(segments ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: 'segment',
    label: 'Segment or list',
    type: 'enum',
    options: sorted.map((s) => s.id),
    optionLabels: Object.fromEntries(sorted.map((s) => [s.id, `${s.name} (${s.kind})`])),
    builtIn: false,
    ops: ['eq', 'neq'],
    filterOnly: true,
  };
}

/** The built-in fields (src/contacts/fields.ts), as the table, the filters and the sort see them. */
export const BUILT_IN_FIELDS: FieldInfo[] = Object.entries(BUILT_IN).map(([id, f]) => ({ id, ...f, builtIn: true }));

const SCORE_FORMATS: Record<string, FieldInfo['score']> = { 'scores.p_alive': 'chance', 'scores.expected_purchases_90': 'orders' };

/**
 * The scores of the retention models (src/contacts/fields.ts), as columns, sorts and filters;
 * and the predicted lifetime value, a column only (an amount in each contact's own currency).
 */
export const SCORE_FIELD_INFOS: FieldInfo[] = [
  ...Object.entries(SCORE_FIELDS).map(([id, f]) => ({ id, label: f.label, type: f.type, description: f.description, builtIn: false, score: SCORE_FORMATS[id] ?? 'whole' })),
  {
    id: 'scores.clv',
    label: 'Lifetime value (predicted)',
    type: 'number',
    description: 'What the customer is expected to spend over the coming months (12 unless set otherwise in Retention settings), in the currency most of their orders are in.',
    builtIn: false,
    score: 'money',
    columnOnly: true,
  },
];

export const isScore = (f: FieldInfo) => f.score !== undefined;

export function allFields(defs: PropertyDefinition[] | undefined): FieldInfo[] {
  return [
    ...BUILT_IN_FIELDS,
    ...SCORE_FIELD_INFOS,
    ...(defs ?? []).map((d) => ({ id: `properties.${d.key}`, label: d.label, type: d.type, options: d.options, builtIn: false })),
  ];
}

/** A contact's value of a field, as stored (a score: when the list brought the scores). */
export function valueOf(c: ListedContact, fieldId: string): PropertyValue | null {
  if (fieldId.startsWith('properties.')) return c.properties[fieldId.slice('properties.'.length)] ?? null;
  if (fieldId.startsWith('scores.')) return scoreOf(c, fieldId);
  const camel = fieldId.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()) as keyof Contact;
  const v = c[camel];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

function scoreOf(c: ListedContact, fieldId: string): number | null {
  const s = c.scores;
  if (!s) return null;
  switch (fieldId) {
    case 'scores.p_alive':
      return s.pAlive;
    case 'scores.expected_purchases_90':
      return s.expectedPurchases90;
    case 'scores.health':
      return s.health;
    case 'scores.rfm_recency':
      return s.rfm.recency;
    case 'scores.rfm_frequency':
      return s.rfm.frequency;
    case 'scores.rfm_monetary':
      return s.rfm.monetary;
    case 'scores.clv':
      return s.clv;
    default:
      return null;
  }
}

export function displayName(c: Pick<Contact, 'firstName' | 'lastName' | 'email' | 'externalId' | 'phone'>): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.email || c.phone || c.externalId || 'Unnamed contact';
}

// ---- Queries ---------------------------------------------------------------------------

export function usePropertiesQuery() {
  return useQuery({ queryKey: useWorkspaceKey('properties'), queryFn: () => api.get<PropertyDefinition[]>('/properties'), staleTime: 30_000 });
}

export interface ListState {
  q: string;
  filters: ContactFilter[];
  sort: string;
  order: 'asc' | 'desc';
}

/** The query string of a list (also the export's): the same search, filters and sort. */
export function listParams(state: ListState, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  if (state.filters.length > 0) params.set('filters', JSON.stringify(state.filters));
  params.set('sort', state.sort);
  params.set('order', state.order);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** The list's pages; `scores`: each contact with their retention scores (when a score column is shown). */
export function useContactsQuery(state: ListState, scores = false) {
  const key = useWorkspaceKey('contacts', 'list');
  return useInfiniteQuery({
    queryKey: [...key, state, scores],
    queryFn: ({ pageParam }) =>
      api.get<ContactPage>(`/contacts?${listParams(state, { limit: '50', ...(scores ? { scores: 'true' } : {}), ...(pageParam ? { after: pageParam } : {}) })}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While a new search loads, the old rows stay (dimmed) instead of flashing empty; never
    // another workspace's rows after a switch.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === key[1] ? keepPreviousData(previous) : undefined),
  });
}

export function contactQuery(key: string[], id: string) {
  return queryOptions({ queryKey: [...key, id], queryFn: () => api.get<ContactDetail>(`/contacts/${id}`) });
}

export function useContactQuery(id: string) {
  return useQuery(contactQuery(useWorkspaceKey('contacts', 'one'), id));
}

/** Every change of the contact's email consent, newest first. */
export function useConsentQuery(id: string) {
  return useQuery({
    queryKey: useWorkspaceKey('contacts', 'one', id, 'consent'),
    queryFn: async () => (await api.get<z.input<typeof consentHistory>>(`/contacts/${id}/consent`)).items,
  });
}

export function useEventsQuery(id: string, name: string | null) {
  return useInfiniteQuery({
    queryKey: [...useWorkspaceKey('contacts', 'one', id, 'events'), name ?? ''],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '30' });
      if (pageParam) params.set('before', pageParam);
      if (name) params.set('name', name);
      return api.get<EventsPage>(`/contacts/${id}/events?${params}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useEventNamesQuery(id: string) {
  return useQuery({ queryKey: useWorkspaceKey('contacts', 'one', id, 'event-names'), queryFn: () => api.get<EventNameCount[]>(`/contacts/${id}/event-names`) });
}

export function useChangesQuery(id: string) {
  return useInfiniteQuery({
    queryKey: useWorkspaceKey('contacts', 'one', id, 'changes'),
    queryFn: ({ pageParam }) => api.get<ChangesPage>(`/contacts/${id}/changes?limit=50${pageParam ? `&before=${pageParam}` : ''}`),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
