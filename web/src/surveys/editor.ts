// Pure helpers of the survey editor: new questions and endings with keys of their own, moving
// and deleting them (what pointed at a deleted one is let go), renaming a key everywhere it is
// used, and the server's 400 details turned into messages by field path and into words.
import { ApiError, sentenceCase } from '../lib/api.ts';
import { bandsOfKind, type Ending, type Question, type QuestionType, type SurveyContent, type SurveySettings, typeLabel } from './model.ts';

const KEY_BASE: Record<QuestionType, string> = { nps: 'nps', csat: 'csat', ces: 'ces', rating: 'rating', single: 'choice', multiple: 'choices', text: 'comment' };

/** Every key in use: questions' and endings'. */
export const keysOf = (c: SurveyContent) => new Set([...c.questions.map((q) => q.key), ...c.endings.map((e) => e.key)]);

/** `base`, or `base_2`, `base_3`… whichever is free. */
export function freeKey(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A choice key from its label: "Too expensive" → "too_expensive". */
export function keyFromLabel(label: string, taken: Set<string>): string {
  const slug =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .replace(/^[^a-z]+/, '')
      .slice(0, 32) || 'choice';
  return freeKey(slug, taken);
}

export function newQuestion(type: QuestionType, c: SurveyContent): Question {
  const key = freeKey(KEY_BASE[type], keysOf(c));
  const base = { key, required: true } as const;
  switch (type) {
    case 'nps':
      return { ...base, type, title: 'How likely are you to recommend us to a friend or colleague?' };
    case 'csat':
      return { ...base, type, title: 'How satisfied are you with your order?', style: 'faces' };
    case 'ces':
      return { ...base, type, title: 'It was easy to get what I needed.' };
    case 'rating':
      return { ...base, type, title: 'How would you rate us?', points: 5, style: 'stars' };
    case 'single':
    case 'multiple':
      return {
        ...base,
        type,
        title: type === 'single' ? 'What was the main reason?' : 'What did you like?',
        choices: [
          { key: 'first', label: 'First answer' },
          { key: 'second', label: 'Second answer' },
        ],
        other: false,
      };
    case 'text':
      return { ...base, type, title: 'Anything else you would like to tell us?', required: false, maxLength: 2000 };
  }
}

export function newEnding(c: SurveyContent): Ending {
  return { key: freeKey('thanks', keysOf(c)), title: 'Thank you!' };
}

/** The first NPS, CSAT or CES question: the survey's score and the groups its answers fall in. */
export const mainOf = (questions: readonly Question[]) => questions.find((q) => q.type === 'nps' || q.type === 'csat' || q.type === 'ces');

/** The scored question a follow-up at `index` depends on: its own, or the first scored one before it. */
export function showIfSource(c: SurveyContent, index: number): Question | undefined {
  const q = c.questions[index];
  if (q?.showIf) return c.questions.find((x) => x.key === q.showIf!.question);
  return mainOf(c.questions.slice(0, index));
}

export const bandsOfQuestion = (q: Question | undefined) => (q ? bandsOfKind(q.type) : []);

/** Moves question `from` by `by` places (−1 up, +1 down). */
export function moveQuestion(c: SurveyContent, from: number, by: number): SurveyContent {
  const to = from + by;
  if (to < 0 || to >= c.questions.length) return c;
  const questions = [...c.questions];
  const [q] = questions.splice(from, 1);
  questions.splice(to, 0, q!);
  return { ...c, questions };
}

/** Removes question `index`; rules and follow-ups that pointed at it are let go. */
export function deleteQuestion(c: SurveyContent, index: number): SurveyContent {
  const gone = c.questions[index]?.key;
  const questions = c.questions
    .filter((_, i) => i !== index)
    .map((q) => {
      let next = q;
      if (next.showIf?.question === gone) next = { ...next, showIf: undefined };
      if (next.logic?.some((r) => r.goTo === gone)) next = { ...next, logic: next.logic.filter((r) => r.goTo !== gone) };
      return next;
    });
  return { ...c, questions };
}

export function deleteEnding(c: SurveyContent, index: number): SurveyContent {
  const gone = c.endings[index]?.key;
  return {
    ...c,
    endings: c.endings.filter((_, i) => i !== index),
    questions: c.questions.map((q) => (q.logic?.some((r) => r.goTo === gone) ? { ...q, logic: q.logic.filter((r) => r.goTo !== gone) } : q)),
  };
}

/** Gives a question or ending a new key, and every follow-up and rule that named the old one the new. */
export function renameKey(c: SurveyContent, from: string, to: string): SurveyContent {
  if (from === to) return c;
  return {
    ...c,
    questions: c.questions.map((q) => {
      let next = q.key === from ? { ...q, key: to } : q;
      if (next.showIf?.question === from) next = { ...next, showIf: { ...next.showIf, question: to } };
      if (next.logic?.some((r) => r.goTo === from)) next = { ...next, logic: next.logic.map((r) => (r.goTo === from ? { ...r, goTo: to } : r)) };
      return next;
    }),
    endings: c.endings.map((e) => (e.key === from ? { ...e, key: to } : e)),
  };
}

/** A blank custom survey: one open question and a thank-you. */
export function blankContent(title: string): SurveyContent {
  return {
    language: 'en',
    title,
    questions: [{ key: 'comment', type: 'text', title: 'What could we do better?', required: true, maxLength: 2000 }],
    endings: [{ key: 'thanks', title: 'Thank you!', body: 'We read every answer.' }],
    look: { color: '#4c6ef5' },
    buttons: {},
  };
}

// ---- The server's problems --------------------------------------------------------------

/** The messages of a 400 by field path without `body.` ("content.questions.2.title"). */
export function problemsByPath(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return out;
  for (const issue of err.details as { path?: unknown; message?: unknown }[]) {
    if (typeof issue?.path !== 'string' || typeof issue.message !== 'string') continue;
    const path = issue.path.replace(/^body\./, '');
    out[path] ??= sentenceCase(issue.message);
  }
  return out;
}

const FIELD_WORDS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  key: 'Key',
  choices: 'Choices',
  label: 'Label',
  showIf: 'Show only to',
  bands: 'Groups',
  question: 'Question',
  logic: 'Rule',
  goTo: 'Go to',
  when: 'If the answer',
  values: 'Answers',
  min: 'From',
  max: 'To',
  lowLabel: 'Label of the lowest answer',
  highLabel: 'Label of the highest answer',
  points: 'Points',
  style: 'Style',
  maxLength: 'Longest answer',
  placeholder: 'Placeholder',
  body: 'Text',
  button: 'Button',
  url: 'Web address',
  intro: 'Introduction',
  language: 'Language',
  look: 'Look',
  color: 'Accent colour',
  logoUrl: 'Logo',
  buttons: 'Buttons',
  next: '“Next” button',
  submit: '“Submit” button',
  questions: 'Questions',
  endings: 'Endings',
  name: 'Name',
  anonymous: 'Anonymous answers',
  answerOnce: 'How often a contact may answer',
  periodDays: 'Days between answers',
  reminders: 'Reminders',
  count: 'How many',
  afterDays: 'After how many days',
  settings: 'Settings',
  emailTemplateId: 'Email template',
};

