// What the workflows API and the command line read: workflows with their counts, a workflow
// with its versions, how many contacts are at and have passed each step, the contacts at a
// step, one contact's journeys with their events, and the lift report (treated against the
// holdout, with the revenue after entering per currency). Reads only; the engine writes.
import { Params } from '../db/params.ts';
import { notFound } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import type { EnrollmentPage, Journeys, RevenueRow, StepCounts, WorkflowDetail, WorkflowReport, WorkflowSummary } from './contract.ts';
import { exitsOf, type WorkflowGraph, workflowGraph } from './graph.ts';
import { liftOf, MIN_GROUP, MIN_OUTCOMES } from './lift.ts';
import { graphOf } from './versions.ts';
import { getWorkflow, listWorkflows, type Workflow } from './workflows.ts';

type Counts = WorkflowSummary['counts'];
const NO_COUNTS: Counts = { inNow: 0, entered: 0, converted: 0, completed: 0, exited: 0 };

/** Runs per workflow of a workspace (all of them, or some): in it now, entered, and how they ended. */
export async function workflowCounts(ctx: AppContext, workspaceId: string, workflowIds?: string[]): Promise<Map<string, Counts>> {
  const rows = await ctx.db.query<Counts & { workflow_id: string }>(
    `select workflow_id,
            count(*) filter (where state <> 'done')::int as "inNow",
            count(*)::int as entered,
            count(*) filter (where outcome = 'converted')::int as converted,
            count(*) filter (where outcome = 'completed')::int as completed,
            count(*) filter (where outcome in ('exited', 'failed', 'removed'))::int as exited
     from workflow_enrollments
     where workspace_id = $1 and ($2::uuid[] is null or workflow_id = any($2::uuid[]))
     group by workflow_id`,
    [workspaceId, workflowIds ?? null],
  );
  return new Map(rows.map(({ workflow_id, ...c }) => [workflow_id, c]));
}

const summaryOf = (w: Workflow, counts: Map<string, Counts>): WorkflowSummary => ({
  id: w.id,
  name: w.name,
  description: w.description,
  state: w.state,
  liveVersion: w.liveVersion,
  holdoutPercent: w.holdoutPercent,
  counts: counts.get(w.id) ?? NO_COUNTS,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

/** The workspace's workflows (archived last, then by name), with their counts. */
export async function workflowSummaries(ctx: AppContext, workspaceId: string): Promise<WorkflowSummary[]> {
  const [all, counts] = await Promise.all([listWorkflows(ctx, workspaceId), workflowCounts(ctx, workspaceId)]);
  return all.map((w) => summaryOf(w, counts));
}

/** A stored draft as the API shows it; one saved before the graph's shape changed shows as none. */
function draftOf(stored: unknown): WorkflowGraph | null {
  if (stored === null || stored === undefined) return null;
  const parsed = workflowGraph.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** A workflow with its draft, its live version and every published version. */
export async function workflowDetail(ctx: AppContext, workspaceId: string, id: string): Promise<WorkflowDetail> {
  const w = await getWorkflow(ctx, workspaceId, id);
  const [counts, versions] = await Promise.all([
    workflowCounts(ctx, workspaceId, [id]),
    ctx.db.query<{ id: string; number: number; published_at: Date; graph: unknown; user_name: string | null; user_email: string | null; in_now: number }>(
      `select v.id, v.number, v.published_at, case when v.id = $3::uuid then v.graph end as graph, u.name as user_name, u.email as user_email,
              (select count(*) from workflow_enrollments e where e.version_id = v.id and e.state <> 'done')::int as in_now
       from workflow_versions v left join users u on u.id = v.published_by
       where v.workspace_id = $1 and v.workflow_id = $2
       order by v.number desc`,
      [workspaceId, id, w.liveVersionId],
    ),
  ]);
  const live = versions.find((v) => v.id === w.liveVersionId);
  return {
    ...summaryOf(w, counts),
    graph: draftOf(w.draft),
    live: live ? { version: live.number, publishedAt: new Date(live.published_at), graph: graphOf(live.id, live.graph) } : null,
    versions: versions.map((v) => ({
      number: v.number,
      publishedAt: new Date(v.published_at),
      publishedBy: v.user_email ? { name: v.user_name ?? '', email: v.user_email } : null,
      inNow: v.in_now,
    })),
    emailLimits: w.emailLimits,
  };
}

/** The steps of a graph in the order they are passed (each after every step that leads to it), unreachable ones last. */
export function stepsInOrder(g: WorkflowGraph): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !Object.hasOwn(g.steps, key)) return;
    seen.add(key);
    for (const e of exitsOf(g.steps[key]!)) if (e.to) visit(e.to);
    out.push(key);
  };
  visit(g.start);
  const reachable = out.reverse();
  const rest = Object.keys(g.steps).filter((k) => !seen.has(k));
  return [...reachable, ...rest];
}

