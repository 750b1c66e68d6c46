// The builder's working copy of a definition: the same tree, with an id on every node (for
// React keys and for pointing at a node the server complains about) and room for conditions
// that are not finished yet. Unfinished conditions are left out of the preview and block saving.
import { sentenceCase } from '../lib/api.ts';
import {
  type AggregateOp,
  type CountOp,
  DAYS_OPS,
  type EventPropertyType,
  type FieldOp,
  type GroupOp,
  MONEY_METRICS,
  NO_VALUE_OPS,
  type PurchaseMetric,
  type TimeOp,
} from '../../../src/segments/vocabulary.ts';
import type { DefinitionInput, EventCondition, EventMeasure, SegmentDefinition, SegmentNode, SegmentNodeInput } from './model.ts';

type Scalar = string | number | boolean;
/** A value being typed: a scalar, a list, a pair with a missing end, or nothing yet. */
export type DraftValue = Scalar | (Scalar | null)[] | null | undefined;

export interface DraftGroup {
  uid: string;
  kind: 'group';
  op: GroupOp;
  children: DraftNode[];
}

export interface DraftField {
  uid: string;
  kind: 'field';
  field: string;
  op: FieldOp | null;
  value: DraftValue;
  /** Kept as the definition said it (the builder does not offer it: the contact list's filters do). */
  ignoreCase?: boolean;
}

export interface DraftFilter {
  uid: string;
  property: string;
  type: EventPropertyType;
  op: FieldOp | null;
  value: DraftValue;
}

/** How the builder offers a measure: "was performed", "at least … times", "total of …", "last time". */
export type MeasureMode =
  | 'performed'
  | 'not_performed'
  | `count_${CountOp}`
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'first'
  | 'last';

export interface DraftEvent {
  uid: string;
  kind: 'event';
  event: string;
  where: DraftFilter[];
  window: { type: 'ever' } | { type: 'last_days'; days: number | null } | { type: 'between'; from: string; to: string };
  mode: MeasureMode;
  /** count: times; sum/avg/min/max: the amount (or [low, high]); first/last: a date or days. */
  measureOp: CountOp | AggregateOp | TimeOp;
  measureValue: DraftValue;
  /** The numeric property that sum/avg/min/max read. */
  property: string;
}

export interface DraftSegment {
  uid: string;
  kind: 'segment';
  segmentId: string;
  member: boolean;
}

/** A condition on the contact's orders of all time; money values are minor units, as stored. */
export interface DraftPurchases {
  uid: string;
  kind: 'purchases';
  metric: PurchaseMetric;
  /** '' for "in any currency" (counts and dates only). */
  currency: string;
  op: FieldOp | null;
  value: DraftValue;
}

export type DraftCondition = DraftField | DraftEvent | DraftPurchases | DraftSegment;
export type DraftNode = DraftGroup | DraftCondition;

let seq = 0;
export const newUid = () => `n${++seq}`;

export const newGroup = (op: GroupOp = 'and', children: DraftNode[] = [newFieldCondition()]): DraftGroup => ({ uid: newUid(), kind: 'group', op, children });
export const newFieldCondition = (): DraftField => ({ uid: newUid(), kind: 'field', field: '', op: null, value: undefined });
export const newEventCondition = (event = ''): DraftEvent => ({
  uid: newUid(),
  kind: 'event',
  event,
  where: [],
  window: { type: 'ever' },
  mode: 'performed',
  measureOp: 'gte',
  measureValue: 1,
  property: '',
});
export const newPurchaseCondition = (currency = ''): DraftPurchases => ({ uid: newUid(), kind: 'purchases', metric: 'orders', currency, op: 'gte', value: 1 });
export const newMembership = (): DraftSegment => ({ uid: newUid(), kind: 'segment', segmentId: '', member: true });
export const newFilter = (): DraftFilter => ({ uid: newUid(), property: '', type: 'string', op: null, value: undefined });

export function newCondition(kind: DraftCondition['kind']): DraftCondition {
  return kind === 'field' ? newFieldCondition() : kind === 'event' ? newEventCondition() : kind === 'purchases' ? newPurchaseCondition() : newMembership();
}

// ---- From a stored definition ------------------------------------------------------------

function modeOf(m: EventMeasure): MeasureMode {
  if (m.fn === 'count') {
    if (m.op === 'gte' && m.value === 1) return 'performed';
    if (m.op === 'eq' && m.value === 0) return 'not_performed';
    return `count_${m.op}`;
  }
  return m.fn;
}

