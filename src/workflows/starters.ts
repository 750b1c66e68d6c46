// Starting workflows for the common retention journeys. Using one creates a draft workflow
// (nothing runs until it is published), with the email templates and the segment it needs
// created from their own starters when the workspace has none of that name yet.
import type { AppContext } from '../server/context.ts';
import { STARTERS as TEMPLATE_STARTERS } from '../messaging/templates/starters.ts';
import { createTemplate, listTemplates } from '../messaging/templates/templates.ts';
import { createSegment, listSegments } from '../segments/segments.ts';
import { segmentTemplates } from '../segments/templates.ts';
import { badRequest } from '../errors.ts';
import type { SegmentNode } from '../segments/definition.ts';
import type { Goal, WorkflowGraphInput } from './graph.ts';
import { createWorkflow, type Workflow } from './workflows.ts';
import { SURVEY_STARTERS, type Starter as SurveyStarter } from '../surveys/starters.ts';
import { createSurvey } from '../surveys/surveys.ts';

type SurveyStarterKey = SurveyStarter['key'];

type TemplateKey = (typeof TEMPLATE_STARTERS)[number]['key'];

interface Needs {
  template: (key: TemplateKey) => string;
  segment: (key: string) => string;
  survey: (key: SurveyStarterKey) => string;
}

export interface WorkflowStarter {
  key: string;
  name: string;
  description: string;
  /** What using it creates besides the workflow (for the page to say). */
  creates: string;
  holdoutPercent: number;
  templates: TemplateKey[];
  segments: string[];
  /** Surveys it sends, made active from their starters when the workspace has none of that name. */
  surveys?: SurveyStarterKey[];
  graph: (n: Needs) => WorkflowGraphInput;
}

const purchased: Goal = { kind: 'event_since_entry', event: 'purchase', where: [] };
const unsubscribed: SegmentNode = { kind: 'field', field: 'email_status', op: 'eq', value: 'unsubscribed' };

/** On entering the segment: "we miss you" at 10:00 their time, and the offer a week later unless they bought. */
const winBack = (n: Needs, segment: string): WorkflowGraphInput => ({
  trigger: { kind: 'segment_entered', segmentId: n.segment(segment) },
  reentry: { policy: 'after_leaving' },
  goal: purchased,
  exits: [unsubscribed],
  start: 'morning',
  steps: {
    morning: { kind: 'wait_until', at: '10:00', next: 'miss-you' },
    'miss-you': { kind: 'send_email', templateId: n.template('win_back'), transactional: false, next: 'a-week' },
    'a-week': { kind: 'wait_event', event: 'purchase', where: [], timeout: { days: 7, hours: 0, minutes: 0 }, happened: null, timedOut: 'offer' },
    offer: { kind: 'send_email', templateId: n.template('exclusive_offer'), transactional: false, next: null },
  },
});

