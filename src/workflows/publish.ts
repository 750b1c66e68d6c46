// Checking a graph against its workspace before it is published (what validate.ts cannot
// know: templates, topics, lists and segments that exist, fields that exist, conditions that
// are valid segment definitions), and what a published version reads (the dependencies that
// let the triggers queue only what a workflow can use).
import { SETTABLE_COLUMNS } from '../contacts/set-field.ts';
import type { SqlSession } from '../db/client.ts';
import type { FieldIssue } from '../errors.ts';
import type { SegmentNode } from '../segments/definition.ts';
import type { LoadedContext } from '../segments/segments.ts';
import { dependenciesOf, validateDefinition } from '../segments/validate.ts';
import type { WorkflowGraph } from './graph.ts';
import { triggerEvent } from './engine/pending.ts';
import { validateGraph } from './validate.ts';
import { findSurvey } from '../surveys/surveys.ts';
import { campaignById } from '../coupons/campaigns.ts';
import { programOf } from '../loyalty/program.ts';

/** Fields a workflow step may set besides custom properties. */
export const SETTABLE_FIELDS = Object.keys(SETTABLE_COLUMNS);
const LIFECYCLE = ['subscriber', 'lead', 'opportunity', 'customer', 'evangelist', 'churned', 'other'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every problem with a graph, naming the field at fault ("steps.send-1.templateId"). */
export async function checkGraph(tx: SqlSession, sctx: LoadedContext, g: WorkflowGraph): Promise<FieldIssue[]> {
  const issues = validateGraph(g);
  const ws = sctx.workspaceId;
  const condition = (node: SegmentNode, at: string) => {
    for (const i of validateDefinition(node, sctx)) issues.push({ path: i.path ? `${at}.${i.path}` : at, message: i.message });
  };
  if (g.filter) condition(g.filter, 'filter');
  if (g.goal?.kind === 'condition') condition(g.goal.condition, 'goal.condition');
  g.exits.forEach((e, i) => condition(e, `exits.${i}`));

  const t = g.trigger;
  const segmentIs = (id: string, kind: 'segment' | 'list' | 'any', at: string) => {
    const s = sctx.stored.get(id);
    if (!s) issues.push({ path: at, message: `is not a ${kind === 'any' ? 'segment or list' : kind} of this workspace (it may have been deleted)` });
    else if (kind !== 'any' && s.kind !== kind) issues.push({ path: at, message: `is a ${s.kind}, not a ${kind}` });
  };
  if (t.kind === 'segment_entered' || t.kind === 'segment_exited') segmentIs(t.segmentId, 'any', 'trigger.segmentId');
  if (t.kind === 'list_added') segmentIs(t.listId, 'list', 'trigger.listId');
  if (t.kind === 'event' && t.keyBy && g.reentry.policy !== 'every_time') {
    issues.push({ path: 'trigger.keyBy', message: 'enrolls once per value only when contacts may enter every time (re-entry "every time")' });
  }
  if (t.kind === 'date') dateField(sctx, t.field, 'trigger.field', issues);

  const templates = new Set<string>();
  const topics = new Set<string>();
  for (const s of Object.values(g.steps)) {
    if (s.kind === 'send_email') {
      templates.add(s.templateId);
      if (s.topicId) topics.add(s.topicId);
    }
  }
  const known = async (table: string, ids: Set<string>) =>
    new Set(
      (await tx.query<{ id: string }>(`select id from ${table} where workspace_id = $1 and id = any($2::uuid[])`, [ws, [...ids].filter((id) => UUID.test(id))])).map((r) => r.id),
    );
  const knownTemplates = templates.size > 0 ? await known('email_templates', templates) : new Set<string>();
  const knownTopics = topics.size > 0 ? await known('email_topics', topics) : new Set<string>();

  for (const [key, s] of Object.entries(g.steps)) {
    const at = `steps.${key}`;
    switch (s.kind) {
      case 'send_email':
        if (!knownTemplates.has(s.templateId)) issues.push({ path: `${at}.templateId`, message: 'is not a template of this workspace (it may have been deleted)' });
        if (s.topicId && !knownTopics.has(s.topicId)) issues.push({ path: `${at}.topicId`, message: 'is not a topic of this workspace' });
        break;
      case 'list':
        segmentIs(s.listId, 'list', `${at}.listId`);
        break;
      case 'send_survey': {
        const survey = await findSurvey(tx, s.surveyId);
        if (!survey || survey.workspace_id !== ws || survey.state === 'archived') issues.push({ path: `${at}.surveyId`, message: 'is not a survey of this workspace (it may have been deleted or archived)' });
        else if (!s.templateId && !survey.email_template_id) issues.push({ path: `${at}.templateId`, message: 'is needed: the survey has no email template of its own' });
        else {
          const templateId = s.templateId ?? survey.email_template_id!;
          const [t] = await tx.query<{ body: string }>('select body from email_templates where workspace_id = $1 and id = $2', [ws, templateId]);
          if (!t) issues.push({ path: `${at}.templateId`, message: 'is not a template of this workspace (it may have been deleted)' });
          else if (!t.body.includes(`/${survey.id}`)) issues.push({ path: `${at}.templateId`, message: 'does not carry this survey’s question block' });
        }
        break;
      }
      case 'update_contact':
        updateField(sctx, s.field, s.value, `${at}`, issues);
        break;
      case 'award_points':
        if (!(await programOf(tx, ws))) issues.push({ path: `${at}.points`, message: 'needs a points program: set one up under Loyalty first' });
        break;
      case 'issue_coupon': {
        const c = UUID.test(s.campaignId) ? await campaignById(tx, ws, s.campaignId) : null;
        if (!c) issues.push({ path: `${at}.campaignId`, message: 'is not a coupon campaign of this workspace (it may have been deleted)' });
        else if (c.state === 'ended') issues.push({ path: `${at}.campaignId`, message: 'has ended: it gives no more codes' });
        break;
      }
      case 'wait_date':
        dateField(sctx, s.field, `${at}.field`, issues);
        break;
    }
  }
  return issues;
}

function dateField(sctx: LoadedContext, field: string, at: string, issues: FieldIssue[]): void {
  if (field === 'created_at') return;
  const f = sctx.resolveField(field.startsWith('properties.') ? field : `properties.${field}`);
  if (!f) issues.push({ path: at, message: `is not a property of this workspace ("created_at" or a date property such as "properties.birthday")` });
  else if (f.type !== 'date') issues.push({ path: at, message: `is a ${f.type} property, not a date` });
}

function updateField(sctx: LoadedContext, field: string, value: unknown, at: string, issues: FieldIssue[]): void {
  if (SETTABLE_FIELDS.includes(field)) {
    if (field === 'lifecycle_stage' && value !== null && !LIFECYCLE.includes(String(value))) {
      issues.push({ path: `${at}.value`, message: `must be one of ${LIFECYCLE.join(', ')}` });
    } else if (value !== null && typeof value !== 'string') issues.push({ path: `${at}.value`, message: 'must be text' });
    return;
  }
  const f = sctx.resolveField(field.startsWith('properties.') ? field : `properties.${field}`);
  if (!f) {
    issues.push({ path: `${at}.field`, message: `is neither ${SETTABLE_FIELDS.join(', ')} nor a property of this workspace` });
    return;
  }
  if (value === null) return;
  const ok =
    f.type === 'number' ? typeof value === 'number' : f.type === 'boolean' ? typeof value === 'boolean' : f.type === 'enum' ? f.options?.includes(String(value)) === true : typeof value === 'string';
  if (!ok) issues.push({ path: `${at}.value`, message: f.type === 'enum' ? `must be one of ${f.options?.join(', ')}` : `must be a ${f.type === 'date' ? 'date as text' : f.type}` });
}

export interface GraphDependencies {
  events: string[];
  fields: string[];
}

/** What can start, wake or end a run of this graph: the trigger, the waits for events, the goal and exit conditions. */
export function graphDependencies(g: WorkflowGraph): GraphDependencies {
  const events = new Set<string>();
  const fields = new Set<string>();
  const t = triggerEvent(g.trigger);
  if (t) events.add(t.event);
  for (const s of Object.values(g.steps)) if (s.kind === 'wait_event') events.add(s.event);
  const conditions: SegmentNode[] = [...g.exits];
  if (g.goal?.kind === 'event_since_entry') events.add(g.goal.event);
  if (g.goal?.kind === 'condition') conditions.push(g.goal.condition);
  for (const c of conditions) {
    const d = dependenciesOf(c);
    d.events.forEach((e) => events.add(e));
    d.fields.forEach((f) => fields.add(f));
    if (d.segments.length > 0) {
      events.add('segment.entered');
      events.add('segment.exited');
    }
  }
  return { events: [...events], fields: [...fields] };
}