/**
 * Per step of the live version and of every older version that still holds contacts: how many
 * are at it now and how many have passed it.
 */
export async function stepCountsOf(ctx: AppContext, workspaceId: string, id: string): Promise<StepCounts> {
  await getWorkflow(ctx, workspaceId, id);
  const versions = await ctx.db.query<{ id: string; number: number; live: boolean; graph: unknown }>(
    `select v.id, v.number, v.id is not distinct from w.live_version_id as live, v.graph
     from workflow_versions v join workflows w on w.id = v.workflow_id
     where v.workspace_id = $1 and v.workflow_id = $2
       and (v.id = w.live_version_id or exists (select 1 from workflow_enrollments e where e.version_id = v.id and e.state <> 'done'))
     order by live desc, v.number desc`,
    [workspaceId, id],
  );
  if (versions.length === 0) return { versions: [] };
  const ids = versions.map((v) => v.id);
  const [here, passed] = await Promise.all([
    ctx.db.query<{ version_id: string; step: string; n: number }>(
      `select version_id, step, count(*)::int as n from workflow_enrollments where version_id = any($1::uuid[]) and state <> 'done' group by 1, 2`,
      [ids],
    ),
    ctx.db.query<{ version_id: string; step: string; n: number | string }>('select version_id, step, passed as n from workflow_step_counts where version_id = any($1::uuid[])', [ids]),
  ]);
  const key = (v: string, s: string) => `${v}\u0000${s}`;
  const waiting = new Map(here.map((r) => [key(r.version_id, r.step), r.n]));
  const passedBy = new Map(passed.map((r) => [key(r.version_id, r.step), Number(r.n)]));
  return {
    versions: versions.map((v) => {
      const g = graphOf(v.id, v.graph);
      return {
        version: v.number,
        live: v.live,
        steps: stepsInOrder(g).map((s) => ({ key: s, kind: g.steps[s]!.kind, waiting: waiting.get(key(v.id, s)) ?? 0, passed: passedBy.get(key(v.id, s)) ?? 0 })),
      };
    }),
  };
}

export interface EnrollmentsQuery {
  step?: string;
  version?: number;
  state: 'live' | 'all' | 'active' | 'waiting' | 'done';
  limit: number;
  after?: string;
}

/** The contacts of a workflow (at a step, on a version, in a state), in the order they entered, a page at a time. */
export async function enrollmentsOf(ctx: AppContext, workspaceId: string, id: string, q: EnrollmentsQuery): Promise<EnrollmentPage> {
  await getWorkflow(ctx, workspaceId, id);
  const p = new Params([workspaceId, id]);
  const conds = ['e.workspace_id = $1', 'e.workflow_id = $2'];
  if (q.step !== undefined) conds.push(`e.step = ${p.add(q.step)}`);
  if (q.version !== undefined) conds.push(`v.number = ${p.add(q.version, 'int')}`);
  if (q.state === 'live') conds.push("e.state <> 'done'");
  else if (q.state !== 'all') conds.push(`e.state = ${p.add(q.state)}`);
  if (q.after) conds.push(`e.id > ${p.add(q.after, 'uuid')}`);
  const rows = await ctx.db.query<{
    id: string;
    contact_id: string;
    email: string | null;
    name: string | null;
    number: number;
    step: string | null;
    state: 'active' | 'waiting' | 'done';
    outcome: EnrollmentPage['items'][number]['outcome'];
    holdout: boolean;
    entered_at: Date;
    step_entered_at: Date;
    wake_at: Date | null;
    left_at: Date | null;
  }>(
    `select e.id, e.contact_id, c.email, btrim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) as name, v.number,
            e.step, e.state, e.outcome, e.holdout, e.entered_at, e.step_entered_at, e.wake_at, e.left_at
     from workflow_enrollments e
     join workflow_versions v on v.id = e.version_id
     left join contacts c on c.id = e.contact_id and c.workspace_id = e.workspace_id
     where ${conds.join(' and ')}
     order by e.id limit ${p.add(q.limit + 1, 'int')}`,
    p.values,
  );
  const items = rows.slice(0, q.limit).map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    email: r.email,
    name: r.name ?? '',
    version: r.number,
    step: r.step,
    state: r.state,
    outcome: r.outcome,
    holdout: r.holdout,
    enteredAt: new Date(r.entered_at),
    stepEnteredAt: new Date(r.step_entered_at),
    wakeAt: r.wake_at === null ? null : new Date(r.wake_at),
    leftAt: r.left_at === null ? null : new Date(r.left_at),
  }));
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
}

