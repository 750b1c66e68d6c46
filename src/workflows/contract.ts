// Request and response shapes of the workflows API (/api/v1/workflows…), shared by the server
// and the web app (which imports them with `import type`). A workflow's steps are the graph of
// graph.ts; a path in a 400's `details` that starts with `graph.` names a field of it
// ("graph.steps.mail.templateId").
import { z } from 'zod';
import { emailLimitsBody } from '../messaging/contract.ts';
import { segmentNode } from '../segments/definition.ts';
import { dateTime } from '../shared/schemas.ts';
import { goal, stepKey, workflowGraph } from './graph.ts';

// A workflow's conditions (filter, goal, exits, branch paths) are single segment nodes, which
// hold groups that hold nodes: the OpenAPI document describes a node once, as a named
// component (as SegmentGroup is, in segments/definition.ts), or its references point nowhere.
if (!z.globalRegistry.has(segmentNode)) z.globalRegistry.add(segmentNode, { id: 'SegmentNode', description: 'A condition, or a group of conditions and groups' });

export const WORKFLOW_STATES = ['draft', 'active', 'paused', 'archived'] as const;
export const ENROLLMENT_STATES = ['active', 'waiting', 'done'] as const;
export const OUTCOMES = ['converted', 'exited', 'completed', 'failed', 'removed'] as const;

const name = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().trim().max(2000);
/** The share of contacts held out of every action (to measure the lift), 0 to 50, to two decimals. */
const holdoutPercent = z.number().min(0).max(50);

export const workflowCounts = z.object({
  /** Contacts in the workflow now (at a step, waiting or about to start it). */
  inNow: z.number(),
  /** Runs that ever started (a contact who entered twice counts twice). */
  entered: z.number(),
  /** Runs that reached the goal. */
  converted: z.number(),
  /** Runs that came to the end of a path. */
  completed: z.number(),
  /** Runs that left early: an exit condition or exit step, the workflow archived, a failure, a removal. */
  exited: z.number(),
});

export const workflowSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  state: z.enum(WORKFLOW_STATES),
  /** The number of the published version new contacts enter; null before the first publish. */
  liveVersion: z.number().nullable(),
  holdoutPercent: z.number(),
  counts: workflowCounts,
  createdAt: dateTime,
  updatedAt: dateTime,
});
export const workflowList = z.object({ items: z.array(workflowSummary) });

export const workflowVersion = z.object({
  number: z.number(),
  publishedAt: dateTime,
  /** Who published it; null for the API with a key, or a user since removed. */
  publishedBy: z.object({ name: z.string(), email: z.string() }).nullable(),
  /** Contacts still in the workflow on this version. */
  inNow: z.number(),
});

export const workflowDetail = workflowSummary.extend({
  /** The draft being edited (what publishing makes the next version); null before any is saved. */
  graph: workflowGraph.nullable(),
  /** The live version; null before the first publish. */
  live: z.object({ version: z.number(), publishedAt: dateTime, graph: workflowGraph }).nullable(),
  /** Every published version, newest first. */
  versions: z.array(workflowVersion),
  /**
   * This workflow's own marketing email limits, in force as soon as they are saved (for contacts
   * already in it too); null: the workspace's. A field left out is the workspace's, a field set
   * to null is no limit of that kind for this workflow.
   */
  emailLimits: emailLimitsBody.nullable(),
});

export const createWorkflowBody = z.strictObject({
  name,
  description: description.optional(),
  graph: workflowGraph.optional(),
  holdoutPercent: holdoutPercent.optional(),
});

export const updateWorkflowBody = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  /** Replaces the draft; the live version changes only by publishing. */
  graph: workflowGraph.optional(),
  holdoutPercent: holdoutPercent.optional(),
  /**
   * This workflow's own marketing email limits, replacing what it had; null: the workspace's
   * again. Within them a field left out is the workspace's, a field set to null is no limit of
   * that kind (no cap a day, a week, no quiet hours) for this workflow.
   */
  emailLimits: emailLimitsBody.nullable().optional(),
});

export const publishBody = z
  .strictObject({
    /** Moves contacts in flight on earlier versions to the new one: old step → new step. Left out: they finish on their version. */
    mapping: z.record(stepKey, stepKey).optional(),
  })
  .nullish();

export const publishResult = z.object({
  workflow: workflowDetail,
  /** The number of the version just published. */
  version: z.number(),
  /** Contacts in flight moved to the new version by the mapping. */
  moved: z.number(),
});

export const enrollBody = z.union([
  z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(10_000) }),
  /** The segment's or list's members now (a snapshot). */
  z.strictObject({ segmentId: z.uuid() }),
]);
export const enrollHeaders = z.object({
  /** The same key again (for this workflow) enrolls no one twice: a retried request is harmless. */
  'idempotency-key': z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
});
export const enrollResult = z.object({
  /** Contacts who entered. */
  enrolled: z.number(),
  /** Contacts not let in: the enrollment filter, the control group, the re-entry policy, a contact not found. */
  skipped: z.number(),
});

