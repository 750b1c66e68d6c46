// What a survey's answers add up to: the funnel (asked, opened by a person, answered), NPS with
// its split and 95% interval, CSAT, CES, the main figure per week or month, per-question counts,
// and the open text's sentiment and frequent terms per band; and the list of surveys with their
// headline figures. Scores given in responses left unfinished count (a partial answer is kept).
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import { Params } from '../db/params.ts';
import type { AppContext } from '../server/context.ts';
import type { resultsQuery, surveyResults, surveySummary } from './contract.ts';
import { textsOf, type Answers } from './flow.ts';
import { npsOf, scaleOf } from './scores.ts';
import { topTerms } from './sentiment.ts';
import { getSurvey, type SurveyRow, SURVEY_COLUMNS } from './surveys.ts';

type Results = z.output<typeof surveyResults>;
type Summary = z.output<typeof surveySummary>;

/** A headline from the main score's aggregates. */
function headlineOf(kind: SurveyRow['kind'], a: { n: number; promoters: number; passives: number; detractors: number; satisfied: number; total: number }) {
  if (kind === 'nps') return { kind, value: npsOf(a.promoters, a.passives, a.detractors).nps, n: a.n };
  if (kind === 'csat') return { kind, value: a.n ? Math.round((a.satisfied / a.n) * 1000) / 10 : null, n: a.n };
  if (kind === 'ces') return { kind, value: a.n ? Math.round((a.total / a.n) * 100) / 100 : null, n: a.n };
  return { kind, value: null, n: a.n };
}

const AGGREGATES = `count(r.score)::int as n,
  count(*) filter (where r.band = 'promoter')::int as promoters, count(*) filter (where r.band = 'passive')::int as passives,
  count(*) filter (where r.band = 'detractor')::int as detractors, count(*) filter (where r.band = 'satisfied')::int as satisfied,
  coalesce(sum(r.score), 0)::float8 as total`;

interface Agg {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  satisfied: number;
  total: number;
}

