// The meaning of a definition, evaluated in memory over plain objects, contact by contact.
// It exists to check the SQL compiler: the two are written independently from the rules in
// definition.ts, and a property test asks both the same questions. It is not used to serve
// requests (it would load every contact and event).
import type { Condition, EventCondition, EventMeasure, PurchaseCondition, SegmentNode } from './definition.ts';
import { dayEnd, parseMoment, type SegmentContext } from './validate.ts';
import { CASE_OPS, type FieldOp, purchaseMetricType } from './vocabulary.ts';

export interface MemoryContact {
  id: string;
  email: string | null;
  external_id: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  lifecycle_stage: string | null;
  email_status: string;
  created_at: Date;
  updated_at: Date;
  properties: Record<string, unknown>;
  /** The retention scores by column ("p_alive"), when the contact has been scored. */
  scores?: Record<string, number | string | null>;
  /** The loyalty figures by column ("points", "tier_name"), when the contact is a member. */
  loyalty?: Record<string, number | string | Date | null>;
}

export interface MemoryEvent {
  contactId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
}

export interface MemoryData {
  contacts: MemoryContact[];
  events: MemoryEvent[];
  /** Stored current members of the segments and lists that conditions name. */
  members: Map<string, Set<string>>;
}

const DAY_MS = 86_400_000;

export function evaluateSegment(root: SegmentNode, ctx: SegmentContext, data: MemoryData): Set<string> {
  const eventsByContact = new Map<string, MemoryEvent[]>();
  for (const e of data.events) {
    const list = eventsByContact.get(e.contactId) ?? [];
    list.push(e);
    eventsByContact.set(e.contactId, list);
  }
  // "Member of another segment" reads that segment's stored membership, as the SQL does.
  const members = (segmentId: string): Set<string> => data.members.get(segmentId) ?? new Set<string>();
  const holds = (node: SegmentNode, c: MemoryContact): boolean => {
    if (node.kind === 'group') {
      if (node.op === 'and') return node.children.every((child) => holds(child, c));
      const any = node.children.some((child) => holds(child, c));
      return node.op === 'or' ? any : !any;
    }
    return conditionHolds(node, c);
  };
  const conditionHolds = (cond: Condition, c: MemoryContact): boolean => {
    switch (cond.kind) {
      case 'field': {
        const f = ctx.resolveField(cond.field)!;
        const raw = f.column ? (c as unknown as Record<string, unknown>)[f.column] : f.joined ? ((f.joined.table === 'contact_scores' ? c.scores : c.loyalty)?.[f.joined.column] ?? null) : c.properties[f.key!];
        const type = f.type === 'enum' || f.type === 'country' ? 'string' : f.type;
        if (cond.ignoreCase && type === 'string' && CASE_OPS.has(cond.op)) {
          const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
          const x = typed(raw, type);
          return test(typeof x === 'string' ? x.toLowerCase() : x, type, cond.op, Array.isArray(cond.value) ? cond.value.map(lower) : lower(cond.value), ctx.now);
        }
        return test(typed(raw, type), type, cond.op, cond.value, ctx.now);
      }
      case 'event':
        return eventHolds(cond, eventsByContact.get(c.id) ?? [], ctx.now);
      case 'purchases':
        return purchasesHold(cond, eventsByContact.get(c.id) ?? [], ctx.now, c.scores);
      case 'segment':
        return members(cond.segmentId).has(c.id) === cond.member;
    }
  };
  return new Set(data.contacts.filter((c) => holds(root, c)).map((c) => c.id));
}

type Typed = string | number | boolean | Date | null;

/** A stored value read as the condition's type; a value of another type is "no value". */
function typed(raw: unknown, type: 'string' | 'number' | 'boolean' | 'date'): Typed {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? raw : null;
    case 'number':
      return typeof raw === 'number' ? raw : null;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date':
      if (raw instanceof Date) return raw;
      return typeof raw === 'string' ? parseMoment(raw) : null;
  }
}

