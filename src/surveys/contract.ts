// Request and response shapes of the surveys API (/api/v1/surveys…), shared by the server and
// the web app (which imports them with `import type`). A survey's questions are the content of
// definition.ts; a 400's `details` path that starts with `content.` names a field of it.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';
import { surveyContent, surveySettings } from './definition.ts';
import { BANDS } from './scores.ts';

export const SURVEY_STATES = ['draft', 'active', 'closed', 'archived'] as const;
export const SURVEY_KINDS = ['nps', 'csat', 'ces', 'custom'] as const;
export const STARTER_KEYS = ['nps', 'csat_order', 'ces', 'cancellation'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

const name = z.string().trim().min(1, 'must not be empty').max(200);

export const npsFigures = z.object({
  n: z.number(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  nps: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});

/** The main figure of a survey: NPS, CSAT % or CES mean over its complete and partial answers. */
export const headline = z.object({
  kind: z.enum(SURVEY_KINDS),
  /** NPS (−100 to 100), CSAT (% satisfied) or CES (mean, 1 to 7); null without answers or for custom surveys. */
  value: z.number().nullable(),
  n: z.number(),
});

export const surveySummary = z.object({
  id: z.uuid(),
  name: z.string(),
  state: z.enum(SURVEY_STATES),
  kind: z.enum(SURVEY_KINDS),
  language: z.string(),
  /** Invitations sent (emails queued). */
  sent: z.number(),
  /** Responses with at least one answer (complete or not). */
  responses: z.number(),
  headline,
  lastResponseAt: dateTime.nullable(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export const surveyList = z.object({ items: z.array(surveySummary) });

export const surveyDetail = surveySummary.extend({
  content: surveyContent,
  settings: surveySettings,
  /** The email template made with the survey, which carries its first question. */
  emailTemplateId: z.uuid().nullable(),
  /** The open link anyone may answer through (when the survey takes anonymous answers). */
  openLink: z.string().nullable(),
});

export const createSurveyBody = z.union([
  z.strictObject({ name, content: surveyContent, settings: surveySettings.optional() }),
  /** From a starter, in a language (every text the respondent sees), with an email template carrying its first question. */
  z.strictObject({ starter: z.enum(STARTER_KEYS), name: name.optional(), language: surveyContent.shape.language.optional() }),
]);
export const updateSurveyBody = z.strictObject({
  name: name.optional(),
  content: surveyContent.optional(),
  settings: surveySettings.optional(),
  /** active: takes answers; closed: the answer pages say so; draft only before the first answer. */
  state: z.enum(['draft', 'active', 'closed']).optional(),
  emailTemplateId: z.uuid().nullable().optional(),
});

export const starterList = z.object({ items: z.array(z.object({ key: z.enum(STARTER_KEYS), name: z.string(), description: z.string(), kind: z.enum(SURVEY_KINDS) })) });

export const emailBlock = z.object({
  /** MJML to put in a template's body (inside <mj-body>): the first question with a button per answer. */
  mjml: z.string(),
});

export const sendBody = z.strictObject({
  /** The email that carries the survey: any template with the survey's block (its first question). */
  templateId: z.uuid(),
  audience: z.union([z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(10_000) }), z.strictObject({ segmentId: z.uuid() })]),
});
export const sendHeaders = z.object({
  /** The same key again (for this survey) asks no one twice: a retried request is harmless. */
  'idempotency-key': z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
});
export const sendResult = z.object({
  /** Contacts in the audience. */
  audience: z.number(),
  /** Emails queued now. */
  queued: z.number(),
  /** Contacts asked by an earlier request with the same key (nothing sent again). */
  repeated: z.number(),
  /** Left out, with how many for each reason. */
  leftOut: z.object({
    /** Asked by any survey within the workspace's "not more than once every N days". */
    recentlySurveyed: z.number(),
    /** Already answered this survey (once ever, or within its period). */
    alreadyAnswered: z.number(),
    /** May not get email: not subscribed, unsubscribed, bounced, no address… */
    noEmail: z.number(),
  }),
});

export const linksBody = z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(1000) });
export const linksResult = z.object({ items: z.array(z.object({ contactId: z.uuid(), url: z.string() })) });

const answerValue = z.union([z.number(), z.string().max(5000), z.array(z.string().max(40)).max(20)]);
/** A response from a shop's own form: the answers by question key, for a contact (by id or email) or anonymous. */
export const postResponseBody = z.strictObject({
  contactId: z.uuid().optional(),
  email: z.email().max(320).optional(),
  answers: z.record(z.string().max(60), answerValue),
  /** false keeps the response open (partial); later posts with the same key add answers. */
  complete: z.boolean().default(true),
  /** Makes a retried post harmless: the same key for this survey is the same response. */
  key: z.string().trim().min(1).max(200).optional(),
});

export const responseItem = z.object({
  id: z.uuid(),
  contact: z.object({ id: z.uuid(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  channel: z.enum(['email', 'link', 'api']),
  state: z.enum(['partial', 'complete']),
  score: z.number().nullable(),
  band: z.enum(BANDS).nullable(),
  answers: z.record(z.string(), z.unknown()),
  /** The open-text answers, in question order. */
  texts: z.array(z.string()),
  sentiment: z.enum(SENTIMENTS).nullable(),
  sentimentScore: z.number().nullable(),
  /** The language the texts were written in ('und' when it could not be told); sentiment only for English. */
  textLanguage: z.string().nullable(),
  startedAt: dateTime,
  completedAt: dateTime.nullable(),
});
export const responsesQuery = z.object({
  band: z.enum(BANDS).optional(),
  sentiment: z.enum(SENTIMENTS).optional(),
  state: z.enum(['partial', 'complete']).optional(),
  /** Only responses with open text. */
  withText: z.coerce.boolean().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page. */
  before: z.string().max(100).optional(),
});
export const responsePage = z.object({ items: z.array(responseItem), next: z.string().nullable(), total: z.number() });

export const resultsQuery = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  interval: z.enum(['week', 'month']).default('month'),
  /** Only respondents who are members of this segment now. */
  segmentId: z.uuid().optional(),
});

export const questionResult = z.object({
  key: z.string(),
  title: z.string(),
  type: z.string(),
  answered: z.number(),
  /** Scores or choices with how many gave each, in scale or choice order. */
  counts: z.array(z.object({ value: z.union([z.number(), z.string()]), label: z.string(), count: z.number() })),
  mean: z.number().nullable(),
});

export const surveyResults = z.object({
  kind: z.enum(SURVEY_KINDS),
  /** Invitations sent, their emails opened by a person (not a scanner or a mail-privacy proxy), and answered. */
  funnel: z.object({ sent: z.number(), opened: z.number(), answered: z.number(), responseRate: z.number().nullable() }),
  responses: z.object({ total: z.number(), complete: z.number(), partial: z.number() }),
  nps: npsFigures.nullable(),
  csat: z.object({ n: z.number(), satisfied: z.number(), percent: z.number().nullable() }).nullable(),
  ces: z.object({ n: z.number(), mean: z.number().nullable() }).nullable(),
  /** The main question's figure per week or month (by the day the answer came). */
  trend: z.array(z.object({ period: z.string(), n: z.number(), value: z.number().nullable(), ci95: z.tuple([z.number(), z.number()]).nullable() })),
  questions: z.array(questionResult),
  /** Open-text answers: sentiment counts and the most frequent terms, per band of the main question (or 'all'). */
  text: z.array(
    z.object({
      band: z.string(),
      answers: z.number(),
      positive: z.number(),
      neutral: z.number(),
      negative: z.number(),
      /** In another language than English: marked, not scored. */
      unscored: z.number(),
      terms: z.array(z.object({ term: z.string(), count: z.number() })),
    }),
  ),
});

export const fatigueSettings = z.object({
  /** Nobody is asked by any survey more than once every this many days; null: no limit. */
  minDaysBetween: z.number().int().min(1).max(3650).nullable(),
});
