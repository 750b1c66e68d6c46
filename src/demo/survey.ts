// The demo shop's NPS survey, with a year of answers, so that Surveys is not empty on a first
// look: about one buyer in seven asked, a quarter of them answering, scores that follow the
// customer (loyal customers recommend more, refunds less, and the shop gets a little better over
// the year), and open answers of the kind shops get, a few of them in German (marked, not
// scored). Written set-based as the answer pages would have written them: invitations,
// responses, `survey.answered` events and the contacts' latest NPS properties. Made only when the
// workspace has no survey of that name.
import { createHash } from 'node:crypto';
import { ensureDefinitions } from '../contacts/properties.ts';

import { eventNameSql, insertEventsSql } from '../events/record.ts';
import type { AppContext } from '../server/context.ts';
import { analyzeText } from '../surveys/sentiment.ts';
import { SURVEY_STARTERS } from '../surveys/starters.ts';
import { createSurvey } from '../surveys/surveys.ts';
import { bandOf } from '../surveys/scores.ts';
import { Random } from './random.ts';

const TEXTS = {
  detractor: [
    'Delivery took almost two weeks and nobody answered my emails.',
    'The item arrived damaged and the refund took a month.',
    'Too expensive for the quality you get.',
    'Customer service never replied to me.',
    'The size guide is wrong, I had to send everything back.',
    'The parcel was lost and it took ages to sort out.',
    'Lieferung war sehr langsam und niemand hat geantwortet.',
  ],
  passive: [
    'Good products but the shipping costs are high.',
    'Fine overall, delivery could be faster.',
    'Nice quality, the website is a bit confusing.',
    'Decent prices, nothing special.',
  ],
  promoter: [
    'Great quality and fast delivery, love it!',
    'Excellent customer service, they solved my problem in a day.',
    'Beautiful gifts, my friends loved them.',
    'Always reliable, fast shipping and lovely packaging.',
    'The best prices I have found, highly recommended.',
    'Tolle Qualität, gerne wieder!',
  ],
};
const FOLLOW_UP = { detractor: 'better', passive: 'ten', promoter: 'liked' } as const;
const DAY = 86_400_000;

