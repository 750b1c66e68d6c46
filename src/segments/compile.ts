// A definition as one set-based SQL statement. Every event condition becomes one aggregate
// over the workspace's events (grouped by contact, once), joined to the contacts: no
// statement per contact and no correlated subquery per contact. Property keys, event names,
// event property keys and every value are bound parameters; the SQL text is assembled only
// from the fixed fragments below (see the hostile-input tests).
import type { Condition, EventCondition, EventFilter, EventMeasure, FieldCondition, FieldOp, SegmentNode } from './definition.ts';

type AggregateMeasure = Extract<EventMeasure, { property: string }>;
import { dayEnd, parseMoment, type ResolvedField, type SegmentContext } from './validate.ts';

/** Collects bound parameters; `add` returns the placeholder. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

export interface CompiledSegment {
  /** `select c.id from contacts c …`: the ids of the matching contacts. */
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  /** Evaluate only these contacts (incremental updates): every aggregate is limited to them. */
  contactIds?: string[];
}

const DAY_MS = 86_400_000;

/** Compiles a validated definition (see validate.ts) for one workspace at `ctx.now`. */
export function compileSegment(root: SegmentNode, ctx: SegmentContext, options: CompileOptions = {}): CompiledSegment {
  const p = new Params();
  const ws = p.add(ctx.workspaceId, 'uuid');
  const ids = options.contactIds ? p.add(options.contactIds, 'uuid[]') : undefined;
  const sql = new Compiler(p, ctx, ws, ids).select(root, new Set(), true);
  return { sql, params: p.values };
}

class Compiler {
  private ctes: string[] = [];
  private joins: string[] = [];
  private n = 0;

  constructor(
    private readonly p: Params,
    private readonly ctx: SegmentContext,
    private readonly ws: string,
    private readonly ids: string | undefined,
  ) {}

  /** A whole `select … from contacts c` for a tree (also used for segments used as conditions). */
  select(root: SegmentNode, inlined: Set<string>, top = false): string {
    const alias = `c${this.n++}`;
    const joins: string[] = [];
    const saved = this.joins;
    this.joins = joins;
    const where = this.node(root, alias, inlined);
    this.joins = saved;
    const restrict = this.ids ? ` and ${alias}.id = any(${this.ids})` : '';
    const body = `select ${alias}.id from contacts ${alias}${joins.map((j) => `\n  ${j}`).join('')}\nwhere ${alias}.workspace_id = ${this.ws}${restrict} and ${where}`;
    if (!top || this.ctes.length === 0) return body;
    return `with ${this.ctes.join(',\n')}\n${body}`;
  }

  private node(node: SegmentNode, c: string, inlined: Set<string>): string {
    if (node.kind === 'group') {
      const parts = node.children.map((child) => this.node(child, c, inlined));
      if (node.op === 'and') return parts.length === 0 ? 'true' : `(${parts.join(' and ')})`;
      const any = parts.length === 0 ? 'false' : `(${parts.join(' or ')})`;
      return node.op === 'or' ? any : `not ${any}`;
    }
    return this.condition(node, c, inlined);
  }

  private condition(cond: Condition, c: string, inlined: Set<string>): string {
    switch (cond.kind) {
      case 'field':
        return this.field(cond, c);
      case 'event':
        return this.event(cond, c);
      case 'segment': {
        const target = this.ctx.segments.get(cond.segmentId)!;
        let members: string;
        if (target.kind === 'list' || !target.definition) {
          members = `select m.contact_id from segment_members m where m.segment_id = ${this.p.add(cond.segmentId, 'uuid')} and m.exited_at is null`;
        } else {
          // A segment used as a condition is evaluated from its definition, in the same
          // statement, so the answer never depends on how current its stored membership is.
          const name = `s${this.n++}`;
          this.ctes.push(`${name} as (${this.select(target.definition, new Set([...inlined, cond.segmentId]))})`);
          members = `select id from ${name}`;
        }
        return `${cond.member ? '' : 'not '}(${c}.id in (${members}))`;
      }
    }
  }

  // ---- Contact fields and properties ------------------------------------------------------

  private field(cond: FieldCondition, c: string): string {
    const f = this.ctx.resolveField(cond.field)!;
    const x = this.fieldSql(f, c);
    return predicate(this.p, x, f.type === 'enum' ? 'string' : f.type, cond.op, cond.value, this.ctx.now);
  }

  private fieldSql(f: ResolvedField, c: string): string {
    // A built-in field's name is its column's, from the fixed list in validate.ts.
    if (f.column) return `${c}.${f.column}`;
    const k = this.p.add(f.key);
    return typedJson(`${c}.properties`, k, f.type === 'enum' ? 'string' : f.type);
  }

  // ---- Events -----------------------------------------------------------------------------