export function toDraft(node: SegmentNodeInput): DraftNode {
  switch (node.kind) {
    case 'group':
      return { uid: newUid(), kind: 'group', op: node.op, children: node.children.map(toDraft) };
    case 'field':
      return { uid: newUid(), kind: 'field', field: node.field, op: node.op, value: node.value, ...(node.ignoreCase ? { ignoreCase: true } : {}) };
    case 'segment':
      return { uid: newUid(), kind: 'segment', segmentId: node.segmentId, member: node.member ?? true };
    case 'purchases':
      return { uid: newUid(), kind: 'purchases', metric: node.metric, currency: node.currency ?? '', op: node.op, value: node.value };
    case 'event': {
      const m: EventMeasure = node.measure ?? { fn: 'count', op: 'gte', value: 1 };
      const w = node.window ?? { type: 'ever' };
      return {
        uid: newUid(),
        kind: 'event',
        event: node.event,
        where: (node.where ?? []).map((f) => ({ uid: newUid(), property: f.property, type: f.type, op: f.op, value: f.value })),
        window: w.type === 'last_days' ? { type: 'last_days', days: w.days } : w.type === 'between' ? { type: 'between', from: w.from, to: w.to } : { type: 'ever' },
        mode: modeOf(m),
        measureOp: m.op,
        measureValue: m.value as DraftValue,
        property: 'property' in m ? m.property : '',
      };
    }
  }
}

export const toDraftRoot = (definition: DefinitionInput): DraftGroup => toDraft(definition) as DraftGroup;

// ---- Completeness -------------------------------------------------------------------------

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(typeof v === 'number' && !Number.isFinite(v));

/** Whether an operator's value is filled in (the server checks that it is right). */
export function valueComplete(op: FieldOp | null, value: DraftValue): boolean {
  if (op === null) return false;
  if (NO_VALUE_OPS.has(op)) return true;
  if (op === 'between') return Array.isArray(value) && value.length === 2 && value.every(present);
  if (op === 'in' || op === 'not_in') return Array.isArray(value) && value.length > 0;
  if (DAYS_OPS.has(op)) return typeof value === 'number' && Number.isFinite(value);
  return present(value) && !Array.isArray(value);
}

export function isComplete(c: DraftCondition): boolean {
  switch (c.kind) {
    case 'field':
      return c.field !== '' && valueComplete(c.op, c.value);
    case 'segment':
      return c.segmentId !== '';
    case 'purchases':
      return (!MONEY_METRICS.includes(c.metric) || c.currency !== '') && valueComplete(c.op, c.value);
    case 'event': {
      if (!c.event) return false;
      if (!c.where.every((f) => f.property !== '' && valueComplete(f.op, f.value))) return false;
      if (c.window.type === 'last_days' && !present(c.window.days)) return false;
      if (c.window.type === 'between' && (!c.window.from || !c.window.to)) return false;
      if (c.mode === 'performed' || c.mode === 'not_performed') return true;
      if (c.mode.startsWith('count_')) return typeof c.measureValue === 'number';
      if (c.mode === 'first' || c.mode === 'last') return present(c.measureValue) && !Array.isArray(c.measureValue);
      if (!c.property) return false;
      return c.measureOp === 'between' ? Array.isArray(c.measureValue) && c.measureValue.length === 2 && c.measureValue.every(present) : typeof c.measureValue === 'number';
    }
  }
}

// ---- To a definition ------------------------------------------------------------------------

function measureOf(c: DraftEvent): EventMeasure {
  switch (c.mode) {
    case 'performed':
      return { fn: 'count', op: 'gte', value: 1 };
    case 'not_performed':
      return { fn: 'count', op: 'eq', value: 0 };
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return { fn: c.mode, property: c.property, op: c.measureOp as AggregateOp, value: c.measureValue as number | [number, number] };
    case 'first':
    case 'last':
      return { fn: c.mode, op: c.measureOp as TimeOp, value: c.measureValue as string | number };
    default:
      return { fn: 'count', op: c.mode.slice('count_'.length) as CountOp, value: c.measureValue as number };
  }
}

