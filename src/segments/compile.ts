// A definition as one set-based SQL statement. Every event condition becomes one aggregate
// over the workspace's events (grouped by contact, once), joined to the contacts: no
// statement per contact and no correlated subquery per contact. Property keys, event names,
// event property keys and every value are bound parameters; the SQL text is assembled only
// from the fixed fragments below and in predicates.ts (see the hostile-input tests).
import { Params } from '../db/params.ts';
import type { Condition, EventCondition, EventFilter, EventMeasure, FieldCondition, PurchaseCondition, SegmentNode } from './definition.ts';
import { DAY_MS, ignoringCase, numberTest, predicate, SQL_COMPARE, timeTest, typedJson } from './predicates.ts';
import { dayEnd, parseMoment, type ResolvedField, type SegmentContext } from './validate.ts';
import { type PurchaseMetric, purchaseMetricType, SCORE_METRICS } from './vocabulary.ts';

// The statements of the segment queue pass their own parameters in (see membership.ts).

type AggregateMeasure = Extract<EventMeasure, { property: string }>;

export interface CompiledSegment {
  /** `select c.id from contacts c …`: the ids of the matching contacts. */
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  /** Evaluate only these contacts (incremental updates): every aggregate is limited to them. */
  contactIds?: string[];
}

/** Compiles a validated definition (see validate.ts) for one workspace at `ctx.now`. */
export function compileSegment(root: SegmentNode, ctx: SegmentContext, options: CompileOptions = {}): CompiledSegment {
  const { sqls, params } = compileSegments([root], ctx, options);
  return { sql: sqls[0]!, params };
}

/**
 * Several definitions sharing one list of parameters, for one statement that evaluates them
 * all (each `sql` is a self-contained subquery: its WITH names are its own).
 */
export function compileSegments(roots: SegmentNode[], ctx: SegmentContext, options: CompileOptions & { params?: Params } = {}): { sqls: string[]; params: unknown[]; p: Params } {
  const p = options.params ?? new Params();
  const ws = p.add(ctx.workspaceId, 'uuid');
  const ids = options.contactIds ? p.add(options.contactIds, 'uuid[]') : undefined;
  const sqls = roots.map((root) => new Compiler(p, ctx, ws, ids).select(root));
  return { sqls, params: p.values, p };
}

/** A definition as the parts of a statement over `contacts c` that the caller writes itself. */
export interface CompiledCondition {
  /** `name as (…)` entries for its WITH clause. */
  ctes: string[];
  /** Joins after `from contacts c`. */
  joins: string[];
  /** The condition on `c`, for its WHERE clause (with `c.workspace_id = …`, which it leaves to the caller). */
  where: string;
}

/**
 * A definition compiled into the caller's statement (the contact list: its columns, sort and
 * keyset pages around the same conditions). `ws` is the placeholder already holding the
 * workspace's id in `p`.
 */
export function compileCondition(root: SegmentNode, ctx: SegmentContext, p: Params, ws: string): CompiledCondition {
  return new Compiler(p, ctx, ws, undefined).parts(root);
}

class Compiler {
  private readonly ctes: string[] = [];
  private readonly joins: string[] = [];
  private n = 0;
  /** The aliases of the per-contact tables of later domains (scores, loyalty figures), each joined once when a condition reads it. */
  private joined = new Map<string, string>();

  constructor(
    private readonly p: Params,
    private readonly ctx: SegmentContext,
    private readonly ws: string,
    private readonly ids: string | undefined,
  ) {}

  /** The whole `select c.id from contacts c …` of a tree. */
  select(root: SegmentNode): string {
    const { ctes, joins, where } = this.parts(root);
    const restrict = this.ids ? ` and c.id = any(${this.ids})` : '';
    const body = `select c.id from contacts c${joins.map((j) => `\n  ${j}`).join('')}\nwhere c.workspace_id = ${this.ws}${restrict} and ${where}`;
    return ctes.length === 0 ? body : `with ${ctes.join(',\n')}\n${body}`;
  }

