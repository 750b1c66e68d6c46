// A survey's responses: a page at a time (newest first, filtered by band, sentiment, state, text),
// as CSV (every cell through the one CSV writer, so an answer cannot become a formula), and
// posted through the API by a shop's own form (validated question by question, once per key).
import type { z } from 'zod';
import { badRequest, notFound } from '../errors.ts';
import { Params } from '../db/params.ts';
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import { csvWriter } from '../shared/csv-writer.ts';
import { answeredEnough, findResponse } from './answer.ts';
import type { postResponseBody, responseItem, responsesQuery } from './contract.ts';
import { type Answers, isShown, mainScore, nextStep, parseAnswer, textsOf } from './flow.ts';
import { recordAnswered } from './record.ts';
import { getSurvey, type SurveyRow } from './surveys.ts';

type Item = z.output<typeof responseItem>;

interface Row {
  id: string;
  contact_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  channel: Item['channel'];
  state: Item['state'];
  score: number | null;
  band: Item['band'];
  answers: Answers;
  sentiment: Item['sentiment'];
  sentiment_score: number | null;
  text_language: string | null;
  started_at: Date;
  completed_at: Date | null;
}

const cursorOf = (r: Row) => Buffer.from(`${new Date(r.started_at).toISOString()}|${r.id}`).toString('base64url');
function readCursor(c: string): [string, string] {
  const [at, id] = Buffer.from(c, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) throw badRequest('The page cursor is not one this API gave.', [{ path: 'before', message: 'is not a cursor from `next`' }]);
  return [at, id];
}

function toItem(survey: SurveyRow, r: Row): Item {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ') || null;
  return {
    id: r.id,
    contact: r.contact_id ? { id: r.contact_id, email: r.email, name } : null,
    channel: r.channel,
    state: r.state,
    score: r.score,
    band: r.band,
    answers: r.answers,
    texts: textsOf(survey.content, r.answers),
    sentiment: r.sentiment,
    sentimentScore: r.sentiment_score,
    textLanguage: r.text_language,
    startedAt: new Date(r.started_at),
    completedAt: r.completed_at ? new Date(r.completed_at) : null,
  };
}

function filters(p: Params, survey: SurveyRow, q: Omit<z.output<typeof responsesQuery>, 'limit' | 'before'>): string {
  const where = [`r.survey_id = ${p.add(survey.id, 'uuid')}`];
  if (q.band) where.push(`r.band = ${p.add(q.band, 'text')}`);
  if (q.sentiment) where.push(`r.sentiment = ${p.add(q.sentiment, 'text')}`);
  if (q.state) where.push(`r.state = ${p.add(q.state, 'text')}`);
  if (q.withText) where.push('r.text_language is not null');
  return where.join(' and ');
}

const SELECT = `select r.id, r.contact_id, c.email, c.first_name, c.last_name, r.channel, r.state, r.score, r.band, r.answers, r.sentiment, r.sentiment_score, r.text_language, r.started_at, r.completed_at
  from survey_responses r left join contacts c on c.id = r.contact_id and c.workspace_id = r.workspace_id`;

export async function responsesOf(ctx: AppContext, workspaceId: string, surveyId: string, q: z.output<typeof responsesQuery>) {
  const survey = await getSurvey(ctx.db, workspaceId, surveyId);
  const p = new Params();
  const where = filters(p, survey, q);
  const [total] = await ctx.db.query<{ n: number }>(`select count(*)::int as n from survey_responses r where ${where}`, p.values);
  let page = where;
  if (q.before) {
    const [at, id] = readCursor(q.before);
    page += ` and (r.started_at, r.id) < (${p.add(at, 'timestamptz')}, ${p.add(id, 'uuid')})`;
  }
  const rows = await ctx.db.query<Row>(`${SELECT} where ${page} order by r.started_at desc, r.id desc limit ${p.add(q.limit + 1, 'int')}`, p.values);
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  return { items: items.map((r) => toItem(survey, r)), next: more ? cursorOf(items.at(-1)!) : null, total: total?.n ?? 0 };
}

