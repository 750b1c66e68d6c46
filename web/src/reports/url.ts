// A report's period and filters live in the URL's search params, so that a report can be shared
// and a reload shows the same one. Values equal to their default are left out of the URL.
import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { addPeriods, parseDay, periodStart, type RangeName } from '../../../src/shared/days.ts';
import { queryString } from './model.ts';

export type UrlState<K extends string> = Record<K, string>;
export type SetUrlState<K extends string> = (patch: Partial<Record<K, string | null>>) => void;

export function useUrlState<K extends string>(defaults: UrlState<K>): [UrlState<K>, SetUrlState<K>] {
  const [params] = useSearchParams();
  const key = params.toString();
  const values = useMemo(() => {
    const out = { ...defaults };
    for (const k of Object.keys(defaults) as K[]) {
      const v = params.get(k);
      if (v !== null && v !== '') out[k] = v;
    }
    return out;
    // The defaults are constants of each page; the params are read through their string.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const navigate = useNavigate();
  // Built from the address as it is now, not from a render's params: a picker may call an
  // older `set` (its handler kept from a render before the last change), which must not undo it.
  const set = useCallback<SetUrlState<K>>(
    (patch) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch) as [K, string | null | undefined][]) {
        if (v === null || v === undefined || v === '' || v === defaults[k]) next.delete(k);
        else next.set(k, v);
      }
      const search = next.toString();
      navigate({ pathname: window.location.pathname, search: search ? `?${search}` : '' }, { replace: true });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [navigate],
  );
  return [values, set];
}

/** Today in this browser (the server counts in the workspace's time zone; a day apart at most). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// ---- The period of the dashboard and the email report: a named range or from–to --------------

export const PERIOD_DEFAULTS = { range: '90d', from: '', to: '' };
export type PeriodKeys = keyof typeof PERIOD_DEFAULTS;

export const RANGE_LABELS: Record<RangeName, string> = { '30d': '30 days', '90d': '90 days', '365d': '12 months', custom: 'Custom' };

/** The API's query for a period, or null while a custom period lacks a valid day. */
export function periodQueryString(s: UrlState<PeriodKeys>): string | null {
  const range = (s.range in RANGE_LABELS ? s.range : '90d') as RangeName;
  if (range !== 'custom') return queryString({ range });
  if (!parseDay(s.from) || !parseDay(s.to) || s.from > s.to) return null;
  return queryString({ range, from: s.from, to: s.to });
}

// ---- The span of the cohort, revenue, churn and segment reports: whole months up to today -----

export const SPAN_DEFAULTS = { span: '12m', from: '', to: '' };
export type SpanKeys = keyof typeof SPAN_DEFAULTS;

export const SPANS = [
  { value: '6m', label: '6 months' },
  { value: '12m', label: '12 months' },
  { value: '24m', label: '2 years' },
  { value: '36m', label: '3 years' },
  { value: 'custom', label: 'Custom' },
];

/** The from and to of a span for the API (a named span starts on the first of its first month), or null while a custom one is not valid. */
export function spanParams(s: UrlState<SpanKeys>): { from?: string; to?: string } | null {
  if (s.span === 'custom') {
    if (!parseDay(s.from) || !parseDay(s.to) || s.from > s.to) return null;
    return { from: s.from, to: s.to };
  }
  const months = Number(/^(\d+)m$/.exec(s.span)?.[1] ?? 12);
  return { from: addPeriods(periodStart(today(), 'month'), 1 - Math.min(Math.max(months, 1), 120), 'month') };
}

/** The search params a tab keeps when another tab of the reports is opened (the span). */
export function keptSpan(params: URLSearchParams): string {
  return queryString({ span: params.get('span'), from: params.get('from'), to: params.get('to') });
}