  parts(root: SegmentNode): CompiledCondition {
    const where = this.node(root, 'c', true);
    return { ctes: this.ctes, joins: this.joins, where };
  }

  /** `required`: the node must hold for a contact to match (the root, and the children of required AND groups). */
  private node(node: SegmentNode, c: string, required: boolean): string {
    if (node.kind === 'group') {
      // Order conditions every match must meet ("5 orders and £600 spent") read the summary
      // together, in one pass: one aggregate instead of one per condition joined to the others.
      const together = required && node.op === 'and' ? node.children.filter(isRequiredPurchase) : [];
      const children = together.length > 1 ? node.children.filter((child) => !together.includes(child)) : node.children;
      const parts = children.map((child) => this.node(child, c, required && node.op === 'and'));
      if (together.length > 1) parts.push(this.purchasesTogether(together as PurchaseCondition[], c));
      if (node.op === 'and') return parts.length === 0 ? 'true' : `(${parts.join(' and ')})`;
      const any = parts.length === 0 ? 'false' : `(${parts.join(' or ')})`;
      return node.op === 'or' ? any : `not ${any}`;
    }
    return this.condition(node, c, required);
  }

  private condition(cond: Condition, c: string, required: boolean): string {
    switch (cond.kind) {
      case 'field':
        return this.field(cond, c, required);
      case 'event':
        return this.event(cond, c, required);
      case 'purchases':
        return this.purchases(cond, c, required);
      case 'segment': {
        // Another segment's or list's stored membership: kept current before this segment's
        // (segments are refreshed in dependency order), and one index range to read. A join,
        // not IN: current membership is unique per contact, and the join can walk the members
        // in index order (contacts then probed in id order: 2× faster than IN's hashing).
        const m = `m${this.n++}`;
        this.joins.push(
          `${required && cond.member ? 'join' : 'left join'} segment_members ${m} on ${m}.contact_id = ${c}.id and ${m}.segment_id = ${this.p.add(cond.segmentId, 'uuid')} and ${m}.workspace_id = ${this.ws} and ${m}.exited_at is null`,
        );
        return `(${m}.contact_id is ${cond.member ? 'not ' : ''}null)`;
      }
    }
  }

  // ---- Contact fields and properties ------------------------------------------------------

  private field(cond: FieldCondition, c: string, required: boolean): string {
    const f = this.ctx.resolveField(cond.field)!;
    const x = this.fieldSql(f, c);
    const type = f.type === 'enum' || f.type === 'country' ? 'string' : f.type;
    if (cond.ignoreCase && type === 'string') {
      const ci = ignoringCase(this.p, x, cond.op, cond.value);
      if (ci) return ci;
    }
    // A built-in column that must hold for every match is compared bare (without the coalesce
    // that makes a missing value false under NOT): in the WHERE clause null and false both
    // leave the row out, and `c.email = $2` is a lookup in the column's index.
    return predicate(this.p, x, type, cond.op, cond.value, this.ctx.now, required && f.column !== undefined);
  }

  private fieldSql(f: ResolvedField, c: string): string {
    // A built-in field's name is its column's, from the fixed list in validate.ts.
    if (f.column) return `${c}.${f.column}`;
    if (f.joined) {
      // The table and column are fixed names of JOINED_FIELDS; a contact without a row has no value.
      let alias = this.joined.get(f.joined.table);
      if (!alias) {
        alias = `j${this.n++}`;
        this.joined.set(f.joined.table, alias);
        const restrict = this.ids ? ` and ${alias}.contact_id = any(${this.ids})` : '';
        this.joins.push(`left join ${f.joined.table} ${alias} on ${alias}.workspace_id = ${this.ws} and ${alias}.contact_id = ${c}.id${restrict}`);
      }
      return f.type === 'number' ? `${alias}.${f.joined.column}::numeric` : `${alias}.${f.joined.column}`;
    }
    const k = this.p.add(f.key);
    // Custom properties are validated against their type when written, so text and dates need
    // no type guard (one JSON lookup a row instead of two); numbers and yes/no keep theirs,
    // so that a stray value can never make a cast fail.
    if (f.type === 'string' || f.type === 'enum' || f.type === 'country') return `(${c}.properties ->> ${k})`;
    if (f.type === 'date') return `(${c}.properties ->> ${k})::timestamptz`;
    return typedJson(`${c}.properties`, k, f.type);
  }