/** Every response as CSV rows, streamed a thousand at a time. */
export async function responsesCsv(ctx: AppContext, workspaceId: string, surveyId: string) {
  const survey = await getSurvey(ctx.db, workspaceId, surveyId);
  const questions = survey.content.questions;
  const columns = ['response_id', 'started_at', 'completed_at', 'state', 'channel', 'contact_email', 'contact_name', 'score', 'group', 'sentiment', 'text_language'];
  for (const q of questions) {
    columns.push(q.title);
    if ('other' in q && q.other) columns.push(`${q.title} (other)`);
  }
  const out = csvWriter({ columns, bom: true });
  const label = (q: (typeof questions)[number], v: unknown): string => {
    if (v === undefined || v === null) return '';
    if ('choices' in q) return (Array.isArray(v) ? v : [v]).map((k) => q.choices.find((ch) => ch.key === k)?.label ?? (k === 'other' ? 'Other' : String(k))).join('; ');
    return String(v);
  };
  void (async () => {
    try {
      let before: [string, string] | undefined;
      for (;;) {
        const p = new Params([survey.id]);
        const after = before ? ` and (r.started_at, r.id) < (${p.add(before[0], 'timestamptz')}, ${p.add(before[1], 'uuid')})` : '';
        const rows = await ctx.db.query<Row>(`${SELECT} where r.survey_id = $1${after} order by r.started_at desc, r.id desc limit 1000`, p.values);
        for (const r of rows) {
          const cells: (string | number | null)[] = [
            r.id,
            new Date(r.started_at).toISOString(),
            r.completed_at ? new Date(r.completed_at).toISOString() : '',
            r.state,
            r.channel,
            r.email ?? '',
            [r.first_name, r.last_name].filter(Boolean).join(' '),
            r.score,
            r.band ?? '',
            r.sentiment ?? '',
            r.text_language ?? '',
          ];
          for (const q of questions) {
            cells.push(label(q, r.answers[q.key]));
            if ('other' in q && q.other) cells.push(typeof r.answers[`${q.key}.other`] === 'string' ? String(r.answers[`${q.key}.other`]) : '');
          }
          if (!out.write(cells)) await new Promise((resolve) => out.once('drain', resolve));
        }
        if (rows.length < 1000) break;
        const last = rows.at(-1)!;
        before = [new Date(last.started_at).toISOString(), last.id];
      }
      out.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return { survey, stream: out };
}

/**
 * A response posted by a shop's own form: each answer checked as the answer page checks it, the
 * contact found by id or email (or none, where the survey takes anonymous answers), once per key.
 */
export async function postResponse(ctx: AppContext, workspaceId: string, surveyId: string, body: z.output<typeof postResponseBody>): Promise<{ id: string; state: 'partial' | 'complete'; repeated: boolean }> {
  const survey = await getSurvey(ctx.db, workspaceId, surveyId);
  if (survey.state !== 'active') throw badRequest('The survey is not active: activate it to take answers.', [{ path: 'surveyId', message: `is ${survey.state}` }]);
  let contactId: string | null = null;
  if (body.contactId || body.email) {
    const [c] = body.contactId
      ? await ctx.db.query<{ id: string }>('select id from contacts where workspace_id = $1 and id = $2', [workspaceId, body.contactId])
      : await ctx.db.query<{ id: string }>('select id from contacts where workspace_id = $1 and lower(email) = lower($2)', [workspaceId, body.email]);
    if (!c) throw notFound('The contact');
    contactId = c.id;
  } else if (!survey.settings.anonymous) throw badRequest('This survey does not take anonymous answers: give a contactId or an email.', [{ path: 'contactId', message: 'is required for this survey' }]);

  const issues: { path: string; message: string }[] = [];
  const answers: Answers = {};
  for (const [key, value] of Object.entries(body.answers)) {
    const q = survey.content.questions.find((x) => x.key === key.replace(/\.other$/, ''));
    if (!q) {
      issues.push({ path: `answers.${key}`, message: 'is not a question of this survey' });
      continue;
    }
    if (key.endsWith('.other')) continue;
    const raw = Array.isArray(value) ? value.map(String) : [String(value)];
    const other = body.answers[`${key}.other`];
    const parsed = parseAnswer(survey.content, { ...q, required: false }, raw, typeof other === 'string' ? other : undefined);
    if (!parsed.ok) issues.push({ path: `answers.${key}`, message: parsed.error });
    else if (parsed.value !== undefined) {
      answers[key] = parsed.value;
      if (parsed.other) answers[`${key}.other`] = parsed.other;
    }
  }
  if (body.complete)
    for (const q of survey.content.questions)
      if (q.required && isShown(survey.content, q, answers) && answers[q.key] === undefined && issues.every((i) => i.path !== `answers.${q.key}`))
        issues.push({ path: `answers.${q.key}`, message: 'is required to complete the response' });
  if (Object.keys(answers).length === 0 && issues.length === 0) issues.push({ path: 'answers', message: 'must hold at least one answer' });
  if (issues.length) throw badRequest(`The answers have ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues[0]!.path} ${issues[0]!.message}`, issues);

  const key = `api:${body.key ?? crypto.randomUUID()}`;
  const now = ctx.clock.now();
  let changed = false;
  const out = await ctx.db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [contactId ? `survey:${survey.id}:contact:${contactId}` : `survey:${survey.id}:${key}`]);
    const existing = await findResponse(tx, survey.id, key);
    if (existing?.state === 'complete') return { id: existing.id, state: existing.state, repeated: true };
    if (!existing && contactId && (await answeredEnough(tx, survey, contactId, key, now)))
      throw badRequest('This contact already answered this survey as often as it allows.', [{ path: 'contactId', message: 'already answered' }]);
    const merged = { ...(existing?.answers ?? {}), ...answers };
    const complete = body.complete;
    const lastAnswered = [...survey.content.questions].reverse().find((q) => merged[q.key] !== undefined);
    const step = complete || !lastAnswered ? null : nextStep(survey.content, lastAnswered.key, merged);
    const main = mainScore(survey.content, merged);
    const [row] = await tx.query<{ id: string }>(
      `insert into survey_responses (workspace_id, survey_id, contact_id, respondent_key, channel, answers, step, state, score, band, started_at, updated_at, completed_at)
       values ($1, $2, $3, $4, 'api', $5, $6, $7, $8, $9, $10, $10, $11)
       on conflict (survey_id, respondent_key) do update set answers = excluded.answers, step = excluded.step, state = excluded.state, score = excluded.score, band = excluded.band, updated_at = excluded.updated_at, completed_at = excluded.completed_at
       returning id`,
      [workspaceId, survey.id, contactId, key, JSON.stringify(merged), step && 'question' in step ? step.question : null, complete ? 'complete' : 'partial', main?.score ?? null, main?.band ?? null, now, complete ? now : null],
    );
    if (complete) changed = await recordAnswered(tx, survey, { id: row!.id, contact_id: contactId, channel: 'api', answers: merged }, false, now);
    return { id: row!.id, state: complete ? ('complete' as const) : ('partial' as const), repeated: false };
  });
  if (changed) notifyDataChanged(ctx, workspaceId);
  return out;
}
