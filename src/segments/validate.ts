// What a definition may say in a workspace: the fields and properties it names exist, each
// operator fits its field's type, values have the right shape, nesting stays within limits,
// and segments it uses exist here and do not use it back. Every problem is reported with the
// path of the offending node, so the builder can point at it.
import { BUILT_IN_FIELDS, isBuiltInField, isJoinedField, JOINED_FIELDS } from '../contacts/fields.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import type { FieldIssue } from '../errors.ts';
import { isCurrency } from '../shared/money.ts';
import { isCountryCode } from '../shared/country-codes.ts';
import type { Condition, SegmentNode } from './definition.ts';
import {
  DAYS_OPS,
  EVENT_FILTER_OPS_FOR_TYPE,
  type FieldOp,
  MAX_CONDITIONS,
  MAX_DAYS,
  MAX_DEPTH,
  MONEY_METRICS,
  OPS_FOR_TYPE,
  PURCHASE_OPS,
  purchaseMetricType,
  SCORE_METRICS,
  type ValueType,
} from './vocabulary.ts';

export interface ResolvedField {
  /** A built-in column ("email", "created_at"): one of the fixed names below, never user text. */
  column?: string;
  /** A column of a per-contact table of a later domain (scores, loyalty): one of the fixed names of JOINED_FIELDS. */
  joined?: { table: 'contact_scores' | 'loyalty_members'; column: string };
  /** A custom property's key (bound as a parameter). */
  key?: string;
  type: ValueType;
  options?: readonly string[];
}

export interface SegmentRef {
  id: string;
  kind: 'segment' | 'list';
  name: string;
  definition: SegmentNode | null;
}

/** What compiling and evaluating a definition needs to know about its workspace. */
export interface SegmentContext {
  workspaceId: string;
  now: Date;
  resolveField(name: string): ResolvedField | undefined;
  segments: Map<string, SegmentRef>;
}

/** Resolves field names against the built-in fields (their names are the columns' names) and a workspace's properties. */
export function fieldResolver(defs: Map<string, PropertyDefinition>): (name: string) => ResolvedField | undefined {
  return (name) => {
    if (isBuiltInField(name)) {
      const meta = BUILT_IN_FIELDS[name]!;
      return { column: name, type: meta.type, options: meta.options };
    }
    if (isJoinedField(name)) {
      const f = JOINED_FIELDS[name]!;
      return { joined: { table: f.table, column: f.column }, type: f.type };
    }
    if (!name.startsWith('properties.')) return undefined;
    const def = defs.get(name.slice('properties.'.length));
    return def ? { key: def.key, type: def.type, options: def.type === 'enum' ? def.options : undefined } : undefined;
  };
}

// ---- Moments: "YYYY-MM-DD" (a day in UTC) or an ISO 8601 instant with its offset --------------

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isMoment(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const day = DAY.exec(value);
  if (day) {
    const d = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return d.getUTCMonth() === Number(day[2]) - 1 && d.getUTCDate() === Number(day[3]);
  }
  return INSTANT.test(value) && Number.isFinite(Date.parse(value));
}

/** The start of a day, or the instant itself. */
export function parseMoment(value: string): Date {
  return DAY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
}

/** The last millisecond of a day, or the instant itself: "until 2024-03-31" includes that day. */
export function dayEnd(value: string): Date {
  return DAY.test(value) ? new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000 - 1) : new Date(value);
}

// ---- Validation ---------------------------------------------------------------------------------

export interface ValidateOptions {
  /** The segment being saved: it may not use itself, directly or through others. */
  selfId?: string;
  /** Where the definition is in the input ("definition"). */
  prefix?: string;
  /**
   * A definition asked once and not stored (the contact list's filters): a segment or list
   * that is not in the workspace is no problem, it has no members here.
   */
  adHoc?: boolean;
}

/** Problems of a definition, each with its path under `prefix` (empty when it is fine). */
export function validateDefinition(root: SegmentNode, ctx: SegmentContext, options: ValidateOptions = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const prefix = options.prefix ?? 'definition';
  const at = (path: (string | number)[]) => [prefix, ...path].join('.');
  let conditions = 0;

  const walk = (node: SegmentNode, path: (string | number)[], depth: number) => {
    if (node.kind === 'group') {
      if (depth > MAX_DEPTH) {
        issues.push({ path: at(path), message: `groups nest at most ${MAX_DEPTH} deep` });
        return;
      }
      node.children.forEach((child, i) => walk(child, [...path, 'children', i], depth + 1));
      return;
    }
    conditions++;
    if (conditions === MAX_CONDITIONS + 1) issues.push({ path: at(path), message: `a definition holds at most ${MAX_CONDITIONS} conditions` });
    for (const issue of checkCondition(node, ctx, options)) issues.push({ path: at([...path, ...issue.path]), message: issue.message });
  };
  walk(root, [], 1);
  return issues;
}

