// The email API as the web app sees it: types from the server's contracts (dates arrive as
// strings), labels and colours of the states, and the queries the email pages share.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  audienceEstimate,
  broadcast,
  broadcastBody,
  broadcastReport,
  broadcastState,
  topic,
  topicBody,
} from '../../../src/messaging/broadcast-contract.ts';
import type {
  emailSettings,
  emailSettingsBody,
  emailTemplate,
  messageDetail,
  messageSummary,
  renderedMessage,
  snippet,
  starterTemplate,
  templateBody,
  testSendResult,
  workspaceEmailLimits,
} from '../../../src/messaging/contract.ts';
import type { ContactPage } from '../contacts/model.ts';
import { ApiError, api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type EmailTemplate = z.input<typeof emailTemplate>;
export type TemplateBody = z.input<typeof templateBody>;
export type Starter = z.input<typeof starterTemplate>;
export type Rendered = z.input<typeof renderedMessage>;
export type Snippet = z.input<typeof snippet>;
export type EmailSettings = z.input<typeof emailSettings>;
export type EmailSettingsBody = z.input<typeof emailSettingsBody>;
/** The workspace's marketing email limits: cap a day and a week, quiet hours, control group. */
export type EmailLimits = z.input<typeof workspaceEmailLimits>;
export type TestSendResult = z.input<typeof testSendResult>;
export type MessageSummary = z.input<typeof messageSummary>;
export type MessageDetail = z.input<typeof messageDetail>;
export type Broadcast = z.input<typeof broadcast>;
export type AudienceEstimate = z.input<typeof audienceEstimate>;
export type BroadcastBody = z.input<typeof broadcastBody>;
export type BroadcastState = z.input<typeof broadcastState>;
export type BroadcastReport = z.input<typeof broadcastReport>;
export type Topic = z.input<typeof topic>;
export type TopicBody = z.input<typeof topicBody>;

/** The parts of a template whose save errors carry a line and column. */
export type TemplatePart = 'subject' | 'preheader' | 'body';
export interface TemplateIssue {
  part: TemplatePart;
  line: number;
  column: number;
  message: string;
}

export const BROADCAST_STATE_LABELS: Record<BroadcastState, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
};
export const BROADCAST_STATE_COLORS: Record<BroadcastState, string> = {
  draft: 'gray',
  scheduled: 'violet',
  sending: 'blue',
  sent: 'teal',
  cancelled: 'orange',
};
export { MESSAGE_STATES } from '../../../src/messaging/message-states.ts';

/** Message states (email_messages.state); unknown ones show as they are. */
export const MESSAGE_STATE_COLORS: Record<string, string> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'teal',
  failed: 'red',
  bounced: 'orange',
  suppressed: 'yellow',
  cancelled: 'gray',
};

export const isEditable = (b: Pick<Broadcast, 'state'>) => b.state === 'draft' || b.state === 'scheduled';

/** A list answer, whether the route sends a bare array or `{ items }`. */
const itemsOf = <T>(data: T[] | { items: T[] }): T[] => (Array.isArray(data) ? data : data.items);

// ---- Queries ---------------------------------------------------------------------------

export function useTemplatesQuery() {
  return useQuery({ queryKey: useWorkspaceKey('email', 'templates'), queryFn: () => api.get<EmailTemplate[]>('/email/templates') });
}

export function useTemplateQuery(id: string) {
  return useQuery({ queryKey: useWorkspaceKey('email', 'templates', id), queryFn: () => api.get<EmailTemplate>(`/email/templates/${id}`) });
}

export function useStartersQuery(enabled = true) {
  return useQuery({ queryKey: useWorkspaceKey('email', 'starters'), queryFn: () => api.get<Starter[]>('/email/templates/starters'), staleTime: Infinity, enabled });
}

/**
 * The saved template rendered as a contact (or with no data); `version` is the template's
 * updatedAt, so that every save renders again.
 */
