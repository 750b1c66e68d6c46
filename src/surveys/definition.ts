// A survey as its author writes it: an ordered list of questions, follow-ups shown by the band
// of an earlier answer, simple logic (an answer skips to a later question or an ending),
// several endings, and what the respondent sees around them (title, intro, buttons, look,
// language). Validated as a whole: keys unique, every reference pointing at something that
// exists and comes later, values of the right kind for their question. A path in an issue names
// the field ("questions.2.logic.0.goTo").
import { z } from 'zod';
import { BANDS, BANDS_OF, type Band, scaleOf } from './scores.ts';
import { LANGUAGES } from './strings.ts';

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'rating', 'single', 'multiple', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be 1 to 40 lower-case letters, digits or _, starting with a letter');
const line = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const title = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const httpsUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/[^\s"'<>]+$/i, 'must be a web address starting with https:// or http://');

/** Shown only when an earlier NPS, CSAT or CES question was answered in one of these bands. */
const showIf = z.strictObject({ question: key, bands: z.array(z.enum(BANDS)).min(1).max(8) });

/** Where an answer leads: a later question, or an ending (by key). The first rule that matches wins. */
const jump = z.strictObject({
  when: z.strictObject({
    /** The answer is one of these (scores, or choice keys; for several choices: any of them). */
    values: z.array(z.union([z.number(), z.string().max(40)])).max(20).optional(),
    /** A score at least / at most this. */
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  goTo: key,
});

const base = {
  key,
  title,
  description: line(1000).optional(),
  required: z.boolean().default(true),
  showIf: showIf.optional(),
  logic: z.array(jump).max(10).optional(),
};
const choice = z.strictObject({ key, label: z.string().trim().min(1, 'must not be empty').max(200) });
const choices = z.array(choice).min(2, 'needs at least 2 choices').max(20, 'may have at most 20 choices');

export const question = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('nps'), lowLabel: line(60).optional(), highLabel: line(60).optional() }),
  z.strictObject({ ...base, type: z.literal('csat'), style: z.enum(['faces', 'stars', 'numbers']).default('faces') }),
  z.strictObject({ ...base, type: z.literal('ces'), lowLabel: line(60).optional(), highLabel: line(60).optional() }),
  z.strictObject({ ...base, type: z.literal('rating'), points: z.number().int().min(3).max(10).default(5), style: z.enum(['stars', 'numbers']).default('stars'), lowLabel: line(60).optional(), highLabel: line(60).optional() }),
  z.strictObject({ ...base, type: z.literal('single'), choices, other: z.boolean().default(false) }),
  z.strictObject({ ...base, type: z.literal('multiple'), choices, other: z.boolean().default(false) }),
  z.strictObject({ ...base, type: z.literal('text'), placeholder: line(200).optional(), maxLength: z.number().int().min(1).max(5000).default(2000) }),
]);
export type Question = z.output<typeof question>;

export const ending = z.strictObject({
  key,
  title,
  body: line(2000).optional(),
  /** A button at the end ("Leave us a review"), for example for promoters. */
  button: z.strictObject({ label: z.string().trim().min(1).max(60), url: httpsUrl }).optional(),
  /** Shown to respondents whose main score is in one of these bands; none: to anyone. */
  bands: z.array(z.enum(BANDS)).max(8).optional(),
});
export type Ending = z.output<typeof ending>;

export const look = z.strictObject({
  /** The accent colour, as #rrggbb. */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb').default('#4c6ef5'),
  logoUrl: httpsUrl.optional(),
});