export async function surveySummaries(db: SqlSession, workspaceId: string, only?: string): Promise<Summary[]> {
  const rows = await db.query<SurveyRow & Agg & { sent: number; responses: number; last_at: Date | null }>(
    `select ${SURVEY_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')},
       (select count(*)::int from survey_sends s where s.survey_id = v.id and s.state = 'queued') as sent,
       a.*
     from surveys v
     cross join lateral (select count(*)::int as responses, max(r.started_at) as last_at, ${AGGREGATES} from survey_responses r where r.survey_id = v.id) a
     where v.workspace_id = $1 and ($2::uuid is null or v.id = $2)
     order by v.state = 'archived', v.created_at desc`,
    [workspaceId, only ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    state: r.state,
    kind: r.kind,
    language: (r.content as { language?: string }).language ?? 'en',
    sent: r.sent,
    responses: r.responses,
    headline: headlineOf(r.kind, r),
    lastResponseAt: r.last_at ? new Date(r.last_at) : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
}

type Scope = { from?: string; to?: string; segmentId?: string };

/**
 * The period and segment of a results query, over a row whose time is `at` and contact is
 * `contact` (responses, invitations, messages): SQL conditions, parameters added to `p`.
 */
function scopeSql(p: Params, workspaceId: string, q: Scope, at: string, contact: string): string[] {
  const where: string[] = [];
  if (q.from) where.push(`${at} >= ${p.add(q.from, 'date')}::timestamptz`);
  if (q.to) where.push(`${at} < (${p.add(q.to, 'date')} + 1)::timestamptz`);
  if (q.segmentId)
    where.push(
      `exists (select 1 from segment_members sm where sm.workspace_id = ${p.add(workspaceId, 'uuid')} and sm.segment_id = ${p.add(q.segmentId, 'uuid')} and sm.contact_id = ${contact} and sm.exited_at is null)`,
    );
  return where;
}

export async function surveyResultsOf(ctx: AppContext, workspaceId: string, surveyId: string, q: z.output<typeof resultsQuery>): Promise<Results> {
  const survey = await getSurvey(ctx.db, workspaceId, surveyId);
  // The responses covered (`r`), the same condition for every query over them.
  const p = new Params();
  const where = [`r.survey_id = ${p.add(survey.id, 'uuid')}`, ...scopeSql(p, workspaceId, q, 'r.started_at', 'r.contact_id')].join(' and ');
  const [agg] = await ctx.db.query<Agg & { responses: number; complete: number }>(
    `select count(*)::int as responses, count(*) filter (where r.state = 'complete')::int as complete, ${AGGREGATES} from survey_responses r where ${where}`,
    p.values,
  );
  const a = agg!;

  // The funnel over the invitations of the period.
  const fp = new Params([survey.id]);
  const sendWhere = ['s.survey_id = $1', "s.state = 'queued'", ...scopeSql(fp, workspaceId, q, 's.created_at', 's.contact_id')];
  const [funnel] = await ctx.db.query<{ sent: number; opened: number; answered: number }>(
    `select count(*)::int as sent,
       count(*) filter (where exists (
         select 1 from email_messages m join email_engagement e on e.message_id = m.id and e.kind = 'open' and not e.prefetch
         where m.workspace_id = s.workspace_id and m.idempotency_key like 'survey:' || s.id::text || '%'))::int as opened,
       count(*) filter (where exists (select 1 from survey_responses r where r.survey_id = s.survey_id and r.contact_id = s.contact_id and r.started_at >= s.created_at))::int as answered
     from survey_sends s where ${sendWhere.join(' and ')}`,
    fp.values,
  );

  // Broadcasts whose email carries the survey's block count too (asked by a message of theirs).
  const bp = new Params([workspaceId, `%/${survey.id}%`]);
  const bWhere = ["m.state in ('sent', 'bounced')", ...scopeSql(bp, workspaceId, q, 'm.created_at', 'm.contact_id')];
  const [viaBroadcasts] = await ctx.db.query<{ sent: number; opened: number; answered: number }>(
    `select count(*)::int as sent,
       count(*) filter (where exists (select 1 from email_engagement e where e.message_id = m.id and e.kind = 'open' and not e.prefetch))::int as opened,
       count(*) filter (where exists (select 1 from survey_responses r where r.survey_id = ${bp.add(survey.id, 'uuid')} and r.message_id = m.id))::int as answered
     from broadcasts b join email_templates t on t.id = b.template_id and t.body like $2
     join email_messages m on m.broadcast_id = b.id
     where b.workspace_id = $1 and ${bWhere.join(' and ')}`,
    bp.values,
  );

  // The main figure per period.
  const unit = q.interval === 'week' ? 'week' : 'month';
  const trendRows = await ctx.db.query<Agg & { period: string }>(
    `select to_char(date_trunc('${unit}', r.started_at at time zone 'UTC'), 'YYYY-MM-DD') as period, ${AGGREGATES}
     from survey_responses r where ${where} and r.score is not null group by 1 order by 1`,
    p.values,
  );
  const trend = trendRows.map((t) => {
    if (survey.kind === 'nps') {
      const f = npsOf(t.promoters, t.passives, t.detractors);
      return { period: t.period, n: t.n, value: f.nps, ci95: f.ci95 };
    }
    return { period: t.period, n: t.n, value: headlineOf(survey.kind, t).value, ci95: null };
  });

  // Per question: how many gave each score or choice.
  const counts = await ctx.db.query<{ key: string; v: unknown; n: number }>(
    `select e.key, coalesce(x.value, e.value) as v, count(*)::int as n
     from survey_responses r
     cross join lateral jsonb_each(r.answers) e
     left join lateral jsonb_array_elements(case when jsonb_typeof(e.value) = 'array' then e.value else '[]'::jsonb end) x on true
     where ${where} and jsonb_typeof(e.value) in ('number', 'string', 'array') and e.key not like '%.other'
     group by 1, 2`,
    p.values,
  );
  const questions = survey.content.questions.map((question) => {
    const mine = counts.filter((c) => c.key === question.key && c.v !== null && !(Array.isArray(c.v) && c.v.length === 0));
    const answered = question.type === 'multiple' ? 0 : mine.reduce((s, c) => s + c.n, 0);
    let list: { value: number | string; label: string; count: number }[] = [];
    let mean: number | null = null;
    if (question.type === 'single' || question.type === 'multiple') {
      const options = [...question.choices, ...(question.other ? [{ key: 'other', label: 'Other' }] : [])];
      list = options.map((o) => ({ value: o.key, label: o.label, count: mine.find((c) => c.v === o.key)?.n ?? 0 }));
    } else if (question.type !== 'text') {
      const { min, max } = scaleOf(question.type, question.type === 'rating' ? question.points : undefined);
      for (let v = min; v <= max; v++) list.push({ value: v, label: String(v), count: mine.find((c) => c.v === v)?.n ?? 0 });
      const n = list.reduce((s, c) => s + c.count, 0);
      mean = n ? Math.round((list.reduce((s, c) => s + Number(c.value) * c.count, 0) / n) * 100) / 100 : null;
    }
    return { key: question.key, title: question.title, type: question.type, answered, counts: list, mean };
  });
  const multipleAnswered = await ctx.db.query<{ key: string; n: number }>(
    `select e.key, count(*)::int as n from survey_responses r cross join lateral jsonb_each(r.answers) e where ${where} and (case when jsonb_typeof(e.value) = 'array' then jsonb_array_length(e.value) else 0 end) > 0 group by 1`,
    p.values,
  );
  for (const m of multipleAnswered) {
    const found = questions.find((x) => x.key === m.key);
    if (found) found.answered = m.n;
  }

  // Open text per band: sentiment counts and frequent terms (of the latest 2,000 answers each).
  const textRows = await ctx.db.query<{ band: string | null; answers: Answers; sentiment: string | null; text_language: string | null }>(
    `select * from (
       select r.band, r.answers, r.sentiment, r.text_language, row_number() over (partition by r.band order by r.started_at desc) as k
       from survey_responses r where ${where} and r.text_language is not null) t where t.k <= 2000`,
    p.values,
  );
  const groups = new Map<string, typeof textRows>();
  for (const r of textRows) {
    const b = r.band ?? 'all';
    groups.set(b, [...(groups.get(b) ?? []), r]);
  }
  const text = [...groups].map(([band, rows]) => ({
    band,
    answers: rows.length,
    positive: rows.filter((r) => r.sentiment === 'positive').length,
    neutral: rows.filter((r) => r.sentiment === 'neutral').length,
    negative: rows.filter((r) => r.sentiment === 'negative').length,
    unscored: rows.filter((r) => r.sentiment === null).length,
    terms: topTerms(
      rows.filter((r) => r.text_language === 'en').flatMap((r) => textsOf(survey.content, r.answers)),
      12,
    ),
  }));

  const scores = { promoters: a.promoters, passives: a.passives, detractors: a.detractors };
  const f = { sent: funnel!.sent + viaBroadcasts!.sent, opened: funnel!.opened + viaBroadcasts!.opened, answered: funnel!.answered + viaBroadcasts!.answered };
  return {
    kind: survey.kind,
    funnel: { sent: f.sent, opened: f.opened, answered: f.answered, responseRate: f.sent ? Math.round((f.answered / f.sent) * 1000) / 10 : null },
    responses: { total: a.responses, complete: a.complete, partial: a.responses - a.complete },
    nps: survey.kind === 'nps' ? npsOf(scores.promoters, scores.passives, scores.detractors) : null,
    csat: survey.kind === 'csat' ? { n: a.n, satisfied: a.satisfied, percent: headlineOf('csat', a).value } : null,
    ces: survey.kind === 'ces' ? { n: a.n, mean: headlineOf('ces', a).value } : null,
    trend,
    questions,
    text,
  };
}
