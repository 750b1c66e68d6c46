// The surveys API as the web app sees it: types from the server's contract (dates arrive as
// strings; a survey's content and settings arrive with their defaults filled in, so they are
// typed as the server's output), words and colours for states, kinds and the groups of answers,
// the headline figure in words, and the queries the survey pages share.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  fatigueSettings,
  responsePage,
  sendResult,
  starterList,
  SURVEY_KINDS,
  SURVEY_STATES,
  surveyDetail,
  surveyList,
  surveyResults,
  SENTIMENTS,
  STARTER_KEYS,
} from '../../../src/surveys/contract.ts';
import type { Ending, Question, SurveyContent, SurveySettings } from '../../../src/surveys/definition.ts';
import { type Band, BANDS_OF } from '../../../src/surveys/scores.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type { Band, Ending, Question, SurveyContent, SurveySettings };
export type QuestionType = Question['type'];
export type SurveyState = (typeof SURVEY_STATES)[number];
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export type StarterKey = (typeof STARTER_KEYS)[number];
export type Sentiment = (typeof SENTIMENTS)[number];
export type SurveySummary = z.input<typeof surveyList>['items'][number];
export type SurveyDetail = Omit<z.input<typeof surveyDetail>, 'content' | 'settings'> & { content: SurveyContent; settings: SurveySettings };
export type Starter = z.input<typeof starterList>['items'][number];
export type ResponsePage = z.input<typeof responsePage>;
export type ResponseItem = ResponsePage['items'][number];
export type Results = z.input<typeof surveyResults>;
export type QuestionResult = Results['questions'][number];
export type SendResult = z.input<typeof sendResult>;
export type Fatigue = z.input<typeof fatigueSettings>;

export const STATE_LABELS: Record<SurveyState, string> = { draft: 'Draft', active: 'Active', closed: 'Closed', archived: 'Archived' };
export const STATE_COLORS: Record<SurveyState, string> = { draft: 'gray', active: 'teal', closed: 'orange', archived: 'dark' };
export const KIND_LABELS: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES', custom: 'Custom' };
export const KIND_NAMES: Record<SurveyKind, string> = {
  nps: 'Net Promoter Score',
  csat: 'Customer satisfaction',
  ces: 'Customer effort',
  custom: 'Custom survey',
};

/** The question types in the order the editor offers them, with a name and what each asks. */
export const QUESTION_TYPE_INFO: { type: QuestionType; label: string; hint: string }[] = [
  { type: 'nps', label: 'Recommend (NPS, 0–10)', hint: 'How likely they are to recommend you' },
  { type: 'csat', label: 'Satisfaction (CSAT, 1–5)', hint: 'How satisfied they are' },
  { type: 'ces', label: 'Ease (CES, 1–7)', hint: 'How easy something was' },
  { type: 'rating', label: 'Rating', hint: 'Stars or numbers, 3 to 10 points' },
  { type: 'single', label: 'One choice', hint: 'Pick one answer' },
  { type: 'multiple', label: 'Several choices', hint: 'Pick any number of answers' },
  { type: 'text', label: 'Open text', hint: 'Their own words' },
];
export const typeLabel = (t: QuestionType) => QUESTION_TYPE_INFO.find((x) => x.type === t)?.label ?? t;

/** The groups of answers in words a shop owner uses, with the scores they cover. */
const BAND_WORDS: Record<Band, { label: string; short: string }> = {
  promoter: { label: 'Promoters (9–10)', short: 'Promoters' },
  passive: { label: 'Passives (7–8)', short: 'Passives' },
  detractor: { label: 'Detractors (0–6)', short: 'Detractors' },
  satisfied: { label: 'Satisfied (4–5)', short: 'Satisfied' },
  neutral: { label: 'Neutral', short: 'Neutral' },
  dissatisfied: { label: 'Dissatisfied (1–2)', short: 'Dissatisfied' },
  easy: { label: 'Found it easy (5–7)', short: 'Found it easy' },
  difficult: { label: 'Found it hard (1–3)', short: 'Found it hard' },
};

/** "Promoters (9–10)"; neutral says its score for CSAT (3) and CES (4). */
export function bandLabel(band: Band | string, kind?: SurveyKind | QuestionType): string {
  if (band === 'neutral') return kind === 'csat' ? 'Neutral (3)' : kind === 'ces' ? 'Neutral (4)' : 'Neutral';
  if (band === 'all') return 'All answers';
  return BAND_WORDS[band as Band]?.label ?? band;
}
export const bandShort = (band: Band | string) => (band === 'all' ? 'All answers' : (BAND_WORDS[band as Band]?.short ?? band));

