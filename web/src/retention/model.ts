// The retention API as the web app sees it: the types of src/retention/contract.ts (import type
// only: the contract holds zod; dates arrive as strings), the overview (polled while a fit
// runs), the at-risk list keyed by its query string and by the fit that wrote the scores, the
// CSV address, and the fit and settings mutations.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { z } from 'zod';
import type { atRiskResult, fitRecord, overviewResult, settingsBody } from '../../../src/retention/contract.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type RetentionOverview = z.input<typeof overviewResult>;
export type FitRecord = z.input<typeof fitRecord>;
export type FitResult = NonNullable<FitRecord['result']>;
export type HoldoutCheck = NonNullable<FitResult['check']>;
export type ModelFit = NonNullable<FitResult['bgnbd']>;
export type SpendFit = FitResult['spend'][number];
export type Subscriptions = NonNullable<FitResult['subscriptions']>;
export type SubscriptionCohort = Subscriptions['cohorts'][number];
export type Verdict = FitResult['verdict'];
export type AtRiskResult = z.input<typeof atRiskResult>;
export type AtRiskCustomer = AtRiskResult['customers'][number];
export type RetentionSettings = z.input<typeof settingsBody>;

export const isRunning = (o: RetentionOverview | undefined) => o?.latest?.state === 'running';

/** The latest fits and the settings; asked again every 2 seconds while a fit runs. */
export function useRetentionQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('retention', 'overview'),
    queryFn: () => api.get<RetentionOverview>('/retention'),
    refetchInterval: (query) => (isRunning(query.state.data) ? 2_000 : false),
    staleTime: 30_000,
  });
}

/** The query string of the at-risk list (also its CSV's). */
export function atRiskQueryString(q: { currency?: string; min: number; max: number; limit?: number }): string {
  const params = new URLSearchParams();
  if (q.currency) params.set('currency', q.currency);
  params.set('min', String(q.min));
  params.set('max', String(q.max));
  if (q.limit) params.set('limit', String(q.limit));
  return params.toString();
}

export const atRiskCsvHref = (qs: string) => `/api/v1/retention/at-risk.csv?${qs}`;

/** The at-risk list; `fitId` (the fit that wrote the scores) makes a new fit fetch it again. */
export function useAtRiskQuery(qs: string, fitId: string | undefined) {
  return useQuery({
    queryKey: useWorkspaceKey('retention', 'at-risk', fitId ?? '', qs),
    queryFn: () => api.get<AtRiskResult>(`/retention/at-risk?${qs}`),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** Starts a fit (202 with the running fit); the overview then polls until it is done. */
export function useFitMutation() {
  const queryClient = useQueryClient();
  const overviewKey = useWorkspaceKey('retention', 'overview');
  return useMutation({
    mutationFn: () => api.post<FitRecord>('/retention/fit', {}),
    onSuccess: (fit) => {
      queryClient.setQueryData<RetentionOverview>(overviewKey, (old) => (old ? { ...old, latest: fit } : old));
      void queryClient.invalidateQueries({ queryKey: overviewKey });
    },
    // One already running (409 fit_running): follow it.
    onError: () => void queryClient.invalidateQueries({ queryKey: overviewKey }),
  });
}

/**
 * When a fit followed on this page ends: what depends on the scores (the at-risk list, the
 * contacts' scores) is asked for again, and `onEnd` is told how it ended.
 */
export function useFitEnded(overview: RetentionOverview | undefined, onEnd: (fit: FitRecord) => void) {
  const queryClient = useQueryClient();
  const retentionKey = useWorkspaceKey('retention');
  const contactsKey = useWorkspaceKey('contacts');
  const running = useRef<string | null>(null);
  const latest = overview?.latest;
  useEffect(() => {
    if (!latest) return;
    if (latest.state === 'running') {
      running.current = latest.id;
      return;
    }
    if (running.current !== latest.id) return;
    running.current = null;
    void queryClient.invalidateQueries({ queryKey: retentionKey });
    void queryClient.invalidateQueries({ queryKey: contactsKey });
    onEnd(latest);
    // The keys are arrays made anew each render; the fit's id and state are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latest?.id, latest?.state]);
}

/** The settings alone (small: the contact page's scores read the horizon of lifetime value from them). */
export function useRetentionSettingsQuery(enabled = true) {
  return useQuery({
    queryKey: useWorkspaceKey('retention', 'settings'),
    queryFn: () => api.get<RetentionSettings>('/retention/settings'),
    staleTime: 5 * 60_000,
    enabled,
  });
}
