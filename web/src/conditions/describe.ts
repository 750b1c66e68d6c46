// A definition in words: "Performed “purchase” at least 2 times in the last 365 days",
// "Loyalty tier is Gold", "Is not in “VIP customers”", nested under "All of / Any of / None of".
import { BUILT_IN_FIELDS } from '../../../src/contacts/fields.ts';
import { eventLabel, systemEvent } from '../../../src/events/catalogue.ts';
import { FIELD_OP_LABELS, type FieldOp, MONEY_METRICS, TIME_OP_LABELS, type ValueType } from '../../../src/segments/vocabulary.ts';
import { formatMoney } from '../../../src/shared/money.ts';
import { formatDay } from '../contacts/format.ts';
import { countryName } from '../lib/countries.ts';
import type { Catalog, EventCondition, EventMeasure, PurchaseCondition, SegmentNodeInput } from './model.ts';

export interface Described {
  text: string;
  children?: Described[];
}

const numberFormat = new Intl.NumberFormat('en');
const quote = (s: string) => `“${s}”`;


export function fieldLabel(field: string, catalog: Catalog | undefined): string {
  return catalog?.fields.find((f) => f.field === field)?.label ?? (field.startsWith('properties.') ? field.slice('properties.'.length) : field);
}

/** The label of a built-in choice ("customer" → "Customer"); a property's option is its own label. */
export function optionLabel(field: string, option: string): string {
  return (Object.hasOwn(BUILT_IN_FIELDS, field) ? BUILT_IN_FIELDS[field]!.optionLabels?.[option] : undefined) ?? option;
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
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${numberFormat.format(n)} times`);
export const AGGREGATE_WORDS: Record<'sum' | 'avg' | 'min' | 'max', string> = { sum: 'Total', avg: 'Average', min: 'Lowest', max: 'Highest' };
function measureText(event: string, m: EventMeasure, currency: string | undefined): string {
  const known = systemEvent(event);
  const name = quote(eventLabel(event));
  const did = known?.did ?? `Performed ${name}`;
  const didNot = known?.didNot ?? `Did not perform ${name}`;
  if (m.fn === 'count') {
    if ((m.op === 'eq' && m.value === 0) || (m.op === 'lt' && m.value === 1)) return didNot;
    if (m.op === 'gte' && m.value === 1) return did;
    return `${did} ${COUNT_WORDS[m.op]} ${times(m.value)}`;
  }
  if (m.fn === 'first' || m.fn === 'last') {
    const words = TIME_OP_LABELS[m.op];
    const when = words.includes('…') ? words.replace('…', numberFormat.format(Number(m.value))) : `${words} ${scalarText(m.value, 'date')}`;
    return `${m.fn === 'first' ? 'First' : 'Last'} ${known ? known.label.toLowerCase() : name} ${when}`;
  }
  if (!('property' in m)) return name;
  // Purchases in one currency: their total is money ("Spent at least £64.50").
  if (event === 'purchase' && m.property === 'total' && currency) {
    const amount = (v: number) => formatMoney(v, currency, 'en-GB');
    const range = Array.isArray(m.value) ? `between ${amount(m.value[0])} and ${amount(m.value[1])}` : `${MONEY_WORDS[m.op]} ${amount(m.value)}`;
    if (m.fn === 'sum') return `Spent ${range}`;
    return `${AGGREGATE_WORDS[m.fn]} order was ${range}`;
  }
  return `${AGGREGATE_WORDS[m.fn]} ${quote(m.property)} of ${name} ${opText(m.op, m.value, 'number')}`;
}

const MONEY_WORDS: Record<string, string> = { gt: 'more than', gte: 'at least', lt: 'less than', lte: 'at most', eq: 'exactly', neq: 'other than' };

export function eventText(c: Pick<EventCondition, 'event'> & Partial<Pick<EventCondition, 'where' | 'window' | 'measure'>>): string {
  const where = c.where ?? [];
  // "where currency is GBP" is said by the amount itself.
  const currencyFilter = c.event === 'purchase' ? where.find((f) => f.property === 'currency' && f.op === 'eq' && typeof f.value === 'string') : undefined;
  const rest = currencyFilter && (c.measure?.fn === 'sum' || c.measure?.fn === 'avg' || c.measure?.fn === 'min' || c.measure?.fn === 'max') ? where.filter((f) => f !== currencyFilter) : where;
  let text = measureText(c.event, c.measure ?? { fn: 'count', op: 'gte', value: 1 }, rest === where ? undefined : (currencyFilter!.value as string));
  const w = c.window ?? { type: 'ever' };
  if (w.type === 'last_days') text += w.days === 365 ? ' in the last year' : ` in the last ${numberFormat.format(w.days)} ${w.days === 1 ? 'day' : 'days'}`;
  if (w.type === 'between') text += ` between ${formatDay(w.from)} and ${formatDay(w.to)}`;
  if (rest.length > 0) text += ` where ${rest.map((f) => `${f.property} ${opText(f.op, f.value, f.type)}`).join(' and ')}`;
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
    case 'purchases':
      return { text: purchaseText(node) };
    case 'segment': {
      const target = catalog?.segments.find((s) => s.id === node.segmentId);
      const name = target ? `${quote(target.name)} (${target.kind})` : 'a deleted segment';
      return { text: `${node.member === false ? 'Is not in' : 'Is in'} ${name}` };
    }
  }
}

const COMPARE_WORDS: Record<string, string> = { eq: 'exactly', neq: 'not', gt: 'more than', gte: 'at least', lt: 'fewer than', lte: 'at most' };

/** "Spent at least £64.50 in all", "Bought 3 to 5 times", "Last order more than 90 days ago". */
export function purchaseText(c: Pick<PurchaseCondition, 'metric' | 'op' | 'value'> & { currency?: string }): string {
  const cur = c.currency;
  const inCurrency = cur && !MONEY_METRICS.includes(c.metric) ? ` in ${cur}` : '';
  if (c.metric === 'first_order' || c.metric === 'last_order') {
    const which = c.metric === 'first_order' ? 'First order' : 'Last order';
    if (c.op === 'is_set') return `Has ordered${inCurrency}`;
    if (c.op === 'is_not_set') return `Has never ordered${inCurrency}`;
    return `${which}${inCurrency} ${opText(c.op, c.value, 'date').replace(/^is /, 'was ')}`;
  }
  const value = c.value;
  if (MONEY_METRICS.includes(c.metric)) {
    const amount = (v: unknown) => (typeof v === 'number' && cur ? formatMoney(v, cur, 'en-GB') : '?');
    const range = Array.isArray(value) ? `between ${amount(value[0])} and ${amount(value[1])}` : `${COMPARE_WORDS[c.op] === 'fewer than' ? 'less than' : (COMPARE_WORDS[c.op] ?? c.op)} ${amount(value)}`;
    switch (c.metric) {
      case 'spent':
        return `Spent ${range} in all`;
      case 'net_spent':
        return `Spent ${range} in all, after refunds`;
      case 'refunded':
        return `Was refunded ${range} in all`;
      case 'clv':
        return `Predicted to spend ${range} over the coming months`;
      case 'expected_order_value':
        return `Expected order value ${range}`;
      default:
        return `Average order ${range}`;
    }
  }
  const noun = c.metric === 'items' ? 'items' : c.metric === 'refunds' ? 'refunds' : 'orders';
  if (c.metric === 'orders' && ((c.op === 'eq' && value === 0) || (c.op === 'lt' && value === 1))) return `Has never ordered${inCurrency}`;
  if (Array.isArray(value)) {
    if (c.metric === 'orders') return `Bought ${numberFormat.format(Number(value[0]))} to ${numberFormat.format(Number(value[1]))} times${inCurrency}`;
    return `${sentence(noun)} between ${numberFormat.format(Number(value[0]))} and ${numberFormat.format(Number(value[1]))}${inCurrency}`;
  }
  const n = Number(value);
  if (c.metric === 'orders') return `Bought ${COMPARE_WORDS[c.op]} ${times(n)}${inCurrency}`;
  if (c.metric === 'refunds') return `Was refunded ${COMPARE_WORDS[c.op]} ${times(n)}${inCurrency}`;
  return `Bought ${COMPARE_WORDS[c.op]} ${numberFormat.format(n)} ${n === 1 ? 'item' : 'items'}${inCurrency}`;
}

const sentence = (s: string) => s[0]!.toUpperCase() + s.slice(1);