/** How many of a contact's runs are shown (newest first). */
const JOURNEYS = 200;

/** A contact's runs through workflows, newest first, each with its workflow.* events. */
export async function journeysOf(ctx: AppContext, workspaceId: string, contactId: string): Promise<Journeys> {
  const [contact] = await ctx.db.query('select 1 from contacts where workspace_id = $1 and id = $2', [workspaceId, contactId]);
  if (!contact) throw notFound('The contact');
  const runs = await ctx.db.query<{
    id: string;
    workflow_id: string;
    name: string;
    number: number;
    path: string[];
    step: string | null;
    state: Journeys['items'][number]['state'];
    outcome: Journeys['items'][number]['outcome'];
    outcome_detail: string | null;
    holdout: boolean;
    entered_at: Date;
    left_at: Date | null;
    wake_at: Date | null;
  }>(
    `select e.id, e.workflow_id, w.name, v.number, e.path, e.step, e.state, e.outcome, e.outcome_detail, e.holdout, e.entered_at, e.left_at, e.wake_at
     from workflow_enrollments e join workflows w on w.id = e.workflow_id join workflow_versions v on v.id = e.version_id
     where e.workspace_id = $1 and e.contact_id = $2
     order by e.entered_at desc, e.id desc limit ${JOURNEYS}`,
    [workspaceId, contactId],
  );
  const events =
    runs.length === 0
      ? []
      : await ctx.db.query<{ id: string; name: string; occurred_at: Date; properties: Record<string, unknown> }>(
          `select id, name, occurred_at, properties from events
           where workspace_id = $1 and contact_id = $2 and starts_with(name, 'workflow.') and properties ->> 'enrollment_id' = any($3::text[])
           order by occurred_at, id`,
          [workspaceId, contactId, runs.map((r) => r.id)],
        );
  const byRun = new Map<string, Journeys['items'][number]['events']>();
  for (const ev of events) {
    const run = String(ev.properties.enrollment_id);
    if (!byRun.has(run)) byRun.set(run, []);
    byRun.get(run)!.push({ id: ev.id, name: ev.name, occurredAt: new Date(ev.occurred_at), properties: ev.properties });
  }
  return {
    items: runs.map((r) => ({
      id: r.id,
      workflowId: r.workflow_id,
      workflowName: r.name,
      version: r.number,
      path: r.path,
      step: r.step,
      state: r.state,
      outcome: r.outcome,
      outcomeDetail: r.outcome_detail,
      holdout: r.holdout,
      enteredAt: new Date(r.entered_at),
      leftAt: r.left_at === null ? null : new Date(r.left_at),
      wakeAt: r.wake_at === null ? null : new Date(r.wake_at),
      events: byRun.get(r.id) ?? [],
    })),
  };
}

/** The formulas of the report, as the page states them. */
export const REPORT_FORMULAS = [
  'Contacts: each contact who entered the workflow (on that version, or on any version for the overall figures), counted once however many times they entered.',
  'Treated: contacts outside the holdout (every action done). Holdout: contacts in it (hash(workflow, contact) mod 10000 < holdout percent × 100): the same waits and branches, every action skipped.',
  'Converted: contacts with a run that reached the goal (outcome "converted"); without a goal, no one converts.',
  'Rates: p1 = x1/n1 (treated), p2 = x2/n2 (holdout), x converted of n contacts.',
  'Absolute lift: d = p1 − p2. Relative lift: d / p2.',
  'Wilson interval of x of n, z = 1.959964 (95%): (x + z²/2)/(n + z²) ± z·√(x(n − x)/n + z²/4)/(n + z²).',
  "95% interval of d: Newcombe's hybrid score interval (method 10) from the Wilson intervals (l1, u1) of p1 and (l2, u2) of p2: low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²).",
  'p-value: pooled two-proportion z-test, q = (x1 + x2)/(n1 + n2), z = d / √(q(1 − q)(1/n1 + 1/n2)), p = 2·Φ(−|z|).',
  `Significant: p < 0.05 and the interval excludes 0, with at least ${MIN_GROUP} contacts in each group and at least ${MIN_OUTCOMES} conversions and ${MIN_OUTCOMES} non-conversions in all.`,
  'Revenue per contact, per currency (amounts in different currencies are never added): the totals of the orders in that currency placed after the contact first entered (purchase events; refunds not deducted), in minor units, divided by all the contacts of the group, buyers or not.',
].join('\n');

