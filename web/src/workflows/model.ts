// The workflows API as the web app sees it: types from the server's contract (dates arrive as
// strings; a graph arrives with its defaults filled in, so it is typed as the server's output),
// state labels and colours, and the queries the workflow pages share.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { campaignListResult } from '../../../src/coupons/contract.ts';
import type { enrollmentPage, journeys, starterList, stepCounts, workflowDetail, workflowList, workflowReport, WORKFLOW_STATES } from '../../../src/workflows/contract.ts';
import type { Goal, Reentry, Step, StepKind, Trigger, WorkflowGraph } from '../../../src/workflows/graph.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type { Goal, Reentry, Step, StepKind, Trigger };
export type Graph = WorkflowGraph;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];
export type WorkflowSummary = z.input<typeof workflowList>['items'][number];
type DetailInput = z.input<typeof workflowDetail>;
export type WorkflowDetail = Omit<DetailInput, 'graph' | 'live'> & {
  graph: Graph | null;
  live: { version: number; publishedAt: string; graph: Graph } | null;
};
/** A workflow's own email limits: a field left out is the workspace's, a field set to null is no limit. */
export type OwnLimits = NonNullable<WorkflowDetail['emailLimits']>;
export type StepCounts = z.input<typeof stepCounts>;
export type Enrollment = z.input<typeof enrollmentPage>['items'][number];
export type EnrollmentPage = z.input<typeof enrollmentPage>;
export type Journey = z.input<typeof journeys>['items'][number];
export type Report = z.input<typeof workflowReport>;
export type ReportPart = Report['overall'];
export type Starter = z.input<typeof starterList>['items'][number];

export const STATE_LABELS: Record<WorkflowState, string> = { draft: 'Draft', active: 'Live', paused: 'Paused', archived: 'Archived' };
export const STATE_COLORS: Record<WorkflowState, string> = { draft: 'gray', active: 'teal', paused: 'yellow', archived: 'dark' };

/** A draft to start from when there is no starter: a manual trigger and no steps yet. */
export const BLANK_GRAPH: Graph = { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, exits: [], start: 'start', steps: {} };

// ---- Queries ---------------------------------------------------------------------------

export function useWorkflowsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('workflows', 'list'),
    queryFn: () => api.get<{ items: WorkflowSummary[] }>('/workflows'),
    // Counts move while contacts go through live workflows.
    refetchInterval: (q) => (q.state.data?.items.some((w) => w.state === 'active') ? 10_000 : false),
  });
}

export function useStartersQuery(enabled = true) {
  return useQuery({ queryKey: useWorkspaceKey('workflows', 'starters'), queryFn: () => api.get<{ items: Starter[] }>('/workflows/starters'), staleTime: Infinity, enabled });
}

export function useWorkflowQuery(id: string) {
  return useQuery({ queryKey: useWorkspaceKey('workflows', 'one', id), queryFn: () => api.get<WorkflowDetail>(`/workflows/${id}`) });
}

/** Contacts at and past each step; asked again every few seconds while the workflow runs. */
export function useStepCountsQuery(id: string, live: boolean) {
  return useQuery({
    queryKey: useWorkspaceKey('workflows', 'one', id, 'steps'),
    queryFn: () => api.get<StepCounts>(`/workflows/${id}/steps`),
    refetchInterval: live ? 4_000 : false,
  });
}

export function useStepContactsQuery(id: string, step: string | null) {
  const key = useWorkspaceKey('workflows', 'one', id, 'enrollments');
  return useInfiniteQuery({
    queryKey: [...key, step ?? ''],
    queryFn: ({ pageParam }) =>
      api.get<EnrollmentPage>(`/workflows/${id}/enrollments?${new URLSearchParams({ step: step ?? '', state: 'live', limit: '50', ...(pageParam ? { after: pageParam } : {}) })}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: step !== null,
  });
}

export function useReportQuery(id: string) {
  return useQuery({ queryKey: useWorkspaceKey('workflows', 'one', id, 'report'), queryFn: () => api.get<Report>(`/workflows/${id}/report`), refetchInterval: 30_000 });
}

export function useJourneysQuery(contactId: string) {
  return useQuery({ queryKey: useWorkspaceKey('contacts', 'one', contactId, 'workflows'), queryFn: () => api.get<{ items: Journey[] }>(`/contacts/${contactId}/workflows`) });
}

/** The coupon campaigns, for the "Give a coupon" step. */
export function useCouponCampaignsQuery() {
  return useQuery({ queryKey: useWorkspaceKey('workflows', 'coupon-campaigns'), queryFn: () => api.get<z.infer<typeof campaignListResult>>('/coupons/campaigns') });
}