export const WORKFLOW_STARTERS: WorkflowStarter[] = [
  {
    key: 'welcome_series',
    name: 'Welcome series',
    description: 'When someone signs up: a welcome email at once, and two days later the one offer new subscribers get, unless they bought meanwhile.',
    creates: 'the “Welcome” and “Exclusive offer” email templates if you have none of those names',
    holdoutPercent: 0,
    templates: ['welcome', 'exclusive_offer'],
    segments: [],
    graph: (n) => ({
      trigger: { kind: 'event', event: 'Signed Up', where: [] },
      reentry: { policy: 'once' },
      goal: purchased,
      exits: [unsubscribed],
      start: 'welcome',
      steps: {
        welcome: { kind: 'send_email', templateId: n.template('welcome'), transactional: false, next: 'wait-2-days' },
        'wait-2-days': { kind: 'wait', for: { days: 2, hours: 0, minutes: 0 }, next: 'offer' },
        offer: { kind: 'send_email', templateId: n.template('exclusive_offer'), transactional: false, next: null },
      },
    }),
  },
  {
    key: 'post_purchase',
    name: 'Post-purchase thank-you',
    description: 'After every order: three days later ask how it went; once per order.',
    creates: 'the “How was your order?” email template if you have none of that name',
    holdoutPercent: 0,
    templates: ['feedback_request'],
    segments: [],
    graph: (n) => ({
      trigger: { kind: 'event', event: 'purchase', where: [], keyBy: 'order_id' },
      reentry: { policy: 'every_time', minIntervalHours: 0 },
      exits: [unsubscribed],
      start: 'wait-3-days',
      steps: {
        'wait-3-days': { kind: 'wait', for: { days: 3, hours: 0, minutes: 0 }, next: 'ask' },
        ask: { kind: 'send_email', templateId: n.template('feedback_request'), transactional: false, next: null },
      },
    }),
  },
  {
    key: 'order_csat',
    name: 'How was your order? (survey)',
    description: 'A week after every order, the one-question satisfaction survey (1–5, a face per answer), under the survey rules: nobody asked too often.',
    creates: 'the “How was your order?” survey and its email if you have no survey of that name',
    holdoutPercent: 0,
    templates: [],
    segments: [],
    surveys: ['csat_order'],
    graph: (n) => ({
      trigger: { kind: 'event', event: 'purchase', where: [], keyBy: 'order_id' },
      reentry: { policy: 'every_time', minIntervalHours: 0 },
      exits: [unsubscribed],
      start: 'wait-a-week',
      steps: {
        'wait-a-week': { kind: 'wait', for: { days: 7, hours: 0, minutes: 0 }, next: 'ask' },
        ask: { kind: 'send_survey', surveyId: n.survey('csat_order'), next: null },
      },
    }),
  },
  {
    key: 'detractor_follow_up',
    name: 'Follow up on unhappy customers',
    description: 'When someone answers an NPS survey with 0 to 6: a personal apology the next morning, asking what went wrong. The goal is that they buy again.',
    creates: 'the “Sorry we let you down” email template if you have none of that name',
    holdoutPercent: 10,
    templates: ['detractor_follow_up'],
    segments: [],
    graph: (n) => ({
      trigger: { kind: 'event', event: 'survey.answered', where: [{ property: 'band', type: 'string', op: 'eq', value: 'detractor' }] },
      reentry: { policy: 'after_leaving' },
      goal: purchased,
      exits: [unsubscribed],
      start: 'next-morning',
      steps: {
        'next-morning': { kind: 'wait_until', at: '10:00', next: 'sorry' },
        sorry: { kind: 'send_email', templateId: n.template('detractor_follow_up'), transactional: false, next: 'a-month' },
        'a-month': { kind: 'wait', for: { days: 30, hours: 0, minutes: 0 }, next: null },
      },
    }),
  },
  {
    key: 'win_back',
    name: 'Win back after 90 quiet days',
    description:
      'When a customer has not bought for 90 days: “we miss you” at 10:00 their time, and if they have not bought a week later, the exclusive offer. 10% are held out, so the report can show whether it brings customers back.',
    creates: 'the “No purchase in 90 days” segment and the “We miss you” and “Exclusive offer” templates if you have none of those names',
    holdoutPercent: 10,
    templates: ['win_back', 'exclusive_offer'],
    segments: ['lapsed_90'],
    graph: (n) => winBack(n, 'lapsed_90'),
  },
  {
    key: 'win_back_slipping',
    name: 'Win back valuable customers slipping away',
    description:
      'When a valuable customer’s chance of still being a customer falls below 70% (the retention models, refitted every night): “we miss you” at 10:00 their time, and if they have not bought a week later, the exclusive offer. 10% are held out, so the report can show whether it keeps customers.',
    creates: 'the “Valuable and slipping away” segment and the “We miss you” and “Exclusive offer” templates if you have none of those names',
    holdoutPercent: 10,
    templates: ['win_back', 'exclusive_offer'],
    segments: ['valuable_slipping_away'],
    graph: (n) => winBack(n, 'valuable_slipping_away'),
  },
  {
    key: 'points_expiring_reminder',
    name: 'Remind members before their points expire',
    description: 'When a member’s next points come within 14 days of expiring: a reminder at 10:00 their time with how many and until when; again the next time points come near expiring.',
    creates: 'the “Points expiring soon” segment and the “Your points are expiring” template if you have none of those names',
    holdoutPercent: 0,
    templates: ['points_expiring'],
    segments: ['points_expiring_soon'],
    graph: (n) => ({
      trigger: { kind: 'segment_entered', segmentId: n.segment('points_expiring_soon') },
      reentry: { policy: 'after_leaving' },
      exits: [unsubscribed],
      start: 'morning',
      steps: {
        morning: { kind: 'wait_until', at: '10:00', next: 'remind' },
        remind: { kind: 'send_email', templateId: n.template('points_expiring'), transactional: false, next: null },
      },
    }),
  },
  {
    key: 'birthday',
    name: 'Birthday',
    description: 'On each contact’s birthday at 09:00 their time, the exclusive offer. Needs a date property “birthday”.',
    creates: 'the “Exclusive offer” email template if you have none of that name',
    holdoutPercent: 0,
    templates: ['exclusive_offer'],
    segments: [],
    graph: (n) => ({
      trigger: { kind: 'date', field: 'properties.birthday', offsetDays: 0, at: '09:00', yearly: true },
      reentry: { policy: 'every_time', minIntervalHours: 24 * 300 },
      exits: [unsubscribed],
      start: 'gift',
      steps: { gift: { kind: 'send_email', templateId: n.template('exclusive_offer'), transactional: false, next: null } },
    }),
  },
  {
    key: 're_engage',
    name: 'Re-engage non-openers',
    description: 'Contacts added to a list by hand or by an import: wait for them to open an email within 14 days; who does not gets “we miss you”.',
    creates: 'the “Re-engage” list and the “We miss you” template if you have none of those names',
    holdoutPercent: 0,
    templates: ['win_back'],
    segments: ['list:Re-engage'],
    graph: (n) => ({
      trigger: { kind: 'list_added', listId: n.segment('list:Re-engage') },
      reentry: { policy: 'after_leaving' },
      exits: [unsubscribed],
      start: 'opened',
      steps: {
        opened: { kind: 'wait_event', event: 'email.opened', where: [], timeout: { days: 14, hours: 0, minutes: 0 }, happened: null, timedOut: 'nudge' },
        nudge: { kind: 'send_email', templateId: n.template('win_back'), transactional: false, next: null },
      },
    }),
  },
];