/** The same ids for the same workspace, seed and customer (the demo is reproducible). */
function idOf(workspaceId: string, seed: number, email: string, what: string): string {
  const h = createHash('sha256').update(`${workspaceId}:${seed}:${email}:${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Creates the demo survey and its answers; returns its name, or null when one of that name exists. */
export async function addDemoSurvey(ctx: AppContext, workspaceId: string, now: Date, seed: number): Promise<string | null> {
  const starter = SURVEY_STARTERS.find((s) => s.key === 'nps')!;
  const [exists] = await ctx.db.query('select 1 from surveys where workspace_id = $1 and lower(name) = lower($2)', [workspaceId, starter.name]);
  if (exists) return null;
  const surveyId = await createSurvey(ctx, workspaceId, null, { starter: 'nps' });
  await ctx.db.query("update surveys set state = 'active', created_at = $2 where id = $1", [surveyId, new Date(now.getTime() - 370 * DAY)]);

  const buyers = await ctx.db.query<{ id: string; email: string; orders: number; refunds: number; first_order_at: Date }>(
    `select p.contact_id as id, c.email, sum(p.orders)::int as orders, sum(p.refunds)::int as refunds, min(p.first_order_at) as first_order_at
     from contact_purchases p join contacts c on c.id = p.contact_id and c.workspace_id = p.workspace_id
     where p.workspace_id = $1 and p.orders > 0 group by p.contact_id, c.email order by c.email`,
    [workspaceId],
  );
  const rng = new Random(`${seed}:survey`);
  const sends: { id: string; c: string; at: string }[] = [];
  const responses: { id: string; c: string; s: number; b: string; a: Record<string, unknown>; t: string; sent: string | null; sc: number | null; lang: string | null; send: string }[] = [];
  const yearAgo = now.getTime() - 365 * DAY;
  for (const b of buyers) {
    if (!rng.chance(0.15)) continue;
    const from = Math.max(yearAgo, new Date(b.first_order_at).getTime());
    if (from >= now.getTime() - DAY) continue;
    const asked = from + rng.next() * (now.getTime() - DAY - from);
    const send = { id: idOf(workspaceId, seed, b.email, 'send'), c: b.id, at: new Date(asked).toISOString() };
    sends.push(send);
    if (!rng.chance(0.27)) continue;
    // Loyal customers recommend more, refunds less, and the shop improves over the year.
    const progress = (asked - yearAgo) / (365 * DAY);
    const promoter = Math.min(0.85, 0.28 + 0.07 * Math.min(b.orders, 5) + 0.12 * progress - (b.refunds > 0 ? 0.25 : 0));
    const detractor = Math.max(0.05, 0.3 - 0.04 * Math.min(b.orders, 5) - 0.08 * progress + (b.refunds > 0 ? 0.25 : 0));
    const u = rng.next();
    const score = u < promoter ? rng.int(9, 10) : u < promoter + detractor ? rng.int(0, 6) : rng.int(7, 8);
    const band = bandOf('nps', score)!;
    const answers: Record<string, unknown> = { nps: score };
    let text: string | null = null;
    if (rng.chance(band === 'passive' ? 0.35 : 0.6)) {
      const pool = TEXTS[band as keyof typeof TEXTS];
      text = pool[rng.int(0, pool.length - 1)]!;
      answers[FOLLOW_UP[band as keyof typeof FOLLOW_UP]] = text;
    }
    const s = text ? analyzeText(text) : null;
    const at = new Date(asked + rng.next() * 2 * DAY).toISOString();
    responses.push({ id: idOf(workspaceId, seed, b.email, 'response'), c: b.id, s: score, b: band, a: answers, t: at, sent: s?.sentiment ?? null, sc: s?.score ?? null, lang: s?.language ?? null, send: send.id });
  }

  await ctx.db.transaction(async (tx) => {
    const ws = workspaceId;
    await tx.query(
      `insert into survey_sends (id, workspace_id, survey_id, contact_id, send_key, template_id, state, created_at)
       select s.id, $1, $2, s.c, 'demo:' || s.c::text, v.email_template_id, 'queued', s.at
       from jsonb_to_recordset($3::jsonb) as s(id uuid, c uuid, at timestamptz) join surveys v on v.id = $2`,
      [ws, surveyId, JSON.stringify(sends)],
    );
    await tx.query(
      `insert into survey_responses (id, workspace_id, survey_id, contact_id, respondent_key, channel, send_id, answers, state, score, band,
                                     sentiment, sentiment_score, text_language, started_at, updated_at, completed_at, recorded_at)
       select r.id, $1, $2, r.c, 'send:' || r.send::text, 'email', r.send, r.a, 'complete', r.s, r.b, r.sent, r.sc, r.lang, r.t, r.t, r.t, r.t
       from jsonb_to_recordset($3::jsonb) as r(id uuid, c uuid, s int, b text, a jsonb, t timestamptz, sent text, sc real, lang text, send uuid)`,
      [ws, surveyId, JSON.stringify(responses)],
    );
    await tx.query(
      insertEventsSql(
        `select $1::uuid, r.contact_id, ${eventNameSql('survey.answered')},
                jsonb_strip_nulls(jsonb_build_object('survey_id', $2::text, 'survey_name', v.name, 'response_id', r.id::text, 'kind', 'nps', 'score', r.score, 'band', r.band,
                  'text', (select string_agg(value #>> '{}', E'\\n') from jsonb_each(r.answers) where key <> 'nps'), 'sentiment', r.sentiment, 'partial', false, 'channel', 'email')),
                r.completed_at, r.completed_at, 'surveys', 'survey.answered:' || r.id::text
         from survey_responses r join surveys v on v.id = r.survey_id where r.survey_id = $2::uuid`,
      ),
      [ws, surveyId],
    );
    await ensureDefinitions(
      tx,
      ws,
      [
        { key: 'nps_score', type: 'number', label: 'Latest NPS score' },
        { key: 'nps_band', type: 'string', label: 'Latest NPS group' },
        { key: 'nps_date', type: 'date', label: 'Latest NPS answer date' },
      ],
      now,
    );
    // The latest answer of each contact, as the properties the answer pages set (one statement:
    // the demo writes its own contacts; the change history records it as the demo's).
    const latest = new Map<string, (typeof responses)[number]>();
    for (const r of responses) if (!latest.has(r.c) || latest.get(r.c)!.t < r.t) latest.set(r.c, r);
    await tx.query("select set_config('rapport.change_source', 'demo', true), set_config('rapport.import_id', '', true)");
    await tx.query(
      `update contacts c set properties = c.properties || x.p, updated_at = $2
       from jsonb_to_recordset($3::jsonb) as x(c uuid, p jsonb) where c.workspace_id = $1 and c.id = x.c`,
      [ws, now, JSON.stringify([...latest.values()].map((r) => ({ c: r.c, p: { nps_score: r.s, nps_band: r.b, nps_date: r.t.slice(0, 10) } })))],
    );
  });
  return starter.name;
}
