// A definition in words: "Performed “purchase” at least 2 times in the last 365 days",
// "Loyalty tier is Gold", "Is not in “VIP customers”", nested under "All of / Any of / None of".
import { formatDay } from '../contacts/format.ts';
import { countryName } from '../lib/countries.ts';
import { BUILT_IN_FIELDS } from '../contacts/model.ts';
import {
  type Catalog,
  type EventCondition,
  type EventMeasure,
  FIELD_OP_LABELS,
  type FieldOp,
  type SegmentNodeInput,
  type ValueType,
} from './model.ts';

export interface Described {
  text: string;
  children?: Described[];
}

const numberFormat = new Intl.NumberFormat('en');
const quote = (s: string) => `“${s}”`;

/** The option labels of built-in choices ("customer" → "Customer"). */
const OPTION_LABELS: Record<string, Record<string, string> | undefined> = Object.fromEntries(BUILT_IN_FIELDS.map((f) => [f.id, f.optionLabels]));

export function fieldLabel(field: string, catalog: Catalog | undefined): string {
  return catalog?.fields.find((f) => f.field === field)?.label ?? (field.startsWith('properties.') ? field.slice('properties.'.length) : field);
}

export function optionLabel(field: string, option: string): string {
  return OPTION_LABELS[field]?.[option] ?? option;
}

function scalarText(v: unknown, type: ValueType | undefined, field?: string): string {
  if (typeof v === 'number') return numberFormat.format(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v !== 'string') return String(v);
  if (type === 'date' || /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v)) return formatDay(v);
  if (type === 'enum' && field) return optionLabel(field, v);
  if (type === 'country') return countryName(v);
  return quote(v);
}

/** "is between 10 and 20", "is within the last 30 days", "is any of Gold, Silver", "is empty". */
export function opText(op: FieldOp, value: unknown, type?: ValueType, field?: string): string {
  const label = FIELD_OP_LABELS[op];
  if (op === 'is_set' || op === 'is_not_set') return label;
  if (label.includes('…')) return label.replace('…', typeof value === 'number' ? numberFormat.format(value) : '?');
  if (Array.isArray(value)) {
    if (op === 'between') return `${label} ${scalarText(value[0], type, field)} and ${scalarText(value[1], type, field)}`;
    return `${label} ${value.map((v) => scalarText(v, type, field)).join(', ')}`;
  }
  return `${label} ${scalarText(value, type, field)}`;
}

const COUNT_WORDS: Record<string, string> = { gte: 'at least', lte: 'at most', eq: 'exactly', gt: 'more than', lt: 'fewer than' };
const times = (n: number) => `${numberFormat.format(n)} ${n === 1 ? 'time' : 'times'}`;
export const AGGREGATE_WORDS: Record<'sum' | 'avg' | 'min' | 'max', string> = { sum: 'Total', avg: 'Average', min: 'Lowest', max: 'Highest' };
const TIME_WORDS: Record<string, string> = {
  before: 'was before',
  after: 'was after',
  within_last_days: 'was within the last … days',
  more_than_days_ago: 'was more than … days ago',
};

function measureText(event: string, m: EventMeasure): string {
  const name = quote(event);
  if (m.fn === 'count') {
    if (m.op === 'eq' && m.value === 0) return `Did not perform ${name}`;
    if (m.op === 'lt' && m.value === 1) return `Did not perform ${name}`;
    if (m.op === 'gte' && m.value === 1) return `Performed ${name}`;
    return `Performed ${name} ${COUNT_WORDS[m.op]} ${times(m.value)}`;
  }
  if (m.fn === 'first' || m.fn === 'last') {
    const words = TIME_WORDS[m.op]!;
    const when = words.includes('…') ? words.replace('…', numberFormat.format(Number(m.value))) : `${words} ${scalarText(m.value, 'date')}`;
    return `${m.fn === 'first' ? 'First' : 'Last'} ${name} ${when}`;
  }
  if (!('property' in m)) return name;
  return `${AGGREGATE_WORDS[m.fn]} ${quote(m.property)} of ${name} ${opText(m.op, m.value, 'number')}`;
}

export function eventText(c: Pick<EventCondition, 'event'> & Partial<Pick<EventCondition, 'where' | 'window' | 'measure'>>): string {
  let text = measureText(c.event, c.measure ?? { fn: 'count', op: 'gte', value: 1 });
  const w = c.window ?? { type: 'ever' };
  const where = c.where ?? [];
  if (w.type === 'last_days') text += ` in the last ${numberFormat.format(w.days)} ${w.days === 1 ? 'day' : 'days'}`;
  if (w.type === 'between') text += ` between ${formatDay(w.from)} and ${formatDay(w.to)}`;
  if (where.length > 0) text += ` where ${where.map((f) => `${f.property} ${opText(f.op, f.value, f.type)}`).join(' and ')}`;
  return text;
}

const GROUP_WORDS = { and: 'All of these', or: 'Any of these', not: 'None of these' } as const;

export function describe(node: SegmentNodeInput, catalog: Catalog | undefined): Described {
  switch (node.kind) {
    case 'group':
      if (node.children.length === 0) return { text: node.op === 'or' ? 'Nobody (an empty “any of” group)' : node.op === 'not' ? 'Every contact (an empty “none of” group)' : 'Every contact' };
      return { text: `${GROUP_WORDS[node.op]}:`, children: node.children.map((c) => describe(c, catalog)) };
    case 'field': {
      const type = catalog?.fields.find((f) => f.field === node.field)?.type as ValueType | undefined;
      return { text: `${fieldLabel(node.field, catalog)} ${opText(node.op, node.value, type, node.field)}` };
    }
    case 'event':
      return { text: eventText(node) };
    case 'segment': {
      const target = catalog?.segments.find((s) => s.id === node.segmentId);
      const name = target ? `${quote(target.name)} (${target.kind})` : 'a deleted segment';
      return { text: `${node.member === false ? 'Is not in' : 'Is in'} ${name}` };
    }
  }
}
