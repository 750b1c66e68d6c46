// The words of the condition language: which operators fit which type of value, what they
// are called, what value each takes, and the figures of orders. One copy, free of zod and of
// any package, imported as is by the server (definition.ts, validate.ts, compile.ts, the
// contact list's filters) and by the web app (the condition editors, the contacts filter).
// What each operator means is written in definition.ts.
import type { PropertyType } from '../contacts/fields.ts';

/** Groups nest at most this deep (the root group is level 1). */
export const MAX_DEPTH = 6;
/** Conditions (leaves) in one definition, at most. */
export const MAX_CONDITIONS = 60;
/** Days, at most, in a "… days" operator and in an event window. */
export const MAX_DAYS = 36_500;

// ---- Operators on values --------------------------------------------------------------------

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
  'within_next_days',
  'anniversary_within_days',
  'is_set',
  'is_not_set',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

/** The type of a contact field or property, as conditions and sorting see it. */
export type ValueType = PropertyType;

/** Which operators fit which type of field (meanings: see definition.ts). */
export const OPS_FOR_TYPE = {
  string: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  enum: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  // A country is stored as its ISO 3166-1 alpha-2 code ("GB") and compared like a choice.
  country: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'within_next_days', 'anniversary_within_days', 'is_set', 'is_not_set'],
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
  within_next_days: 'is within the next … days',
  anniversary_within_days: 'has its anniversary within the next … days',
  is_set: 'has any value',
  is_not_set: 'is empty',
} as const satisfies Record<FieldOp, string>;

/** Operators that take no value. */
export const NO_VALUE_OPS: ReadonlySet<FieldOp> = new Set<FieldOp>(['is_set', 'is_not_set']);
/** Operators whose value is a number of days (relative to now: their answer moves with time alone). */
export const DAYS_OPS: ReadonlySet<FieldOp> = new Set<FieldOp>(['within_last_days', 'more_than_days_ago', 'within_next_days', 'anniversary_within_days']);
/** The operators a text condition's `ignoreCase` changes (contains, starts_with ignore case anyway). */
export const CASE_OPS: ReadonlySet<FieldOp> = new Set<FieldOp>(['eq', 'neq', 'in', 'not_in']);

/** What an operator's value is: nothing, one value, a list, [low, high], or a number of days. */
export type ValueShape = 'none' | 'scalar' | 'list' | 'pair' | 'days';

export function shapeOf(op: FieldOp | null): ValueShape {
  if (op === null || NO_VALUE_OPS.has(op)) return 'none';
  if (op === 'between') return 'pair';
  if (op === 'in' || op === 'not_in') return 'list';
  if (DAYS_OPS.has(op)) return 'days';
  return 'scalar';
}

// ---- Events -------------------------------------------------------------------------------

export const EVENT_PROPERTY_TYPES = ['string', 'number', 'boolean'] as const;
export type EventPropertyType = (typeof EVENT_PROPERTY_TYPES)[number];

export const EVENT_FILTER_OPS_FOR_TYPE = {
  string: ['eq', 'neq', 'contains', 'starts_with', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
  boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
} as const satisfies Record<EventPropertyType, readonly FieldOp[]>;

export const COUNT_OPS = ['gte', 'lte', 'eq', 'gt', 'lt'] as const;
export const AGGREGATE_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'between'] as const;
export const TIME_OPS = ['before', 'after', 'within_last_days', 'more_than_days_ago'] as const;
export const AGGREGATE_FNS = ['sum', 'avg', 'min', 'max'] as const;
export type CountOp = (typeof COUNT_OPS)[number];
export type AggregateOp = (typeof AGGREGATE_OPS)[number];
export type TimeOp = (typeof TIME_OPS)[number];
/** When the first or last matching event happened: "last time was within the last … days". */
export const TIME_OP_LABELS = {
  before: 'was before',
  after: 'was after',
  within_last_days: 'was within the last … days',
  more_than_days_ago: 'was more than … days ago',
} as const satisfies Record<TimeOp, string>;

// ---- Orders (the purchase summary) -------------------------------------------------------------

export const PURCHASE_METRICS = ['orders', 'refunds', 'items', 'spent', 'refunded', 'net_spent', 'average_order', 'first_order', 'last_order', 'expected_order_value', 'clv'] as const;
export type PurchaseMetric = (typeof PURCHASE_METRICS)[number];
/** Amounts, in minor units of a currency that the condition must name. */
export const MONEY_METRICS: readonly PurchaseMetric[] = ['spent', 'refunded', 'net_spent', 'average_order', 'expected_order_value', 'clv'];
/**
 * Predictions of the retention models (the contact's scores, in the currency most of their
 * orders are in): read from the scores, not the summary; no value for a contact not scored in
 * that currency.
 */
export const SCORE_METRICS: readonly PurchaseMetric[] = ['expected_order_value', 'clv'];
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
  expected_order_value: 'Expected order value (predicted)',
  clv: 'Lifetime value, next 12 months (predicted)',
} as const satisfies Record<PurchaseMetric, string>;

export const PURCHASE_OPS = {
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'is_set', 'is_not_set'],
} as const satisfies Record<'number' | 'date', readonly FieldOp[]>;

export const purchaseMetricType = (metric: PurchaseMetric): 'number' | 'date' => (DATE_METRICS.includes(metric) ? 'date' : 'number');

// ---- Groups ----------------------------------------------------------------------------------

/** and: all children hold; or: at least one; not: none of them (NOT of their OR). */
export const GROUP_OPS = ['and', 'or', 'not'] as const;
export type GroupOp = (typeof GROUP_OPS)[number];
export const GROUP_OP_LABELS: Record<GroupOp, string> = { and: 'all of', or: 'any of', not: 'none of' };
