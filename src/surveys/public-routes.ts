// The answer pages, public by design: what they name is signed.
//   /s/<message token>/<survey id>?a=9  from an email's block (the message names the contact)
//   /s/c/<token>                         a personal link (survey and contact)
//   /s/o/<token>                         the open link of a survey that takes anonymous answers
//   /s/r/<token>                         a response under way (after its first answer)
//   /s/preview/<survey id>               the survey as a respondent sees it, for its workspace's members
// A GET shows a question and records nothing: security gateways (Safe Links, Proofpoint,
// Mimecast) open every link of a message at delivery. The answer is recorded by the POST of the
// form (the respondent's tap on "Confirm"), and a POST by a scanner (the rules the email tracking
// has: its user agent, Apple's proxies, within seconds of delivery) is refused.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readSurveyMessageToken } from '../messaging/delivery/links.ts';
import { signIds, verifyIds } from '../messaging/tokens.ts';
import { isPrefetch } from '../messaging/tracking/tracking.ts';
import type { AppContext } from '../server/context.ts';
import { answerQuestion, findResponse, responseById, type Respondent } from './answer.ts';
import { type Answers, endingFor, firstStep, MAX_TEXT, nextStep, parseAnswer, type Step } from './flow.ts';
import { endingPage, messagePage, PAGE_POLICY, plainLayout, questionPage } from './page.ts';
import { PAGE_STRINGS } from './strings.ts';
import { findSurvey, type SurveyRow } from './surveys.ts';

const RESPONSE = 'survey-response';
const CONTACT_LINK = 'survey-contact';
const OPEN_LINK = 'survey-open';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const contactLinkToken = (secret: string, surveyId: string, contactId: string) => signIds(secret, CONTACT_LINK, [surveyId, contactId]);
export const openLinkToken = (secret: string, surveyId: string) => signIds(secret, OPEN_LINK, [surveyId]);
const responsePath = (secret: string, responseId: string) => `/s/r/${signIds(secret, RESPONSE, [responseId])}`;

interface Form {
  q: string;
  a: string[];
  other?: string;
  skip: boolean;
  v?: string;
  state?: string;
}

function send(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', PAGE_POLICY).send(html);
}

const unknown = (reply: FastifyReply) => send(reply, 404, plainLayout(PAGE_STRINGS.en.notRecognized, PAGE_STRINGS.en.notRecognizedBody));

/** Who is answering, from the link; undefined when the link is not ours or names nothing that exists. */
type Resolved = { respondent: Respondent; sentAt: Date | null } | undefined;

async function fromMessage(ctx: AppContext, token: string, surveyId: string): Promise<Resolved> {
  const messageId = readSurveyMessageToken(ctx, token);
  const survey = messageId && UUID.test(surveyId) ? await findSurvey(ctx.db, surveyId) : undefined;
  if (!messageId || !survey || survey.state === 'archived') return undefined;
  const [m] = await ctx.db.query<{ contact_id: string | null; idempotency_key: string | null; sent_at: Date | null }>(
    'select contact_id, idempotency_key, sent_at from email_messages where id = $1 and workspace_id = $2',
    [messageId, survey.workspace_id],
  );
  if (!m?.contact_id) return undefined;
  // A survey's own invitation (and its reminders) is one respondent, whichever message is answered.
  const sendId = /^survey:([0-9a-f-]{36})(:|$)/.exec(m.idempotency_key ?? '')?.[1];
  const [s] = sendId ? await ctx.db.query('select 1 from survey_sends where id = $1 and survey_id = $2', [sendId, survey.id]) : [];
  return {
    respondent: { survey, contactId: m.contact_id, key: s ? `send:${sendId}` : `message:${messageId}`, channel: 'email', sendId: s ? sendId! : null, messageId },
    sentAt: m.sent_at ? new Date(m.sent_at) : null,
  };
}

async function fromContactLink(ctx: AppContext, token: string): Promise<Resolved> {
  const ids = verifyIds(ctx.secret, CONTACT_LINK, token, 2);
  const survey = ids ? await findSurvey(ctx.db, ids[0]!) : undefined;
  if (!ids || !survey || survey.state === 'archived') return undefined;
  const [c] = await ctx.db.query('select 1 from contacts where workspace_id = $1 and id = $2', [survey.workspace_id, ids[1]]);
  if (!c) return undefined;
  // One response per contact at a time: the n-th, after the n − 1 recorded ones.
  const [n] = await ctx.db.query<{ n: number }>("select count(*)::int as n from survey_responses where survey_id = $1 and contact_id = $2 and respondent_key like 'link:%' and (state = 'complete' or recorded_at is not null)", [survey.id, ids[1]]);
  return { respondent: { survey, contactId: ids[1]!, key: `link:${ids[1]}:${n?.n ?? 0}`, channel: 'link' }, sentAt: null };
}

