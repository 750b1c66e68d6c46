// Each question type and its checks, the arithmetic of NPS, CSAT and CES against hand-computed
// cases, and how a respondent moves through follow-ups, logic and endings.
import { describe, expect, it } from 'vitest';
import { surveyContent, type SurveyContentInput } from './definition.ts';
import { endingFor, mainScore, nextStep, parseAnswer } from './flow.ts';
import { bandOf, csatOf, meanOf, npsOf, npsOfScores } from './scores.ts';
import { SURVEY_STARTERS } from './starters.ts';

const content = (c: Partial<SurveyContentInput> = {}) =>
  surveyContent.parse({ title: 'T', questions: [{ key: 'q', type: 'text', title: 'Q' }], endings: [{ key: 'end', title: 'Thanks' }], ...c });

describe('NPS, CSAT and CES arithmetic', () => {
  it('10 promoters, 5 passives and 5 detractors make an NPS of +25', () => {
    const f = npsOf(10, 5, 5);
    expect(f.nps).toBe(25);
    expect(f.n).toBe(20);
    // p = .5, d = .25: var = (.75 − .0625) / 20 = .034375; 1.96 × √var = .3634 → ±36.3 points.
    expect(f.ci95).toEqual([-11.3, 61.3]);
  });

  it('counts 9–10 as promoters, 7–8 as passives, 0–6 as detractors', () => {
    expect(npsOfScores([10, 9, 8, 7, 6, 0])).toMatchObject({ promoters: 2, passives: 2, detractors: 2, nps: 0 });
    expect(npsOfScores([9, 9, 9]).nps).toBe(100);
    expect(npsOfScores([0, 6]).nps).toBe(-100);
    expect(npsOfScores([]).nps).toBeNull();
    expect(npsOfScores([10]).ci95).toBeNull();
    expect([0, 6, 7, 8, 9, 10].map((s) => bandOf('nps', s))).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });

  it('keeps the interval within −100 and +100', () => {
    expect(npsOf(3, 0, 0).ci95).toEqual([100, 100]);
    const f = npsOf(19, 0, 1);
    expect(f.nps).toBe(90);
    expect(f.ci95![1]).toBeLessThanOrEqual(100);
  });

  it('CSAT is the share of 4s and 5s; CES is the mean', () => {
    expect(csatOf([5, 4, 3, 2, 1])).toEqual({ n: 5, satisfied: 2, percent: 40 });
    expect(csatOf([5, 5, 4])).toMatchObject({ percent: 100 });
    expect(meanOf([7, 6, 5, 2])).toEqual({ n: 4, mean: 5 });
    expect([1, 2, 3, 4, 5].map((s) => bandOf('csat', s))).toEqual(['dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'satisfied']);
    expect([1, 3, 4, 5, 7].map((s) => bandOf('ces', s))).toEqual(['difficult', 'difficult', 'neutral', 'easy', 'easy']);
  });
});

describe('each question type checks its answer', () => {
  const c = content({
    questions: [
      { key: 'nps', type: 'nps', title: 'NPS' },
      { key: 'csat', type: 'csat', title: 'CSAT' },
      { key: 'ces', type: 'ces', title: 'CES' },
      { key: 'stars', type: 'rating', title: 'Stars', points: 4 },
      { key: 'one', type: 'single', title: 'One', choices: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }], other: true },
      { key: 'many', type: 'multiple', title: 'Many', choices: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }] },
      { key: 'why', type: 'text', title: 'Why', maxLength: 10 },
      { key: 'opt', type: 'text', title: 'Optional', required: false },
    ],
  });
  const q = (key: string) => c.questions.find((x) => x.key === key)!;

  it('scores within their scale', () => {
    expect(parseAnswer(c, q('nps'), ['0'], undefined)).toEqual({ ok: true, value: 0 });
    expect(parseAnswer(c, q('nps'), ['10'], undefined)).toEqual({ ok: true, value: 10 });
    expect(parseAnswer(c, q('nps'), ['11'], undefined)).toEqual({ ok: false, error: 'Please choose a number from 0 to 10.' });
    expect(parseAnswer(c, q('nps'), ['7.5'], undefined).ok).toBe(false);
    expect(parseAnswer(c, q('csat'), ['0'], undefined).ok).toBe(false);
    expect(parseAnswer(c, q('csat'), ['5'], undefined)).toEqual({ ok: true, value: 5 });
    expect(parseAnswer(c, q('ces'), ['7'], undefined)).toEqual({ ok: true, value: 7 });
    expect(parseAnswer(c, q('ces'), ['8'], undefined).ok).toBe(false);
    expect(parseAnswer(c, q('stars'), ['4'], undefined)).toEqual({ ok: true, value: 4 });
    expect(parseAnswer(c, q('stars'), ['5'], undefined).ok).toBe(false);
    expect(parseAnswer(c, q('nps'), ['3', '4'], undefined).ok).toBe(false);
  });

  it('choices among those offered, with the other text', () => {
    expect(parseAnswer(c, q('one'), ['b'], undefined)).toEqual({ ok: true, value: 'b' });
    expect(parseAnswer(c, q('one'), ['z'], undefined)).toEqual({ ok: false, error: 'Please choose one of the answers shown.' });
    expect(parseAnswer(c, q('one'), ['other'], 'A friend')).toEqual({ ok: true, value: 'other', other: 'A friend' });
    expect(parseAnswer(c, q('many'), ['a', 'b', 'a'], undefined)).toEqual({ ok: true, value: ['a', 'b'] });
    expect(parseAnswer(c, q('many'), ['a', 'other'], undefined).ok).toBe(false);
  });

  it('text within its length; a required question needs an answer, an optional one may be skipped', () => {
    expect(parseAnswer(c, q('why'), ['  short  '], undefined)).toEqual({ ok: true, value: 'short' });
    expect(parseAnswer(c, q('why'), ['far too long for ten'], undefined)).toEqual({ ok: false, error: 'Please keep your answer under 10 characters.' });
    expect(parseAnswer(c, q('why'), ['   '], undefined)).toEqual({ ok: false, error: 'This question needs an answer.' });
    expect(parseAnswer(c, q('opt'), [], undefined)).toEqual({ ok: true, value: undefined });
  });

  it('says what is wrong in the survey’s language', () => {
    const de = content({ language: 'de', questions: [{ key: 'nps', type: 'nps', title: 'NPS' }] });
    expect(parseAnswer(de, de.questions[0]!, ['12'], undefined)).toEqual({ ok: false, error: 'Bitte wählen Sie eine Zahl von 0 bis 10.' });
  });
});