interface GroupRow {
  kind: 'count' | 'money';
  number: number;
  holdout: boolean;
  currency: string | null;
  contacts: number;
  converted: number;
  buyers: number;
  orders: number;
  revenue: string | number;
}

type Part = WorkflowReport['overall'];

function partOf(rows: GroupRow[]): Part {
  const side = (holdout: boolean) => rows.find((r) => r.kind === 'count' && r.holdout === holdout) ?? { contacts: 0, converted: 0 };
  const treated = side(false);
  const held = side(true);
  const lift = liftOf({ contacts: treated.contacts, converted: treated.converted }, { contacts: held.contacts, converted: held.converted });
  const currencies = [...new Set(rows.filter((r) => r.kind === 'money').map((r) => r.currency!))];
  const money = (holdout: boolean, currency: string, contacts: number) => {
    const r = rows.find((x) => x.kind === 'money' && x.holdout === holdout && x.currency === currency);
    const revenue = r ? Number(r.revenue) : 0;
    return { contacts, buyers: r?.buyers ?? 0, orders: r?.orders ?? 0, revenue, perContact: contacts > 0 ? revenue / contacts : null };
  };
  const revenue: RevenueRow[] = currencies.map((currency) => {
    const t = money(false, currency, treated.contacts);
    const h = money(true, currency, held.contacts);
    return { currency, treated: t, holdout: h, perContactDifference: t.perContact !== null && h.perContact !== null ? t.perContact - h.perContact : null };
  });
  revenue.sort((a, b) => b.treated.revenue + b.holdout.revenue - (a.treated.revenue + a.holdout.revenue) || a.currency.localeCompare(b.currency));
  return { lift, revenue };
}

/**
 * The lift report of a workflow: per version and overall, treated against holdout contacts,
 * converted to the goal, through `liftOf`, and the revenue per contact after entering in each
 * currency. `version` lists only that version (the overall figures stay those of all).
 */
export async function liftReport(ctx: AppContext, workspaceId: string, id: string, version?: number): Promise<WorkflowReport> {
  const w = await getWorkflow(ctx, workspaceId, id);
  const versions = await ctx.db.query<{ id: string; number: number; published_at: Date; graph: unknown }>(
    'select id, number, published_at, graph from workflow_versions where workspace_id = $1 and workflow_id = $2 order by number desc',
    [workspaceId, id],
  );
  if (version !== undefined && !versions.some((v) => v.number === version)) throw notFound(`Version ${version} of the workflow`);
  // Per contact: on each version (number > 0) and on any (number 0), on which side of the
  // holdout, first entered when, converted in any run.
  const rows = await ctx.db.query<GroupRow>(
    `with per as (
       select coalesce(v.number, 0) as number, e.contact_id, e.holdout, min(e.entered_at) as entered_at, bool_or(e.outcome = 'converted') as converted
       from workflow_enrollments e join workflow_versions v on v.id = e.version_id
       where e.workspace_id = $1 and e.workflow_id = $2
       group by grouping sets ((v.number, e.contact_id, e.holdout), (e.contact_id, e.holdout))
     ),
     counts as (
       select number, holdout, count(*)::int as contacts, count(*) filter (where converted)::int as converted from per group by number, holdout
     ),
     money as (
       select p.number, p.holdout, o.properties ->> 'currency' as currency, count(distinct p.contact_id)::int as buyers, count(*)::int as orders,
              sum((o.properties ->> 'total')::bigint)::text as revenue
       from per p
       join events o on o.workspace_id = $1 and o.contact_id = p.contact_id and o.name = 'purchase' and o.occurred_at > p.entered_at
       where rapport_is_order_event(o.name, o.properties)
       group by p.number, p.holdout, o.properties ->> 'currency'
     )
     select 'count' as kind, number, holdout, null as currency, contacts, converted, 0 as buyers, 0 as orders, '0' as revenue from counts
     union all
     select 'money', number, holdout, currency, 0, 0, buyers, orders, revenue from money`,
    [workspaceId, id],
  );
  const goalOf = (stored: { id: string; graph: unknown }) => graphOf(stored.id, stored.graph).goal ?? null;
  const live = versions.find((v) => v.id === w.liveVersionId);
  return {
    workflowId: id,
    goal: live ? goalOf(live) : null,
    holdoutPercent: w.holdoutPercent,
    overall: partOf(rows.filter((r) => r.number === 0)),
    versions: versions
      .filter((v) => version === undefined || v.number === version)
      .map((v) => ({ version: v.number, publishedAt: new Date(v.published_at), goal: goalOf(v), ...partOf(rows.filter((r) => r.number === v.number)) })),
    formulas: REPORT_FORMULAS,
    computedAt: ctx.clock.now(),
  };
}
