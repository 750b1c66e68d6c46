// The surveys' background work: responses left unfinished are recorded (marked partial) once
// their respondent has been gone 30 minutes, so that a score given from an email reaches the
// contact and the workflows even without the follow-up; reminders go to those who did not answer.
import type { JobRunner } from '../jobs/runner.ts';
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import type { Answers } from './flow.ts';
import { recordAnswered } from './record.ts';
import { sendReminders } from './send.ts';
import { findSurvey, type SurveyRow } from './surveys.ts';

/** How long a respondent may pause before what they answered is recorded as a partial response. */
export const GONE_AFTER_MS = 30 * 60_000;

/** Records the unfinished responses whose respondent is gone; returns how many. */
export async function recordLeftResponses(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.db.query<{ id: string; survey_id: string; contact_id: string | null; channel: string; answers: Answers }>(
    `select id, survey_id, contact_id, channel, answers from survey_responses
     where recorded_at is null and state = 'partial' and updated_at <= $1 and answers <> '{}'::jsonb
     order by updated_at limit 1000`,
    [new Date(now.getTime() - GONE_AFTER_MS)],
  );
  const surveys = new Map<string, SurveyRow | undefined>();
  const changed = new Set<string>();
  for (const r of rows) {
    if (!surveys.has(r.survey_id)) surveys.set(r.survey_id, await findSurvey(ctx.db, r.survey_id));
    const survey = surveys.get(r.survey_id);
    if (!survey) continue;
    await ctx.db.transaction(async (tx) => {
      // Claimed under its row lock: the respondent finishing it meanwhile, or another worker, wins.
      const [still] = await tx.query("select 1 from survey_responses where id = $1 and recorded_at is null and state = 'partial' for update skip locked", [r.id]);
      if (!still) return;
      if (await recordAnswered(tx, survey, r, true, now)) changed.add(survey.workspace_id);
    });
  }
  for (const ws of changed) notifyDataChanged(ctx, ws);
  return rows.length;
}

export function defineSurveyJobs(runner: JobRunner<AppContext>): void {
  runner.define({
    name: 'surveys.left',
    cron: '*/5 * * * *',
    retryLimit: 1,
    expireInSeconds: 30 * 60,
    handler: async (_data, ctx) => {
      while ((await recordLeftResponses(ctx)) === 1000);
    },
  });
  runner.define({
    name: 'surveys.reminders',
    cron: '7 * * * *',
    retryLimit: 1,
    expireInSeconds: 60 * 60,
    handler: async (_data, ctx) => {
      await sendReminders(ctx);
    },
  });
}