  // ---- Events -----------------------------------------------------------------------------

  private event(cond: EventCondition, c: string, required: boolean): string {
    const p = this.p;
    const name = `e${this.n++}`;
    const where = [`ev.workspace_id = ${this.ws}`, `ev.name = ${p.add(cond.event)}`];
    if (this.ids) where.push(`ev.contact_id = any(${this.ids})`);
    const w = cond.window;
    if (w.type === 'last_days') {
      where.push(`ev.occurred_at >= ${p.add(new Date(this.ctx.now.getTime() - w.days * DAY_MS), 'timestamptz')}`);
      where.push(`ev.occurred_at <= ${p.add(this.ctx.now, 'timestamptz')}`);
    } else if (w.type === 'between') {
      where.push(`ev.occurred_at >= ${p.add(parseMoment(w.from), 'timestamptz')}`);
      where.push(`ev.occurred_at <= ${p.add(dayEnd(w.to), 'timestamptz')}`);
    }
    for (const f of cond.where) where.push(this.eventFilter(f));
    // The test runs on each contact's aggregate (HAVING), so the join carries only the
    // contacts it selects. A contact without matching events has no group: when the test
    // holds for "nothing" (count = 0, at most 2, a sum below 100), the group keeps the
    // contacts whose events make it FAIL, and the condition is "not among them".
    const m = cond.measure;
    let test: string;
    if (m.fn === 'count') {
      test = `count(*) ${SQL_COMPARE[m.op]} ${p.add(m.value, 'bigint')}`;
    } else if (m.fn === 'first' || m.fn === 'last') {
      test = `coalesce(${timeTest(p, m.fn === 'first' ? 'min(ev.occurred_at)' : 'max(ev.occurred_at)', m.op, m.value, this.ctx.now)}, false)`;
    } else {
      const a = m as AggregateMeasure;
      const x = typedJson('ev.properties', p.add(a.property), 'number');
      // The sum of nothing is 0; the average, minimum or maximum of nothing is unknown.
      const v = a.fn === 'sum' ? `coalesce(sum((${x})::float8), 0)` : `${a.fn}((${x})::float8)`;
      test = `coalesce(${numberTest(p, v, a.op, a.value, 'float8')}, false)`;
    }
    const emptyHolds = holdsWithoutEvents(m);
    const inner = required && !emptyHolds;
    // An aggregate under OR or NOT is joined to every contact; left to itself, PostgreSQL
    // would compute it again in each parallel worker (measured: 3.7 s instead of 6.6 s for an
    // OR of three ANDs over ten million events when it is computed once).
    this.ctes.push(
      `${name} as ${inner ? '' : 'materialized '}(select ev.contact_id from events ev where ${where.join(' and ')} group by ev.contact_id having ${emptyHolds ? `not (${test})` : test})`,
    );
    // A condition every match must meet, and that no contact without such events meets
    // ("bought at least twice"), is an inner join: the planner may then start from the
    // aggregate's few contacts instead of walking every contact of the workspace.
    this.joins.push(`${inner ? 'join' : 'left join'} ${name} on ${name}.contact_id = ${c}.id`);
    return `(${name}.contact_id is ${emptyHolds ? '' : 'not '}null)`;
  }

