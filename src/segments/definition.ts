// A segment's definition: a tree of groups and conditions, as JSON, with its zod schema
// (the API validates requests with it; the web app takes its types only). The words it uses
// (operators, their labels, value types, metrics) are in vocabulary.ts, free of zod. What each
// condition means is written once, here; the SQL compiler (compile.ts) and the in-memory
// evaluator (evaluate.ts) both follow it, and a property test holds them to the same answers.
import { z } from 'zod';
import {
  AGGREGATE_FNS,
  AGGREGATE_OPS,
  COUNT_OPS,
  EVENT_PROPERTY_TYPES,
  FIELD_OPS,
  GROUP_OPS,
  MAX_CONDITIONS,
  MAX_DAYS,
  PURCHASE_METRICS,
  TIME_OPS,
} from './vocabulary.ts';

// ---- Conditions on contact fields and custom properties ---------------------------------

/*
 * Meanings of the operators (`now` is the evaluation time, in UTC; which operators fit which
 * type: OPS_FOR_TYPE in vocabulary.ts):
 * - eq / in: equal (text: exactly, case included, unless `ignoreCase`); neq / not_in: NOT eq /
 *   NOT in, so a contact without a value is "not equal" to anything;
 * - contains / not_contains / starts_with: text, ignoring case; not_contains = NOT contains;
 * - gt, gte, lt, lte, between [low, high] (inclusive): numbers;
 * - before / after a date (a day "YYYY-MM-DD" or an instant): strictly earlier / later;
 *   between [from, to] for dates: from ≤ value ≤ to (a day as `to` includes that whole day);
 * - within_last_days N: now − N days ≤ value ≤ now; more_than_days_ago N: value < now − N days;
 *   within_next_days N: now ≤ value ≤ now + N days ("points expire within the next 14 days");
 * - anniversary_within_days N: the value's month and day come round within the next N days,
 *   today included (29 February counts as 1 March in other years);
 * - is_set / is_not_set: has a value or not.
 * A condition on a contact without a value is false (except neq, not_in, not_contains and
 * is_not_set, which are negations).
 */

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const conditionValue = z.union([scalar, z.array(scalar).max(500)]).optional();

export const fieldCondition = z.strictObject({
  kind: z.literal('field'),
  /** A built-in field ("email", "created_at") or "properties.<key>". */
  field: z.string().min(1).max(100),
  op: z.enum(FIELD_OPS),
  /** A scalar; a list for in / not_in; [low, high] for between; days for the *_days operators. */
  value: conditionValue,
  /**
   * Text fields only: eq, neq, in and not_in compare without regard to case ("london" is
   * "London"), as the contact list's filters do. Left out: exactly.
   */
  ignoreCase: z.boolean().optional(),
});
export type FieldCondition = z.infer<typeof fieldCondition>;

// ---- Conditions on events -----------------------------------------------------------------

/** A condition on one property of the event ("purchase where total > 5000"). */
export const eventFilter = z.strictObject({
  /** A top-level key of the event's properties. */
  property: z.string().min(1).max(200),
  /** How to read it: a JSON value of another type counts as "no value". */
  type: z.enum(EVENT_PROPERTY_TYPES),
  op: z.enum(FIELD_OPS),
  value: conditionValue,
});
export type EventFilter = z.infer<typeof eventFilter>;

/** Which of the contact's events count: all, those of the last N days, or those between two dates. */
export const eventWindow = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ever') }),
  z.strictObject({ type: z.literal('last_days'), days: z.number().int().min(1).max(MAX_DAYS) }),
  z.strictObject({ type: z.literal('between'), from: z.string().max(40), to: z.string().max(40) }),
]);
export type EventWindow = z.infer<typeof eventWindow>;

/**
 * What is tested of the matching events:
 * - count: how many (0 when none: "not performed" is count = 0, "performed" count ≥ 1);
 * - sum / avg / min / max of a numeric property (values that are not numbers are left out;
 *   the sum of nothing is 0, the average, minimum or maximum of nothing matches nothing);
 * - first / last: when the first or last one happened (never: matches nothing).
 */
