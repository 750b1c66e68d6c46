// How contact values and events read in the app: "Bought 3 items for £45.20".
import { type EventKind, isSystemEvent, moneyText, purchaseSentence, refundSentence, systemEvent } from '../../../src/events/catalogue.ts';
import { toMinorUnits } from '../../../src/shared/money.ts';
import { countryName } from '../lib/countries.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import type { FieldInfo, PropertyValue, TimelineEvent } from './model.ts';

const numberFormat = new Intl.NumberFormat('en');

/** A field's value as text for a table cell or a detail row; '' when there is none. */
export function formatValue(field: Pick<FieldInfo, 'type' | 'optionLabels'>, value: PropertyValue | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? numberFormat.format(value) : String(value);
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'date':
      return typeof value === 'string' ? formatDay(value) : String(value);
    case 'enum':
      return field.optionLabels?.[String(value)] ?? String(value);
    case 'country':
      return countryName(String(value));
    default:
      return String(value);
  }
}

/** "2024-03-05" as a day (never shifted by the viewer's time zone); instants as date and time. */
export function formatDay(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return value.length > 10 && !value.endsWith('T00:00:00.000Z') ? formatDateTime(value) : formatDate(value);
}

/**
 * Integer minor units of an ISO currency: (4520, 'GBP') → "£45.20"; (500, 'JPY') → "¥500";
 * (150000, 'HUF') → "HUF 1,500.00". The decimals are the currency's ISO 4217 exponent (the
 * server's own rule, src/shared/money.ts), not Intl's display digits, which differ for HUF,
 * COP and IDR and would show those amounts a hundred times too large. Null when there is no amount.
 */
export function formatMoney(minor: unknown, currency: unknown): string | null {
  return moneyText(minor, currency);
}

/** Property names that hold an amount of money (Segment's e-commerce names and the purchase model's). */
export const MONEY_KEYS = new Set(['total', 'revenue', 'value', 'amount', 'price', 'subtotal', 'shipping', 'tax', 'discount', 'unit_price']);

export const isOrderEvent = (name: string) => name === 'purchase' || name === 'refund';

/**
 * Whether an event's amounts are integer minor units: the purchase model's events and
 * Rapport's own are; an event a shop tracks under its own name ("Product Viewed") keeps its
 * amounts as sent, which Segment's spec puts in major units (price: 24.5 is £24.50).
 */
export function amountsInMinorUnits(name: string): boolean {
  return isSystemEvent(name);
}

/** An amount of an event as money in the event's currency; null when it is not one. */
export function eventMoney(eventName: string, amount: unknown, currency: unknown): string | null {
  if (typeof currency !== 'string') return null;
  if (amountsInMinorUnits(eventName)) return formatMoney(amount, currency);
  if (typeof amount !== 'number' && typeof amount !== 'string') return null;
  const minor = toMinorUnits(amount, currency.trim().toUpperCase());
  return minor.ok ? formatMoney(minor.value, currency) : null;
}

/** A property's name as a label: "order_id" → "Order ID", "groupId" → "Group ID", "utm_source" → "UTM source". */
export function keyLabel(key: string): string {
  const words = key
    .replace(/^\$/, '')
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
    .replace(/\b(id|url|sku|ip|utm|uri)\b/g, (w) => w.toUpperCase());
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}


/** "order_shipped" → "Order shipped"; "email.link_clicked" → "Email link clicked". */
export function humanize(name: string): string {
  const words = name.replace(/[._-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** Up to three scalar properties, for events without a sentence of their own ("product ID: ESP-250, price: £24.50"). */
function keyProperties(name: string, props: Record<string, unknown>): string {
  return Object.entries(props)
    // The currency shows in the amounts it belongs to.
    .filter(([k, v]) => k !== 'currency' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .slice(0, 3)
    .map(([k, v]) => {
      const label = keyLabel(k);
      const lead = /^[A-Z]{2,}\b/.test(label) ? label : label[0]!.toLowerCase() + label.slice(1);
      const money = MONEY_KEYS.has(k) ? eventMoney(name, v, props.currency) : null;
      return `${lead}: ${money ?? (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v).slice(0, 60))}`;
    })
    .join(', ');
}

/** One readable sentence per event: the catalogue's for Rapport's own, Segment's e-commerce names, else the name and a few properties. */
export function eventSentence(event: Pick<TimelineEvent, 'name' | 'properties'>): string {
  const p = event.properties;
  const known = systemEvent(event.name);
  if (known) return known.sentence(p);
  if (event.name === 'order.completed' || event.name === 'Order Completed') return purchaseSentence(p);
  if (event.name === 'Order Refunded') return refundSentence(p);
  const details = keyProperties(event.name, p);
  return details ? `${humanize(event.name)} · ${details}` : humanize(event.name);
}

/** The colour and group of an event kind, for its icon on the timeline. */
export function eventKind(name: string): EventKind {
  const known = systemEvent(name);
  if (known) return known.kind;
  if (name === 'order.completed' || name === 'Order Completed') return 'purchase';
  if (name === 'Order Refunded') return 'refund';
  if (name.startsWith('email.')) return 'email';
  if (name.startsWith('segment.')) return 'segment';
  if (name.startsWith('workflow.')) return 'workflow';
  if (name.startsWith('survey.')) return 'survey';
  if (/^(points|coupon|tier|reward)\./.test(name)) return 'loyalty';
  return 'other';
}