function test(x: Typed, type: string, op: FieldOp, value: unknown, now: Date): boolean {
  switch (op) {
    case 'is_set':
      return x !== null;
    case 'is_not_set':
      return x === null;
    case 'neq':
      return !test(x, type, 'eq', value, now);
    case 'not_in':
      return !test(x, type, 'in', value, now);
    case 'not_contains':
      return !test(x, type, 'contains', value, now);
  }
  if (x === null) return false;
  switch (op) {
    case 'eq':
      return x === value;
    case 'in':
      return (value as unknown[]).includes(x);
    case 'contains':
      return (x as string).toLowerCase().includes((value as string).toLowerCase());
    case 'starts_with':
      return (x as string).toLowerCase().startsWith((value as string).toLowerCase());
    case 'gt':
      return (x as number) > (value as number);
    case 'gte':
      return (x as number) >= (value as number);
    case 'lt':
      return (x as number) < (value as number);
    case 'lte':
      return (x as number) <= (value as number);
    case 'between': {
      if (type === 'date') {
        const [from, to] = value as [string, string];
        const t = (x as Date).getTime();
        return t >= parseMoment(from).getTime() && t <= dayEnd(to).getTime();
      }
      const [low, high] = value as [number, number];
      return (x as number) >= low && (x as number) <= high;
    }
    case 'before':
      return (x as Date).getTime() < parseMoment(value as string).getTime();
    case 'after':
      return (x as Date).getTime() > dayEnd(value as string).getTime();
    case 'within_last_days': {
      const t = (x as Date).getTime();
      return t >= now.getTime() - (value as number) * DAY_MS && t <= now.getTime();
    }
    case 'more_than_days_ago':
      return (x as Date).getTime() < now.getTime() - (value as number) * DAY_MS;
    case 'within_next_days': {
      const t = (x as Date).getTime();
      return t >= now.getTime() && t <= now.getTime() + (value as number) * DAY_MS;
    }
    case 'anniversary_within_days': {
      const d = x as Date;
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      // This year's anniversary, or next year's if it has passed (Date.UTC rolls 29 February
      // over to 1 March in other years).
      let next = Date.UTC(now.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      if (next < today) next = Date.UTC(now.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate());
      return next <= today + (value as number) * DAY_MS;
    }
  }
}

function eventHolds(cond: EventCondition, events: MemoryEvent[], now: Date): boolean {
  const w = cond.window;
  const matching = events.filter((e) => {
    if (e.name !== cond.event) return false;
    const t = e.occurredAt.getTime();
    if (w.type === 'last_days' && (t < now.getTime() - w.days * DAY_MS || t > now.getTime())) return false;
    if (w.type === 'between' && (t < parseMoment(w.from).getTime() || t > dayEnd(w.to).getTime())) return false;
    return cond.where.every((f) => test(typed(e.properties[f.property], f.type), f.type, f.op, f.value, now));
  });
  const m = cond.measure;
  if (m.fn === 'count') return compare(matching.length, m.op, m.value);
  if (m.fn === 'first' || m.fn === 'last') {
    if (matching.length === 0) return false;
    const times = matching.map((e) => e.occurredAt.getTime());
    const t = new Date(m.fn === 'first' ? Math.min(...times) : Math.max(...times));
    return test(t, 'date', m.op, m.value, now);
  }
  const a = m as Extract<EventMeasure, { property: string }>;
  const values = matching.map((e) => e.properties[a.property]).filter((v): v is number => typeof v === 'number');
  let v: number | null;
  if (a.fn === 'sum') v = values.reduce((s, x) => s + x, 0);
  else if (values.length === 0) v = null;
  else if (a.fn === 'avg') v = values.reduce((s, x) => s + x, 0) / values.length;
  else v = a.fn === 'min' ? Math.min(...values) : Math.max(...values);
  if (v === null) return false;
  if (a.op === 'between') {
    const [low, high] = a.value as [number, number];
    return v >= low && v <= high;
  }
  return compare(v, a.op, a.value as number);
}

/**
 * The purchase summary, computed here from the events themselves (the database keeps it by
 * triggers): purchases and refunds with a whole-number total and a currency count.
 */
function purchasesHold(cond: PurchaseCondition, events: MemoryEvent[], now: Date, scores?: Record<string, number | string | null>): boolean {
  const counted = events.filter(
    (e) =>
      (e.name === 'purchase' || e.name === 'refund') &&
      typeof e.properties.total === 'number' &&
      Number.isSafeInteger(e.properties.total) &&
      typeof e.properties.currency === 'string' &&
      (cond.currency === undefined || e.properties.currency === cond.currency),
  );
  const purchases = counted.filter((e) => e.name === 'purchase');
  const refunds = counted.filter((e) => e.name === 'refund');
  const sum = (list: MemoryEvent[], key: string) => list.reduce((s, e) => s + (typeof e.properties[key] === 'number' ? (e.properties[key] as number) : 0), 0);
  const times = purchases.map((e) => e.occurredAt.getTime());
  let x: number | Date | null;
  switch (cond.metric) {
    case 'orders':
      x = purchases.length;
      break;
    case 'refunds':
      x = refunds.length;
      break;
    case 'items':
      x = sum(purchases, 'item_count');
      break;
    case 'spent':
      x = sum(purchases, 'total');
      break;
    case 'refunded':
      x = sum(refunds, 'total');
      break;
    case 'net_spent':
      x = sum(purchases, 'total') - sum(refunds, 'total');
      break;
    case 'average_order':
      x = purchases.length === 0 ? null : sum(purchases, 'total') / purchases.length;
      break;
    case 'first_order':
      x = times.length === 0 ? null : new Date(Math.min(...times));
      break;
    case 'last_order':
      x = times.length === 0 ? null : new Date(Math.max(...times));
      break;
    case 'expected_order_value':
    case 'clv':
      // A prediction in the currency of the scores; no value in another one or without scores.
      x = scores && scores.currency === cond.currency ? ((scores[cond.metric] as number | null | undefined) ?? null) : null;
      break;
  }
  return test(x, purchaseMetricType(cond.metric), cond.op, cond.value, now);
}

function compare(x: number, op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte', value: number): boolean {
  switch (op) {
    case 'eq':
      return x === value;
    case 'gt':
      return x > value;
    case 'gte':
      return x >= value;
    case 'lt':
      return x < value;
    case 'lte':
      return x <= value;
  }
}