const GOOD: Band[] = ['promoter', 'satisfied', 'easy'];
const MIDDLE: Band[] = ['passive', 'neutral'];
/** A Mantine colour name per group: good green, middle yellow, bad red. */
export const bandColor = (band: Band | string | null): string =>
  band === null ? 'gray' : GOOD.includes(band as Band) ? 'teal' : MIDDLE.includes(band as Band) ? 'yellow' : band === 'all' ? 'gray' : 'red';
/** The CSS colour of a group, for charts. */
export const bandFill = (band: Band | string | null): string => `var(--mantine-color-${bandColor(band)}-${bandColor(band) === 'yellow' ? 5 : 6})`;

/** The bands of a survey kind (best first); none for a custom survey. */
export const bandsOfKind = (kind: SurveyKind | QuestionType): readonly Band[] =>
  kind === 'nps' || kind === 'csat' || kind === 'ces' ? BANDS_OF[kind] : [];

export const SENTIMENT_LABELS: Record<Sentiment, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' };
export const SENTIMENT_COLORS: Record<Sentiment, string> = { positive: 'teal', neutral: 'gray', negative: 'red' };

const n = (x: number) => x.toLocaleString('en');
export { n as formatCount };

/** An NPS with its sign: "+25", "0", "−12". */
export const signed = (x: number) => {
  const r = Math.round(x);
  return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '0';
};

/** The headline figure in words: "+25" (NPS), "82%" (CSAT), "5.4" (CES); "–" without answers. */
export function headlineText(kind: SurveyKind, value: number | null): string {
  if (value === null || kind === 'custom') return '–';
  if (kind === 'nps') return signed(value);
  if (kind === 'csat') return `${Math.round(value)}%`;
  return value.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** What the headline is, for a caption: "NPS", "satisfied", "effort score out of 7". */
export const HEADLINE_WORDS: Record<SurveyKind, string> = { nps: 'NPS', csat: 'satisfied', ces: 'average ease, of 7', custom: '' };

const languageNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames('en', { type: 'language' }) : null;
/** "German" for "de"; null for an unknown language. */
export function languageName(code: string | null): string | null {
  if (!code || code === 'und') return null;
  try {
    return languageNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

// ---- Queries ---------------------------------------------------------------------------

export function useSurveysQuery() {
  return useQuery({ queryKey: useWorkspaceKey('surveys', 'list'), queryFn: () => api.get<{ items: SurveySummary[] }>('/surveys') });
}

export function useSurveyStartersQuery(enabled = true) {
  return useQuery({ queryKey: useWorkspaceKey('surveys', 'starters'), queryFn: () => api.get<{ items: Starter[] }>('/surveys/starters'), staleTime: Infinity, enabled });
}

export function useSurveyQuery(id: string) {
  return useQuery({ queryKey: useWorkspaceKey('surveys', 'one', id), queryFn: () => api.get<SurveyDetail>(`/surveys/${id}`) });
}

export function useFatigueQuery() {
  return useQuery({ queryKey: useWorkspaceKey('surveys', 'fatigue'), queryFn: () => api.get<Fatigue>('/surveys/settings') });
}

export interface ResultsFilter {
  interval: 'week' | 'month';
  segmentId: string | null;
  /** Days back from today; null: all time. */
  days: number | null;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function useResultsQuery(id: string, f: ResultsFilter) {
  const key = useWorkspaceKey('surveys', 'one', id, 'results');
  return useQuery({
    queryKey: [...key, f.interval, f.segmentId ?? '', String(f.days ?? '')],
    queryFn: () => {
      const params = new URLSearchParams({ interval: f.interval });
      if (f.segmentId) params.set('segmentId', f.segmentId);
      if (f.days !== null) params.set('from', isoDay(new Date(Date.now() - f.days * 86_400_000)));
      return api.get<Results>(`/surveys/${id}/results?${params}`);
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export interface ResponsesFilter {
  band: Band | null;
  sentiment: Sentiment | null;
  state: 'partial' | 'complete' | null;
  withText: boolean;
}

export const RESPONSES_PAGE = 50;

export function useResponsesQuery(id: string, f: ResponsesFilter) {
  const key = useWorkspaceKey('surveys', 'one', id, 'responses');
  return useInfiniteQuery({
    queryKey: [...key, f.band ?? '', f.sentiment ?? '', f.state ?? '', String(f.withText)],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(RESPONSES_PAGE) });
      if (f.band) params.set('band', f.band);
      if (f.sentiment) params.set('sentiment', f.sentiment);
      if (f.state) params.set('state', f.state);
      if (f.withText) params.set('withText', 'true');
      if (pageParam) params.set('before', pageParam);
      return api.get<ResponsePage>(`/surveys/${id}/responses?${params}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useEmailBlockQuery(id: string, version: string) {
  return useQuery({ queryKey: [...useWorkspaceKey('surveys', 'one', id, 'block'), version], queryFn: () => api.get<{ mjml: string }>(`/surveys/${id}/email-block`) });
}