describe('a survey is checked as a whole', () => {
  const issues = (c: Partial<SurveyContentInput>) => {
    const r = surveyContent.safeParse({ title: 'T', questions: [{ key: 'q', type: 'text', title: 'Q' }], endings: [{ key: 'end', title: 'Thanks' }], ...c });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('names the field at fault', () => {
    expect(issues({ questions: [{ key: 'q', type: 'text', title: 'A' }, { key: 'q', type: 'text', title: 'B' }] })).toEqual(['questions.1.key: "q" is the key of another question']);
    expect(issues({ questions: [{ key: 'f', type: 'text', title: 'F', showIf: { question: 'nps', bands: ['detractor'] } }, { key: 'nps', type: 'nps', title: 'N' }] })).toEqual([
      'questions.0.showIf.question: must be the key of an earlier question',
    ]);
    expect(issues({ questions: [{ key: 'nps', type: 'nps', title: 'N' }, { key: 'f', type: 'text', title: 'F', showIf: { question: 'nps', bands: ['satisfied'] } }] })).toEqual([
      'questions.1.showIf.bands.0: must be one of promoter, passive, detractor for a NPS question',
    ]);
    expect(issues({ questions: [{ key: 'a', type: 'nps', title: 'A' }, { key: 'b', type: 'nps', title: 'B', logic: [{ when: { max: 6 }, goTo: 'a' }] }] })).toEqual([
      'questions.1.logic.0.goTo: must be the key of a later question or of an ending',
    ]);
    expect(issues({ questions: [{ key: 'a', type: 'nps', title: 'A', logic: [{ when: { values: [11] }, goTo: 'end' }] }] })).toEqual(['questions.0.logic.0.when.values.0: must be a score from 0 to 10']);
    expect(issues({ endings: [{ key: 'end', title: 'E', bands: ['promoter'] }] })).toEqual(["endings.0.bands.0: must be a band of the survey's first NPS, CSAT or CES question (it has none)"]);
    expect(issues({ look: { color: 'red' } })).toEqual(['look.color: must be a colour as #rrggbb']);
    expect(issues({ endings: [{ key: 'end', title: 'E', button: { label: 'Go', url: 'javascript:alert(1)' } }] })).toEqual(['endings.0.button.url: must be a web address starting with https:// or http://']);
  });

  it('every starter is a valid survey in every language', () => {
    for (const s of SURVEY_STARTERS) for (const lang of ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt'] as const) expect(surveyContent.safeParse(s.content('Corner Shop', lang)).success).toBe(true);
  });
});

describe('a respondent moves through the survey', () => {
  const nps = surveyContent.parse(SURVEY_STARTERS.find((s) => s.key === 'nps')!.content('Corner Shop', 'en'));

  it('a detractor is asked what to do better, a promoter what they liked, and promoters end on the review request', () => {
    expect(nextStep(nps, 'nps', { nps: 3 })).toEqual({ question: 'better' });
    expect(nextStep(nps, 'nps', { nps: 8 })).toEqual({ question: 'ten' });
    expect(nextStep(nps, 'nps', { nps: 10 })).toEqual({ question: 'liked' });
    expect(nextStep(nps, 'liked', { nps: 10, liked: 'fast' })).toEqual({ ending: 'review' });
    expect(nextStep(nps, 'better', { nps: 2 })).toEqual({ ending: 'thanks' });
    expect(endingFor(nps, { nps: 9 }).button?.label).toBe('Leave a review');
    expect(mainScore(nps, { nps: 6 })).toEqual({ type: 'nps', score: 6, band: 'detractor' });
  });

  it('logic skips to a later question or an ending by the answer', () => {
    const c = content({
      questions: [
        { key: 'a', type: 'nps', title: 'A', logic: [{ when: { min: 9 }, goTo: 'c' }, { when: { values: [0] }, goTo: 'bye' }] },
        { key: 'b', type: 'text', title: 'B' },
        { key: 'c', type: 'text', title: 'C' },
      ],
      endings: [{ key: 'end', title: 'E' }, { key: 'bye', title: 'Bye' }],
    });
    expect(nextStep(c, 'a', { a: 5 })).toEqual({ question: 'b' });
    expect(nextStep(c, 'a', { a: 9 })).toEqual({ question: 'c' });
    expect(nextStep(c, 'a', { a: 0 })).toEqual({ ending: 'bye' });
    expect(nextStep(c, 'c', { a: 9, c: 'x' })).toEqual({ ending: 'end' });
  });
});
