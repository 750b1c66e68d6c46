// A workflow version as data: what enrolls a contact, who may enter, when they leave early,
// and the steps they pass, keyed by name. Conditions are segment definitions (the one
// condition language); an event's property filters are the segment language's event filters.
// Immutable once published (docs/design/workflows.md). The JSON is what the API takes and
// stores; `validate.ts` checks what zod cannot (references between steps, reachability).
import { z } from 'zod';
import { eventFilter, segmentNode } from '../segments/definition.ts';

/** A step's name in its graph: letters, digits, - and _, as the editor makes them ("send-1"). */
export const stepKey = z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'must be 1 to 60 letters, digits, - or _');
/** The step that follows; null ends the workflow for the contact (completed). */
const next = stepKey.nullable();
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM');
const UUID = z.uuid();

export const trigger = z.discriminatedUnion('kind', [
  /** An event, optionally only with some property values; `keyBy` enrolls once per value (an order id). */
  z.strictObject({ kind: z.literal('event'), event: z.string().min(1).max(200), where: z.array(eventFilter).max(20).default([]), keyBy: z.string().min(1).max(200).optional() }),
  z.strictObject({ kind: z.literal('segment_entered'), segmentId: UUID }),
  z.strictObject({ kind: z.literal('segment_exited'), segmentId: UUID }),
  z.strictObject({ kind: z.literal('list_added'), listId: UUID }),
  /** A date field coming round (a birthday, a renewal date), moved by whole days, at a time of day in the contact's time zone. */
  z.strictObject({ kind: z.literal('date'), field: z.string().min(1).max(200), offsetDays: z.number().int().min(-366).max(366), at: timeOfDay, yearly: z.boolean() }),
  /** Only by hand or through the API (one contact, a segment or a list). */
  z.strictObject({ kind: z.literal('manual') }),
]);
export type Trigger = z.infer<typeof trigger>;

export const reentry = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('once') }),
  z.strictObject({ policy: z.literal('after_leaving') }),
  z.strictObject({ policy: z.literal('every_time'), minIntervalHours: z.number().int().min(0).max(24 * 366).default(0) }),
]);
export type Reentry = z.infer<typeof reentry>;

const duration = z.strictObject({ days: z.number().int().min(0).max(3660).default(0), hours: z.number().int().min(0).max(23).default(0), minutes: z.number().int().min(0).max(59).default(0) });
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const step = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wait'), for: duration, next }),
  /** Until the next given time of day in the contact's time zone, on one of the weekdays if given. */
  z.strictObject({ kind: z.literal('wait_until'), at: timeOfDay, weekdays: z.array(weekday).min(1).max(7).optional(), next }),
  /** Until a date field plus or minus whole days, at a time of day. */
  z.strictObject({ kind: z.literal('wait_date'), field: z.string().min(1).max(200), offsetDays: z.number().int().min(-366).max(366), at: timeOfDay, next }),
  /** Until the contact does something, or the timeout passes; one path for each. */
  z.strictObject({
    kind: z.literal('wait_event'),
    event: z.string().min(1).max(200),
    where: z.array(eventFilter).max(20).default([]),
    timeout: duration,
    happened: next,
    timedOut: next,
  }),
  /** Paths tested in order, the first whose condition holds is taken; everyone else takes `otherwise`. */
  z.strictObject({
    kind: z.literal('branch'),
    paths: z.array(z.strictObject({ name: z.string().min(1).max(100), condition: segmentNode, next })).max(10),
    otherwise: next,
  }),
  /** Random paths by percentage, the same for a contact every time. */
  z.strictObject({ kind: z.literal('split'), paths: z.array(z.strictObject({ name: z.string().min(1).max(100), percent: z.number().int().min(0).max(100), next })).max(10) }),
  /**
   * `whenCapped`: a contact who reached the frequency cap is skipped (with an event saying so),
   * or waits at the step until the cap allows the message (their next day or week).
   */
  z.strictObject({
    kind: z.literal('send_email'),
    templateId: UUID,
    topicId: UUID.optional(),
    transactional: z.boolean().default(false),
    whenCapped: z.enum(['skip', 'wait']).default('skip'),
    next,
  }),
  z.strictObject({ kind: z.literal('update_contact'), field: z.string().min(1).max(200), value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]), next }),
  z.strictObject({ kind: z.literal('list'), action: z.enum(['add', 'remove']), listId: UUID, next }),
  z.strictObject({ kind: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).max(2000), next }),
  /**
   * Asks the contact to answer a survey by email, under the survey's rules (not surveyed too
   * often, not answered already); `templateId`: the email that carries it, else the survey's own.
   */
  z.strictObject({ kind: z.literal('send_survey'), surveyId: UUID, templateId: UUID.optional(), next }),
  /** Gives the contact points of the loyalty program, once per enrollment and step, with a reason on their statement. */
  z.strictObject({ kind: z.literal('award_points'), points: z.number().int().min(1).max(1_000_000), reason: z.string().trim().min(1).max(200), next }),
  /** Gives the contact a code of a coupon campaign, once per enrollment and step; the next email shows it as {{ coupon.code }}. */
  z.strictObject({ kind: z.literal('issue_coupon'), campaignId: UUID, next }),
  z.strictObject({ kind: z.literal('exit') }),
]);
export type Step = z.infer<typeof step>;
export type StepKind = Step['kind'];

/**
 * A goal: doing something after entering ("bought since entering": an event with property
 * filters, counted from the moment of entry), or meeting a condition (a segment definition:
 * "became a VIP"). Either is checked whenever the contact's data changes.
 */
export const goal = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('event_since_entry'), event: z.string().min(1).max(200), where: z.array(eventFilter).max(20).default([]) }),
  z.strictObject({ kind: z.literal('condition'), condition: segmentNode }),
]);
export type Goal = z.infer<typeof goal>;

export const workflowGraph = z.strictObject({
  trigger,
  reentry,
  /** Who may enter (never VIPs…): a segment definition. */
  filter: segmentNode.optional(),
  /** Whoever reaches it leaves at once, wherever they are, and counts as converted. */
  goal: goal.optional(),
  /** Whoever meets one leaves at once (unsubscribed, became a VIP). */
  exits: z.array(segmentNode).max(10).default([]),
  start: stepKey,
  steps: z.record(stepKey, step),
});
export type WorkflowGraph = z.infer<typeof workflowGraph>;
/** A graph as written (defaults may be left out): what the API takes and starters build. */
export type WorkflowGraphInput = z.input<typeof workflowGraph>;

/** The steps a step may lead to, in the order the editor draws them, with the label of each way out. */
export function exitsOf(s: Step): { label: string; to: string | null }[] {
  switch (s.kind) {
    case 'wait_event':
      return [
        { label: 'happened', to: s.happened },
        { label: 'timed out', to: s.timedOut },
      ];
    case 'branch':
      return [...s.paths.map((p) => ({ label: p.name, to: p.next })), { label: 'everyone else', to: s.otherwise }];
    case 'split':
      return s.paths.map((p) => ({ label: p.name, to: p.next }));
    case 'exit':
      return [];
    default:
      return [{ label: 'next', to: s.next }];
  }
}
