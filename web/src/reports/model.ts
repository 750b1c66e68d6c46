// The reports API as the web app sees it: the types of src/reports/contract.ts (import type
// only: the contract holds zod), one query per report, each keyed by its query string so that a
// report shared by URL asks for exactly what it shows, and the CSV address of each.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  ChurnResult,
  CohortResult,
  DashboardResult,
  EmailResult,
  LiftResult,
  ReportSettingsResult,
  RevenueResult,
  SegmentsResult,
} from '../../../src/reports/contract.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type { ChurnResult, CohortResult, DashboardResult, EmailResult, LiftResult, ReportSettingsResult, RevenueResult, SegmentsResult };
export type Tile = DashboardResult['tiles'][number];
export type EmailRow = EmailResult['total'];
export type LiftRow = LiftResult['items'][number];

export type ReportName = 'dashboard' | 'cohorts' | 'revenue' | 'churn' | 'email' | 'lift' | 'segments';

/** A query string from the values that are set (empty strings and undefined left out). */
export function queryString(values: Record<string, string | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, value);
  return params.toString();
}

const path = (report: ReportName, qs: string, ext = '') => `/reports/${report}${ext}${qs ? `?${qs}` : ''}`;

/** Where a report's CSV is downloaded from (the same query as the report). */
export const csvHref = (report: ReportName, qs: string) => `/api/v1${path(report, qs, '.csv')}`;

function useReport<T>(report: ReportName, qs: string, enabled = true) {
  return useQuery({
    queryKey: useWorkspaceKey('reports', report, qs),
    queryFn: () => api.get<T>(path(report, qs)),
    // Changing a filter keeps the last answer on screen until the new one arrives.
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled,
  });
}

export const useDashboardQuery = (qs: string) => useReport<DashboardResult>('dashboard', qs);
export const useCohortsQuery = (qs: string, enabled = true) => useReport<CohortResult>('cohorts', qs, enabled);
export const useRevenueQuery = (qs: string) => useReport<RevenueResult>('revenue', qs);
export const useChurnQuery = (qs: string) => useReport<ChurnResult>('churn', qs);
export const useEmailReportQuery = (qs: string) => useReport<EmailResult>('email', qs);
export const useLiftQuery = () => useReport<LiftResult>('lift', '');
export const useSegmentsReportQuery = (qs: string) => useReport<SegmentsResult>('segments', qs);

export function useReportSettingsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('reports', 'settings'),
    queryFn: () => api.get<ReportSettingsResult>('/reports/settings'),
    staleTime: 60_000,
  });
}
