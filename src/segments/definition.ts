// A segment's definition: a tree of groups and conditions, as JSON. Shared by the server
// (validation, compiler, evaluator) and the web app's builder, so it imports only zod and
// files without dependencies. What each condition means is written once, here; the SQL
// compiler (compile.ts) and the in-memory evaluator (evaluate.ts) both follow it, and a
// property test holds them to the same answers.
import { z } from 'zod';

/** Groups nest at most this deep (the root group is level 1). */
export const MAX_DEPTH = 6;
/** Conditions (leaves) in one definition, at most. */
export const MAX_CONDITIONS = 60;

// ---- Conditions on contact fields and custom properties ---------------------------------

export const FIELD_OPS = [
  'eq',
  'neq',
  'contains',
  'not_contains',
  'starts_with',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'within_last_days',
  'more_than_days_ago',
  'anniversary_within_days',
  'is_set',
  'is_not_set',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'country';

/**
 * Which operators fit which type of field. Meanings (`now` is the evaluation time, in UTC):
 * - eq / in: equal (text: exactly, case included); neq / not_in: NOT eq / NOT in, so a contact
 *   without a value is "not equal" to anything;
 * - contains / not_contains / starts_with: text, ignoring case; not_contains = NOT contains;
 * - gt, gte, lt, lte, between [low, high] (inclusive): numbers;
 * - before / after a date (a day "YYYY-MM-DD" or an instant): strictly earlier / later;
 *   between [from, to] for dates: from ≤ value ≤ to (a day as `to` includes that whole day);
 * - within_last_days N: now − N days ≤ value ≤ now; more_than_days_ago N: value < now − N days;
 * - anniversary_within_days N: the value's month and day come round within the next N days,
 *   today included (29 February counts as 1 March in other years);
 * - is_set / is_not_set: has a value or not.
 * A condition on a contact without a value is false (except neq, not_in, not_contains and
 * is_not_set, which are negations).
 */
export const OPS_FOR_TYPE = {
  string: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  enum: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  // A country is stored as its ISO 3166-1 alpha-2 code ("GB") and compared like a choice.
  country: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'anniversary_within_days', 'is_set', 'is_not_set'],
} as const satisfies Record<ValueType, readonly FieldOp[]>;

export const FIELD_OP_LABELS = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  in: 'is any of',
  not_in: 'is none of',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  before: 'is before',
  after: 'is after',
  within_last_days: 'is within the last … days',
  more_than_days_ago: 'is more than … days ago',
  anniversary_within_days: 'has its anniversary within the next … days',
  is_set: 'has any value',
  is_not_set: 'is empty',
} as const satisfies Record<FieldOp, string>;

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const conditionValue = z.union([scalar, z.array(scalar).max(500)]).optional();

export const fieldCondition = z.strictObject({
  kind: z.literal('field'),
  /** A built-in field ("email", "created_at") or "properties.<key>". */
  field: z.string().min(1).max(100),
  op: z.enum(FIELD_OPS),
  /** A scalar; a list for in / not_in; [low, high] for between; days for the *_days operators. */
  value: conditionValue,
});
export type FieldCondition = z.infer<typeof fieldCondition>;

// ---- Conditions on events -----------------------------------------------------------------

export const EVENT_PROPERTY_TYPES = ['string', 'number', 'boolean'] as const;
export type EventPropertyType = (typeof EVENT_PROPERTY_TYPES)[number];

export const EVENT_FILTER_OPS_FOR_TYPE = {
  string: ['eq', 'neq', 'contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
} as const satisfies Record<EventPropertyType, readonly FieldOp[]>;

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
  z.strictObject({ type: z.literal('last_days'), days: z.number().int().min(1).max(36_500) }),
  z.strictObject({ type: z.literal('between'), from: z.string().max(40), to: z.string().max(40) }),
]);
export type EventWindow = z.infer<typeof eventWindow>;

export const COUNT_OPS = ['gte', 'lte', 'eq', 'gt', 'lt'] as const;
export const AGGREGATE_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'between'] as const;
export const TIME_OPS = ['before', 'after', 'within_last_days', 'more_than_days_ago'] as const;

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
    fn: z.enum(['sum', 'avg', 'min', 'max']),
    property: z.string().min(1).max(200),
    op: z.enum(AGGREGATE_OPS),
    value: z.union([z.number(), z.tuple([z.number(), z.number()])]),
  }),
  z.strictObject({
    fn: z.enum(['first', 'last']),
    op: z.enum(TIME_OPS),
    /** A date for before / after, days for the others. */
    value: z.union([z.string().max(40), z.number().int().min(0).max(36_500)]),
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

export const PURCHASE_METRICS = ['orders', 'refunds', 'items', 'spent', 'refunded', 'net_spent', 'average_order', 'first_order', 'last_order'] as const;
export type PurchaseMetric = (typeof PURCHASE_METRICS)[number];
/** Amounts, in minor units of a currency that the condition must name. */
export const MONEY_METRICS: readonly PurchaseMetric[] = ['spent', 'refunded', 'net_spent', 'average_order'];
export const DATE_METRICS: readonly PurchaseMetric[] = ['first_order', 'last_order'];

export const PURCHASE_METRIC_LABELS = {
  orders: 'Number of orders',
  refunds: 'Number of refunds',
  items: 'Items bought',
  spent: 'Total spent',
  refunded: 'Total refunded',
  net_spent: 'Total spent after refunds',
  average_order: 'Average order value',
  first_order: 'First order',
  last_order: 'Last order',
} as const satisfies Record<PurchaseMetric, string>;

export const PURCHASE_OPS = {
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'is_set', 'is_not_set'],
} as const satisfies Record<'number' | 'date', readonly FieldOp[]>;

export const purchaseMetricType = (metric: PurchaseMetric): 'number' | 'date' => (DATE_METRICS.includes(metric) ? 'date' : 'number');

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

/** and: all children hold; or: at least one; not: none of them (NOT of their OR). */
export const GROUP_OPS = ['and', 'or', 'not'] as const;
export type GroupOp = (typeof GROUP_OPS)[number];

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
