// How a respondent moves through a survey, as pure functions of the survey and the answers so
// far: which answer a form's fields make (and what is wrong with it, in the survey's language),
// which question comes next (logic first, then the order, leaving out follow-ups whose band does
// not apply), which ending they see, and the main score and band.
import { type Ending, mainQuestion, type Question, type SurveyContent } from './definition.ts';
import { type Band, bandOf, scaleOf } from './scores.ts';
import { PAGE_STRINGS, type PageStrings } from './strings.ts';

/** A question's answer: a score, a choice key ('other' for the free choice), several choice keys, or text. */
export type AnswerValue = number | string | string[];
/** Answers by question key; the text of an "other" choice under `<key>.other`. */
export type Answers = Record<string, AnswerValue>;

export type Parsed = { ok: true; value: AnswerValue | undefined; other?: string } | { ok: false; error: string };

/** At most this many characters in any one text field, whatever a question allows (a request is refused above it). */
export const MAX_TEXT = 5000;

/**
 * The answer given in a form's fields (`a`: the value, several for several choices; `other`:
 * the text of the "other" choice), checked against the question.
 */
export function parseAnswer(c: SurveyContent, q: Question, raw: string[], otherRaw: string | undefined): Parsed {
  const t = PAGE_STRINGS[c.language];
  const given = raw.map((v) => v.trim()).filter((v) => v !== '');
  const other = otherRaw?.trim() ?? '';
  if (given.length === 0) return q.required ? { ok: false, error: t.required } : { ok: true, value: undefined };
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating': {
      const { min, max } = scaleOf(q.type, q.type === 'rating' ? q.points : undefined);
      const n = Number(given[0]);
      if (given.length !== 1 || !/^-?\d{1,3}$/.test(given[0]!) || n < min || n > max) return { ok: false, error: t.outOfRange(min, max) };
      return { ok: true, value: n };
    }
    case 'single': {
      if (given.length !== 1) return { ok: false, error: t.notAChoice };
      const v = given[0]!;
      if (v === 'other' && q.other) {
        if (other.length > 500) return { ok: false, error: t.tooLong(500) };
        return { ok: true, value: 'other', other };
      }
      return q.choices.some((ch) => ch.key === v) ? { ok: true, value: v } : { ok: false, error: t.notAChoice };
    }
    case 'multiple': {
      const keys = new Set(q.choices.map((ch) => ch.key));
      if (q.other) keys.add('other');
      const unique = [...new Set(given)];
      if (unique.length > keys.size || !unique.every((v) => keys.has(v))) return { ok: false, error: t.notAChoice };
      if (other.length > 500) return { ok: false, error: t.tooLong(500) };
      return { ok: true, value: unique, ...(unique.includes('other') ? { other } : {}) };
    }
    case 'text': {
      const text = raw.join('\n').trim();
      if (text.length > q.maxLength) return { ok: false, error: t.tooLong(q.maxLength) };
      return { ok: true, value: text };
    }
  }
}

/** Whether a question is shown, given the answers so far (a follow-up only in its bands). */
export function isShown(c: SurveyContent, q: Question, answers: Answers): boolean {
  if (!q.showIf) return true;
  const src = c.questions.find((x) => x.key === q.showIf!.question);
  const v = answers[q.showIf.question];
  if (!src || typeof v !== 'number' || (src.type !== 'nps' && src.type !== 'csat' && src.type !== 'ces')) return false;
  const band = bandOf(src.type, v);
  return band !== null && q.showIf.bands.includes(band);
}

function matches(rule: NonNullable<Question['logic']>[number], v: AnswerValue | undefined): boolean {
  if (v === undefined) return false;
  const w = rule.when;
  const values = Array.isArray(v) ? v : [v];
  if (w.values && !values.some((x) => w.values!.includes(x))) return false;
  if (w.min !== undefined && !(typeof v === 'number' && v >= w.min)) return false;
  if (w.max !== undefined && !(typeof v === 'number' && v <= w.max)) return false;
  return true;
}

export type Step = { question: string } | { ending: string };

/** The first question the respondent sees. */
export function firstStep(c: SurveyContent): Step {
  return { question: c.questions[0]!.key };
}

/** Where the respondent goes after answering `fromKey`: a later question or an ending. */
export function nextStep(c: SurveyContent, fromKey: string, answers: Answers): Step {
  const i = c.questions.findIndex((q) => q.key === fromKey);
  if (i < 0) return { ending: endingFor(c, answers).key };
  const q = c.questions[i]!;
  let from = i + 1;
  const rule = q.logic?.find((r) => matches(r, answers[q.key]));
  if (rule) {
    if (c.endings.some((e) => e.key === rule.goTo)) return { ending: rule.goTo };
    from = c.questions.findIndex((x) => x.key === rule.goTo);
  }
  for (let j = from; j < c.questions.length; j++) if (isShown(c, c.questions[j]!, answers)) return { question: c.questions[j]!.key };
  return { ending: endingFor(c, answers).key };
}

/** The ending for these answers: the first whose bands hold the main band, else the first for anyone. */
export function endingFor(c: SurveyContent, answers: Answers): Ending {
  const band = mainScore(c, answers)?.band ?? null;
  return c.endings.find((e) => e.bands?.length && band !== null && e.bands.includes(band)) ?? c.endings.find((e) => !e.bands?.length) ?? c.endings[0]!;
}

/** The main question's score and band (the first NPS, CSAT or CES question), once answered. */
export function mainScore(c: SurveyContent, answers: Answers): { type: 'nps' | 'csat' | 'ces'; score: number; band: Band } | undefined {
  const q = mainQuestion(c.questions);
  const v = q ? answers[q.key] : undefined;
  if (!q || typeof v !== 'number') return undefined;
  return { type: q.type, score: v, band: bandOf(q.type, v)! };
}

/** The open-text answers, in question order (what sentiment reads). */
export function textsOf(c: SurveyContent, answers: Answers): string[] {
  const out: string[] = [];
  for (const q of c.questions) {
    const v = answers[q.key];
    if (q.type === 'text' && typeof v === 'string' && v.trim()) out.push(v.trim());
    const other = answers[`${q.key}.other`];
    if (typeof other === 'string' && other.trim()) out.push(other.trim());
  }
  return out;
}

/** The words under the ends of a scale: the question's own, else the standard ones in the survey's language. */
export function scaleEnds(q: Question & { type: 'nps' | 'csat' | 'ces' | 'rating' }, t: PageStrings): [string, string] {
  if (q.type === 'nps') return [q.lowLabel ?? t.notLikely, q.highLabel ?? t.extremelyLikely];
  if (q.type === 'ces') return [q.lowLabel ?? t.stronglyDisagree, q.highLabel ?? t.stronglyAgree];
  if (q.type === 'csat') return [t.veryDissatisfied, t.verySatisfied];
  return [q.lowLabel ?? '', q.highLabel ?? ''];
}