/** Creates a draft workflow from a starter (and the templates and segments it needs). */
export async function createFromStarter(ctx: AppContext, workspaceId: string, userId: string | null, key: string, name?: string): Promise<Workflow> {
  const starter = WORKFLOW_STARTERS.find((s) => s.key === key);
  if (!starter) throw badRequest(`There is no starter "${key}".`, [{ path: 'starter', message: `must be one of ${WORKFLOW_STARTERS.map((s) => s.key).join(', ')}` }]);
  const templates = new Map<string, string>();
  const existing = await listTemplates(ctx, workspaceId);
  for (const k of starter.templates) {
    const t = TEMPLATE_STARTERS.find((s) => s.key === k)!.template;
    const found = existing.find((e) => e.name.toLowerCase() === t.name.toLowerCase());
    templates.set(k, found ? found.id : (await createTemplate(ctx, workspaceId, userId, t)).id);
  }
  const segments = new Map<string, string>();
  const stored = await listSegments(ctx, workspaceId);
  for (const k of starter.segments) {
    if (k.startsWith('list:')) {
      const listName = k.slice(5);
      const found = stored.find((s) => s.kind === 'list' && s.name.toLowerCase() === listName.toLowerCase());
      segments.set(k, found ? found.id : (await createSegment(ctx, workspaceId, userId, { name: listName, kind: 'list' })).id);
      continue;
    }
    const template = (await segmentTemplates(ctx, workspaceId)).find((s) => s.key === k)!;
    const found = stored.find((s) => s.name.toLowerCase() === template.name.toLowerCase());
    if (found) segments.set(k, found.id);
    else {
      const created = await createSegment(ctx, workspaceId, userId, { name: template.name, description: template.description, kind: 'segment', definition: template.definition });
      segments.set(k, created.id);
      // Its members now, as a segment saved in the builder gets them.
      await ctx.jobs.send('segments.recompute', { workspaceId, segmentIds: [created.id] });
    }
  }
  const surveys = new Map<string, string>();
  for (const k of starter.surveys ?? []) {
    const name = SURVEY_STARTERS.find((s) => s.key === k)!.name;
    const [found] = await ctx.db.query<{ id: string }>("select id from surveys where workspace_id = $1 and lower(name) = lower($2) and state <> 'archived' order by created_at limit 1", [workspaceId, name]);
    let id = found?.id;
    if (!id) {
      id = await createSurvey(ctx, workspaceId, userId, { starter: k });
      // Asked only once the workflow is published.
      await ctx.db.query("update surveys set state = 'active' where id = $1", [id]);
    }
    surveys.set(k, id);
  }
  const graph = starter.graph({ template: (k) => templates.get(k)!, segment: (k) => segments.get(k)!, survey: (k) => surveys.get(k)! });
  // A second use of the same starter gets a name of its own.
  const names = new Set((await ctx.db.query<{ name: string }>('select lower(name) as name from workflows where workspace_id = $1', [workspaceId])).map((r) => r.name));
  let title = name ?? starter.name;
  for (let i = 2; names.has(title.toLowerCase()); i++) title = `${name ?? starter.name} ${i}`;
  return createWorkflow(ctx, workspaceId, userId, { name: title, description: starter.description, graph, holdoutPercent: starter.holdoutPercent });
}