export function usePreviewQuery(id: string, version: string, contactId: string | null) {
  return useQuery({
    queryKey: [...useWorkspaceKey('email', 'preview', id), version, contactId ?? ''],
    queryFn: () => api.post<Rendered>(`/email/templates/${id}/preview`, contactId ? { contactId } : {}),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useSnippetsQuery() {
  return useQuery({ queryKey: useWorkspaceKey('email', 'snippets'), queryFn: () => api.get<Snippet[]>('/email/snippets') });
}

export function useEmailSettingsQuery() {
  return useQuery({ queryKey: useWorkspaceKey('email', 'settings'), queryFn: () => api.get<EmailSettings>('/email/settings') });
}

/** The workspace's marketing email limits (anyone in it may read them; admins change them). */
export function useEmailLimitsQuery() {
  return useQuery({ queryKey: useWorkspaceKey('email', 'limits'), queryFn: () => api.get<EmailLimits>('/email/limits') });
}

/** Limits in words: "At most 2 marketing emails a day and 5 a week per contact; none from 21:00 to 08:00 their time." */
export function describeLimits(l: Pick<EmailLimits, 'perDay' | 'perWeek' | 'quietHours'>): string {
  const emails = (n: number) => `${n} marketing email${n === 1 ? '' : 's'}`;
  const cap =
    l.perDay && l.perWeek
      ? `At most ${emails(l.perDay)} a day and ${l.perWeek} a week per contact`
      : l.perDay
        ? `At most ${emails(l.perDay)} a day per contact`
        : l.perWeek
          ? `At most ${emails(l.perWeek)} a week per contact`
          : 'No limit on how many marketing emails a contact gets';
  return l.quietHours?.from && l.quietHours.to ? `${cap}; none from ${l.quietHours.from} to ${l.quietHours.to} their time.` : `${cap}.`;
}

const MESSAGES_PAGE = 50;

/** The outbox, latest first, 50 at a time; optionally only one state or recipients matching `to`. */
export function useMessagesQuery(filter: { state: string | null; to: string }) {
  const key = useWorkspaceKey('email', 'messages');
  return useInfiniteQuery({
    queryKey: [...key, 'list', filter.state ?? '', filter.to],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(MESSAGES_PAGE) });
      if (pageParam) params.set('before', pageParam);
      if (filter.state) params.set('state', filter.state);
      if (filter.to) params.set('to', filter.to);
      return api.get<MessageSummary[]>(`/email/messages?${params}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => (last.length === MESSAGES_PAGE ? last[last.length - 1]!.id : undefined),
    // While another search loads, the last rows stay; never another workspace's after a switch.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === key[1] ? keepPreviousData(previous) : undefined),
    // Queued messages go out in the background: ask again until none is waiting.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.some((m) => m.state === 'queued' || m.state === 'sending')) ? 2_000 : false),
  });
}

export function useMessageQuery(id: string | null) {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'messages', id ?? ''),
    queryFn: () => api.get<MessageDetail>(`/email/messages/${id}`),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?.state === 'queued' || query.state.data?.state === 'sending' ? 2_000 : false),
  });
}

export function useBroadcastsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'broadcasts'),
    queryFn: async () => itemsOf(await api.get<Broadcast[] | { items: Broadcast[] }>('/email/broadcasts')),
    refetchInterval: (query) => (query.state.data?.some((b) => b.state === 'sending') ? 2_000 : false),
  });
}

export function useBroadcastQuery(id: string) {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'broadcasts', id),
    queryFn: () => api.get<Broadcast>(`/email/broadcasts/${id}`),
    // Progress while it goes out, every 2 s.
    refetchInterval: (query) => (query.state.data?.state === 'sending' ? 2_000 : false),
  });
}

export function useReportQuery(id: string, enabled: boolean, live: boolean) {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'broadcasts', id, 'report'),
    queryFn: () => api.get<BroadcastReport>(`/email/broadcasts/${id}/report`),
    enabled,
    refetchInterval: live ? 5_000 : false,
  });
}

export function useTopicsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'topics'),
    queryFn: async () => itemsOf(await api.get<Topic[] | { items: Topic[] }>('/email/topics')),
  });
}

/** Contacts matching a search (name or email), for "preview as". */
export function useContactSearch(q: string) {
  return useQuery({
    queryKey: [...useWorkspaceKey('contacts', 'search'), q],
    queryFn: () => api.get<ContactPage>(`/contacts?${new URLSearchParams({ q, limit: '20' })}`),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** What a failed template save says: messages by field, and the positioned problems. */
export function templateErrors(err: unknown): { fields: Record<string, string>; issues: TemplateIssue[] } {
  if (!(err instanceof ApiError)) return { fields: {}, issues: [] };
  const issues: TemplateIssue[] = [];
  if (Array.isArray(err.details)) {
    for (const d of err.details as { path?: unknown; message?: unknown; line?: unknown; column?: unknown }[]) {
      const part = typeof d?.path === 'string' ? d.path.replace(/^body\./, '') : '';
      if ((part === 'subject' || part === 'preheader' || part === 'body') && typeof d.line === 'number') {
        issues.push({ part, line: d.line, column: typeof d.column === 'number' ? d.column : 1, message: String(d.message ?? '').replace(/^line \d+, column \d+: /, '') });
      }
    }
  }
  return { fields: err.fieldErrors, issues };
}