export const surveyContent = z
  .strictObject({
    /** The language of every text the respondent sees (buttons, hints, errors). */
    language: z.enum(LANGUAGES).default('en'),
    title: title,
    intro: line(2000).optional(),
    questions: z.array(question).min(1, 'needs at least one question').max(30, 'may have at most 30 questions'),
    endings: z.array(ending).min(1, 'needs at least one ending').max(5, 'may have at most 5 endings'),
    look: look.default({ color: '#4c6ef5' }),
    buttons: z.strictObject({ next: line(40).optional(), submit: line(40).optional() }).default({}),
  })
  .superRefine((c, ctx) => {
    const at = new Map<string, number>();
    c.questions.forEach((q, i) => {
      if (at.has(q.key)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'key'], message: `"${q.key}" is the key of another question` });
      at.set(q.key, i);
    });
    const endings = new Set<string>();
    c.endings.forEach((e, i) => {
      if (at.has(e.key) || endings.has(e.key)) ctx.addIssue({ code: 'custom', path: ['endings', i, 'key'], message: `"${e.key}" is the key of another question or ending` });
      endings.add(e.key);
    });
    c.questions.forEach((q, i) => {
      if ('choices' in q) {
        const seen = new Set<string>();
        q.choices.forEach((ch, j) => {
          if (seen.has(ch.key)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'choices', j, 'key'], message: `"${ch.key}" is the key of another choice` });
          seen.add(ch.key);
        });
      }
      if (q.showIf) {
        const j = at.get(q.showIf.question);
        const src = j === undefined ? undefined : c.questions[j]!;
        if (src === undefined || j! >= i) ctx.addIssue({ code: 'custom', path: ['questions', i, 'showIf', 'question'], message: 'must be the key of an earlier question' });
        else if (src.type !== 'nps' && src.type !== 'csat' && src.type !== 'ces') ctx.addIssue({ code: 'custom', path: ['questions', i, 'showIf', 'question'], message: 'must be an NPS, CSAT or CES question (they have bands)' });
        else {
          const allowed = BANDS_OF[src.type];
          q.showIf.bands.forEach((b, k) => {
            if (!allowed.includes(b)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'showIf', 'bands', k], message: `must be one of ${allowed.join(', ')} for a ${src.type.toUpperCase()} question` });
          });
        }
      }
      q.logic?.forEach((rule, k) => {
        const target = at.get(rule.goTo);
        if (!endings.has(rule.goTo) && (target === undefined || target <= i))
          ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k, 'goTo'], message: 'must be the key of a later question or of an ending' });
        const w = rule.when;
        if (w.values === undefined && w.min === undefined && w.max === undefined) ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k, 'when'], message: 'needs values, min or max' });
        if (q.type === 'text') ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k], message: 'a text answer cannot lead anywhere: put the rule on a scored or choice question' });
        if ((q.type === 'single' || q.type === 'multiple') && (w.min !== undefined || w.max !== undefined)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k, 'when'], message: 'a choice question is matched by values (choice keys), not min or max' });
        if (q.type === 'single' || q.type === 'multiple') {
          const keys = new Set(q.choices.map((ch) => ch.key));
          w.values?.forEach((v, m) => {
            if (typeof v !== 'string' || (!keys.has(v) && v !== 'other')) ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k, 'when', 'values', m], message: 'must be the key of one of its choices' });
          });
        } else if (q.type !== 'text') {
          const { min, max } = scaleOf(q.type, q.type === 'rating' ? q.points : undefined);
          w.values?.forEach((v, m) => {
            if (typeof v !== 'number' || v < min || v > max) ctx.addIssue({ code: 'custom', path: ['questions', i, 'logic', k, 'when', 'values', m], message: `must be a score from ${min} to ${max}` });
          });
        }
      });
    });
    c.endings.forEach((e, i) =>
      e.bands?.forEach((b, k) => {
        if (!mainBands(c.questions).includes(b)) ctx.addIssue({ code: 'custom', path: ['endings', i, 'bands', k], message: `must be a band of the survey's first NPS, CSAT or CES question (${mainBands(c.questions).join(', ') || 'it has none'})` });
      }),
    );
  });
export type SurveyContent = z.output<typeof surveyContent>;
export type SurveyContentInput = z.input<typeof surveyContent>;

/** The survey's main question: its first NPS, CSAT or CES question (what its score and band are). */
export function mainQuestion(questions: readonly Question[]): Extract<Question, { type: 'nps' | 'csat' | 'ces' }> | undefined {
  return questions.find((q): q is Extract<Question, { type: 'nps' | 'csat' | 'ces' }> => q.type === 'nps' || q.type === 'csat' || q.type === 'ces');
}

function mainBands(questions: readonly Question[]): readonly Band[] {
  const q = mainQuestion(questions);
  return q ? BANDS_OF[q.type] : [];
}

/** How often a contact may answer, reminders, and whether anyone with the open link may. */
export const surveySettings = z.strictObject({
  /** Answers without a contact, through the survey's open link. */
  anonymous: z.boolean().default(false),
  /** once: a contact answers once ever; period: once per `periodDays`; always: every time they are asked. */
  answerOnce: z.enum(['once', 'period', 'always']).default('once'),
  periodDays: z.number().int().min(1).max(3650).default(90),
  /** Reminders to those who did not answer, `afterDays` after being asked (and again after as many days for the second). */
  reminders: z.strictObject({ count: z.number().int().min(0).max(2), afterDays: z.number().int().min(1).max(60) }).default({ count: 0, afterDays: 3 }),
});
export type SurveySettings = z.output<typeof surveySettings>;
