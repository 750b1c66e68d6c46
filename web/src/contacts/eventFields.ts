// What an event's properties say, as a person reads them: an order as lines and money, any
// other event as labelled values, and Segment's context as where it came from. Pure
// functions, so the timeline shows exactly what they return.
import { formatDateTime } from '../lib/format.ts';
import { eventMoney, formatMoney, isOrderEvent, keyLabel, MONEY_KEYS } from './format.ts';

export interface Field {
  label: string;
  value: string;
}

/** Shown by the order view, not again in its list of other facts. */
const ORDER_KEYS = new Set(['order_id', 'currency', 'items', 'item_count', 'source_event', 'total', 'revenue', 'subtotal', 'shipping', 'tax', 'discount', '$context']);

const numberFormat = new Intl.NumberFormat('en');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function scalarText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return numberFormat.format(v);
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s))) return formatDateTime(s);
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

function valueText(eventName: string, key: string, v: unknown, currency: unknown): string {
  if (MONEY_KEYS.has(key)) {
    const money = eventMoney(eventName, v, currency);
    if (money) return money;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => !isRecord(x) && !Array.isArray(x))) return v.length === 0 ? '—' : v.map(scalarText).join(', ');
    return `${numberFormat.format(v.length)} ${v.length === 1 ? 'entry' : 'entries'} (in the raw data)`;
  }
  return scalarText(v);
}

/** An object two levels down, in one line: "city: Leeds, postcode: LS1 4AP", the rest in the raw data. */
function summary(v: Record<string, unknown>): string {
  const entries = Object.entries(v);
  const shown = entries.filter(([, x]) => !isRecord(x) && !Array.isArray(x)).slice(0, 3);
  const line = shown.map(([k, x]) => `${keyLabel(k).toLowerCase()}: ${scalarText(x)}`).join(', ');
  if (shown.length === entries.length) return line || '—';
  return line ? `${line}, … (in the raw data)` : 'in the raw data';
}

const MAX_FIELDS = 40;

/**
 * An event's properties as labelled values (nested objects one level deep: "Traits › Email"),
 * money in the event's currency. Segment's `$context` is left to `contextFields`; an order's
 * own facts to `orderView`.
 */
export function readableFields(eventName: string, properties: Record<string, unknown>): { fields: Field[]; more: number } {
  const skip = isOrderEvent(eventName) ? ORDER_KEYS : new Set(['$context']);
  const currency = properties.currency;
  const out: Field[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (skip.has(key)) continue;
    if (isRecord(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) continue;
      for (const [inner, v] of entries) {
        out.push({ label: `${keyLabel(key)} › ${keyLabel(inner)}`, value: isRecord(v) ? summary(v) : valueText(eventName, inner, v, value.currency ?? currency) });
      }
      continue;
    }
    out.push({ label: keyLabel(key), value: valueText(eventName, key, value, currency) });
  }
  return { fields: out.slice(0, MAX_FIELDS), more: Math.max(0, out.length - MAX_FIELDS) };
}

/**
 * Where a tracked event came from, from Segment's context: the page, the referrer, the
 * campaign, the address and language, and the library that sent it. The rest (user agent,
 * device, screen…) stays in the raw data.
 */
export function contextFields(properties: Record<string, unknown>): Field[] {
  const c = properties.$context;
  if (!isRecord(c)) return [];
  const out: Field[] = [];
  const page = isRecord(c.page) ? c.page : {};
  const where = text(page.url) ?? text(page.path);
  if (where) out.push({ label: 'Page', value: where });
  if (text(page.referrer)) out.push({ label: 'Came from', value: text(page.referrer)! });
  if (isRecord(c.campaign)) {
    const name = text(c.campaign.name);
    const how = [text(c.campaign.source), text(c.campaign.medium)].filter(Boolean).join(' / ');
    if (name || how) out.push({ label: 'Campaign', value: name && how ? `${name} (${how})` : (name ?? how) });
  }
  if (text(c.ip)) out.push({ label: 'IP address', value: text(c.ip)! });
  if (text(c.locale)) out.push({ label: 'Language', value: text(c.locale)! });
  if (text(c.timezone)) out.push({ label: 'Time zone', value: text(c.timezone)! });
  if (isRecord(c.library) && text(c.library.name)) {
    out.push({ label: 'Sent by', value: [text(c.library.name), text(c.library.version)].filter(Boolean).join(' ') });
  }
  return out;
}

export interface OrderLine {
  /** The product's name, else its SKU or id. */
  title: string;
  /** SKU (when the name is the title), variant, category. */
  detail: string;
  quantity: number;
  unitPrice: string | null;
  total: string | null;
}

export interface OrderView {
  orderId: string | null;
  /** The name the shop sent it under, when not Rapport's own ("Order Completed"). */
  sentAs: string | null;
  lines: OrderLine[];
  /** Subtotal, discount, shipping, tax, revenue: whichever the order has. */
  amounts: Field[];
  total: string | null;
  itemCount: number | null;
}

/**
 * A purchase or refund as an order: its lines and amounts as money in its currency. A refund's
 * lines read as what was given back (an imported cancellation stores them as negative quantities).
 */
export function orderView(properties: Record<string, unknown>, refund = false): OrderView {
  const p = properties;
  const money = (v: unknown) => formatMoney(v, p.currency);
  const lines: OrderLine[] = (Array.isArray(p.items) ? p.items : []).filter(isRecord).map((it) => {
    const name = text(it.name);
    const sku = text(it.sku);
    const title = name ?? sku ?? text(it.product_id) ?? 'Item';
    const given = typeof it.quantity === 'number' ? it.quantity : 1;
    const quantity = refund ? Math.abs(given) : given;
    const unit = typeof it.unit_price === 'number' ? it.unit_price : undefined;
    const lineTotal = typeof it.total === 'number' ? it.total : unit !== undefined ? unit * given : undefined;
    const total = refund && lineTotal !== undefined ? Math.abs(lineTotal) : lineTotal;
    const detail = [name && sku ? `SKU ${sku}` : undefined, text(it.variant), text(it.category)].filter(Boolean).join(' · ');
    return { title, detail, quantity, unitPrice: money(unit), total: money(total) };
  });
  const amounts: Field[] = [];
  const add = (label: string, v: unknown, sign = '') => {
    const m = money(v);
    if (m) amounts.push({ label, value: `${sign}${m}` });
  };
  add('Subtotal', p.subtotal);
  if (typeof p.discount === 'number' && p.discount !== 0) add('Discount', Math.abs(p.discount), '−');
  add('Shipping', p.shipping);
  add('Tax', p.tax);
  if (typeof p.revenue === 'number' && p.revenue !== p.total) add('Revenue (before shipping and tax)', p.revenue);
  const sourceEvent = text(p.source_event);
  return {
    orderId: text(p.order_id) ?? null,
    sentAs: sourceEvent && !isOrderEvent(sourceEvent) ? sourceEvent : null,
    lines,
    amounts,
    total: money(p.total),
    itemCount: typeof p.item_count === 'number' ? p.item_count : null,
  };
}