  // ---- Orders: the purchase summary (one row per contact and currency) ---------------------

  private purchases(cond: PurchaseCondition, c: string, required: boolean): string {
    const p = this.p;
    const name = `p${this.n++}`;
    const where = [`cp.workspace_id = ${this.ws}`];
    if (this.ids) where.push(`cp.contact_id = any(${this.ids})`);
    const type = purchaseMetricType(cond.metric);
    // As for events: a contact without orders has no row; when the test holds for them (0
    // orders, spent less than £10, no last order), the selection keeps the contacts whose
    // figures make it fail, and the condition is "not among them".
    const emptyHolds = purchaseHoldsWithoutOrders(cond);
    let select: string;
    if (SCORE_METRICS.includes(cond.metric)) {
      // A prediction, one per scored contact, in the currency most of their orders are in.
      const where = [`cs.workspace_id = ${this.ws}`, `cs.currency = ${p.add(cond.currency!)}`];
      if (this.ids) where.push(`cs.contact_id = any(${this.ids})`);
      const test = predicate(p, `cs.${cond.metric === 'clv' ? 'clv' : 'expected_order_value'}::numeric`, type, cond.op, cond.value, this.ctx.now);
      select = `select cs.contact_id from contact_scores cs where ${where.join(' and ')} and ${emptyHolds ? `not (${test})` : test}`;
    } else if (cond.currency !== undefined) {
      // One row per contact and currency: a filter, no aggregation.
      where.push(`cp.currency = ${p.add(cond.currency)}`);
      const test = predicate(p, PURCHASE_ROW_SQL[cond.metric], type, cond.op, cond.value, this.ctx.now);
      select = `select cp.contact_id from contact_purchases cp where ${where.join(' and ')} and ${emptyHolds ? `not (${test})` : test}`;
    } else {
      const test = predicate(p, purchaseAggregate(cond.metric), type, cond.op, cond.value, this.ctx.now);
      select = `select cp.contact_id from contact_purchases cp where ${where.join(' and ')} group by cp.contact_id having ${emptyHolds ? `not (${test})` : test}`;
    }
    // Always computed once: left inline, two such selections were planned as a nested loop
    // that recomputed one of them for every row of the other whenever the summary's statistics
    // were missing or stale (102 s instead of 0.2 s at 100,000 contacts on PGlite).
    this.ctes.push(`${name} as materialized (${select})`);
    this.joins.push(`${required && !emptyHolds ? 'join' : 'left join'} ${name} on ${name}.contact_id = ${c}.id`);
    return `(${name}.contact_id is ${emptyHolds ? '' : 'not '}null)`;
  }

  /** Several order conditions that every match must meet, none of them true without orders. */
  private purchasesTogether(conds: PurchaseCondition[], c: string): string {
    const p = this.p;
    const name = `p${this.n++}`;
    const where = [`cp.workspace_id = ${this.ws}`];
    if (this.ids) where.push(`cp.contact_id = any(${this.ids})`);
    const tests = conds.map((cond) => {
      const filter = cond.currency === undefined ? '' : ` filter (where cp.currency = ${p.add(cond.currency)})`;
      return predicate(p, purchaseAggregate(cond.metric, filter), purchaseMetricType(cond.metric), cond.op, cond.value, this.ctx.now);
    });
    this.ctes.push(`${name} as materialized (select cp.contact_id from contact_purchases cp where ${where.join(' and ')} group by cp.contact_id having ${tests.join(' and ')})`);
    this.joins.push(`join ${name} on ${name}.contact_id = ${c}.id`);
    return `(${name}.contact_id is not null)`;
  }

  private eventFilter(f: EventFilter): string {
    const x = typedJson('ev.properties', this.p.add(f.property), f.type);
    return predicate(this.p, x, f.type, f.op, f.value, this.ctx.now);
  }
}