async function fromOpenLink(ctx: AppContext, token: string, visit: string | undefined): Promise<Resolved> {
  const ids = verifyIds(ctx.secret, OPEN_LINK, token, 1);
  const survey = ids ? await findSurvey(ctx.db, ids[0]!) : undefined;
  if (!survey || survey.state === 'archived' || !survey.settings.anonymous) return undefined;
  // The visit id comes with the page, so that the same form posted twice is one response.
  return { respondent: { survey, contactId: null, key: `anonymous:${visit && UUID.test(visit) ? visit : randomUUID()}`, channel: 'link' }, sentAt: null };
}

/** The answers a preview carries in its form (it records nothing). */
function readPreviewState(state: unknown): Answers {
  try {
    const parsed: unknown = typeof state === 'string' && state.length < 20_000 ? JSON.parse(Buffer.from(state, 'base64url').toString()) : {};
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Answers) : {};
  } catch {
    return {};
  }
}

function readForm(body: unknown): Form {
  const params = typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams();
  return {
    q: params.get('q') ?? '',
    a: params.getAll('a'),
    other: params.get('other') ?? undefined,
    skip: params.get('skip') === '1',
    v: params.get('v') ?? undefined,
    state: params.get('state') ?? undefined,
  };
}

const oversized = (f: Form) => f.a.some((v) => v.length > MAX_TEXT) || (f.other?.length ?? 0) > MAX_TEXT;

/** The page a respondent sees at a step of their response. */
function stepPage(ctx: AppContext, survey: SurveyRow, responseId: string, answers: Answers, step: Step, error?: string): string {
  if ('ending' in step) return endingPage(survey.content, survey.content.endings.find((e) => e.key === step.ending) ?? endingFor(survey.content, answers));
  const question = survey.content.questions.find((q) => q.key === step.question)!;
  return questionPage({ content: survey.content, question, answers, action: responsePath(ctx.secret, responseId), error });
}