export const eventMeasure = z.discriminatedUnion('fn', [
  z.strictObject({ fn: z.literal('count'), op: z.enum(COUNT_OPS), value: z.number().int().min(0).max(1_000_000) }),
  z.strictObject({
    fn: z.enum(AGGREGATE_FNS),
    property: z.string().min(1).max(200),
    op: z.enum(AGGREGATE_OPS),
    value: z.union([z.number(), z.tuple([z.number(), z.number()])]),
  }),
  z.strictObject({
    fn: z.enum(['first', 'last']),
    op: z.enum(TIME_OPS),
    /** A date for before / after, days for the others. */
    value: z.union([z.string().max(40), z.number().int().min(0).max(MAX_DAYS)]),
  }),
]);
export type EventMeasure = z.infer<typeof eventMeasure>;

export const eventCondition = z.strictObject({
  kind: z.literal('event'),
  /** The event's name ("purchase", "email.opened", "segment.entered"). */
  event: z.string().min(1).max(200),
  where: z.array(eventFilter).max(10).default([]),
  window: eventWindow.default({ type: 'ever' }),
  measure: eventMeasure.default({ fn: 'count', op: 'gte', value: 1 }),
});
export type EventCondition = z.infer<typeof eventCondition>;

// ---- Conditions on the contact's orders (the purchase summary) ----------------------------

/**
 * A condition on the contact's orders of all time, read from the purchase summary (orders
 * and refunds from every source, see src/purchases/). Meanings:
 * - orders, refunds, items: counts (0 for a contact who never ordered), in one currency or
 *   in all when `currency` is left out;
 * - spent, refunded, net_spent (spent − refunded): sums in minor units of `currency`
 *   (required: 1000 with GBP is £10.00), 0 without orders in it;
 * - average_order: spent ÷ orders in that currency (no value without orders);
 * - first_order, last_order: when (no value without orders; is_set = has ordered).
 * Orders in a window of time ("in the last 90 days") are event conditions on `purchase`.
 */
export const purchaseCondition = z.strictObject({
  kind: z.literal('purchases'),
  metric: z.enum(PURCHASE_METRICS),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a currency code like GBP').optional(),
  op: z.enum(FIELD_OPS),
  value: conditionValue,
});
export type PurchaseCondition = z.infer<typeof purchaseCondition>;

// ---- Membership of another segment or list --------------------------------------------

export const membershipCondition = z.strictObject({
  kind: z.literal('segment'),
  segmentId: z.uuid({ message: 'must be the id of a segment or list' }),
  /** true: is a member; false: is not. */
  member: z.boolean().default(true),
});
export type MembershipCondition = z.infer<typeof membershipCondition>;

// ---- Groups ----------------------------------------------------------------------------------

export type Condition = FieldCondition | EventCondition | PurchaseCondition | MembershipCondition;

export const group = z.strictObject({
  kind: z.literal('group'),
  op: z.enum(GROUP_OPS),
  get children(): z.ZodArray<typeof segmentNode> {
    return z.array(segmentNode).max(MAX_CONDITIONS);
  },
});

export const segmentNode: z.ZodDiscriminatedUnion<[typeof fieldCondition, typeof eventCondition, typeof purchaseCondition, typeof membershipCondition, typeof group]> =
  z.discriminatedUnion('kind', [fieldCondition, eventCondition, purchaseCondition, membershipCondition, group]);

export type Group = z.infer<typeof group>;
export type SegmentNode = z.infer<typeof segmentNode>;

// A group holds groups: the OpenAPI document describes it once, as a named component that
// every route's schema refers to (without a name the references pointed nowhere).
z.globalRegistry.add(group, { id: 'SegmentGroup', description: 'A group of conditions and groups (and, or, not)' });

/** A definition is its root group. An empty AND group matches every contact. */
export const segmentDefinition = group;
export type SegmentDefinition = Group;

/** Every condition of a tree, with its path ("children.0.children.2"), depth first. */
export function* conditionsOf(node: SegmentNode, path: (string | number)[] = []): Generator<{ condition: Condition; path: (string | number)[] }> {
  if (node.kind !== 'group') {
    yield { condition: node, path };
    return;
  }
  for (const [i, child] of node.children.entries()) yield* conditionsOf(child, [...path, 'children', i]);
}