  private event(cond: EventCondition, c: string): string {
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
    const m = cond.measure;
    let value: string;
    let test: string;
    if (m.fn === 'count') {
      value = 'count(*)';
      test = `coalesce(${name}.v, 0) ${SQL_COMPARE[m.op]} ${p.add(m.value, 'bigint')}`;
    } else if (m.fn === 'first' || m.fn === 'last') {
      value = m.fn === 'first' ? 'min(ev.occurred_at)' : 'max(ev.occurred_at)';
      test = `coalesce(${timeTest(p, `${name}.v`, m.op, m.value, this.ctx.now)}, false)`;
    } else {
      const a = m as AggregateMeasure;
      const x = typedJson('ev.properties', p.add(a.property), 'number');
      value = `${a.fn}((${x})::float8)`;
      // The sum of nothing is 0; the average, minimum or maximum of nothing is unknown.
      const v = a.fn === 'sum' ? `coalesce(${name}.v, 0)` : `${name}.v`;
      test = `coalesce(${numberTest(p, v, a.op, a.value, 'float8')}, false)`;
    }
    this.ctes.push(`${name} as (select ev.contact_id, ${value} as v from events ev where ${where.join(' and ')} group by ev.contact_id)`);
    this.joins.push(`left join ${name} on ${name}.contact_id = ${c}.id`);
    return `(${test})`;
  }

  private eventFilter(f: EventFilter): string {
    const x = typedJson('ev.properties', this.p.add(f.property), f.type);
    return predicate(this.p, x, f.type, f.op, f.value, this.ctx.now);
  }
}

const SQL_COMPARE = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** A JSON property read as a typed SQL value; a JSON value of another type reads as null. */
function typedJson(object: string, key: string, type: 'string' | 'number' | 'boolean' | 'date'): string {
  switch (type) {
    case 'string':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'string' then ${object} ->> ${key} end)`;
    case 'number':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'number' then (${object} ->> ${key})::numeric end)`;
    case 'boolean':
      return `(case when jsonb_typeof(${object} -> ${key}) = 'boolean' then (${object} ->> ${key})::boolean end)`;
    case 'date':
      // Dates are stored validated ("YYYY-MM-DD" or an ISO instant); sessions run in UTC.
      return `(case when jsonb_typeof(${object} -> ${key}) = 'string' then (${object} ->> ${key})::timestamptz end)`;
  }
}

/**
 * A condition on a typed SQL value, two-valued: a missing value makes a positive test false
 * and its negation (neq, not_in, not_contains, is_not_set) true, as definition.ts says.
 */
function predicate(p: Params, x: string, type: 'string' | 'number' | 'boolean' | 'date', op: FieldOp, value: unknown, now: Date): string {
  const cast = type === 'number' ? 'numeric' : type === 'boolean' ? 'boolean' : type === 'date' ? 'timestamptz' : 'text';
  const pos = (sql: string) => `coalesce(${sql}, false)`;
  switch (op) {
    case 'is_set':
      return `(${x} is not null)`;
    case 'is_not_set':
      return `(${x} is null)`;
    case 'eq':
      return pos(`${x} = ${p.add(value, cast)}`);
    case 'neq':
      return `not ${pos(`${x} = ${p.add(value, cast)}`)}`;
    case 'in':
      return pos(`${x} = any(${p.add(value, `${cast}[]`)})`);
    case 'not_in':
      return `not ${pos(`${x} = any(${p.add(value, `${cast}[]`)})`)}`;
    case 'contains':
      return pos(`strpos(lower(${x}), lower(${p.add(value, 'text')})) > 0`);
    case 'not_contains':
      return `not ${pos(`strpos(lower(${x}), lower(${p.add(value, 'text')})) > 0`)}`;
    case 'starts_with':
      return pos(`starts_with(lower(${x}), lower(${p.add(value, 'text')}))`);
    case 'between':
      if (type === 'date') {
        const [from, to] = value as [string, string];
        return pos(`${x} between ${p.add(parseMoment(from), 'timestamptz')} and ${p.add(dayEnd(to), 'timestamptz')}`);
      }
      return pos(numberTest(p, x, op, value as [number, number], 'numeric'));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return pos(numberTest(p, x, op, value as number, 'numeric'));
    case 'before':
      return pos(`${x} < ${p.add(parseMoment(value as string), 'timestamptz')}`);
    case 'after':
      return pos(`${x} > ${p.add(dayEnd(value as string), 'timestamptz')}`);
    case 'within_last_days':
    case 'more_than_days_ago':
      return pos(timeTest(p, x, op, value as number, now));
    case 'anniversary_within_days': {
      const today = p.add(now.toISOString().slice(0, 10), 'date');
      return pos(`rapport_next_anniversary(${x}, ${today}) <= ${today} + ${p.add(value, 'int')}`);
    }
  }
}

function numberTest(p: Params, x: string, op: string, value: number | [number, number], cast: string): string {
  if (op === 'between') {
    const [low, high] = value as [number, number];
    return `${x} between ${p.add(low, cast)} and ${p.add(high, cast)}`;
  }
  return `${x} ${SQL_COMPARE[op as keyof typeof SQL_COMPARE]} ${p.add(value, cast)}`;
}

function timeTest(p: Params, x: string, op: string, value: string | number, now: Date): string {
  switch (op) {
    case 'before':
      return `${x} < ${p.add(parseMoment(value as string), 'timestamptz')}`;
    case 'after':
      return `${x} > ${p.add(dayEnd(value as string), 'timestamptz')}`;
    case 'within_last_days':
      return `(${x} >= ${p.add(new Date(now.getTime() - (value as number) * DAY_MS), 'timestamptz')} and ${x} <= ${p.add(now, 'timestamptz')})`;
    default: // more_than_days_ago
      return `${x} < ${p.add(new Date(now.getTime() - (value as number) * DAY_MS), 'timestamptz')}`;
  }
}
