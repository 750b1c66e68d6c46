// What an answered survey becomes, in the caller's transaction: the `survey.answered` event on
// the contact's spine (once per response: its message id is `survey.answered:<response id>`) and
// the contact's latest score, band and date as properties (nps_score, nps_band, nps_date; csat_…;
// ces_…), which segments, merge fields and workflow branches read. The sentiment of the open text
// is computed here, offline. A response left unfinished is recorded the same way, marked partial,
// once its respondent has been gone a while (jobs.ts).
import type { SqlSession } from '../db/client.ts';
import { ensureDefinitions } from '../contacts/properties.ts';
import { setFieldOf } from '../contacts/set-field.ts';
import { recordEvents } from '../events/record.ts';
import type { Answers } from './flow.ts';
import { mainScore, textsOf } from './flow.ts';
import { analyzeText } from './sentiment.ts';
import type { SurveyRow } from './surveys.ts';

/** At most this much of the open text goes into the event (the response keeps all of it). */
const EVENT_TEXT = 1000;

export interface Recordable {
  id: string;
  contact_id: string | null;
  channel: string;
  answers: Answers;
}

/** Sentiment of the open-text answers, as stored on the response. */
export function sentimentOf(survey: SurveyRow, answers: Answers): { sentiment: string | null; score: number | null; language: string | null } {
  const text = textsOf(survey.content, answers).join('\n');
  if (!text) return { sentiment: null, score: null, language: null };
  const a = analyzeText(text);
  return { sentiment: a.sentiment, score: a.score, language: a.language };
}

/**
 * Writes the event and the contact's properties for a response and marks it recorded; returns
 * whether the contact's data changed (the caller says so after commit).
 */
export async function recordAnswered(tx: SqlSession, survey: SurveyRow, r: Recordable, partial: boolean, now: Date): Promise<boolean> {
  const main = mainScore(survey.content, r.answers);
  const s = sentimentOf(survey, r.answers);
  await tx.query(
    `update survey_responses set recorded_at = $2, sentiment = $3, sentiment_score = $4, text_language = $5, score = $6, band = $7 where id = $1`,
    [r.id, now, s.sentiment, s.score, s.language, main?.score ?? null, main?.band ?? null],
  );
  if (!r.contact_id) return false;
  const text = textsOf(survey.content, r.answers).join('\n');
  await recordEvents(tx, survey.workspace_id, 'surveys', [
    {
      contactId: r.contact_id,
      name: 'survey.answered',
      occurredAt: now,
      messageId: `survey.answered:${r.id}`,
      properties: {
        survey_id: survey.id,
        survey_name: survey.name,
        response_id: r.id,
        kind: survey.kind,
        score: main?.score ?? null,
        band: main?.band ?? null,
        text: text ? text.slice(0, EVENT_TEXT) : null,
        sentiment: s.sentiment,
        partial,
        channel: r.channel,
      },
    },
  ]);
  if (!main) return true;
  // The contact's latest score of this kind: a property each of score, band and date.
  const p = main.type;
  await ensureDefinitions(
    tx,
    survey.workspace_id,
    [
      { key: `${p}_score`, type: 'number', label: `Latest ${p.toUpperCase()} score` },
      { key: `${p}_band`, type: 'string', label: `Latest ${p.toUpperCase()} group` },
      { key: `${p}_date`, type: 'date', label: `Latest ${p.toUpperCase()} answer date` },
    ],
    now,
  );
  const ids = [r.contact_id];
  await setFieldOf(tx, survey.workspace_id, ids, `properties.${p}_score`, main.score, 'survey', now);
  await setFieldOf(tx, survey.workspace_id, ids, `properties.${p}_band`, main.band, 'survey', now);
  await setFieldOf(tx, survey.workspace_id, ids, `properties.${p}_date`, now.toISOString().slice(0, 10), 'survey', now);
  return true;
}