function conditionOf(c: DraftCondition): SegmentNode {
  switch (c.kind) {
    case 'field':
      return {
        kind: 'field',
        field: c.field,
        op: c.op!,
        ...(NO_VALUE_OPS.has(c.op!) ? {} : { value: c.value as FieldValue }),
        ...(c.ignoreCase ? { ignoreCase: true } : {}),
      };
    case 'segment':
      return { kind: 'segment', segmentId: c.segmentId, member: c.member };
    case 'purchases':
      return {
        kind: 'purchases',
        metric: c.metric,
        ...(c.currency ? { currency: c.currency } : {}),
        op: c.op!,
        ...(NO_VALUE_OPS.has(c.op!) ? {} : { value: c.value as FieldValue }),
      };
    case 'event': {
      const window: EventCondition['window'] = c.window.type === 'last_days' ? { type: 'last_days', days: c.window.days! } : c.window;
      return {
        kind: 'event',
        event: c.event,
        where: c.where.map((f) => ({ property: f.property, type: f.type, op: f.op!, ...(NO_VALUE_OPS.has(f.op!) ? {} : { value: f.value as FieldValue }) })),
        window,
        measure: measureOf(c),
      };
    }
  }
}
type FieldValue = Extract<SegmentNode, { kind: 'field' }>['value'];

export interface Compiled {
  definition: SegmentDefinition;
  /** Path in `definition` ("", "children.0.children.2") → uid of the draft node it came from. */
  paths: Map<string, string>;
  /** Unfinished conditions (and groups left empty by them), left out of `definition`. */
  unfinished: Set<string>;
}

/** The definition of a draft, without its unfinished parts. */
export function compile(root: DraftGroup): Compiled {
  const paths = new Map<string, string>();
  const unfinished = new Set<string>();
  const walk = (node: DraftNode, path: string, isRoot: boolean): SegmentNode | null => {
    if (node.kind !== 'group') {
      if (!isComplete(node)) {
        unfinished.add(node.uid);
        return null;
      }
      paths.set(path, node.uid);
      return conditionOf(node);
    }
    const children: SegmentNode[] = [];
    for (const child of node.children) {
      const out = walk(child, `${path ? `${path}.` : ''}children.${children.length}`, false);
      if (out) children.push(out);
    }
    // An empty group inside another one is a group not filled in yet, not "everyone" or "nobody".
    if (!isRoot && children.length === 0) {
      if (node.children.length > 0) unfinished.add(node.uid);
      return null;
    }
    paths.set(path, node.uid);
    return { kind: 'group', op: node.op, children };
  };
  const definition = walk(root, '', true) as SegmentDefinition;
  return { definition, paths, unfinished };
}

// ---- Errors of the server, on their nodes ----------------------------------------------------

const PART_LABELS: Record<string, string> = {
  field: 'Field',
  op: 'Condition',
  value: 'Value',
  event: 'Event',
  segmentId: 'Segment',
  window: 'Time window',
  measure: 'Measure',
  where: 'Filter',
  metric: 'Figure',
  currency: 'Currency',
};

/**
 * Puts the messages of a 400 (`details: [{path: "body.definition.children.0.op", message}]`)
 * on the draft nodes they are about; returns those and the messages that fit no node.
 */
export function errorsByNode(details: unknown, paths: Map<string, string>): { byNode: Map<string, string[]>; other: string[] } {
  const byNode = new Map<string, string[]>();
  const other: string[] = [];
  if (!Array.isArray(details)) return { byNode, other };
  for (const issue of details as { path?: unknown; message?: unknown }[]) {
    if (typeof issue?.path !== 'string' || typeof issue.message !== 'string') continue;
    const rest = issue.path.replace(/^body\.definition\.?/, '');
    if (rest === issue.path) {
      other.push(`${issue.path.replace(/^body\./, '')}: ${issue.message}`);
      continue;
    }
    // The longest prefix made of children.N steps names the node; what follows, its part.
    const parts = rest ? rest.split('.') : [];
    let nodeLen = 0;
    while (parts[nodeLen] === 'children' && /^\d+$/.test(parts[nodeLen + 1] ?? '')) nodeLen += 2;
    const uid = paths.get(parts.slice(0, nodeLen).join('.'));
    const part = parts.slice(nodeLen);
    const label = part.length === 0 ? '' : part[0] === 'where' && part[1] !== undefined ? `Filter ${Number(part[1]) + 1}${part[2] ? ` ${part[2]}` : ''}` : (PART_LABELS[part[0]!] ?? part.join('.'));
    const message = label ? `${label}: ${issue.message}` : sentenceCase(issue.message);
    if (!uid) {
      other.push(message);
      continue;
    }
    byNode.set(uid, [...(byNode.get(uid) ?? []), message]);
  }
  return { byNode, other };
}

// ---- Tree edits --------------------------------------------------------------------------------

export function countConditions(node: DraftNode): number {
  return node.kind === 'group' ? node.children.reduce((n, c) => n + countConditions(c), 0) : 1;
}