interface LocalIssue {
  path: (string | number)[];
  message: string;
}

function checkCondition(cond: Condition, ctx: SegmentContext, { selfId, adHoc }: ValidateOptions): LocalIssue[] {
  switch (cond.kind) {
    case 'field': {
      const f = ctx.resolveField(cond.field);
      if (!f) {
        return [{ path: ['field'], message: `unknown field "${cond.field.slice(0, 100)}": use a contact field (${Object.keys(BUILT_IN_FIELDS).join(', ')}), a score or loyalty figure (${Object.keys(JOINED_FIELDS).join(', ')}) or "properties.<key>" of a defined property` }];
      }
      if (cond.ignoreCase && f.type !== 'string') return [{ path: ['ignoreCase'], message: 'applies to text fields only' }];
      return checkOp(f.type, OPS_FOR_TYPE[f.type], cond.op, cond.value, f.options);
    }
    case 'event': {
      const issues: LocalIssue[] = [];
      cond.where.forEach((w, i) => {
        for (const issue of checkOp(w.type, EVENT_FILTER_OPS_FOR_TYPE[w.type], w.op, w.value)) issues.push({ path: ['where', i, ...issue.path], message: issue.message });
      });
      if (cond.window.type === 'between') {
        const { from, to } = cond.window;
        if (!isMoment(from)) issues.push({ path: ['window', 'from'], message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' });
        if (!isMoment(to)) issues.push({ path: ['window', 'to'], message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' });
        if (isMoment(from) && isMoment(to) && parseMoment(from) > dayEnd(to)) issues.push({ path: ['window'], message: '"from" must not be after "to"' });
      }
      const m = cond.measure;
      if (m.fn === 'first' || m.fn === 'last') {
        if (m.op === 'before' || m.op === 'after') {
          if (!isMoment(m.value)) issues.push({ path: ['measure', 'value'], message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' });
        } else if (typeof m.value !== 'number') issues.push({ path: ['measure', 'value'], message: 'must be a number of days' });
      } else if (m.fn !== 'count') {
        if (m.op === 'between' ? !Array.isArray(m.value) || m.value[0] > m.value[1] : typeof m.value !== 'number') {
          issues.push({ path: ['measure', 'value'], message: m.op === 'between' ? 'must be [low, high] with low ≤ high' : 'must be a number' });
        }
      }
      return issues;
    }
    case 'purchases': {
      const type = purchaseMetricType(cond.metric);
      const issues: LocalIssue[] = [];
      if (MONEY_METRICS.includes(cond.metric) && cond.currency === undefined) {
        issues.push({ path: ['currency'], message: 'an amount needs its currency (like GBP): amounts in different currencies are never compared as one' });
      }
      if (cond.currency !== undefined && !isCurrency(cond.currency)) issues.push({ path: ['currency'], message: `"${cond.currency}" is not an ISO 4217 currency code` });
      issues.push(...checkOp(type, PURCHASE_OPS[type], cond.op, cond.value));
      // Counts and amounts are whole numbers (amounts in minor units: 1000 is 10.00).
      const values = Array.isArray(cond.value) ? cond.value : [cond.value];
      if (type === 'number' && values.some((v) => typeof v === 'number' && !Number.isInteger(v))) {
        issues.push({ path: ['value'], message: MONEY_METRICS.includes(cond.metric) ? 'must be a whole number of minor units (1000 is 10.00)' : 'must be a whole number' });
      }
      return issues;
    }
    case 'segment': {
      const target = ctx.segments.get(cond.segmentId);
      if (!target) return adHoc ? [] : [{ path: ['segmentId'], message: 'no segment or list with this id in this workspace' }];
      if (cond.segmentId === selfId) return [{ path: ['segmentId'], message: 'a segment cannot use itself' }];
      const cycle = selfId ? findPath(cond.segmentId, selfId, ctx) : undefined;
      if (cycle) return [{ path: ['segmentId'], message: `this would make a cycle: ${cycle.map((id) => `"${ctx.segments.get(id)?.name ?? id}"`).join(' → ')} uses this segment` }];
      return [];
    }
  }
}

/** The chain of segments from `from` that leads back to `to` through their definitions, if any. */
function findPath(from: string, to: string, ctx: SegmentContext, seen = new Set<string>()): string[] | undefined {
  if (seen.has(from)) return undefined;
  seen.add(from);
  const def = ctx.segments.get(from)?.definition;
  if (!def) return undefined;
  for (const used of dependenciesOf(def).segments) {
    if (used === to) return [from];
    const rest = findPath(used, to, ctx, seen);
    if (rest) return [from, ...rest];
  }
  return undefined;
}

function checkOp(type: ValueType, allowed: readonly FieldOp[], op: FieldOp, value: unknown, options?: readonly string[]): LocalIssue[] {
  if (!allowed.includes(op)) return [{ path: ['op'], message: `"${op}" does not fit a ${type === 'enum' ? 'choice' : type} field: use one of ${allowed.join(', ')}` }];
  const bad = (message: string): LocalIssue[] => [{ path: ['value'], message }];
  const scalarType = type === 'enum' || type === 'country' ? 'string' : type;
  const isScalar = (v: unknown) =>
    scalarType === 'number' ? typeof v === 'number' && Number.isFinite(v) : scalarType === 'boolean' ? typeof v === 'boolean' : typeof v === 'string';
  const what = scalarType === 'number' ? 'a number' : scalarType === 'boolean' ? 'true or false' : 'text';
  const optionIssue = (v: unknown) =>
    type === 'country'
      ? isCountryCode(v as string)
        ? undefined
        : `"${String(v).slice(0, 100)}" is not a country code (two capital letters, like "GB")`
      : options && !options.includes(v as string)
        ? `"${String(v).slice(0, 100)}" is not one of the options (${options.join(', ')})`
        : undefined;
  switch (op) {
    case 'is_set':
    case 'is_not_set':
      return [];
    case 'eq':
    case 'neq': {
      if (!isScalar(value)) return bad(`must be ${what}`);
      const o = optionIssue(value);
      return o ? bad(o) : [];
    }
    case 'in':
    case 'not_in': {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) return bad(`must be a list of ${what} values`);
      const o = value.map(optionIssue).find(Boolean);
      return o ? bad(o) : [];
    }
    case 'contains':
    case 'not_contains':
    case 'starts_with':
      return typeof value === 'string' && value.length > 0 ? [] : bad('must be some text');
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value) ? [] : bad('must be a number');
    case 'between':
      if (type === 'date') {
        return Array.isArray(value) && value.length === 2 && value.every(isMoment) && parseMoment(value[0] as string) <= dayEnd(value[1] as string)
          ? []
          : bad('must be [from, to]: two dates (YYYY-MM-DD) or ISO 8601 instants, from not after to');
      }
      return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && (value[0] as number) <= (value[1] as number)
        ? []
        : bad('must be [low, high]: two numbers, low ≤ high');
    case 'before':
    case 'after':
      return isMoment(value) ? [] : bad('must be a date (YYYY-MM-DD) or an ISO 8601 instant');
    case 'within_last_days':
    case 'more_than_days_ago':
    case 'within_next_days':
    case 'anniversary_within_days':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_DAYS ? [] : bad(`must be a whole number of days from 0 to ${MAX_DAYS}`);
  }
}

// ---- What a definition reads ----------------------------------------------------------------------

export interface Dependencies {
  /** Event names whose arrival can change the answer. */
  events: string[];
  /** Fields ("email", "properties.tier") whose change can change it. */
  fields: string[];
  /** Segments and lists it uses. */
  segments: string[];
  /** Whether the answer changes with time alone ("in the last 30 days"): re-evaluated on a schedule. */
  timeRelative: boolean;
}


export function dependenciesOf(root: SegmentNode): Dependencies {
  const events = new Set<string>();
  const fields = new Set<string>();
  const segments = new Set<string>();
  let timeRelative = false;
  const walk = (node: SegmentNode) => {
    if (node.kind === 'group') return node.children.forEach(walk);
    if (node.kind === 'field') {
      fields.add(node.field);
      if (DAYS_OPS.has(node.op)) timeRelative = true;
    } else if (node.kind === 'event') {
      events.add(node.event);
      if (node.window.type === 'last_days' || DAYS_OPS.has(node.measure.op)) timeRelative = true;
    } else if (node.kind === 'purchases') {
      // The summary changes with every purchase and refund event; a prediction with each fit.
      events.add('purchase');
      events.add('refund');
      if (SCORE_METRICS.includes(node.metric)) fields.add(`scores.${node.metric}`);
      if (DAYS_OPS.has(node.op)) timeRelative = true;
    } else segments.add(node.segmentId);
  };
  walk(root);
  return { events: [...events], fields: [...fields], segments: [...segments], timeRelative };
}