export function surveyPublicRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Forms post URL-encoded text; the largest answer is 5,000 characters (more is refused with a page that says so).
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64_000 }, (_req, body, done) => done(null, body));
    const client = (req: FastifyRequest) => ({ ua: req.headers['user-agent'], ip: req.ip });

    const closedOr = (reply: FastifyReply, survey: SurveyRow) => {
      const t = PAGE_STRINGS[survey.content.language];
      return survey.state === 'draft' || survey.state === 'closed' ? send(reply, 410, messagePage(survey.content, t.closed, t.closedBody)) : undefined;
    };

    /** The first page of a link: the first question (the answer from the email chosen), or where the respondent is. */
    async function entry(reply: FastifyReply, resolved: Resolved, action: string, chosen: string | undefined, extra = '') {
      if (!resolved) return unknown(reply);
      const { survey } = resolved.respondent;
      const closed = closedOr(reply, survey);
      if (closed) return closed;
      const t = PAGE_STRINGS[survey.content.language];
      const existing = await findResponse(ctx.db, survey.id, resolved.respondent.key);
      if (existing?.state === 'complete') return send(reply, 200, messagePage(survey.content, t.alreadyAnswered, t.alreadyAnsweredBody));
      if (existing && existing.step) return reply.code(303).header('cache-control', 'no-store').redirect(responsePath(ctx.secret, existing.id));
      const question = survey.content.questions[0]!;
      const value = chosen !== undefined && /^-?\d{1,3}$/.test(chosen) ? Number(chosen) : chosen;
      const html = questionPage({ content: survey.content, question, answers: {}, chosen: value, action, confirm: chosen !== undefined });
      return send(reply, 200, extra ? html.replace('<input type="hidden" name="q"', `${extra}<input type="hidden" name="q"`) : html);
    }

    /** The POST of a link's first page: the answer recorded, then on to the response's next page. */
    async function answer(req: FastifyRequest, reply: FastifyReply, resolved: Resolved, action: string) {
      if (!resolved) return unknown(reply);
      const { survey } = resolved.respondent;
      const t = PAGE_STRINGS[survey.content.language];
      const form = readForm(req.body);
      if (oversized(form)) return send(reply, 413, messagePage(survey.content, t.notRecorded, t.tooLong(MAX_TEXT)));
      const who = client(req);
      if (isPrefetch(who.ua, who.ip, resolved.sentAt, ctx.clock.now())) return send(reply, 403, messagePage(survey.content, t.notRecorded, t.notRecordedBody));
      const result = await answerQuestion(ctx, resolved.respondent, form.q, form.skip ? [] : form.a, form.skip ? undefined : form.other);
      if (result.status === 'closed') return closedOr(reply, survey) ?? send(reply, 410, messagePage(survey.content, t.closed, t.closedBody));
      if (result.status === 'already_answered') return send(reply, 200, messagePage(survey.content, t.alreadyAnswered, t.alreadyAnsweredBody));
      if (result.status === 'invalid') {
        const question = survey.content.questions.find((q) => 'question' in result.step && q.key === result.step.question)!;
        const answers = result.responseId ? ((await responseById(ctx.db, result.responseId))?.answers ?? {}) : {};
        return send(reply, 400, questionPage({ content: survey.content, question, answers, chosen: form.a[0], action: result.responseId ? responsePath(ctx.secret, result.responseId) : action, error: result.error }));
      }
      if (!result.responseId) return reply.code(303).header('cache-control', 'no-store').redirect(action);
      return reply.code(303).header('cache-control', 'no-store').redirect(responsePath(ctx.secret, result.responseId));
    }

    type TokenReq = FastifyRequest<{ Params: { token: string; survey: string }; Querystring: { a?: string } }>;
    const opts = { config: { access: 'public' as const } };
    const chosenOf = (req: TokenReq) => (typeof req.query.a === 'string' && req.query.a.length <= 40 ? req.query.a : undefined);

    app.get('/s/c/:token', opts, async (req: TokenReq, reply) => entry(reply, await fromContactLink(ctx, req.params.token), req.url.split('?')[0]!, chosenOf(req)));
    app.post('/s/c/:token', opts, async (req: TokenReq, reply) => answer(req, reply, await fromContactLink(ctx, req.params.token), req.url));

    app.get('/s/o/:token', opts, async (req: TokenReq, reply) => {
      const visit = randomUUID();
      return entry(reply, await fromOpenLink(ctx, req.params.token, visit), req.url.split('?')[0]!, chosenOf(req), `<input type="hidden" name="v" value="${visit}">`);
    });
    app.post('/s/o/:token', opts, async (req: TokenReq, reply) => answer(req, reply, await fromOpenLink(ctx, req.params.token, readForm(req.body).v), req.url));

    app.get('/s/r/:token', opts, async (req: TokenReq, reply) => {
      const id = verifyIds(ctx.secret, RESPONSE, req.params.token, 1)?.[0];
      const response = id ? await responseById(ctx.db, id) : undefined;
      const survey = response ? await findSurvey(ctx.db, response.survey_id) : undefined;
      if (!response || !survey) return unknown(reply);
      const step: Step = response.step ? { question: response.step } : { ending: endingFor(survey.content, response.answers).key };
      return send(reply, 200, stepPage(ctx, survey, response.id, response.answers, step));
    });
    app.post('/s/r/:token', opts, async (req: TokenReq, reply) => {
      const id = verifyIds(ctx.secret, RESPONSE, req.params.token, 1)?.[0];
      const response = id ? await responseById(ctx.db, id) : undefined;
      const survey = response ? await findSurvey(ctx.db, response.survey_id) : undefined;
      if (!response || !survey) return unknown(reply);
      const respondent: Respondent = { survey, contactId: response.contact_id, key: response.respondent_key, channel: response.channel };
      return answer(req, reply, { respondent, sentAt: null }, req.url);
    });

    // The survey as a respondent sees it, for members of its workspace: nothing is recorded; the
    // answers so far travel in the form.
    app.get('/s/preview/:survey', opts, async (req: FastifyRequest<{ Params: { survey: string }; Querystring: Record<string, string | string[] | undefined> }>, reply) => {
      const survey = await findSurvey(ctx.db, req.params.survey);
      if (!survey || !req.auth?.workspaceId || req.auth.workspaceId !== survey.workspace_id) return unknown(reply);
      const t = PAGE_STRINGS[survey.content.language];
      const q = req.query;
      const answers = readPreviewState(q.state);
      let step: Step = firstStep(survey.content);
      let error: string | undefined;
      const asked = typeof q.q === 'string' ? survey.content.questions.find((x) => x.key === q.q) : undefined;
      if (asked) {
        const raw = q.skip === '1' ? [] : Array.isArray(q.a) ? q.a : typeof q.a === 'string' ? [q.a] : [];
        const parsed = parseAnswer(survey.content, asked, raw, typeof q.other === 'string' ? q.other : undefined);
        if (!parsed.ok) {
          step = { question: asked.key };
          error = parsed.error;
        } else {
          if (parsed.value !== undefined) answers[asked.key] = parsed.value;
          step = nextStep(survey.content, asked.key, answers);
        }
      }
      if ('ending' in step) return send(reply, 200, endingPage(survey.content, survey.content.endings.find((e) => e.key === step.ending)!, t.preview));
      const question = survey.content.questions.find((x) => x.key === step.question)!;
      const chosen = !asked && typeof q.a === 'string' ? (/^\d+$/.test(q.a) ? Number(q.a) : q.a) : undefined;
      const state = Buffer.from(JSON.stringify(answers)).toString('base64url');
      const html = questionPage({ content: survey.content, question, answers, chosen, action: `/s/preview/${survey.id}`, error, note: t.preview })
        .replace('<form method="post"', '<form method="get"')
        .replace('<input type="hidden" name="q"', `<input type="hidden" name="state" value="${state}"><input type="hidden" name="q"`);
      return send(reply, error ? 400 : 200, html);
    });

    // From an email: last, so that the fixed paths above win.
    app.get('/s/:token/:survey', opts, async (req: TokenReq, reply) => entry(reply, await fromMessage(ctx, req.params.token, req.params.survey), req.url.split('?')[0]!, chosenOf(req)));
    app.post('/s/:token/:survey', opts, async (req: TokenReq, reply) => answer(req, reply, await fromMessage(ctx, req.params.token, req.params.survey), req.url.split('?')[0]!));
  };
}
