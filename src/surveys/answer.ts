// A respondent answering one question: the response is kept from the first answer on (partial),
// once per respondent key (an invitation, an email, a contact and period, an anonymous visit),
// under a lock per contact (or key) so that two taps, two tabs or a retried request make one
// response; the last answer completes it and records it (record.ts). A survey that answers only
// once per contact (or period) refuses a second response however it is reached.
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import type { SqlSession } from '../db/client.ts';
import { type Answers, firstStep, mainScore, nextStep, parseAnswer, type Step } from './flow.ts';
import { recordAnswered } from './record.ts';
import type { SurveyRow } from './surveys.ts';

export interface Respondent {
  survey: SurveyRow;
  contactId: string | null;
  /** Unique per survey: `send:<id>`, `message:<id>`, `contact:<id>:<n>`, `anonymous:<id>`, `api:<key>`. */
  key: string;
  channel: 'email' | 'link' | 'api';
  sendId?: string | null;
  messageId?: string | null;
}

export interface ResponseRow {
  id: string;
  survey_id: string;
  contact_id: string | null;
  respondent_key: string;
  channel: 'email' | 'link' | 'api';
  answers: Answers;
  step: string | null;
  state: 'partial' | 'complete';
}

export type AnswerResult =
  | { status: 'recorded'; responseId: string; step: Step }
  | { status: 'invalid'; error: string; responseId: string | null; step: Step }
  | { status: 'already_answered' }
  | { status: 'closed' };

const RESPONSE_COLUMNS = 'id, survey_id, contact_id, respondent_key, channel, answers, step, state';

/** The contact's or key's lock: one response at a time per contact and survey. */
async function lockRespondent(tx: SqlSession, r: Respondent): Promise<void> {
  const lock = r.contactId ? `survey:${r.survey.id}:contact:${r.contactId}` : `survey:${r.survey.id}:${r.key}`;
  await tx.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [lock]);
}

/** Whether the contact already answered this survey as often as it allows. */
export async function answeredEnough(tx: SqlSession, survey: SurveyRow, contactId: string, exceptKey: string | null, now: Date): Promise<boolean> {
  const rule = survey.settings.answerOnce;
  if (rule === 'always') return false;
  const since = rule === 'once' ? new Date(0) : new Date(now.getTime() - survey.settings.periodDays * 86_400_000);
  const [row] = await tx.query(
    `select 1 from survey_responses
     where survey_id = $1 and contact_id = $2 and (state = 'complete' or recorded_at is not null) and started_at >= $3 and respondent_key is distinct from $4 limit 1`,
    [survey.id, contactId, since, exceptKey],
  );
  return row !== undefined;
}

export async function findResponse(db: SqlSession, surveyId: string, key: string): Promise<ResponseRow | undefined> {
  const [row] = await db.query<ResponseRow>(`select ${RESPONSE_COLUMNS} from survey_responses where survey_id = $1 and respondent_key = $2`, [surveyId, key]);
  return row;
}

export async function responseById(db: SqlSession, id: string): Promise<ResponseRow | undefined> {
  const [row] = await db.query<ResponseRow>(`select ${RESPONSE_COLUMNS} from survey_responses where id = $1`, [id]);
  return row;
}

/**
 * Records the answer to one question (`raw`: the form's values, `other`: the "other" text) and
 * moves the response on; a new response starts at the first question only.
 */
export async function answerQuestion(ctx: AppContext, r: Respondent, questionKey: string, raw: string[], other: string | undefined): Promise<AnswerResult> {
  if (r.survey.state !== 'active') return { status: 'closed' };
  const content = r.survey.content;
  const now = ctx.clock.now();
  let changed = false;
  const result = await ctx.db.transaction(async (tx): Promise<AnswerResult> => {
    await lockRespondent(tx, r);
    const existing = await findResponse(tx, r.survey.id, r.key);
    if (existing?.state === 'complete') return { status: 'already_answered' };
    if (!existing && r.contactId && (await answeredEnough(tx, r.survey, r.contactId, r.key, now))) return { status: 'already_answered' };
    const answers: Answers = { ...(existing?.answers ?? {}) };
    const current: Step = existing ? (existing.step ? { question: existing.step } : nextStep(content, content.questions.at(-1)!.key, answers)) : firstStep(content);
    const q = content.questions.find((x) => x.key === questionKey);
    // Only the question shown now, or one answered before (an answer changed with the back button).
    const allowed = q && (('question' in current && current.question === q.key) || (existing !== undefined && q.key in answers));
    if (!allowed) return { status: 'recorded', responseId: existing?.id ?? '', step: current };
    const parsed = parseAnswer(content, q, raw, other);
    if (!parsed.ok) return { status: 'invalid', error: parsed.error, responseId: existing?.id ?? null, step: { question: q.key } };
    delete answers[q.key];
    delete answers[`${q.key}.other`];
    if (parsed.value !== undefined) answers[q.key] = parsed.value;
    if (parsed.other) answers[`${q.key}.other`] = parsed.other;
    const step = nextStep(content, q.key, answers);
    const complete = 'ending' in step;
    const main = mainScore(content, answers);
    const [row] = await tx.query<{ id: string }>(
      `insert into survey_responses (workspace_id, survey_id, contact_id, respondent_key, channel, send_id, message_id, answers, step, state, score, band, started_at, updated_at, completed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
       on conflict (survey_id, respondent_key) do update
         set answers = excluded.answers, step = excluded.step, state = excluded.state, score = excluded.score, band = excluded.band,
             updated_at = excluded.updated_at, completed_at = excluded.completed_at
       returning id`,
      [
        r.survey.workspace_id,
        r.survey.id,
        r.contactId,
        r.key,
        r.channel,
        r.sendId ?? null,
        r.messageId ?? null,
        JSON.stringify(answers),
        complete ? null : step.question,
        complete ? 'complete' : 'partial',
        main?.score ?? null,
        main?.band ?? null,
        now,
        complete ? now : null,
      ],
    );
    if (complete) changed = await recordAnswered(tx, r.survey, { id: row!.id, contact_id: r.contactId, channel: r.channel, answers }, false, now);
    return { status: 'recorded', responseId: row!.id, step };
  });
  if (changed) notifyDataChanged(ctx, r.survey.workspace_id);
  return result;
}