/**
 * Property filters on one event row (`alias`.properties), as segment conditions read them:
 * for the statements that look at single events (a workflow's trigger, a wait for an event).
 */
export function eventFiltersSql(filters: EventFilter[], p: Params, now: Date, alias = 'ev'): string {
  if (filters.length === 0) return 'true';
  return filters.map((f) => predicate(p, typedJson(`${alias}.properties`, p.add(f.property), f.type), f.type, f.op, f.value, now)).join(' and ');
}

/** Each metric over a contact's summary rows (all, or those a FILTER clause keeps); sums of nothing are 0. */
function purchaseAggregate(metric: PurchaseMetric, filter = ''): string {
  const sum = (x: string) => `coalesce(sum(${x})${filter}, 0)::numeric`;
  switch (metric) {
    case 'orders':
      return sum('cp.orders');
    case 'refunds':
      return sum('cp.refunds');
    case 'items':
      return sum('cp.items');
    case 'spent':
      return sum('cp.spent');
    case 'refunded':
      return sum('cp.refunded');
    case 'net_spent':
      return sum('cp.spent - cp.refunded');
    case 'average_order':
      return `(sum(cp.spent)${filter}::numeric / nullif(sum(cp.orders)${filter}, 0))`;
    case 'first_order':
      return `min(cp.first_order_at)${filter}`;
    case 'last_order':
      return `max(cp.last_order_at)${filter}`;
    case 'expected_order_value':
    case 'clv':
      return 'null';
  }
}

/** An order condition that holds for no contact without orders, in an AND every match must meet. */
const isRequiredPurchase = (n: SegmentNode): boolean => n.kind === 'purchases' && !SCORE_METRICS.includes(n.metric) && !purchaseHoldsWithoutOrders(n);

/** The same, on the one row of a contact in one currency. */
const PURCHASE_ROW_SQL: Record<PurchaseMetric, string> = {
  orders: 'cp.orders::numeric',
  refunds: 'cp.refunds::numeric',
  items: 'cp.items::numeric',
  spent: 'cp.spent::numeric',
  refunded: 'cp.refunded::numeric',
  net_spent: '(cp.spent - cp.refunded)::numeric',
  average_order: '(cp.spent::numeric / nullif(cp.orders, 0))',
  first_order: 'cp.first_order_at',
  last_order: 'cp.last_order_at',
  // Read from the scores (see purchases()), never from the summary.
  expected_order_value: 'null',
  clv: 'null',
};

/** Whether a purchase condition holds for a contact who never ordered (counts and sums 0, the rest no value). */
export function purchaseHoldsWithoutOrders(cond: PurchaseCondition): boolean {
  // Counts and sums are 0 without orders; an average or a prediction has no value.
  const zero = purchaseMetricType(cond.metric) === 'number' && cond.metric !== 'average_order' && !SCORE_METRICS.includes(cond.metric);
  if (!zero) return cond.op === 'neq' || cond.op === 'is_not_set';
  const v = cond.value as number;
  switch (cond.op) {
    case 'between': {
      const [low, high] = cond.value as [number, number];
      return low <= 0 && 0 <= high;
    }
    case 'eq':
      return v === 0;
    case 'neq':
      return v !== 0;
    case 'gt':
      return 0 > v;
    case 'gte':
      return 0 >= v;
    case 'lt':
      return 0 < v;
    case 'lte':
      return 0 <= v;
    default:
      return false;
  }
}

/** Whether a measure holds for a contact with no matching events (count 0, sum 0). */
function holdsWithoutEvents(m: EventMeasure): boolean {
  if (m.fn !== 'count' && m.fn !== 'sum') return false;
  if (m.op === 'between') {
    const [low, high] = m.value as [number, number];
    return low <= 0 && 0 <= high;
  }
  const v = m.value as number;
  return { eq: 0 === v, gt: 0 > v, gte: 0 >= v, lt: 0 < v, lte: 0 <= v }[m.op];
}