/** Where a problem is, in words: "Question 3 (rating) · Title". */
export function whereInWords(path: string, c: SurveyContent): string {
  const parts = path.split('.');
  const words: string[] = [];
  let i = 0;
  if (parts[0] === 'content') i = 1;
  if (parts[i] === 'questions' && /^\d+$/.test(parts[i + 1] ?? '')) {
    const at = Number(parts[i + 1]);
    const q = c.questions[at];
    words.push(`Question ${at + 1}${q ? ` (${typeLabel(q.type).replace(/ \(.*\)$/, '').toLowerCase()})` : ''}`);
    i += 2;
  } else if (parts[i] === 'endings' && /^\d+$/.test(parts[i + 1] ?? '')) {
    words.push(`Ending ${Number(parts[i + 1]) + 1}`);
    i += 2;
  }
  for (; i < parts.length; i++) {
    const p = parts[i]!;
    if (/^\d+$/.test(p)) {
      const prev = parts[i - 1];
      words.push(prev === 'choices' ? `choice ${Number(p) + 1}` : prev === 'logic' ? `rule ${Number(p) + 1}` : `${Number(p) + 1}`);
    } else words.push(FIELD_WORDS[p] ?? p);
  }
  return words.join(' · ') || 'The survey';
}

/** What the form sends as settings (numbers where the inputs may hold strings). */
export const normalSettings = (s: SurveySettings): SurveySettings => ({
  anonymous: s.anonymous,
  answerOnce: s.answerOnce,
  periodDays: Number(s.periodDays) || 1,
  reminders: { count: Number(s.reminders.count) || 0, afterDays: Number(s.reminders.afterDays) || 1 },
});