export const stepCount = z.object({
  key: z.string(),
  kind: z.string(),
  /** Contacts at this step now (waiting, or about to start it). */
  waiting: z.number(),
  /** Contacts who have passed it (left it for the next step or the end). */
  passed: z.number(),
});
export const stepCounts = z.object({
  /** The live version first, then older versions that still hold contacts, newest first. */
  versions: z.array(z.object({ version: z.number(), live: z.boolean(), steps: z.array(stepCount) })),
});

export const enrollmentsQuery = z.strictObject({
  /** Contacts at this step (of any version unless `version` is given). */
  step: stepKey.optional(),
  version: z.coerce.number().int().min(1).optional(),
  /** `live` (default): in the workflow now, waiting or active; `all`: every run. */
  state: z.enum(['live', 'all', ...ENROLLMENT_STATES]).default('live'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page. */
  after: z.uuid({ message: 'must be a nextCursor' }).optional(),
});

export const enrollment = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  email: z.string().nullable(),
  name: z.string(),
  version: z.number(),
  step: z.string().nullable(),
  state: z.enum(ENROLLMENT_STATES),
  outcome: z.enum(OUTCOMES).nullable(),
  holdout: z.boolean(),
  enteredAt: dateTime,
  stepEnteredAt: dateTime,
  /** When a waiting contact moves on (the end of a wait, or a wait for an event's timeout). */
  wakeAt: dateTime.nullable(),
  leftAt: dateTime.nullable(),
});
export const enrollmentPage = z.object({ items: z.array(enrollment), nextCursor: z.string().nullable() });

export const journey = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  workflowName: z.string(),
  version: z.number(),
  /** The steps passed, in order. */
  path: z.array(z.string()),
  step: z.string().nullable(),
  state: z.enum(ENROLLMENT_STATES),
  outcome: z.enum(OUTCOMES).nullable(),
  /** Why it ended, in words ("exit condition 1", "workflow archived"). */
  outcomeDetail: z.string().nullable(),
  holdout: z.boolean(),
  enteredAt: dateTime,
  leftAt: dateTime.nullable(),
  wakeAt: dateTime.nullable(),
  /** Its workflow.* events, oldest first. */
  events: z.array(z.object({ id: z.uuid(), name: z.string(), occurredAt: dateTime, properties: z.record(z.string(), z.unknown()) })),
});
export const journeys = z.object({ items: z.array(journey) });

export const reportQuery = z.strictObject({
  /** Only this version in `versions` (`overall` is always every version). */
  version: z.coerce.number().int().min(1).optional(),
});

const group = z.object({ contacts: z.number(), converted: z.number(), rate: z.number().nullable() });
export const lift = z.object({
  treated: group,
  holdout: group,
  /** Treated rate − holdout rate (a proportion); null when a group is empty. */
  absoluteLift: z.number().nullable(),
  /** (treated − holdout) / holdout; null when the holdout rate is 0 or a group is empty. */
  relativeLift: z.number().nullable(),
  /** 95% interval of the difference (Newcombe's hybrid score interval). */
  interval: z.object({ low: z.number(), high: z.number() }).nullable(),
  /** Two-sided p-value of the pooled two-proportion z-test. */
  pValue: z.number().nullable(),
  significant: z.boolean(),
  /** The numbers and what they allow to conclude, in a sentence or two. */
  verdict: z.string(),
});

const revenueSide = z.object({
  contacts: z.number(),
  /** Contacts with at least one order in this currency after entering. */
  buyers: z.number(),
  orders: z.number(),
  /** Sum of those orders' totals, in minor units of the currency (pence, cents). */
  revenue: z.number(),
  /** revenue / contacts, in minor units (not rounded); null when the group is empty. */
  perContact: z.number().nullable(),
});
export const revenueRow = z.object({
  currency: z.string(),
  treated: revenueSide,
  holdout: revenueSide,
  /** Treated per contact − holdout per contact, in minor units; null when a group is empty. */
  perContactDifference: z.number().nullable(),
});

const reportPart = z.object({
  lift,
  /** One row per currency, most revenue first: amounts in different currencies are never added. */
  revenue: z.array(revenueRow),
});

export const workflowReport = z.object({
  workflowId: z.uuid(),
  /** The goal of the live version (what `converted` counts); null when it has none. */
  goal: goal.nullable(),
  holdoutPercent: z.number(),
  overall: reportPart,
  versions: z.array(reportPart.extend({ version: z.number(), publishedAt: dateTime, goal: goal.nullable() })),
  /** How every number is computed, in plain text, for the page to show. */
  formulas: z.string(),
  computedAt: dateTime,
});

export type WorkflowSummary = z.output<typeof workflowSummary>;
export type WorkflowDetail = z.output<typeof workflowDetail>;
export type StepCounts = z.output<typeof stepCounts>;
export type EnrollmentPage = z.output<typeof enrollmentPage>;
export type Journeys = z.output<typeof journeys>;
export type WorkflowReport = z.output<typeof workflowReport>;
export type RevenueRow = z.output<typeof revenueRow>;

export const starterList = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      description: z.string(),
      /** What using it creates besides the workflow. */
      creates: z.string(),
      holdoutPercent: z.number(),
    }),
  ),
});
export const starterParam = z.object({ key: z.string().min(1).max(60) });
export const starterBody = z.object({ name: z.string().trim().min(1).max(200).optional() }).optional();
